#include "device_protocol/model_image.h"

#include "device_protocol/crc32.h"

namespace tinyscope::proto {

namespace {
constexpr size_t kOffPayloadSize = 8;
constexpr size_t kOffMinProtocol = 12;
constexpr size_t kOffMinFirmware = 13;
constexpr size_t kOffSha = 16;
constexpr size_t kOffName = 48;
constexpr size_t kOffArena = 72;
constexpr size_t kOffOpCount = 88;
constexpr size_t kOffOps = 90;
constexpr size_t kOffSignatureType = 186;
constexpr size_t kOffSignature = 188;
constexpr size_t kOffCrc = 252;
static_assert(kOffSignature + kImageSignatureSize == kOffCrc, "header layout");
static_assert(kOffOps + 2 * kMaxImageOps == kOffSignatureType, "header layout");
static_assert(kOffCrc + 4 == kModelImageHeaderSize, "header layout");
static_assert(kModelImageHeaderSize % 16 == 0, "payload stays 16-byte aligned");

uint32_t le16(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8;
}
uint32_t le32(const uint8_t* p) {
  return le16(p) | le16(p + 2) << 16;
}
void put16(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, v);
  put16(p + 2, v >> 16);
}
}  // namespace

const char* imageStatusMessage(ImageStatus status) {
  switch (status) {
    case ImageStatus::kOk:
      return "ok";
    case ImageStatus::kTooShort:
      return "shorter than a model image header";
    case ImageStatus::kBadMagic:
      return "not a tinyscope model image (magic is not TSMI)";
    case ImageStatus::kBadVersion:
      return "model image format version or header size not supported";
    case ImageStatus::kBadHeaderCrc:
      return "model image header CRC does not match (damaged header)";
    case ImageStatus::kBadHeader:
      return "model image header field out of range";
    case ImageStatus::kSizeMismatch:
      return "model image payload size disagrees with its length";
    case ImageStatus::kPayloadMismatch:
      return "model SHA-256 does not match the image header";
  }
  return "unknown image status";
}

ImageStatus encodeModelImageHeader(const ModelImageHeader& h, ByteSpan out) {
  if (out.size() < kModelImageHeaderSize || h.payloadSize == 0 ||
      h.formatVersion != kModelImageVersion || h.opCodes.size() > kMaxImageOps) {
    return ImageStatus::kBadHeader;
  }
  uint8_t* p = out.data();
  for (size_t i = 0; i < kModelImageHeaderSize; ++i) p[i] = 0;
  put32(p, kModelImageMagic);
  put16(p + 4, h.formatVersion);
  put16(p + 6, kModelImageHeaderSize);
  put32(p + kOffPayloadSize, h.payloadSize);
  p[kOffMinProtocol] = h.minProtocolVersion;
  for (size_t i = 0; i < 3; ++i) p[kOffMinFirmware + i] = h.minFirmware[i];
  for (size_t i = 0; i < kSha256Size; ++i) p[kOffSha + i] = h.payloadSha256.bytes[i];
  for (size_t i = 0; i < h.modelName.size(); ++i) p[kOffName + i] = h.modelName.bytes()[i];
  for (size_t i = 0; i < kKernelSetCount; ++i) put32(p + kOffArena + 4 * i, h.arenaBytes[i]);
  p[kOffOpCount] = static_cast<uint8_t>(h.opCodes.size());
  for (size_t i = 0; i < h.opCodes.size(); ++i) put16(p + kOffOps + 2 * i, h.opCodes[i]);
  put16(p + kOffSignatureType, h.signatureType);
  put32(p + kOffCrc, crc32(ConstByteSpan(p, kOffCrc)));
  return ImageStatus::kOk;
}

