#include <gtest/gtest.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>
#include <QPixmap>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <chrono>
#include <string>

#include <QSignalSpy>
#include <QTest>

#include "app/core/dataset/dataset_store.h"
#include "app/core/log_model.h"
#include "app/core/workbench.h"
#include "app/gui/main_window.h"
#include "app/gui/model_view.h"
#include "tests/support/text_board.h"
#include "widgets/compare_view.h"
#include "widgets/device_panel.h"
#include "widgets/profiler_view.h"
#include "widgets/record_bar.h"
#include "widgets/score_strip.h"
#include "widgets/signal_plot.h"
#include "widgets/spectrogram_view.h"

using tinyscope::ui::MainWindow;

namespace {
// The windows of these tests remember models, devices and layout: in a folder of their own,
// never in the user's settings.
QTemporaryDir settingsDir;  // removed when the tests end
const bool kSettingsIsolated = [] {
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
  return settingsDir.isValid();
}();
}  // namespace

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
  EXPECT_EQ(window.scoreStrip()->pointCount(), 1);  // the class scores under the plot
  // For a look at the window after a failure: a temporary file, never the source tree.
  const QString shot = QDir::temp().filePath(QStringLiteral("tinyscope_main_window_sim.png"));
  EXPECT_TRUE(window.grab().save(shot)) << shot.toStdString();
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

namespace {
bool waitForState(MainWindow& w, tinyscope::ConnectionState want, int ms) {
  for (int waited = 0; waited < ms && w.workbench()->device()->state() != want; waited += 20)
    QTest::qWait(20);
  return w.workbench()->device()->state() == want;
}
QPushButton* connectButton(MainWindow& w) {
  return w.devicePanel()->findChild<QPushButton*>(QStringLiteral("connectButton"));
}
}  // namespace

// Disconnect ends the connection and leaves a panel that connects again.
TEST(MainWindow, DisconnectLeavesAPanelThatConnectsAgain) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  using tinyscope::ConnectionState;
  MainWindow window;
  window.show();
  window.connectDevice(QStringLiteral("sim:?sensor=imu"));
  ASSERT_TRUE(waitForState(window, ConnectionState::kStreaming, 10000));
  QPushButton* button = connectButton(window);
  ASSERT_NE(button, nullptr);
  EXPECT_EQ(button->text(), "Disconnect");
  QTest::mouseClick(button, Qt::LeftButton);
  EXPECT_EQ(window.workbench()->device()->state(), ConnectionState::kDisconnected);
  EXPECT_EQ(button->text(), "Connect");
  QTest::qWait(200);
  EXPECT_EQ(window.plot()->samplesHeld(), 0u) << "the plot kept the old device's samples";
  QTest::mouseClick(button, Qt::LeftButton);
  EXPECT_EQ(window.workbench()->device()->state(), ConnectionState::kConnecting);
  EXPECT_EQ(button->text(), "Cancel");
  ASSERT_TRUE(waitForState(window, ConnectionState::kStreaming, 10000));
  EXPECT_GT(window.plot()->samplesHeld(), 0u);
}

