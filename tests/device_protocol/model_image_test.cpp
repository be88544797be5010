#include "device_protocol/model_image.h"

#include <gtest/gtest.h>

#include <vector>

#include "device_protocol/crc32.h"

using namespace tinyscope::proto;

namespace {
using Bytes = std::vector<uint8_t>;

Bytes payload(size_t n) {
  Bytes p(n);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(i * 31 + 5);
  return p;
}

ModelImageHeader headerFor(const Bytes& p) {
  ModelImageHeader h;
  h.payloadSize = static_cast<uint32_t>(p.size());
  h.payloadSha256 = sha256(ConstByteSpan(p.data(), p.size()));
  h.modelName.assign("kws_int8");
  h.minProtocolVersion = 1;
  h.minFirmware[0] = 0;
  h.minFirmware[1] = 3;
  h.minFirmware[2] = 1;
  h.arenaBytes[0] = 24576;
  h.arenaBytes[2] = 20480;
  h.opCodes.push(3);   // CONV_2D
  h.opCodes.push(9);   // FULLY_CONNECTED
  h.opCodes.push(25);  // SOFTMAX
  return h;
}

Bytes imageOf(const ModelImageHeader& h, const Bytes& p) {
  Bytes img(kModelImageHeaderSize);
  EXPECT_EQ(encodeModelImageHeader(h, ByteSpan(img.data(), img.size())), ImageStatus::kOk);
  img.insert(img.end(), p.begin(), p.end());
  return img;
}

ConstByteSpan view(const Bytes& b) {
  return ConstByteSpan(b.data(), b.size());
}

void refreshCrc(Bytes& img) {
  const uint32_t c = crc32(ConstByteSpan(img.data(), 252));
  for (int i = 0; i < 4; ++i) img[252 + i] = static_cast<uint8_t>(c >> (8 * i));
}
}  // namespace

TEST(ModelImage, RoundTripsEveryField) {
  const Bytes p = payload(1000);
  const ModelImageHeader h = headerFor(p);
  const Bytes img = imageOf(h, p);
  ModelImageHeader back;
  ASSERT_EQ(verifyModelImage(view(img)), ImageStatus::kOk);
  ASSERT_EQ(parseModelImage(view(img), &back), ImageStatus::kOk);
  EXPECT_EQ(back.payloadSize, 1000u);
  EXPECT_EQ(back.payloadSha256, h.payloadSha256);
  EXPECT_STREQ(back.modelName.c_str(), "kws_int8");
  EXPECT_EQ(back.minProtocolVersion, 1);
  EXPECT_EQ(back.minFirmware[1], 3);
  EXPECT_EQ(back.minFirmware[2], 1);
  EXPECT_EQ(back.arenaBytes[0], 24576u);
  EXPECT_EQ(back.arenaBytes[1], 0u);
  EXPECT_EQ(back.arenaBytes[2], 20480u);
  EXPECT_EQ(back.opCodes, h.opCodes);
  EXPECT_EQ(back.signatureType, 0);
  EXPECT_EQ(imagePayload(view(img)).size(), 1000u);
}

TEST(ModelImage, LayoutIsTheDocumentedOne) {
  const Bytes p = payload(3);
  const Bytes img = imageOf(headerFor(p), p);
  EXPECT_EQ(Bytes(img.begin(), img.begin() + 8), (Bytes{'T', 'S', 'M', 'I', 1, 0, 0, 1}));
  EXPECT_EQ(img[8], 3);                                                    // payloadSize
  EXPECT_EQ(img[13 + 1], 3);                                               // minFirmware minor
  EXPECT_EQ(img[16], sha256(ConstByteSpan(p.data(), p.size())).bytes[0]);  // payloadSha256
  EXPECT_EQ(img[48], 'k');                                                 // modelName
  EXPECT_EQ(img[72 + 1], 24576 >> 8);                                      // arenaBytes[reference]
  EXPECT_EQ(img[88], 3);                                                   // opCount
  EXPECT_EQ(img[90 + 2], 9);                                               // opCodes[1]
  for (size_t i = 188; i < 252; ++i) EXPECT_EQ(img[i], 0) << "signature room at " << i;
}

TEST(ModelImage, ABareTfliteIsNotAnImage) {
  Bytes tflite = payload(400);
  tflite[4] = 'T';
  tflite[5] = 'F';
  tflite[6] = 'L';
  tflite[7] = '3';
  EXPECT_EQ(parseModelImage(view(tflite), nullptr), ImageStatus::kBadMagic);
  EXPECT_EQ(parseModelImage(ConstByteSpan(tflite.data(), 100), nullptr), ImageStatus::kTooShort);
}

TEST(ModelImage, AnyDamagedHeaderByteIsRefused) {
  const Bytes p = payload(64);
  const Bytes good = imageOf(headerFor(p), p);
  for (size_t i = 0; i < kModelImageHeaderSize; ++i) {
    Bytes img = good;
    img[i] ^= 0x01;
    EXPECT_NE(parseModelImage(view(img), nullptr), ImageStatus::kOk) << "byte " << i;
  }
}

TEST(ModelImage, AChangedPayloadFailsTheHashButNotTheHeader) {
  const Bytes p = payload(5000);
  Bytes img = imageOf(headerFor(p), p);
  img[kModelImageHeaderSize + 4321] ^= 0x40;
  EXPECT_EQ(parseModelImage(view(img), nullptr), ImageStatus::kOk);
  EXPECT_EQ(verifyModelImage(view(img)), ImageStatus::kPayloadMismatch);
}

TEST(ModelImage, TruncatedOrExtendedImagesAreRefused) {
  const Bytes p = payload(300);
  Bytes img = imageOf(headerFor(p), p);
  EXPECT_EQ(parseModelImage(ConstByteSpan(img.data(), img.size() - 1), nullptr),
            ImageStatus::kSizeMismatch);
  img.push_back(0);
  EXPECT_EQ(parseModelImage(view(img), nullptr), ImageStatus::kSizeMismatch);
}

TEST(ModelImage, OutOfRangeFieldsAreRefusedEvenWithAValidCrc) {
  const Bytes p = payload(32);
  const Bytes good = imageOf(headerFor(p), p);
  Bytes ops = good;
  ops[88] = kMaxImageOps + 1;
  refreshCrc(ops);
  EXPECT_EQ(parseModelImage(view(ops), nullptr), ImageStatus::kBadHeader);
  Bytes name = good;
  name[48 + 10] = 'x';  // a byte after the NUL that ends "kws_int8"
  refreshCrc(name);
  EXPECT_EQ(parseModelImage(view(name), nullptr), ImageStatus::kBadHeader);
  Bytes unusedOp = good;
  unusedOp[90 + 2 * 10] = 1;
  refreshCrc(unusedOp);
  EXPECT_EQ(parseModelImage(view(unusedOp), nullptr), ImageStatus::kBadHeader);
  Bytes version = good;
  version[4] = 2;
  refreshCrc(version);
  EXPECT_EQ(parseModelImage(view(version), nullptr), ImageStatus::kBadVersion);
}

TEST(ModelImage, EncodeRefusesWhatParseWouldRefuse) {
  ModelImageHeader h = headerFor(payload(8));
  Bytes out(kModelImageHeaderSize - 1);
  EXPECT_EQ(encodeModelImageHeader(h, ByteSpan(out.data(), out.size())), ImageStatus::kBadHeader);
  out.resize(kModelImageHeaderSize);
  h.payloadSize = 0;
  EXPECT_EQ(encodeModelImageHeader(h, ByteSpan(out.data(), out.size())), ImageStatus::kBadHeader);
}
