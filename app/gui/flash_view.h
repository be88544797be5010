#pragma once
// FlashView: the Flash dock. The connected device's model slots and their states (a
// SlotTableModel), flashing a model file into a slot with progress and Cancel, and the slot
// commands Test / Confirm / Rollback / Reset. Everything goes through the core's
// SlotController (ModelFlasher on the device's I/O thread); the view never talks to the link.
//
// Buttons follow the connection state (connection_state.h): all disabled unless a device that
// runs the agent is Connected or Streaming; the table empties when it goes away. Problems
// (pre-flight, the device's refusals, a lost link) are shown in the view's status line and the
// log, never in a dialog.
//
// Ownership: owns its SlotController; borrows the DeviceController and the LogModel (both must
// outlive it). Thread: GUI thread.
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace tinyscope {
class DeviceController;
class LogModel;
class SlotController;
}  // namespace tinyscope

namespace tinyscope::ui {

class FlashView : public QWidget {
  Q_OBJECT
 public:
  explicit FlashView(DeviceController* device, LogModel* log = nullptr, QWidget* parent = nullptr);
  ~FlashView() override;

  SlotController* slotController() const { return m_slots; }
  QTableView* slotTable() const { return m_table; }
  QString modelPath() const;
  void setModelPath(const QString& path);
  // The slot the next flash writes (a slot the device lists).
  void setTargetSlot(int slot);
  int targetSlot() const;
  void setConfirmAfterFlash(bool on);
  QString statusText() const;
  QProgressBar* progressBar() const { return m_progress; }
  QPushButton* flashButton() const { return m_flash; }
  QPushButton* cancelButton() const { return m_cancel; }
  QPushButton* testButton() const { return m_test; }
  QPushButton* confirmButton() const { return m_confirm; }
  QPushButton* rollbackButton() const { return m_rollback; }
  QPushButton* resetButton() const { return m_reset; }

 public Q_SLOTS:
  // Starts flashing the chosen file into the chosen slot (what the Flash button does).
  void startFlash();
  void cancelWork();

 Q_SIGNALS:
  void workStarted(const QString& title);
  void workProgress(qint64 value, qint64 maximum);
  void workEnded();

 private:
  void updateEnabled();
  void fillSlotChoice();
  void showStatus(const QString& text, bool error);
  void logLine(int level, const QString& text);
  void runCommand(int command);
  int selectedSlot() const;

  DeviceController* m_device;
  LogModel* m_log;
  SlotController* m_slots;
  QLabel* m_deviceLabel;
  QTableView* m_table;
  QLineEdit* m_path;
  QPushButton* m_browse;
  QComboBox* m_slotChoice;
  QCheckBox* m_confirmAfter;
  QPushButton* m_flash;
  QProgressBar* m_progress;
  QLabel* m_stage;
  QPushButton* m_cancel;
  QPushButton* m_test;
  QPushButton* m_confirm;
  QPushButton* m_rollback;
  QPushButton* m_reset;
  QLabel* m_status;
};

}  // namespace tinyscope::ui
