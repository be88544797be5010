// The connection state machine every view follows, against the real agent: connect, stream,
// disconnect; the device killed mid-stream (lost, then reconnecting); a connection that
// cannot start; and a Workbench whose model changes under a connected simulator.
#include <gtest/gtest.h>

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include "app/core/device/device_controller.h"
#include "app/core/workbench.h"

using namespace tinyscope;

namespace {

QStringList stateNames(const QSignalSpy& spy) {
  QStringList out;
  for (const QList<QVariant>& args : spy)
    out << connectionStateName(args.at(0).value<ConnectionState>());
  return out;
}

bool waitForState(DeviceController& dev, ConnectionState want, int ms) {
  for (int waited = 0; waited < ms && dev.state() != want; waited += 20) QTest::qWait(20);
  return dev.state() == want;
}

QString startAgentOnPty(QProcess* agent) {
  agent->start(QStringLiteral(TINYSCOPE_AGENT), {"--pty", "--quiet", "--sensor", "imu"});
  if (!agent->waitForStarted(5000)) return {};
  for (int i = 0; i < 50 && !agent->canReadLine(); ++i) agent->waitForReadyRead(100);
  const QString line = QString::fromUtf8(agent->readLine()).trimmed();
  return line.startsWith("PTY ") ? line.mid(4) : QString();
}

const QString kDemoModel =
    QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite");

}  // namespace

TEST(ConnectionState, ConnectStreamDisconnectAndNothingQueuedSurvives) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  DeviceController dev;
  QSignalSpy states(&dev, &DeviceController::stateChanged);
  EXPECT_EQ(dev.state(), ConnectionState::kDisconnected);
  dev.connectTo(QStringLiteral("sim:?sensor=imu"));
  EXPECT_EQ(dev.state(), ConnectionState::kConnecting);
  ASSERT_TRUE(waitForState(dev, ConnectionState::kConnected, 10000));
  dev.startStream(0, 16);
  std::vector<SensorWindowData> windows;
  for (int i = 0; i < 100 && windows.empty(); ++i) {
    QTest::qWait(20);
    dev.drainWindows(&windows);
  }
  ASSERT_FALSE(windows.empty());
  EXPECT_EQ(dev.state(), ConnectionState::kStreaming);
  dev.stopStream();
  EXPECT_EQ(dev.state(), ConnectionState::kConnected);
  dev.startStream(0, 16);
  for (int i = 0; i < 100 && dev.state() != ConnectionState::kStreaming; ++i) {
    QTest::qWait(20);
    dev.drainWindows(&windows);
  }
  QTest::qWait(200);  // more windows queued
  dev.disconnectDevice();
  EXPECT_EQ(dev.state(), ConnectionState::kDisconnected);
  QTest::qWait(300);
  windows.clear();
  EXPECT_EQ(dev.drainWindows(&windows), 0u) << "windows of a disconnected device were shown";
  EXPECT_EQ(stateNames(states), (QStringList{"connecting", "connected", "streaming", "connected",
                                             "streaming", "disconnected"}));
}

TEST(ConnectionState, ABadAddressEndsDisconnectedWithItsError) {
  DeviceController dev;
  QSignalSpy states(&dev, &DeviceController::stateChanged);
  QSignalSpy errors(&dev, &DeviceController::errorOccurred);
  dev.connectTo(QStringLiteral("serial:/dev/tinyscope-no-such-port"));
  ASSERT_TRUE(waitForState(dev, ConnectionState::kDisconnected, 5000));
  ASSERT_FALSE(errors.isEmpty());
  EXPECT_TRUE(errors.at(0).at(0).toString().contains("tinyscope-no-such-port"))
      << errors.at(0).at(0).toString().toStdString();
  EXPECT_EQ(stateNames(states), (QStringList{"connecting", "disconnected"}));
  EXPECT_TRUE(dev.address().isEmpty());
}

