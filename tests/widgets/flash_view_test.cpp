// The Flash view against the real agent behind `sim:?slots=DIR`: the slot table (an item model
// checked by QAbstractItemModelTester), flashing through the view with progress, the test ->
// confirm flow, Cancel mid-way, pre-flight problems in the view, and every button following the
// connection state.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/device/device_controller.h"
#include "app/core/device/slot_controller.h"
#include "app/core/log_model.h"
#include "app/gui/flash_view.h"
#include "app/gui/work_bar.h"
#include "tests/support/agent_process.h"

using tinyscope::ConnectionState;
using tinyscope::DeviceController;
using tinyscope::LogModel;
using tinyscope::SlotController;
using tinyscope::SlotRow;
using tinyscope::proto::SlotState;
using tinyscope::ui::FlashView;

namespace {

QString sharedModel(const QString& name) {
  return QStringLiteral(TINYSCOPE_SHARED_DIR "/models/") + name + QStringLiteral(".tflite");
}

// The row of `slot` in the view's table, or an empty row with slot -1.
SlotRow slotRow(FlashView& view, int slot) {
  const SlotRow* r = view.slotController()->slotTable()->find(slot);
  if (r) return *r;
  SlotRow none;
  none.slot = -1;
  return none;
}

bool waitReady(FlashView& view, int slots) {
  return QTest::qWaitFor(
      [&] {
        return view.slotController()->deviceReady() &&
               view.slotController()->slotTable()->rowCount() == slots;
      },
      15000);
}

bool commandsEnabled(FlashView& v) {
  return v.flashButton()->isEnabled() || v.testButton()->isEnabled() ||
         v.confirmButton()->isEnabled() || v.rollbackButton()->isEnabled() ||
         v.resetButton()->isEnabled() || v.cancelButton()->isEnabled();
}

// A Flash view on a device controller of its own, with a log and a scratch folder.
class FlashViewTest : public ::testing::Test {
 protected:
  FlashViewTest() { qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT); }
  QTemporaryDir dir;
  LogModel log;
  DeviceController device;
  FlashView view{&device, &log};
};

}  // namespace

