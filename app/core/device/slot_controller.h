#pragma once
// SlotController: the model slots of the device a DeviceController holds — their table
// (SlotTableModel), flashing a model file through ModelFlasher (pre-flight, progress,
// cancel), and the slot commands test (Activate), confirm, rollback and reset. No widgets:
// the Flash view shows it, tests drive it.
//
// Thread: create, call and destroy on the GUI thread. File reading, the flasher and every
// request run on the controller's I/O thread (DeviceController::withSession); results come
// back as queued signals. Each job carries the connection's generation: whatever a device
// that went away (or was replaced) still sends is dropped, and the table is cleared.
// One job at a time (busy()); a second start is refused. Memory: one model file (at most
// kMaxModelFileBytes) while it is flashed.
#include <QObject>
#include <QPointer>
#include <QString>
#include <memory>

#include "app/core/device/connection_state.h"
#include "app/core/device/device_controller.h"
#include "app/core/device/model_flasher.h"
#include "app/core/device/slot_table_model.h"

namespace tinyscope {

struct SlotControllerShared;

class SlotController : public QObject {
  Q_OBJECT
 public:
  static constexpr qint64 kMaxModelFileBytes = 64ll << 20;
  enum class Command { kTest, kConfirm, kRollback, kReset };

  // `device` is borrowed and must outlive this object.
  explicit SlotController(DeviceController* device, QObject* parent = nullptr);
  ~SlotController() override;

  SlotTableModel* slotTable() { return &m_table; }
  // A device that runs the agent is connected (Connected or Streaming).
  bool deviceReady() const;
  bool busy() const { return m_busy; }
  bool flashing() const { return m_flashing; }
  // What runs ("flashing kws_ref_model.tflite into slot 1"), empty when idle.
  QString busyWhat() const { return m_busyWhat; }

  // Flashes the model file `path` into options.slot. False (nothing started) when busy or no
  // device is ready; otherwise flashFinished() follows exactly once.
  bool flash(const QString& path, const FlashOptions& options);
  // Stops the flash after the request in flight; flashFinished(false, ...) follows.
  void cancel();
  // Asks the device for every slot's state; the table follows.
  bool refresh();
  // kTest activates `slot` in test state (a reset reverts it unless confirmed); the others
  // ignore `slot`. commandFinished() follows exactly once when true is returned.
  bool runCommand(Command command, int slot = 0);
  static QString commandName(Command command);

 Q_SIGNALS:
  void busyChanged(bool busy);
  void flashProgress(quint32 offset, quint32 total);
  void flashStage(const QString& what);
  // ok: summary ("slot 1: kws_ref_model, 53936 bytes, active in test state"); else the
  // error (pre-flight problems, the device's refusal, cancelled, the device went away).
  void flashFinished(bool ok, const QString& message);
  void commandFinished(bool ok, const QString& message);
  void slotsChanged();

 private:
  void onState(ConnectionState state);
  void setBusy(const QString& what);
  // Ends the running job (if `generation` is still current) and reports it.
  void endFlash(quint64 generation, bool ok, const QString& message);
  void endCommand(quint64 generation, bool ok, const QString& message);

  QPointer<DeviceController> m_device;  // cleared if the device controller goes first
  SlotTableModel m_table;
  std::shared_ptr<SlotControllerShared> m_shared;  // shared with jobs on the I/O thread
  quint64 m_generation = 1;  // bumped when the device goes away or answers anew
  bool m_busy = false;
  bool m_flashing = false;
  QString m_busyWhat;
};

}  // namespace tinyscope