TEST(ConnectionState, ADeviceKilledIsLostThenReconnectingUntilDisconnected) {
  QProcess agent;
  const QString pty = startAgentOnPty(&agent);
  ASSERT_FALSE(pty.isEmpty());
  DeviceController dev;
  QSignalSpy states(&dev, &DeviceController::stateChanged);
  dev.connectTo(QStringLiteral("serial:") + pty);
  ASSERT_TRUE(waitForState(dev, ConnectionState::kConnected, 10000));
  dev.startStream(0, 16);
  std::vector<SensorWindowData> windows;
  for (int i = 0; i < 100 && dev.state() != ConnectionState::kStreaming; ++i) {
    QTest::qWait(20);
    dev.drainWindows(&windows);
  }
  ASSERT_EQ(dev.state(), ConnectionState::kStreaming);

  agent.kill();
  agent.waitForFinished();
  ASSERT_TRUE(waitForState(dev, ConnectionState::kReconnecting, 5000))
      << connectionStateName(dev.state()).toStdString();
  EXPECT_FALSE(dev.isConnected());
  const QStringList seen = stateNames(states);
  EXPECT_EQ(seen.mid(0, 5),
            (QStringList{"connecting", "connected", "streaming", "lost", "reconnecting"}));
  windows.clear();
  EXPECT_EQ(dev.drainWindows(&windows), 0u);

  dev.disconnectDevice();
  EXPECT_EQ(dev.state(), ConnectionState::kDisconnected);
  QTest::qWait(1500);  // the retry timer is gone with the device
  EXPECT_EQ(dev.state(), ConnectionState::kDisconnected);
}

TEST(ConnectionState, AnotherModelRestartsTheSimulatorAndDropsResultsOnTheirWay) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  const QString other = QStringLiteral(TINYSCOPE_SHARED_DIR "/models/hello_world_int8.tflite");
  if (!QFileInfo::exists(other)) GTEST_SKIP() << "shared models absent: " << other.toStdString();
  Workbench wb;
  QString error;
  ASSERT_TRUE(wb.loadModel(kDemoModel, &error)) << error.toStdString();
  wb.connectTo(QStringLiteral("sim:?sensor=imu"));
  ASSERT_TRUE(waitForState(*wb.device(), ConnectionState::kConnected, 10000));
  EXPECT_TRUE(wb.deviceRunsModel());
  EXPECT_TRUE(wb.device()->address().contains("imu_gesture_demo"));
  // The demo's recipe is a window of the stream: a run starts once 64 samples have arrived.
  wb.device()->startStream(static_cast<quint8>(wb.device()->info().hello.sensors[0].sensorId), 16);
  QString why;
  for (int i = 0; i < 500 && wb.inputFromStream(&why).isEmpty(); ++i) QTest::qWait(20);
  ASSERT_FALSE(wb.inputFromStream(&why).isEmpty()) << why.toStdString();

  QSignalSpy reports(&wb, &Workbench::runReport);
  QSignalSpy cleared(&wb, &Workbench::resultsCleared);
  wb.runOnDevice();  // in flight while the model changes: never reported
  ASSERT_TRUE(wb.loadModel(other, &error)) << error.toStdString();
  EXPECT_GE(cleared.count(), 1);
  EXPECT_EQ(wb.device()->state(), ConnectionState::kConnecting);
  EXPECT_TRUE(wb.device()->address().contains("hello_world_int8"))
      << wb.device()->address().toStdString();
  EXPECT_EQ(wb.address(), "sim:?sensor=imu");
  ASSERT_TRUE(waitForState(*wb.device(), ConnectionState::kConnected, 10000));
  EXPECT_TRUE(wb.deviceRunsModel());
  QTest::qWait(500);
  EXPECT_EQ(reports.count(), 0) << "a result of the old model was reported";

  // No sidecar recipe and no chosen input: nothing is sent, and the report says what to do.
  QSignalSpy started(&wb, &Workbench::runStarted);
  EXPECT_FALSE(wb.runOnDevice());
  ASSERT_EQ(reports.count(), 1);
  EXPECT_EQ(started.count(), 0);
  const RunReport refused = reports.takeFirst().at(0).value<RunReport>();
  EXPECT_TRUE(refused.error.startsWith("No inference: hello_world_int8.tflite has no input recipe"))
      << refused.error.toStdString();
  EXPECT_TRUE(refused.error.endsWith(": choose an input.")) << refused.error.toStdString();

  const QString input =
      QStringLiteral(TINYSCOPE_SHARED_DIR "/golden/hello_world_int8/seed1/input.bin");
  wb.setInputSource(input);
  EXPECT_TRUE(wb.runOnDevice());
  ASSERT_TRUE(reports.wait(15000));
  const RunReport r = reports.last().at(0).value<RunReport>();
  EXPECT_TRUE(r.error.isEmpty()) << r.error.toStdString();
  EXPECT_EQ(r.input, "tensor file " + input);
  EXPECT_EQ(r.ops.size(), static_cast<int>(wb.modelSummary().operators.size()));
  EXPECT_TRUE(r.comparison.identical());
}