// Opening another model clears the old results and restarts the simulator with the new model.
TEST(MainWindow, AnotherModelClearsOldResultsAndRunsOnTheDevice) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  const QString other = QStringLiteral(TINYSCOPE_SHARED_DIR "/models/hello_world_int8.tflite");
  if (!QFileInfo::exists(other)) GTEST_SKIP() << "shared models absent: " << other.toStdString();
  using tinyscope::ConnectionState;
  MainWindow window;
  window.show();
  ASSERT_TRUE(window.openModel(
      QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite")));
  window.connectDevice(QStringLiteral("sim:?sensor=imu"));
  ASSERT_TRUE(waitForState(window, ConnectionState::kStreaming, 10000));
  QString why;  // the demo's recipe: a window of 64 stream samples
  for (int i = 0; i < 200 && window.workbench()->inputFromStream(&why).isEmpty(); ++i)
    QTest::qWait(20);
  QSignalSpy report(window.workbench(), &tinyscope::Workbench::runReport);
  window.runInference();
  ASSERT_TRUE(report.wait(15000));
  EXPECT_EQ(window.profilerView()->rowCount(), 4);
  EXPECT_TRUE(window.predictionText().contains("Device says"));

  ASSERT_TRUE(window.openModel(other));
  EXPECT_EQ(window.profilerView()->rowCount(), 0);
  EXPECT_FALSE(window.predictionText().contains("Device says"));
  EXPECT_FALSE(window.compareView()->verdict().contains("identical"));
  // Connected, then streaming as the window starts the first sensor again.
  ASSERT_TRUE(waitForState(window, ConnectionState::kStreaming, 10000));
  EXPECT_TRUE(window.workbench()->device()->address().contains("hello_world_int8"));
  report.clear();
  window.runInference();  // no recipe, no chosen input: refused at once, nothing sent
  ASSERT_EQ(report.count(), 1);
  EXPECT_TRUE(
      report.takeFirst().at(0).value<tinyscope::RunReport>().error.endsWith("choose an input."));
  window.workbench()->setInputSource(
      QStringLiteral(TINYSCOPE_SHARED_DIR "/golden/hello_world_int8/seed1/input.bin"));
  window.runInference();
  ASSERT_TRUE(report.wait(15000));
  const auto r = report.at(0).at(0).value<tinyscope::RunReport>();
  EXPECT_TRUE(r.error.isEmpty()) << r.error.toStdString();
  EXPECT_TRUE(r.comparison.identical());
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("Input: tensor file "))
      << window.statusBar()->currentMessage().toStdString();
  EXPECT_EQ(window.profilerView()->rowCount(),
            static_cast<int>(window.workbench()->modelSummary().operators.size()));
}

// A board that prints numbers (the Arduino plotter format) plots like any other device.
TEST(MainWindow, TextModeBoardPlots) {
  PtyPair pty;
  ASSERT_TRUE(pty.ok());
  TextBoard board(&pty, std::chrono::milliseconds(5), [](int i) {
    return "ax:" + std::to_string(i % 100) + " ay:" + std::to_string(-(i % 50)) + "\r\n";
  });
  MainWindow window;
  window.show();
  window.connectDevice(
      QStringLiteral("serial:%1?mode=text").arg(QString::fromStdString(pty.slavePath())));
  const bool streaming = waitForState(window, tinyscope::ConnectionState::kStreaming, 8000);
  for (int i = 0; i < 100 && window.plot()->samplesHeld() < 100; ++i) QTest::qWait(20);
  board.stop();
  ASSERT_TRUE(streaming);
  EXPECT_EQ(window.plot()->channelCount(), 2);
  EXPECT_GE(window.plot()->samplesHeld(), 100u);
  window.workbench()->device()->disconnectDevice();
}

TEST(MainWindow, DeviceAddressCanBeSetWithoutConnecting) {
  MainWindow window;
  window.setDeviceAddress(QStringLiteral("serial:/dev/ttyACM7?baud=921600"));
  EXPECT_EQ(window.devicePanel()->address(), "serial:/dev/ttyACM7?baud=921600");
  EXPECT_EQ(window.workbench()->device()->state(), tinyscope::ConnectionState::kDisconnected);
}

// Twelve long class names neither widen the window nor push the docks: the prediction wraps.
TEST(MainWindow, ManyClassLabelsNeverGrowTheWindow) {
  MainWindow window;
  window.resize(1280, 800);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  const QSize before = window.size();
  const int deviceDockWidth = window.dock(QStringLiteral("deviceDock"))->width();
  tinyscope::RunReport r;
  r.id = 0;  // shown as it comes (the report path never filters the GUI's own signals)
  for (int k = 0; k < 12; ++k) {
    r.labels << QStringLiteral("a_rather_long_class_name_number_%1").arg(k);
    r.probabilities << (k == 3 ? 0.6 : 0.4 / 11);
  }
  r.topClass = 3;
  Q_EMIT window.workbench()->runReport(r);
  QTest::qWait(50);
  EXPECT_EQ(window.size(), before);
  EXPECT_EQ(window.dock(QStringLiteral("deviceDock"))->width(), deviceDockWidth);
  EXPECT_TRUE(window.predictionText().contains("a_rather_long_class_name_number_11"));
  for (QDockWidget* d : window.findChildren<QDockWidget*>())
    EXPECT_GE(d->widget()->minimumWidth(), 200) << d->objectName().toStdString();
}

