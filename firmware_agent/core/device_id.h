// A port's HelloReply.deviceId when it has no unique id of its own: the 64-bit FNV-1a hash of a
// name that tells its instances apart (the board name on an MCU, the slot folder on the host),
// little-endian. Header only, freestanding, any context, no memory of its own.
#pragma once

#include <stdint.h>

namespace tinyscope::agent {

constexpr uint32_t kDeviceIdBytes = 8;

inline void deviceIdFromName(const char* name, uint8_t out[kDeviceIdBytes]) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char* c = name; *c != '\0'; ++c) h = (h ^ uint8_t(*c)) * 0x100000001b3ull;
  for (uint32_t i = 0; i < kDeviceIdBytes; ++i) out[i] = uint8_t(h >> (8 * i));
}

}  // namespace tinyscope::agent
