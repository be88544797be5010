// A board with no agent that prints "label:value" lines (the Arduino plotter format) on a
// real pty: the controller turns lines into a stream, measures the rate with its
// uncertainty, and passes the non-numeric lines on as log text.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "app/core/device/device_controller.h"
#include "tests/support/pty_pair.h"

using namespace tinyscope;

TEST(TextMode, PlotterLinesBecomeAStreamWithAMeasuredRate) {
  PtyPair board;
  ASSERT_TRUE(board.ok());
  std::atomic<bool> stop{false};
  std::thread printer([&] {
    board.writeAll("booting sensor...\r\n", 19);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; !stop; ++i) {
      char line[64];
      const int n = std::snprintf(line, sizeof line, "ax:%d ay:%d\r\n", i, -i);
      board.writeAll(line, static_cast<size_t>(n));
      std::this_thread::sleep_until(start + std::chrono::microseconds(5000) * (i + 1));  // 200 Hz
    }
  });

  DeviceController dev;
  QSignalSpy connected(&dev, &DeviceController::connected);
  QSignalSpy status(&dev, &DeviceController::statusUpdated);
  QSignalSpy logs(&dev, &DeviceController::deviceLog);
  dev.connectTo(QString("serial:%1?mode=text").arg(QString::fromStdString(board.slavePath())));
  ASSERT_TRUE(connected.wait(5000));
  const DeviceInfo info = connected.at(0).at(0).value<DeviceInfo>();
  ASSERT_EQ(info.hello.sensors.size(), 1u);
  EXPECT_EQ(info.hello.sensors[0].axes, 2);
  EXPECT_EQ(info.hello.chosenVersion, 0);  // no agent

  QTest::qWait(2500);
  std::vector<SensorWindowData> windows;
  dev.drainWindows(&windows);
  ASSERT_FALSE(windows.empty());
  // Values arrive in order: ax counts up, ay = -ax.
  double last = -1;
  for (const SensorWindowData& w : windows)
    for (int i = 0; i < w.samples; ++i) {
      EXPECT_EQ(w.sample(i, 1), -w.sample(i, 0));
      EXPECT_EQ(w.sample(i, 0), last + 1);
      last = w.sample(i, 0);
    }
  ASSERT_FALSE(status.isEmpty());
  const LinkStatus s = status.last().at(0).value<LinkStatus>();
  EXPECT_TRUE(s.textMode);
  EXPECT_GT(s.rateUncertaintyHz, 0);
  EXPECT_NEAR(s.rateHz, 200.0, std::max(5.0, 4 * s.rateUncertaintyHz));
  bool sawBoot = false;
  for (const auto& l : logs) sawBoot = sawBoot || l.at(1).toString() == "booting sensor...";
  EXPECT_TRUE(sawBoot);
  stop = true;
  printer.join();
  dev.disconnectDevice();
}

TEST(TextMode, RateOverrideFromTheAddress) {
  PtyPair board;
  ASSERT_TRUE(board.ok());
  DeviceController dev;
  QSignalSpy connected(&dev, &DeviceController::connected);
  dev.connectTo(
      QString("serial:%1?mode=text&rate=1000").arg(QString::fromStdString(board.slavePath())));
  QTest::qWait(300);
  for (int i = 0; i < 300; ++i) board.writeAll("1\t2\t3\n", 6);
  ASSERT_TRUE(connected.wait(5000));
  EXPECT_EQ(connected.at(0).at(0).value<DeviceInfo>().hello.sensors[0].rateMilliHz, 1000000u);
  EXPECT_EQ(connected.at(0).at(0).value<DeviceInfo>().hello.sensors[0].axes, 3);
}

// A board printing the data forwarder's format (tab separated, CRLF) once a second: the
// forwarder cannot detect its rate (<= 2 Hz); text mode announces it after three lines.
TEST(TextMode, OneHertzForwarderBoardIsConnectedWithItsRate) {
  PtyPair board;
  ASSERT_TRUE(board.ok());
  std::atomic<bool> stop{false};
  std::thread printer([&] {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; !stop; ++i) {
      char line[64];
      const int n = std::snprintf(line, sizeof line, "%d\t%d.5\t-%d\r\n", i, i, i);
      board.writeAll(line, static_cast<size_t>(n));
      for (int k = 0; k < 100 && !stop; ++k)
        std::this_thread::sleep_until(start + std::chrono::milliseconds(1000 * i + 10 * (k + 1)));
    }
  });
  DeviceController dev;
  QSignalSpy connected(&dev, &DeviceController::connected);
  QElapsedTimer clock;
  clock.start();
  dev.connectTo(QString("serial:%1?mode=text").arg(QString::fromStdString(board.slavePath())));
  ASSERT_TRUE(connected.wait(8000));
  EXPECT_LT(clock.elapsed(), 4500);  // three lines, not eight
  const proto::SensorInfo s = connected.at(0).at(0).value<DeviceInfo>().hello.sensors[0];
  EXPECT_EQ(s.axes, 3);
  EXPECT_NEAR(s.rateMilliHz, 1000.0, 30.0);
  stop = true;
  printer.join();
  dev.disconnectDevice();
}
