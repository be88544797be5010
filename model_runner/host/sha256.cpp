#include "model_runner/host/sha256.h"

#include "device_protocol/sha256.h"

namespace tinyscope::runner::host {

std::string sha256Hex(const uint8_t* data, size_t size) {
  const proto::Sha256Digest d = proto::sha256(proto::ConstByteSpan(data, size));
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * proto::kSha256Size);
  for (uint8_t b : d.bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace tinyscope::runner::host
