// The model image: what `flash` sends and a model slot stores. A fixed 256-byte header
// followed by the .tflite bytes; one definition for the firmware agent (which verifies it
// before loading) and the desktop (which builds it and checks it against the device before
// sending a byte). docs/PROTOCOL.md "Model images" is the byte-level reference:
//
//   off size field
//     0   4  magic               kModelImageMagic ("TSMI" in memory)
//     4   2  formatVersion       kModelImageVersion
//     6   2  headerSize          kModelImageHeaderSize (payload offset; 16-byte aligned)
//     8   4  payloadSize         .tflite bytes after the header, >= 1
//    12   1  minProtocolVersion  lowest protocol version of a device that may run it
//    13   3  minFirmware         major, minor, patch of the lowest firmware that may run it
//    16  32  payloadSha256       SHA-256 of the .tflite bytes
//    48  24  modelName           UTF-8, NUL-padded, no NUL inside
//    72  16  arenaBytes[4]       tensor arena needed per kernel set (KernelSet), 0 = unknown
//    88   1  opCount             <= kMaxImageOps distinct BuiltinOperator codes
//    89   1  reserved            0
//    90  96  opCodes[48]         u16 each, the first opCount used, the rest 0
//   186   2  signatureType       0 = unsigned (signed images are a later format version)
//   188  64  signature           room for an Ed25519 / P-256 signature; zeros
//   252   4  headerCrc32         CRC-32/IEEE of bytes 0..251
//
// All integers little-endian; parsed byte by byte, never cast. Memory: the header struct is
// ~170 bytes; nothing allocates. Any thread. Errors: ImageStatus, one sentence each.
#pragma once

#include "device_protocol/bounded.h"
#include "device_protocol/messages.h"
#include "device_protocol/sha256.h"
#include "device_protocol/span.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

constexpr uint32_t kModelImageMagic = 0x494D5354u;  // 'T' 'S' 'M' 'I'
constexpr uint16_t kModelImageVersion = 1;
constexpr size_t kModelImageHeaderSize = 256;
constexpr size_t kMaxImageOps = 48;
constexpr size_t kImageSignatureSize = 64;

// Kernel sets an image states its arena need for (index into arenaBytes).
enum class KernelSet : uint8_t { kReference = 0, kOptimizedHost = 1, kCortexM = 2, kReserved = 3 };
constexpr size_t kKernelSetCount = 4;

struct ModelImageHeader {
  uint16_t formatVersion = kModelImageVersion;
  uint32_t payloadSize = 0;
  uint8_t minProtocolVersion = kFlashingProtocolVersion;
  uint8_t minFirmware[3] = {0, 0, 0};
  Sha256Digest payloadSha256;
  BoundedString<kMaxNameLen> modelName;
  uint32_t arenaBytes[kKernelSetCount] = {0, 0, 0, 0};
  BoundedArray<uint16_t, kMaxImageOps> opCodes;
  uint16_t signatureType = 0;
};

enum class ImageStatus : uint8_t {
  kOk = 0,
  kTooShort,         // fewer bytes than the header
  kBadMagic,         // not a model image (a bare .tflite, or garbage)
  kBadVersion,       // a format version or header size this build does not read
  kBadHeaderCrc,     // header bytes damaged
  kBadHeader,        // a field out of range (op count, name, reserved bytes)
  kSizeMismatch,     // payloadSize disagrees with the bytes present
  kPayloadMismatch,  // SHA-256 of the payload differs from payloadSha256
};

const char* imageStatusMessage(ImageStatus status);

// Writes the kModelImageHeaderSize header bytes for `h` into `out` (the CRC computed here).
// kBadHeader when `out` is too small or a field is out of range.
ImageStatus encodeModelImageHeader(const ModelImageHeader& h, ByteSpan out);

// Checks the header at the start of `image` (magic, version, CRC) and payloadSize against
// image.size(); no payload hash. What the agent needs to load the payload, without the
// field checks and extraction below (kept out of the firmware, which reads no other field).
ImageStatus checkModelImage(ConstByteSpan image);

// checkModelImage, every field's range (name, operator list), then the fields into *out
// (may be null) on kOk.
ImageStatus parseModelImage(ConstByteSpan image, ModelImageHeader* out);

// checkModelImage + SHA-256 of the payload against payloadSha256 (one pass over the model).
// The desktop also runs parseModelImage on what it sends.
ImageStatus verifyModelImage(ConstByteSpan image);

// The FlashBegin that sends `image` (any bytes: normally a model image) to `slot`: size,
// CRC-32, SHA-256 of the whole image, and the SHA-256 of its first `resumeOffset` bytes
// (0: a fresh transfer). One pass over the image. `name` may be null.
FlashBegin makeFlashBegin(uint8_t slot, ConstByteSpan image, const char* name,
                          uint32_t resumeOffset);

// The .tflite bytes of a parsed image.
inline ConstByteSpan imagePayload(ConstByteSpan image) {
  return image.subspan(kModelImageHeaderSize);
}

}  // namespace tinyscope::proto
