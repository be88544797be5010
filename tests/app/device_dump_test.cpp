// Device dumps tell the truth and stay comparable: a device run turned into a dump compares
// tensor by tensor with the desktop's dump of the same input; it claims no arena use the
// device never reported, and op times keep the device's own units (ticks, µs).
#include <gtest/gtest.h>

#include <QJsonArray>

#include "app/core/device/device_dump.h"
#include "model_runner/host/tensor_comparator.h"

using namespace tinyscope;
namespace rh = tinyscope::runner::host;

TEST(DeviceDump, TrueUnitsAndComparableWithTheDesktop) {
  rh::ModelFile model;
  rh::ModelSummary summary;
  std::string err;
  ASSERT_TRUE(rh::loadModelFile(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite",
                                &model, &err))
      << err;
  ASSERT_TRUE(rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &err));
  const size_t inBytes = summary.tensors.at(static_cast<size_t>(summary.inputs.at(0))).bytes;
  std::vector<uint8_t> input(inBytes);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 7);
  rh::RunResult desktop;
  ASSERT_TRUE(rh::runModel(model, {input}, rh::RunOptions(), &desktop, &err)) << err;
  rh::TensorDump desktopDump;
  ASSERT_TRUE(rh::makeDump(model, "desktop", "test", -1, input, desktop, &desktopDump, &err));

  // The same tensors as a device would send them, with the device's op timer.
  InferenceRun run;
  run.resultReceived = true;
  for (size_t o = 0; o < summary.operators.size(); ++o) {
    const auto& op = summary.operators[o];
    for (size_t k = 0; k < op.outputs.size(); ++k) {
      const auto& bytes = desktop.tensorBytes.at(static_cast<size_t>(op.outputs[k]));
      CapturedTensor t;
      t.opIndex = static_cast<quint16>(o);
      t.tensorIndex = static_cast<quint8>(k);
      t.data =
          QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()));
      t.cover(0, static_cast<quint32>(t.data.size()));
      run.captured.insert(qMakePair(t.opIndex, t.tensorIndex), t);
    }
    run.ops.append(proto::OpTiming{static_cast<uint16_t>(o), 9, 1234, 56});
  }
  rh::TensorDump deviceDump;
  QString error;
  ASSERT_TRUE(deviceRunToDump(
      run, QByteArray(reinterpret_cast<const char*>(input.data()), static_cast<int>(input.size())),
      model, QStringLiteral("fake board (fake:)"), 65536, &deviceDump, &error))
      << error.toStdString();
  EXPECT_EQ(deviceDump.manifest.arenaUsedBytes, 0u) << "the device never reported its arena use";
  EXPECT_NE(deviceDump.manifest.oracle.find("arena 65536 bytes"), std::string::npos)
      << deviceDump.manifest.oracle;

  rh::DumpComparison cmp;
  ASSERT_TRUE(rh::compareDumps(desktopDump, deviceDump, &cmp, &err)) << err;
  EXPECT_TRUE(cmp.identical());

  DeviceInfo info;
  info.hello.tickHz = 25000000;
  info.boardName = QStringLiteral("fake board");
  const QJsonObject timing = deviceTimingJson(run, info, QStringLiteral("fake:"), &summary);
  const QJsonObject op0 = timing[QStringLiteral("ops")].toArray().at(0).toObject();
  EXPECT_EQ(op0[QStringLiteral("us")].toInt(), 56);
  EXPECT_EQ(op0[QStringLiteral("ticks")].toInt(), 1234);
  EXPECT_FALSE(op0.contains(QStringLiteral("ns")));
  EXPECT_EQ(op0[QStringLiteral("op")].toString().toStdString(), summary.operators[0].op);
  EXPECT_EQ(timing[QStringLiteral("tick_hz")].toInt(), 25000000);
}