ImageStatus checkModelImage(ConstByteSpan image) {
  if (image.size() < kModelImageHeaderSize) return ImageStatus::kTooShort;
  const uint8_t* p = image.data();
  if (le32(p) != kModelImageMagic) return ImageStatus::kBadMagic;
  if (le16(p + 4) != kModelImageVersion || le16(p + 6) != kModelImageHeaderSize)
    return ImageStatus::kBadVersion;
  if (le32(p + kOffCrc) != crc32(ConstByteSpan(p, kOffCrc))) return ImageStatus::kBadHeaderCrc;
  const uint32_t size = le32(p + kOffPayloadSize);
  if (size == 0 || size != image.size() - kModelImageHeaderSize) return ImageStatus::kSizeMismatch;
  return ImageStatus::kOk;
}

ImageStatus parseModelImage(ConstByteSpan image, ModelImageHeader* out) {
  const ImageStatus s = checkModelImage(image);
  if (s != ImageStatus::kOk) return s;
  const uint8_t* p = image.data();
  // The name ends at its first NUL and only NULs follow; op codes past opCount are 0.
  bool ended = false;
  for (size_t i = 0; i < kMaxNameLen; ++i) {
    if (ended && p[kOffName + i] != 0) return ImageStatus::kBadHeader;
    ended = ended || p[kOffName + i] == 0;
  }
  const size_t ops = p[kOffOpCount];
  if (ops > kMaxImageOps || p[kOffOpCount + 1] != 0) return ImageStatus::kBadHeader;
  for (size_t i = 2 * ops; i < 2 * kMaxImageOps; ++i) {
    if (p[kOffOps + i] != 0) return ImageStatus::kBadHeader;
  }
  if (out == nullptr) return ImageStatus::kOk;
  ModelImageHeader h;
  h.formatVersion = static_cast<uint16_t>(le16(p + 4));
  h.payloadSize = le32(p + kOffPayloadSize);
  h.minProtocolVersion = p[kOffMinProtocol];
  for (size_t i = 0; i < 3; ++i) h.minFirmware[i] = p[kOffMinFirmware + i];
  for (size_t i = 0; i < kSha256Size; ++i) h.payloadSha256.bytes[i] = p[kOffSha + i];
  size_t nameLen = 0;
  while (nameLen < kMaxNameLen && p[kOffName + nameLen] != 0) ++nameLen;
  h.modelName.assign(reinterpret_cast<const char*>(p + kOffName), nameLen);
  for (size_t i = 0; i < kKernelSetCount; ++i) h.arenaBytes[i] = le32(p + kOffArena + 4 * i);
  for (size_t i = 0; i < p[kOffOpCount]; ++i)
    h.opCodes.push(static_cast<uint16_t>(le16(p + kOffOps + 2 * i)));
  h.signatureType = static_cast<uint16_t>(le16(p + kOffSignatureType));
  *out = h;
  return ImageStatus::kOk;
}

FlashBegin makeFlashBegin(uint8_t slot, ConstByteSpan image, const char* name,
                          uint32_t resumeOffset) {
  FlashBegin m;
  m.slot = slot;
  m.size = static_cast<uint32_t>(image.size());
  m.crc32 = crc32(image);
  if (name != nullptr) m.modelName.assign(name);
  if (resumeOffset > image.size()) resumeOffset = static_cast<uint32_t>(image.size());
  m.resumeOffset = resumeOffset;
  Sha256 h;
  h.update(image.first(resumeOffset));
  const Sha256Digest prefix = h.finish();
  m.prefixSha256.assign(ConstByteSpan(prefix.bytes, kSha256Size));
  const Sha256Digest whole = sha256(image);
  m.imageSha256.assign(ConstByteSpan(whole.bytes, kSha256Size));
  return m;
}

ImageStatus verifyModelImage(ConstByteSpan image) {
  const ImageStatus s = checkModelImage(image);
  if (s != ImageStatus::kOk) return s;
  const Sha256Digest actual = sha256(imagePayload(image));
  return sameBytes(ConstByteSpan(actual.bytes, kSha256Size), image.subspan(kOffSha, kSha256Size))
             ? ImageStatus::kOk
             : ImageStatus::kPayloadMismatch;
}

}  // namespace tinyscope::proto
