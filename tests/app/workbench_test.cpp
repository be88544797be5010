// The Workbench waits for its own device runs: each answer goes to the run that asked for
// it, so a run replaced by a newer one never shows up as the newer run's error.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>

#include "app/core/workbench.h"

using namespace tinyscope;

TEST(Workbench, BackToBackRunsReportOnceForTheNewestWithoutAStaleError) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  Workbench wb;
  QString error;
  ASSERT_TRUE(wb.loadModel(
      QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite"), &error))
      << error.toStdString();
  QSignalSpy connected(wb.device(), &DeviceController::connected);
  wb.connectTo(QStringLiteral("sim:?sensor=imu"));
  ASSERT_TRUE(connected.wait(10000));
  // The demo's recipe is a window of the stream: runs start once 64 samples have arrived.
  ASSERT_FALSE(wb.device()->info().hello.sensors.empty());
  wb.device()->startStream(static_cast<quint8>(wb.device()->info().hello.sensors[0].sensorId), 16);
  QString why;
  for (int i = 0; i < 500 && wb.inputFromStream(&why).isEmpty(); ++i) QTest::qWait(20);
  ASSERT_FALSE(wb.inputFromStream(&why).isEmpty()) << why.toStdString();
  QSignalSpy reports(&wb, &Workbench::runReport);
  QSignalSpy started(&wb, &Workbench::runStarted);
  wb.runOnDevice();  // replaced at once by the next one
  wb.runOnDevice();
  ASSERT_TRUE(reports.wait(15000));
  QTest::qWait(500);  // anything stale would have arrived by now
  ASSERT_EQ(reports.count(), 1);
  const RunReport r = reports.at(0).at(0).value<RunReport>();
  ASSERT_EQ(started.count(), 2);
  EXPECT_EQ(r.id, started.at(1).at(0).value<quint64>());
  EXPECT_TRUE(r.error.isEmpty()) << r.error.toStdString();
  EXPECT_TRUE(r.comparison.identical());
  EXPECT_EQ(r.input, "window of the newest 64 stream samples");
}
