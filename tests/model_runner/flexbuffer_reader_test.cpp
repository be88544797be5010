// The FlexBuffer map reader (model_runner/flexbuffer_reader.h): values of every width and kind
// read back, the real custom_options of the shared audio front-end, and malformed buffers
// (truncated at every length, every byte flipped, hostile offsets and counts) that must come
// back as "absent", never as an out-of-bounds read.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "flexbuffer_test_writer.h"
#include "model_runner/flexbuffer_reader.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/model.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

using flex::FlexMap;
using test::FlexMapWriter;

TEST(FlexbufferReader, ReadsEveryWidthAndKind) {
  for (uint32_t width : {1u, 2u, 4u, 8u}) {
    FlexMapWriter w;
    const int64_t big =
        width == 8 ? -5000000000LL : (width == 4 ? -70000 : (width == 2 ? -300 : -7));
    w.addInt("b_negative", big)
        .addUInt("c_unsigned", width == 1 ? 200 : 40000)
        .addBool("a_flag", true);
    w.addIndirectInt("d_indirect", -123456789012LL);
    if (width >= 4) w.addFloat("e_float", 0.75);
    const std::vector<uint8_t> bytes = w.finish(width);
    const FlexMap map(bytes.data(), bytes.size());
    ASSERT_TRUE(map.valid()) << "width " << width;
    EXPECT_EQ(map.size(), width >= 4 ? 5u : 4u);
    EXPECT_STREQ(map.keyAt(0), "a_flag");
    EXPECT_STREQ(map.keyAt(1), "b_negative");
    EXPECT_EQ(map.keyAt(9), nullptr);
    EXPECT_EQ(map.find("a_flag").asInt, 1);
    EXPECT_EQ(map.find("a_flag").type, flex::FlexType::kBool);
    EXPECT_EQ(map.find("b_negative").asInt, big);
    EXPECT_EQ(map.find("c_unsigned").asUInt, width == 1 ? 200u : 40000u);
    EXPECT_EQ(map.find("d_indirect").asInt, -123456789012LL);
    if (width >= 4) {
      EXPECT_DOUBLE_EQ(map.find("e_float").asDouble, 0.75);
    }
    EXPECT_FALSE(map.find("missing").present);
    EXPECT_FALSE(map.find("b_negativ").present);
    EXPECT_FALSE(map.find("").present);
  }
}

TEST(FlexbufferReader, EmptyMapAndNonMapRoots) {
  const std::vector<uint8_t> empty = FlexMapWriter().finish(1);
  const FlexMap map(empty.data(), empty.size());
  EXPECT_TRUE(map.valid());
  EXPECT_EQ(map.size(), 0u);
  EXPECT_FALSE(map.find("x").present);
  // A root that is an inline int (type 1), not a map.
  const uint8_t scalar[] = {42, (1 << 2) | 0, 1};
  EXPECT_FALSE(FlexMap(scalar, sizeof scalar).valid());
  EXPECT_FALSE(FlexMap(nullptr, 10).valid());
  EXPECT_FALSE(FlexMap(scalar, 0).valid());
}

TEST(FlexbufferReader, TruncatedAtEveryLengthNeverReadsOutside) {
  FlexMapWriter w;
  w.addInt("fft_length", 512).addInt("T", 7).addBool("clamping", false);
  const std::vector<uint8_t> bytes = w.finish(4);
  for (size_t n = 0; n < bytes.size(); ++n) {
    // A heap copy of exactly n bytes so a sanitizer build would catch any overread.
    std::vector<uint8_t> cut(bytes.end() - static_cast<std::ptrdiff_t>(n), bytes.end());
    const FlexMap map(cut.data(), cut.size());
    // Cutting the front keeps the root but moves everything else out of reach.
    if (map.valid()) {
      for (uint32_t i = 0; i < map.size(); ++i) (void)map.keyAt(i);
      (void)map.find("fft_length");
    }
    std::vector<uint8_t> head(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    const FlexMap headMap(head.data(), head.size());
    if (headMap.valid()) (void)headMap.find("T");
  }
  EXPECT_FALSE(FlexMap(bytes.data(), bytes.size() - 1).valid());
}

TEST(FlexbufferReader, EveryByteFlippedStaysInBounds) {
  FlexMapWriter w;
  w.addInt("num_channels", 40)
      .addInt("smoothing", 655)
      .addIndirectInt("zz", 3)
      .addBool("clamping", true);
  const std::vector<uint8_t> bytes = w.finish(2);
  size_t stillValid = 0;
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    for (int flip : {0x01, 0x80, 0xFF}) {
      std::vector<uint8_t> bad = bytes;
      bad[pos] = static_cast<uint8_t>(bad[pos] ^ flip);
      const FlexMap map(bad.data(), bad.size());
      if (!map.valid()) continue;
      ++stillValid;
      for (uint32_t i = 0; i < map.size(); ++i) (void)map.keyAt(i);
      for (const char* key : {"num_channels", "smoothing", "zz", "clamping"}) (void)map.find(key);
    }
  }
  EXPECT_GT(stillValid, 0u);  // flips inside values keep the map readable
}