TEST_F(FlashViewTest, FlashesIntoATestSlotThenConfirmsAndFollowsTheConnection) {
  const QString model = sharedModel(QStringLiteral("hello_world_int8"));
  if (!QFileInfo(model).isFile())
    GTEST_SKIP() << model.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  QAbstractItemModelTester tester(view.slotController()->slotTable(),
                                  QAbstractItemModelTester::FailureReportingMode::Fatal);
  view.resize(720, 420);
  view.show();
  view.setModelPath(model);
  // Nothing to act on without a device.
  EXPECT_FALSE(commandsEnabled(view));
  EXPECT_EQ(view.slotController()->slotTable()->rowCount(), 0);

  device.connectTo("sim:?slots=" + dir.filePath("slots"));
  ASSERT_TRUE(waitReady(view, 2)) << view.statusText().toStdString();
  EXPECT_EQ(slotRow(view, 0).state, SlotState::kActive);  // the bundled demo model
  const QString before = slotRow(view, 0).modelName;
  EXPECT_EQ(slotRow(view, 1).state, SlotState::kEmpty);
  EXPECT_EQ(view.targetSlot(), 1);  // A/B: the slot that is not active
  EXPECT_TRUE(view.flashButton()->isEnabled());
  EXPECT_FALSE(view.confirmButton()->isEnabled());  // nothing in test state

  int highest = 0;
  QObject::connect(view.progressBar(), &QProgressBar::valueChanged,
                   [&](int v) { highest = std::max(highest, v); });
  QSignalSpy finished(view.slotController(), &SlotController::flashFinished);
  QSignalSpy work(&view, &FlashView::workProgress);
  QTest::mouseClick(view.flashButton(), Qt::LeftButton);
  EXPECT_FALSE(view.flashButton()->isEnabled());  // busy
  EXPECT_TRUE(view.cancelButton()->isEnabled());
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
  EXPECT_EQ(highest, 100);
  EXPECT_EQ(view.progressBar()->value(), 100);
  ASSERT_GE(work.size(), 1);
  EXPECT_EQ(work.last().at(0).toLongLong(), work.last().at(1).toLongLong());
  EXPECT_GT(work.last().at(1).toLongLong(), QFileInfo(model).size());  // the image: header + model
  EXPECT_TRUE(view.statusText().contains("test state")) << view.statusText().toStdString();

  // The table reads the slots back: the new model in test state, the old one no longer active.
  ASSERT_TRUE(QTest::qWaitFor([&] { return slotRow(view, 1).state == SlotState::kTesting; }, 5000));
  EXPECT_EQ(slotRow(view, 1).modelName, "hello_world_int8");
  EXPECT_NE(slotRow(view, 0).state, SlotState::kActive);
  EXPECT_TRUE(view.confirmButton()->isEnabled());

  QSignalSpy command(view.slotController(), &SlotController::commandFinished);
  QTest::mouseClick(view.confirmButton(), Qt::LeftButton);
  ASSERT_TRUE(command.wait(10000));
  EXPECT_TRUE(command.at(0).at(0).toBool()) << command.at(0).at(1).toString().toStdString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return slotRow(view, 1).state == SlotState::kActive; }, 5000));
  EXPECT_FALSE(view.confirmButton()->isEnabled());

  // Rollback returns to the model before (slot 0).
  command.clear();
  QTest::mouseClick(view.rollbackButton(), Qt::LeftButton);
  ASSERT_TRUE(command.wait(10000));
  EXPECT_TRUE(command.at(0).at(0).toBool()) << command.at(0).at(1).toString().toStdString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return slotRow(view, 0).state == SlotState::kActive; }, 5000));
  EXPECT_EQ(slotRow(view, 0).modelName, before);

  // Test: the selected valid slot becomes active in test state.
  ASSERT_TRUE(QTest::qWaitFor([&] { return slotRow(view, 1).state == SlotState::kValid; }, 5000));
  EXPECT_FALSE(view.testButton()->isEnabled());  // nothing selected
  view.slotTable()->selectRow(1);
  ASSERT_TRUE(view.testButton()->isEnabled());
  command.clear();
  QTest::mouseClick(view.testButton(), Qt::LeftButton);
  ASSERT_TRUE(command.wait(10000));
  EXPECT_TRUE(command.at(0).at(0).toBool()) << command.at(0).at(1).toString().toStdString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return slotRow(view, 1).state == SlotState::kTesting; }, 5000));
  EXPECT_TRUE(view.confirmButton()->isEnabled());

  // Disconnect: nothing stale stays, nothing can be clicked.
  device.disconnectDevice();
  EXPECT_EQ(view.slotController()->slotTable()->rowCount(), 0);
  EXPECT_FALSE(commandsEnabled(view));
  EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
}

TEST_F(FlashViewTest, CancelMidWayKeepsTheOldModelActiveAndPreflightProblemsStayInTheView) {
  const QString model = sharedModel(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(model).isFile())
    GTEST_SKIP() << model.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  tinyscope::ui::WorkBar bar;
  bar.follow(&view);
  view.show();
  // The agent on a pty paced like a 115200-baud UART (11.5 KB/s): 54 KB take seconds, so
  // Cancel lands mid-transfer.
  PtyAgent agent({"--slots", dir.filePath("slots"), "--baud", "115200"});
  ASSERT_FALSE(agent.address().isEmpty());
  device.connectTo(agent.address());
  ASSERT_TRUE(waitReady(view, 2));
  const SlotRow active = slotRow(view, 0);
  ASSERT_EQ(active.state, SlotState::kActive);

  // Pre-flight: a file that is no model is refused before a byte is sent, in the view.
  const QString junk = dir.filePath("notes.tflite");
  {
    QFile f(junk);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("these are notes, not a model\n");
  }
  view.setModelPath(junk);
  QSignalSpy finished(view.slotController(), &SlotController::flashFinished);
  view.startFlash();
  ASSERT_TRUE(finished.wait(10000));
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_TRUE(view.statusText().contains("notes.tflite")) << view.statusText().toStdString();
  EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
  EXPECT_EQ(bar.runningCount(), 0);
  EXPECT_EQ(log.entry(log.rowCount() - 1).level, tinyscope::LogLevel::kError);

  // Cancel from the status bar's work row once the transfer is under way.
  view.setModelPath(model);
  finished.clear();
  bool cancelled = false;
  QObject::connect(view.slotController(), &SlotController::flashProgress,
                   [&](quint32 offset, quint32 total) {
                     if (cancelled || offset == 0 || offset >= total / 2) return;
                     cancelled = true;
                     ASSERT_NE(bar.cancelButton(&view), nullptr);
                     QTest::mouseClick(bar.cancelButton(&view), Qt::LeftButton);
                   });
  view.startFlash();
  EXPECT_EQ(bar.runningCount(), 1);
  ASSERT_TRUE(finished.wait(60000));
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_LT(view.progressBar()->value(), 100);
  EXPECT_EQ(bar.runningCount(), 0);
  // The device still runs the old model; the new slot was never activated.
  view.slotController()->refresh();
  QTest::qWait(500);
  ASSERT_TRUE(QTest::qWaitFor([&] { return slotRow(view, 0).state == SlotState::kActive; }, 5000));
  EXPECT_EQ(slotRow(view, 0).modelCrc, active.modelCrc);
  EXPECT_NE(slotRow(view, 1).state, SlotState::kActive);
  EXPECT_NE(slotRow(view, 1).state, SlotState::kTesting);
  EXPECT_TRUE(view.flashButton()->isEnabled());  // ready for the next try
}

