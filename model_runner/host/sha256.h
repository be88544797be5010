// SHA-256 of a byte range as lower-case hex (host only; used for manifest model_sha256).
// The digest itself is device_protocol/sha256.h; this is its text form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tinyscope::runner::host {

std::string sha256Hex(const uint8_t* data, size_t size);

}  // namespace tinyscope::runner::host
