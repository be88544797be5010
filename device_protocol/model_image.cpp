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

ImageStatus parseModelImage(ConstByteSpan image, ModelImageHeader* out) {
  if (image.size() < kModelImageHeaderSize) return ImageStatus::kTooShort;
  const uint8_t* p = image.data();
  if (le32(p) != kModelImageMagic) return ImageStatus::kBadMagic;
  if (le16(p + 4) != kModelImageVersion || le16(p + 6) != kModelImageHeaderSize)
    return ImageStatus::kBadVersion;
  if (le32(p + kOffCrc) != crc32(ConstByteSpan(p, kOffCrc))) return ImageStatus::kBadHeaderCrc;
  ModelImageHeader h;
  h.formatVersion = static_cast<uint16_t>(le16(p + 4));
  h.payloadSize = le32(p + kOffPayloadSize);
  if (h.payloadSize == 0 || h.payloadSize != image.size() - kModelImageHeaderSize)
    return ImageStatus::kSizeMismatch;
  h.minProtocolVersion = p[kOffMinProtocol];
  for (size_t i = 0; i < 3; ++i) h.minFirmware[i] = p[kOffMinFirmware + i];
  for (size_t i = 0; i < kSha256Size; ++i) h.payloadSha256.bytes[i] = p[kOffSha + i];
  size_t nameLen = 0;
  while (nameLen < kMaxNameLen && p[kOffName + nameLen] != 0) ++nameLen;
  for (size_t i = nameLen; i < kMaxNameLen; ++i) {
    if (p[kOffName + i] != 0) return ImageStatus::kBadHeader;  // NUL inside the name
  }
  h.modelName.assign(reinterpret_cast<const char*>(p + kOffName), nameLen);
  for (size_t i = 0; i < kKernelSetCount; ++i) h.arenaBytes[i] = le32(p + kOffArena + 4 * i);
  const size_t ops = p[kOffOpCount];
  if (ops > kMaxImageOps || p[kOffOpCount + 1] != 0) return ImageStatus::kBadHeader;
  for (size_t i = 0; i < kMaxImageOps; ++i) {
    const uint16_t code = static_cast<uint16_t>(le16(p + kOffOps + 2 * i));
    if (i < ops) {
      h.opCodes.push(code);
    } else if (code != 0) {
      return ImageStatus::kBadHeader;
    }
  }
  h.signatureType = static_cast<uint16_t>(le16(p + kOffSignatureType));
  if (out != nullptr) *out = h;
  return ImageStatus::kOk;
}

ImageStatus verifyModelImage(ConstByteSpan image, ModelImageHeader* out) {
  ModelImageHeader h;
  const ImageStatus s = parseModelImage(image, &h);
  if (s != ImageStatus::kOk) return s;
  if (sha256(imagePayload(image)) != h.payloadSha256) return ImageStatus::kPayloadMismatch;
  if (out != nullptr) *out = h;
  return ImageStatus::kOk;
}

}  // namespace tinyscope::proto
