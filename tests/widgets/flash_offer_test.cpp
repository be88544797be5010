// Opening a model while connected: a device that runs the agent and keeps its own model (the
// real host agent on a pty) gets an offer to flash it in a bar of the window, after the
// pre-flight; Flash goes through the Flash view into the inactive slot. A device whose arena is
// too small is told why instead, and a simulated device is restarted with the model (no offer).
// Never a dialog. Skips without ../shared's models.
#include <gtest/gtest.h>

#include <QApplication>
#include <QFileInfo>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/device/slot_controller.h"
#include "app/core/device/slot_table_model.h"
#include "app/core/workbench.h"
#include "app/gui/flash_offer_bar.h"
#include "app/gui/flash_view.h"
#include "app/gui/main_window.h"
#include "tests/support/agent_process.h"

using namespace tinyscope;

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);

QString sharedModel(const char* name) {
  return kShared + "/models/" + name + ".tflite";
}

bool waitSlots(ui::MainWindow* window) {
  SlotController* slots = window->flashView()->slotController();
  for (int i = 0; i < 500 && !(slots->deviceReady() && slots->slotTable()->rowCount() >= 2); ++i)
    QTest::qWait(20);
  return slots->deviceReady() && slots->slotTable()->rowCount() >= 2;
}

}  // namespace

TEST(FlashOffer, OpeningAModelOnADeviceWithAnotherOneOffersToFlashItThroughTheFlashView) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  const QString model = sharedModel("hello_world_int8");
  if (!QFileInfo(model).isFile()) GTEST_SKIP() << model.toStdString() << " is absent";
  QTemporaryDir dir;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("settings"));
  PtyAgent agent({"--slots", dir.filePath("slots")});
  ASSERT_FALSE(agent.address().isEmpty());
  ui::MainWindow window;
  window.show();
  ui::FlashOfferBar* bar = window.flashOffer();
  // Not connected: nothing to offer.
  ASSERT_TRUE(window.openModel(model));
  EXPECT_TRUE(bar->isHidden());

  window.connectDevice(agent.address());
  ASSERT_TRUE(waitSlots(&window));
  ASSERT_TRUE(window.openModel(model));
  EXPECT_FALSE(bar->isHidden());
  EXPECT_TRUE(bar->text().contains("Flash hello_world_int8.tflite")) << bar->text().toStdString();
  EXPECT_TRUE(bar->text().contains("Pre-flight passed")) << bar->text().toStdString();
  EXPECT_TRUE(bar->flashButton()->isVisible());
  EXPECT_EQ(QApplication::activeModalWidget(), nullptr);

  QSignalSpy finished(window.flashView()->slotController(), &SlotController::flashFinished);
  QTest::mouseClick(bar->flashButton(), Qt::LeftButton);
  EXPECT_TRUE(bar->isHidden());
  // The window opens models by their canonical path (../shared becomes /…/shared).
  EXPECT_EQ(QFileInfo(window.flashView()->modelPath()).canonicalFilePath(),
            QFileInfo(model).canonicalFilePath());
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
  // The slot list is read again after the flash: slot 1 holds the model, in test state.
  const SlotTableModel* table = window.flashView()->slotController()->slotTable();
  const QModelIndex name = table->index(1, SlotTableModel::kModelColumn);
  for (int i = 0; i < 250 && !table->data(name).toString().contains("hello_world_int8"); ++i)
    QTest::qWait(20);
  EXPECT_TRUE(table->data(name).toString().contains("hello_world_int8"))
      << table->data(name).toString().toStdString();
  EXPECT_EQ(table->index(1, 0).data(SlotTableModel::kStateRole).toInt(),
            static_cast<int>(proto::SlotState::kTesting));

  // Dismiss hides the offer; a disconnect withdraws it.
  ASSERT_TRUE(window.openModel(model));
  ASSERT_FALSE(bar->isHidden());
  QTest::mouseClick(bar->dismissButton(), Qt::LeftButton);
  EXPECT_TRUE(bar->isHidden());
  ASSERT_TRUE(window.openModel(model));
  ASSERT_FALSE(bar->isHidden());
  window.workbench()->device()->disconnectDevice();
  EXPECT_TRUE(bar->isHidden());
}

TEST(FlashOffer, AModelTheDeviceCannotRunIsNotOfferedAndTheBarSaysWhy) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  const QString model = sharedModel("kws_ref_model");
  if (!QFileInfo(model).isFile()) GTEST_SKIP() << model.toStdString() << " is absent";
  QTemporaryDir dir;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("settings"));
  PtyAgent agent({"--slots", dir.filePath("slots"), "--arena", "4K"});
  ASSERT_FALSE(agent.address().isEmpty());
  ui::MainWindow window;
  window.show();
  window.connectDevice(agent.address());
  ASSERT_TRUE(waitSlots(&window));
  ASSERT_TRUE(window.openModel(model));
  ui::FlashOfferBar* bar = window.flashOffer();
  EXPECT_FALSE(bar->isHidden());
  EXPECT_FALSE(bar->flashButton()->isVisible());
  EXPECT_TRUE(bar->text().contains("kws_ref_model.tflite cannot run on this device"))
      << bar->text().toStdString();
  EXPECT_TRUE(bar->text().contains("arena")) << bar->text().toStdString();
  EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
}

TEST(FlashOffer, ASimulatedDeviceIsRestartedWithTheModelInsteadOfOffered) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  const QString model = sharedModel("hello_world_int8");
  if (!QFileInfo(model).isFile()) GTEST_SKIP() << model.toStdString() << " is absent";
  QTemporaryDir dir;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("settings"));
  ui::MainWindow window;
  window.show();
  window.connectDevice("sim:?sensor=imu");
  ASSERT_TRUE(waitSlots(&window));
  ASSERT_TRUE(window.openModel(model));
  EXPECT_TRUE(window.workbench()->deviceRunsModel());
  EXPECT_TRUE(window.flashOffer()->isHidden());
}
