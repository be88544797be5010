#include <gtest/gtest.h>

#include <QDockWidget>
#include <QMenuBar>
#include <QPixmap>
#include <QSet>
#include <QStatusBar>

#include <QSignalSpy>
#include <QTest>

#include "app/core/log_model.h"
#include "app/core/workbench.h"
#include "app/gui/main_window.h"
#include "widgets/compare_view.h"
#include "widgets/model_view.h"
#include "widgets/profiler_view.h"
#include "widgets/signal_plot.h"
#include "widgets/spectrogram_view.h"

using tinyscope::ui::MainWindow;

TEST(MainWindow, HasTheWorkbenchDocksMenusAndStatusBar) {
  MainWindow window;
  window.show();
  for (const char* name :
       {"deviceDock", "datasetDock", "modelDock", "profilerDock", "compareDock", "logDock"}) {
    QDockWidget* d = window.dock(QString::fromLatin1(name));
    ASSERT_NE(d, nullptr) << name;
    EXPECT_NE(d->widget(), nullptr) << name;
  }
  QStringList menus;
  for (QAction* a : window.menuBar()->actions()) menus << a->text().remove('&');
  EXPECT_TRUE(menus.contains("File"));
  EXPECT_TRUE(menus.contains("View"));
  EXPECT_TRUE(menus.contains("Help"));
  EXPECT_GE(window.logModel()->rowCount(), 1);  // the start-up line
}

TEST(MainWindow, RendersOffscreen) {
  MainWindow window;
  window.resize(1024, 700);
  window.show();
  const QPixmap shot = window.grab();
  ASSERT_FALSE(shot.isNull());
  EXPECT_EQ(shot.width(), 1024);
  // Not a blank image: the window paints text and frames in more than one colour.
  const QImage img = shot.toImage();
  QSet<QRgb> colours;
  for (int y = 0; y < img.height(); y += 7)
    for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
  EXPECT_GT(colours.size(), 3);
}

// The whole loop a new user sees: the bundled model, the simulated device streaming its
// IMU, an inference on the device, and the desktop agreeing on every tensor.
TEST(MainWindow, SimulatedDeviceStreamsAndAgreesWithTheDesktopTensorByTensor) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  MainWindow window;
  window.show();
  ASSERT_TRUE(window.openModel(
      QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite")));
  EXPECT_EQ(window.modelView()->operatorCount(), 4);

  tinyscope::DeviceController* dev = window.workbench()->device();
  QSignalSpy connected(dev, &tinyscope::DeviceController::connected);
  window.connectDevice(QStringLiteral("sim:?sensor=imu"));
  ASSERT_TRUE(connected.wait(10000)) << "no handshake with the simulated device";

  // 64 samples at 50 Hz fill the model's window in 1.28 s.
  for (int i = 0; i < 100 && window.plot()->samplesHeld() < 70; ++i) QTest::qWait(50);
  ASSERT_GE(window.plot()->samplesHeld(), 70u);
  EXPECT_EQ(window.plot()->channelCount(), 3);
  QString why;
  EXPECT_EQ(window.workbench()->inputFromStream(&why).size(), 192) << why.toStdString();

  QSignalSpy report(window.workbench(), &tinyscope::Workbench::runReport);
  window.runInference();
  ASSERT_TRUE(report.wait(15000)) << "no inference report";
  const auto r = report.at(0).at(0).value<tinyscope::RunReport>();
  EXPECT_TRUE(r.error.isEmpty()) << r.error.toStdString();
  EXPECT_TRUE(r.comparison.identical());
  EXPECT_EQ(r.comparison.comparedTensors, 5u);
  EXPECT_EQ(r.probabilities.size(), 4);
  EXPECT_EQ(r.labels, (QStringList{"idle", "wave", "tap", "circle"}));
  EXPECT_TRUE(window.compareView()->verdict().contains("all 5 tensors identical"))
      << window.compareView()->verdict().toStdString();
  EXPECT_EQ(window.profilerView()->rowCount(), 4);
  window.grab().save(QStringLiteral("main_window_sim.png"));
}

TEST(MainWindow, BadModelAndBadAddressAreReportedNotFatal) {
  MainWindow window;
  EXPECT_FALSE(window.openModel(QStringLiteral("/nonexistent/model.tflite")));
  tinyscope::DeviceController* dev = window.workbench()->device();
  QSignalSpy error(dev, &tinyscope::DeviceController::errorOccurred);
  window.connectDevice(QStringLiteral("usb:/dev/nothing"));
  ASSERT_TRUE(error.wait(5000));
  EXPECT_TRUE(error.at(0).at(0).toString().contains("unknown device scheme 'usb'"));
  bool logged = false;
  for (int i = 0; i < window.logModel()->rowCount(); ++i)
    logged = logged || window.logModel()->entry(i).message.contains("unknown device scheme");
  EXPECT_TRUE(logged);
}

TEST(MainWindow, AudioStreamsGetASpectrogram) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  MainWindow window;
  window.show();
  QSignalSpy connected(window.workbench()->device(), &tinyscope::DeviceController::connected);
  window.connectDevice(QStringLiteral("sim:?sensor=audio"));
  ASSERT_TRUE(connected.wait(10000));
  for (int i = 0; i < 100 && window.spectrogramView()->columnsShown() < 20; ++i) QTest::qWait(50);
  EXPECT_TRUE(window.spectrogramView()->isVisible());
  EXPECT_GE(window.spectrogramView()->columnsShown(),
            20);  // 16 kHz / 256 hop = 62 columns a second
}