TEST_F(FlashViewTest, ResetRevertsAnUnconfirmedModelAndADeviceKilledMidFlashLeavesNothingStale) {
  const QString model = sharedModel(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(model).isFile())
    GTEST_SKIP() << model.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  view.show();
  device.connectTo("sim:?slots=" + dir.filePath("slots"));
  ASSERT_TRUE(waitReady(view, 2));
  const quint32 demoCrc = slotRow(view, 0).modelCrc;
  view.setModelPath(model);
  QSignalSpy finished(view.slotController(), &SlotController::flashFinished);
  view.startFlash();
  ASSERT_TRUE(finished.wait(30000));
  ASSERT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return slotRow(view, 1).state == SlotState::kTesting; }, 5000));

  // Reset: the agent reboots, shakes hands again, and boots the model it had before.
  QSignalSpy command(view.slotController(), &SlotController::commandFinished);
  QTest::mouseClick(view.resetButton(), Qt::LeftButton);
  ASSERT_TRUE(QTest::qWaitFor(
      [&] {
        return view.slotController()->deviceReady() &&
               slotRow(view, 0).state == SlotState::kActive &&
               slotRow(view, 0).modelCrc == demoCrc && slotRow(view, 1).state == SlotState::kValid;
      },
      15000))
      << view.statusText().toStdString() << " state " << int(device.state()) << " slot0 "
      << int(slotRow(view, 0).state) << " " << slotRow(view, 0).modelCrc << "/" << demoCrc
      << " slot1 " << int(slotRow(view, 1).state);
  EXPECT_FALSE(view.confirmButton()->isEnabled());
  EXPECT_TRUE(view.flashButton()->isEnabled());
  device.disconnectDevice();

  // A device that dies mid-transfer: one error in the view, the table empties, buttons go grey.
  auto agent = std::make_unique<PtyAgent>(
      QStringList{"--slots", dir.filePath("slots2"), "--baud", "115200"});
  ASSERT_FALSE(agent->address().isEmpty());
  device.connectTo(agent->address());
  ASSERT_TRUE(waitReady(view, 2));
  finished.clear();
  QObject::connect(view.slotController(), &SlotController::flashProgress,
                   [&](quint32 offset, quint32) {
                     if (offset > 0 && agent) agent.reset();  // kills the agent process
                   });
  view.startFlash();
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_FALSE(agent);
  EXPECT_FALSE(view.statusText().isEmpty());
  EXPECT_EQ(log.entry(log.rowCount() - 1).level, tinyscope::LogLevel::kError);
  EXPECT_TRUE(QTest::qWaitFor([&] { return !isLive(device.state()); }, 5000));
  EXPECT_EQ(view.slotController()->slotTable()->rowCount(), 0);
  EXPECT_FALSE(commandsEnabled(view));
  EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
}