TEST(FlexbufferReader, HostileOffsetsAndCountsAreRefused) {
  FlexMapWriter w;
  w.addInt("a", 1).addInt("b", 2);
  const std::vector<uint8_t> good = w.finish(4);
  ASSERT_TRUE(FlexMap(good.data(), good.size()).valid());
  const size_t rootPos = good.size() - 2 - 4;
  auto u32at = [](const std::vector<uint8_t>& v, size_t p) {
    uint32_t x;
    std::memcpy(&x, v.data() + p, 4);
    return x;
  };
  auto setU32 = [](std::vector<uint8_t>& v, size_t p, uint32_t x) {
    std::memcpy(v.data() + p, &x, 4);
  };
  const size_t map = rootPos - u32at(good, rootPos);
  {
    std::vector<uint8_t> bad = good;  // root offset pointing before the buffer
    setU32(bad, rootPos, static_cast<uint32_t>(rootPos + 1));
    EXPECT_FALSE(FlexMap(bad.data(), bad.size()).valid());
  }
  {
    std::vector<uint8_t> bad = good;  // root offset 0: the root "map" overlaps the root itself
    setU32(bad, rootPos, 0);
    const FlexMap m(bad.data(), bad.size());
    if (m.valid()) {
      for (uint32_t i = 0; i < m.size(); ++i) (void)m.keyAt(i);
    }
  }
  {
    std::vector<uint8_t> bad = good;  // element count far past the buffer
    setU32(bad, map - 4, 0x7FFFFFFF);
    EXPECT_FALSE(FlexMap(bad.data(), bad.size()).valid());
  }
  {
    std::vector<uint8_t> bad = good;  // keys width not a power of two
    setU32(bad, map - 8, 3);
    EXPECT_FALSE(FlexMap(bad.data(), bad.size()).valid());
  }
  {
    std::vector<uint8_t> bad = good;  // keys vector offset out of range
    setU32(bad, map - 12, 0xFFFFFFF0u);
    EXPECT_FALSE(FlexMap(bad.data(), bad.size()).valid());
  }
  {
    std::vector<uint8_t> bad = good;  // bad root width
    bad.at(good.size() - 1) = 3;
    EXPECT_FALSE(FlexMap(bad.data(), bad.size()).valid());
  }
  {
    // A key whose terminator is missing: the last key runs to the end of the buffer.
    std::vector<uint8_t> bad = good;
    for (size_t i = 0; i < bad.size(); ++i) {
      if (bad[i] == 0 && i < 4) bad[i] = 'x';
    }
    const FlexMap m(bad.data(), bad.size());
    if (m.valid()) {
      EXPECT_FALSE(m.find("a").present);
    }
  }
  {
    std::vector<uint8_t> bad = good;  // a value typed as a map is not a scalar
    bad[map + 2 * 4] = static_cast<uint8_t>((9 << 2) | 2);
    const FlexMap m(bad.data(), bad.size());
    ASSERT_TRUE(m.valid());
    EXPECT_FALSE(m.find("a").present);
    EXPECT_TRUE(m.find("b").present);
  }
}

// The real custom_options of TFLM's audio front-end (written by TensorFlow's FlexBuffers).
TEST(FlexbufferReader, ReadsTheSharedAudioPreprocessorOptions) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  host::ModelFile file;
  std::string error;
  ASSERT_TRUE(host::loadModelFile(shared + "/models/audio_preprocessor_int8.tflite", &file, &error))
      << error;
  Model model;
  ASSERT_EQ(model.load(file.bytes.data(), file.bytes.size()), Status::kOk);
  int found = 0;
  for (uint32_t i = 0; i < model.numOperators(); ++i) {
    const OperatorDesc op = model.op(i);
    if (!op.customCode.present()) continue;
    const std::string code(op.customCode.chars, op.customCode.length);
    if (op.customOptions.size() == 0) continue;  // FftAutoScale, FilterBankSquareRoot
    const FlexMap map(op.customOptions.bytes(), op.customOptions.size());
    ASSERT_TRUE(map.valid()) << code;
    if (code == "SignalRfft") {
      EXPECT_EQ(map.find("fft_length").asInt, 512);
      EXPECT_EQ(map.find("T").asInt, 7);  // int16
      ++found;
    } else if (code == "SignalFilterBank") {
      EXPECT_EQ(map.find("num_channels").asInt, 40);
      ++found;
    } else if (code == "SignalFilterBankSpectralSubtraction") {
      EXPECT_TRUE(map.find("clamping").present);
      EXPECT_EQ(map.find("num_channels").asInt, 40);
      ++found;
    }
  }
  EXPECT_EQ(found, 3);
}

}  // namespace
}  // namespace tinyscope::runner
