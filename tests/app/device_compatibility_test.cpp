// The pre-flight check shared by flash and infer: every reason a device cannot run a model,
// from its HelloReply and the model image header.
#include "app/core/device/device_compatibility.h"

#include <gtest/gtest.h>

using namespace tinyscope;
using namespace tinyscope::proto;

namespace {
HelloReply board(const char* name, const char* firmware, uint32_t arena,
                 std::initializer_list<uint16_t> ops) {
  HelloReply h;
  h.chosenVersion = kMaxProtocolVersion;
  h.boardName.assign(name);
  h.firmwareVersion.assign(firmware);
  h.arenaBytes = arena;
  for (uint16_t op : ops) h.opCodes.push(op);
  return h;
}
ModelImageHeader needing(std::initializer_list<uint16_t> ops, uint32_t referenceArena) {
  ModelImageHeader m;
  m.payloadSize = 1000;
  for (uint16_t op : ops) m.opCodes.push(op);
  m.arenaBytes[static_cast<size_t>(KernelSet::kReference)] = referenceArena;
  return m;
}
}  // namespace

TEST(DeviceCompatibility, AModelTheDeviceCanRunHasNoProblems) {
  const HelloReply h = board("netduinoplus2", "0.3.1", 96 * 1024, {3, 9, 25});
  EXPECT_TRUE(deviceCompatibilityProblems(h, needing({9, 25}, 20000), 1256, 384 * 1024).isEmpty());
}

TEST(DeviceCompatibility, EveryProblemIsListedInOneMessage) {
  const HelloReply h = board("netduinoplus2", "0.3.1", 96 * 1024, {3, 9, 25});
  ModelImageHeader m = needing({27, 9, 15}, 104 * 1024);
  m.minFirmware[0] = 0;
  m.minFirmware[1] = 4;
  const QStringList problems = deviceCompatibilityProblems(h, m, 500000, 384 * 1024);
  ASSERT_EQ(problems.size(), 5) << problems.join('|').toStdString();
  EXPECT_EQ(problems[0], "needs firmware 0.4.0 or later, the device runs 0.3.1");
  EXPECT_EQ(problems[1], "op 27 SVDF not supported by firmware 0.3.1");
  EXPECT_EQ(problems[2], "op 15 LSH_PROJECTION not supported by firmware 0.3.1");
  EXPECT_EQ(problems[3], "needs 104.0 KB arena, device has 96.0 KB");
  EXPECT_EQ(problems[4], "the image is 500000 bytes, the slot holds 393216");
  EXPECT_EQ(describeIncompatibility("qemu:", "kws.tflite", problems.mid(1, 2)),
            "qemu:: kws.tflite cannot run on this device: op 27 SVDF not supported by firmware "
            "0.3.1; op 15 LSH_PROJECTION not supported by firmware 0.3.1");
}

TEST(DeviceCompatibility, ACortexMBoardIsCheckedWithItsOwnArenaFigureWhenTheImageHasOne) {
  const HelloReply h = board("netduinoplus2", "0.3.1", 96 * 1024, {3});
  ModelImageHeader m = needing({3}, 100 * 1024);
  EXPECT_EQ(deviceCompatibilityProblems(h, m, 0, 0).size(), 1);
  m.arenaBytes[static_cast<size_t>(KernelSet::kCortexM)] = 90 * 1024;
  EXPECT_TRUE(deviceCompatibilityProblems(h, m, 0, 0).isEmpty());
  EXPECT_EQ(
      deviceCompatibilityProblems(board("host", "0.3.1-host", 96 * 1024, {3}), m, 0, 0).size(), 1)
      << "the host agent runs the reference kernels";
}

TEST(DeviceCompatibility, FirmwareAndProtocolMinimaAreCompared) {
  ModelImageHeader m = needing({}, 0);
  m.minFirmware[0] = 1;
  m.minFirmware[1] = 2;
  m.minFirmware[2] = 3;
  EXPECT_TRUE(deviceCompatibilityProblems(board("b", "1.2.3-host", 1, {}), m, 0, 0).isEmpty());
  EXPECT_TRUE(deviceCompatibilityProblems(board("b", "v1.10.0", 1, {}), m, 0, 0).isEmpty());
  EXPECT_EQ(deviceCompatibilityProblems(board("b", "1.2.2", 1, {}), m, 0, 0).size(), 1);
  EXPECT_EQ(deviceCompatibilityProblems(board("b", "nightly", 1, {}), m, 0, 0).size(), 1);
  m = needing({}, 0);
  m.minProtocolVersion = kMaxProtocolVersion + 1;
  EXPECT_EQ(deviceCompatibilityProblems(board("b", "0", 1, {}), m, 0, 0),
            QStringList{QStringLiteral("needs protocol version %1, the device speaks %2")
                            .arg(kMaxProtocolVersion + 1)
                            .arg(kMaxProtocolVersion)});
}
