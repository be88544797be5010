// SHA-256 (FIPS 180-4): the digest that identifies a model image (model_image.h), checks a
// slot after flashing and decides whether an interrupted transfer may resume. One
// definition for the firmware agent and the desktop (model_runner/host's hex form wraps it).
//
// Incremental: feed pieces in order, then finish(). State is 108 bytes, on the caller's
// stack or inside its object; the 256-byte round-constant table is in .rodata. No heap;
// any thread or interrupt may use its own instance.
#pragma once

#include "device_protocol/span.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

constexpr size_t kSha256Size = 32;

struct Sha256Digest {
  uint8_t bytes[kSha256Size] = {};
  bool operator==(const Sha256Digest& o) const;
  bool operator!=(const Sha256Digest& o) const { return !(*this == o); }
};

class Sha256 {
 public:
  Sha256() { reset(); }
  void reset();
  void update(ConstByteSpan bytes);
  // The digest of everything fed since reset(); the object is reset afterwards.
  Sha256Digest finish();

 private:
  void block(const uint8_t* p);

  uint32_t m_h[8];
  uint64_t m_length;  // bytes fed
  uint8_t m_buffer[64];
  uint32_t m_buffered;
};

// One-shot form.
Sha256Digest sha256(ConstByteSpan bytes);

}  // namespace tinyscope::proto
