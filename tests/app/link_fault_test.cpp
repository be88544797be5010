// The real agent behind a bad cable: flipped bits and dropped bytes are counted (CRC
// errors, missing windows), the link keeps going; the cable pulled mid-stream is one clear
// error; plugged back in, the controller reconnects by itself and data flows again.
#include <gtest/gtest.h>

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/device/device_controller.h"
#include "tests/support/faulty_relay.h"

using namespace tinyscope;

namespace {

QString startAgentOnPty(QProcess* agent, const QStringList& extra) {
  agent->start(QStringLiteral(TINYSCOPE_AGENT), QStringList{"--pty", "--quiet"} + extra);
  if (!agent->waitForStarted(5000)) return {};
  for (int i = 0; i < 50 && !agent->canReadLine(); ++i) agent->waitForReadyRead(100);
  const QString line = QString::fromUtf8(agent->readLine()).trimmed();
  return line.startsWith("PTY ") ? line.mid(4) : QString();
}

}  // namespace

TEST(LinkFaults, CorruptionIsCountedDisappearanceReportedAndReconnectWorks) {
  QProcess agent;
  const QString devicePty = startAgentOnPty(&agent, {"--sensor", "audio"});
  ASSERT_FALSE(devicePty.isEmpty());
  QTemporaryDir dir;
  FaultyRelay relay(devicePty.toStdString(), (dir.path() + "/ttyTINY").toStdString(), 0.0, 0.0);
  ASSERT_TRUE(relay.plug());

  DeviceController dev;
  QSignalSpy connected(&dev, &DeviceController::connected);
  QSignalSpy errors(&dev, &DeviceController::errorOccurred);
  QSignalSpy status(&dev, &DeviceController::statusUpdated);
  dev.connectTo(QString("serial:%1?baud=921600").arg(QString::fromStdString(relay.hostPath())));
  ASSERT_TRUE(connected.wait(10000));

  // A clean second, then a bad cable: 1 byte in 20,000 flipped, 1 in 50,000 dropped.
  dev.startStream(0, 256);
  QTest::qWait(1000);
  relay.setFaults(5e-5, 2e-5);
  QTest::qWait(3000);
  relay.setFaults(0, 0);
  QTest::qWait(700);
  ASSERT_FALSE(status.isEmpty());
  const LinkStatus s = status.last().at(0).value<LinkStatus>();
  const quint64 damaged = relay.flipped() + relay.dropped();
  ASSERT_GT(damaged, 0u);
  const quint64 frameErrors =
      s.link.frames.crcErrors + s.link.frames.cobsErrors + s.link.frames.tooShort;
  EXPECT_GT(frameErrors, 0u) << "damaged bytes: " << damaged;
  // Each damaged byte costs at most two frames: a byte flipped to 0x00 splits its frame in two.
  EXPECT_LE(frameErrors, 2 * damaged);
  EXPECT_GT(s.stream.missingWindows, 0u);
  // Every window either arrived or is counted as missing.
  EXPECT_EQ(s.stream.windows + s.stream.missingWindows,
            static_cast<quint64>(s.stream.lastSequence) + 1);
  EXPECT_GT(s.stream.windows, 100u);
  std::printf("damaged bytes %llu -> frame errors %llu, missing windows %llu of %llu\n",
              (unsigned long long)damaged, (unsigned long long)frameErrors,
              (unsigned long long)s.stream.missingWindows,
              (unsigned long long)s.stream.lastSequence + 1);

  // The cable is pulled.
  QSignalSpy disconnected(&dev, &DeviceController::disconnected);
  QSignalSpy reconnecting(&dev, &DeviceController::reconnecting);
  relay.unplug();
  ASSERT_TRUE(disconnected.wait(5000));
  bool clear = false;
  for (const auto& e : errors) clear = clear || e.at(0).toString().contains("disappeared");
  EXPECT_TRUE(clear) << "no 'device disappeared' error";
  ASSERT_TRUE(reconnecting.wait(3000));

  // ... and plugged back in: the controller finds it again at the same address.
  connected.clear();
  ASSERT_TRUE(relay.plug());
  ASSERT_TRUE(connected.wait(10000)) << "no reconnect";
  std::vector<SensorWindowData> windows;
  dev.drainWindows(&windows);
  windows.clear();
  dev.startStream(0, 256);
  for (int i = 0; i < 40 && windows.size() < 10; ++i) {
    QTest::qWait(50);
    dev.drainWindows(&windows);
  }
  EXPECT_GE(windows.size(), 10u);
  dev.disconnectDevice();
  agent.kill();
  agent.waitForFinished();
}