// Record writes the live stream into the dataset with its label; the count runs while it does.
TEST(MainWindow, RecordWritesTheStreamIntoTheDatasetWithItsLabel) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  QTemporaryDir dir;
  MainWindow window;
  window.show();
  window.setDatasetDir(dir.path() + "/ds");
  window.connectDevice(QStringLiteral("sim:?sensor=imu"));
  ASSERT_TRUE(waitForState(window, tinyscope::ConnectionState::kStreaming, 10000));
  tinyscope::ui::RecordBar* bar = window.recordBar();
  for (int i = 0; i < 50 && !bar->recordButton()->isEnabled(); ++i) QTest::qWait(20);
  ASSERT_TRUE(bar->recordButton()->isEnabled());
  bar->setLabel(QStringLiteral("wave"));
  QSignalSpy stopped(window.workbench()->device(), &tinyscope::DeviceController::recordingStopped);
  QTest::mouseClick(bar->recordButton(), Qt::LeftButton);
  EXPECT_TRUE(window.workbench()->device()->isRecording());
  for (int i = 0; i < 100 && !bar->countText().contains(" frames ("); ++i) QTest::qWait(20);
  QTest::qWait(1200);
  EXPECT_TRUE(bar->countText().contains(" frames (")) << bar->countText().toStdString();
  QTest::mouseClick(bar->recordButton(), Qt::LeftButton);
  ASSERT_TRUE(stopped.wait(5000));
  const QVector<qint64> ids = stopped.at(0).at(0).value<QVector<qint64>>();
  EXPECT_TRUE(stopped.at(0).at(1).toString().isEmpty())
      << stopped.at(0).at(1).toString().toStdString();
  ASSERT_GE(ids.size(), 1);
  EXPECT_TRUE(bar->countText().contains("Recorded 1 sample")) << bar->countText().toStdString();

  QString error;
  auto store = tinyscope::dataset::DatasetStore::open(dir.path() + "/ds", &error);
  ASSERT_TRUE(store) << error.toStdString();
  tinyscope::dataset::SampleRecord rec;
  ASSERT_TRUE(store->sample(ids.front(), &rec, &error)) << error.toStdString();
  EXPECT_EQ(rec.labels, QStringList{"wave"});
  EXPECT_EQ(rec.axes, (QStringList{"x", "y", "z"}));
  EXPECT_GE(rec.frames, 50);  // > 1 s at 50 Hz
}

// Layout, recent models and recent devices come back at the next start.
TEST(MainWindow, SettingsRememberLayoutModelsAndDevices) {
  ASSERT_TRUE(kSettingsIsolated);
  QSettings().clear();
  const QString model =
      QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite");
  {
    MainWindow window;
    window.resize(1100, 700);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.dock(QStringLiteral("logDock"))->hide();
    ASSERT_TRUE(window.openModel(model));
    window.connectDevice(QStringLiteral("serial:/dev/tinyscope-none"));
    window.close();  // saves the layout
  }
  MainWindow next;
  next.restoreSettings();
  EXPECT_EQ(next.size(), QSize(1100, 700));
  EXPECT_TRUE(next.dock(QStringLiteral("logDock"))->isHidden());
  EXPECT_EQ(next.recentModels(), QStringList{QFileInfo(model).absoluteFilePath()});
  EXPECT_EQ(next.recentDevices(), QStringList{"serial:/dev/tinyscope-none"});
  next.setDeviceAddress(QStringLiteral("sim:"));
  QComboBox* box = next.devicePanel()->findChild<QComboBox*>(QStringLiteral("deviceAddress"));
  ASSERT_NE(box, nullptr);
  EXPECT_GE(box->findText("serial:/dev/tinyscope-none"), 0);
}
