#include "app/core/device/slot_controller.h"

#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSemaphore>
#include <QTimer>
#include <atomic>
#include <memory>

#include "app/core/device/device_controller.h"

namespace tinyscope {

namespace {

// Whether the SlotController still exists, shared with the jobs it sent to the I/O thread.
using AliveFlag = std::shared_ptr<std::atomic<bool>>;

// Posts `f` to `target`'s thread unless `target` is gone (see ~SlotController).
template <class F>
void post(const AliveFlag& alive, QObject* target, F&& f) {
  if (alive->load()) QMetaObject::invokeMethod(target, std::forward<F>(f), Qt::QueuedConnection);
}

// Sends `request` and waits for its Ack (Reset: the link dropping counts as done, the device
// may reboot before its Ack crosses). `done(ok, ack value, error)` runs once, on the I/O thread.
template <class T>
void requestAck(DeviceSession* s, const T& request, const QString& what,
                std::function<void(bool, quint32, const QString&)> done) {
  const quint16 id = s->send(request);
  if (id == 0) {
    done(false, 0, QStringLiteral("%1: cannot send %2 (link closed)").arg(s->uri().text, what));
    return;
  }
  auto once = std::make_shared<std::function<void(bool, quint32, const QString&)>>(std::move(done));
  auto finish = [once](bool ok, quint32 value, const QString& error) {
    if (!*once) return;
    auto f = std::move(*once);
    *once = nullptr;
    f(ok, value, error);
  };
  const QString uri = s->uri().text;
  s->router().expect<proto::Ack>(
      id, what, 15000, [finish](const proto::Ack& a) { finish(true, a.value, {}); },
      [finish, uri](const proto::Nack& n) {
        finish(false, 0, QStringLiteral("%1: %2").arg(uri, DeviceSession::describeNack(n)));
      },
      [finish, uri](const QString& why) {
        if (T::kType == proto::MessageType::kReset)
          finish(true, 0, {});  // the link dropped: the device is rebooting
        else
          finish(false, 0, QStringLiteral("%1: %2").arg(uri, why));
      });
}

}  // namespace

struct SlotControllerShared {
  AliveFlag alive = std::make_shared<std::atomic<bool>>(true);
};

SlotController::SlotController(DeviceController* device, QObject* parent)
    : QObject(parent), m_device(device), m_shared(std::make_shared<SlotControllerShared>()) {
  connect(device, &DeviceController::stateChanged, this, &SlotController::onState);
  connect(device, &DeviceController::connected, this, [this](const DeviceInfo& info) {
    // A new handshake (a connection, a reconnection, a reboot after Reset): the slots it lists.
    ++m_generation;
    QVector<SlotRow> rows;
    for (size_t i = 0; i < info.hello.slots.size(); ++i) {
      SlotRow r = slotRowOf(info.hello.slots[i]);
      r.modelName = info.slotModelNames.value(static_cast<int>(i));
      rows.append(r);
    }
    m_table.setRows(rows);
    Q_EMIT slotsChanged();
  });
  if (deviceReady()) {
    // Already connected: read the slots now.
    refresh();
  }
}

SlotController::~SlotController() {
  m_shared->alive->store(false);
  // Wait until the I/O thread has finished whatever job it is in, so none of them posts to
  // this object any more (posts already queued die with it).
  if (m_device) {
    auto done = std::make_shared<QSemaphore>();
    m_device->withSession([done](DeviceSession*) { done->release(); });
    done->acquire();
  }
}

bool SlotController::deviceReady() const {
  return m_device && isLive(m_device->state()) && m_device->info().hello.chosenVersion != 0;
}

void SlotController::onState(ConnectionState state) {
  if (isLive(state)) return;
  // The device went away or is being replaced: nothing it sent stays on screen.
  ++m_generation;
  m_table.clear();
  Q_EMIT slotsChanged();
  if (!m_busy) return;
  const bool flashing = m_flashing;
  const QString what = m_busyWhat;
  m_busy = m_flashing = false;
  m_busyWhat.clear();
  const QString message = tr("%1 stopped: the device is %2.").arg(what, connectionStateName(state));
  Q_EMIT busyChanged(false);
  if (flashing)
    Q_EMIT flashFinished(false, message);
  else
    Q_EMIT commandFinished(false, message);
}

void SlotController::setBusy(const QString& what) {
  m_busy = true;
  m_busyWhat = what;
  Q_EMIT busyChanged(true);
}

void SlotController::endFlash(quint64 generation, bool ok, const QString& message) {
  if (generation != m_generation || !m_flashing) return;
  m_busy = m_flashing = false;
  m_busyWhat.clear();
  Q_EMIT busyChanged(false);
  Q_EMIT flashFinished(ok, message);
  refresh();
}

void SlotController::endCommand(quint64 generation, bool ok, const QString& message) {
  if (generation != m_generation || !m_busy || m_flashing) return;
  m_busy = false;
  m_busyWhat.clear();
  Q_EMIT busyChanged(false);
  Q_EMIT commandFinished(ok, message);
}

bool SlotController::flash(const QString& path, const FlashOptions& options) {
  if (m_busy || !deviceReady()) return false;
  const quint64 gen = m_generation;
  m_flashing = true;
  setBusy(tr("flashing %1 into slot %2").arg(QFileInfo(path).fileName()).arg(options.slot));
  AliveFlag alive = m_shared->alive;
  m_device->withSession([this, alive, gen, path, options](DeviceSession* s) {
    auto fail = [&](const QString& why) {
      post(alive, this, [this, gen, why] { endFlash(gen, false, why); });
    };
    if (!s) return fail(tr("No device that runs the agent is connected."));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
      return fail(tr("Cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxModelFileBytes)
      return fail(tr("%1 is %2 bytes: larger than any model slot (at most %3 bytes are read).")
                      .arg(path)
                      .arg(file.size())
                      .arg(kMaxModelFileBytes));
    const QByteArray bytes = file.readAll();
    if (bytes.size() != file.size())
      return fail(tr("Cannot read %1: %2").arg(path, file.errorString()));
    FlashOptions opt = options;
    if (opt.modelName.isEmpty()) opt.modelName = QFileInfo(path).completeBaseName();
    // A child of the session: a device that goes away takes its flasher with it.
    auto* flasher = new ModelFlasher(s, s);
    flasher->setObjectName(QStringLiteral("slotControllerFlasher"));
    connect(flasher, &ModelFlasher::progress, this, [this, gen](quint32 offset, quint32 total) {
      if (gen == m_generation && m_flashing) Q_EMIT flashProgress(offset, total);
    });
    connect(flasher, &ModelFlasher::stageChanged, this, [this, gen](const QString& what) {
      if (gen == m_generation && m_flashing) Q_EMIT flashStage(what);
    });
    // On the I/O thread: read the report before the flasher goes.
    connect(flasher, &ModelFlasher::finished, flasher,
            [this, alive, gen, flasher, opt](bool ok, const QString& error) {
              const FlashReport r = flasher->report();
              flasher->deleteLater();
              QString message = error;
              if (ok)
                message =
                    tr("slot %1: %2, %3 bytes%4 in %5 s%6")
                        .arg(opt.slot)
                        .arg(opt.modelName)
                        .arg(r.size)
                        .arg(r.resumedFrom ? tr(" (resumed at %1)").arg(r.resumedFrom) : QString())
                        .arg(static_cast<double>(r.elapsedMs) / 1000.0, 0, 'f', 1)
                        .arg(r.confirmed   ? tr(", active and confirmed")
                             : r.activated ? tr(", active in test state (confirm to keep it)")
                                           : tr(", not activated"));
              post(alive, this, [this, gen, ok, message] { endFlash(gen, ok, message); });
            });
    if (!flasher->start(bytes, opt)) {
      const QString error = tr("%1 was not flashed: %2").arg(path, flasher->error());
      delete flasher;
      return fail(error);
    }
  });
  return true;
}

void SlotController::cancel() {
  if (!m_flashing || !m_device) return;
  m_device->withSession([](DeviceSession* s) {
    if (!s) return;
    for (ModelFlasher* f : s->findChildren<ModelFlasher*>(QStringLiteral("slotControllerFlasher"),
                                                          Qt::FindDirectChildrenOnly))
      f->cancel();
  });
}

bool SlotController::refresh() {
  if (!deviceReady()) return false;
  QVector<int> slots;
  for (const SlotRow& r : m_table.rows()) slots.append(r.slot);
  if (slots.isEmpty()) {
    const DeviceInfo& info = m_device->info();
    for (size_t i = 0; i < info.hello.slots.size(); ++i) slots.append(info.hello.slots[i].slot);
  }
  const quint64 gen = m_generation;
  AliveFlag alive = m_shared->alive;
  m_device->withSession([this, alive, gen, slots](DeviceSession* s) {
    if (!s) return;
    for (int slot : slots) {
      proto::SlotInfoRequest req;
      req.slot = static_cast<quint8>(slot);
      const quint16 id = s->send(req);
      if (id == 0) return;
      s->router().expect<proto::SlotInfo>(
          id, QStringLiteral("SlotInfoRequest for slot %1").arg(slot), 3000,
          [this, alive, gen](const proto::SlotInfo& info) {
            const SlotRow row = slotRowOf(info);
            post(alive, this, [this, gen, row] {
              if (gen != m_generation) return;
              m_table.updateRow(row);
              Q_EMIT slotsChanged();
            });
          },
          {}, {});
    }
  });
  return true;
}

QString SlotController::commandName(Command command) {
  switch (command) {
    case Command::kTest:
      return tr("Test");
    case Command::kConfirm:
      return tr("Confirm");
    case Command::kRollback:
      return tr("Rollback");
    case Command::kReset:
      return tr("Reset");
  }
  return {};
}

bool SlotController::runCommand(Command command, int slot) {
  if (m_busy || !deviceReady()) return false;
  const quint64 gen = m_generation;
  const QString name = commandName(command);
  setBusy(command == Command::kTest ? tr("testing slot %1").arg(slot) : name.toLower());
  AliveFlag alive = m_shared->alive;
  m_device->withSession([this, alive, gen, command, slot, name](DeviceSession* s) {
    auto done = [this, alive, gen, command, slot, name](bool ok, quint32 value,
                                                        const QString& error) {
      QString message = error;
      if (ok) {
        switch (command) {
          case Command::kTest:
            message = tr("slot %1 is active in test state: Confirm keeps it, Reset or Rollback "
                         "returns to the model before")
                          .arg(slot);
            break;
          case Command::kConfirm:
            message = tr("slot %1 confirmed: it stays active across resets").arg(value);
            break;
          case Command::kRollback:
            message = tr("slot %1 is active again").arg(value);
            break;
          case Command::kReset:
            message = tr("reset acknowledged: the device reboots");
            break;
        }
      }
      post(alive, this, [this, gen, ok, message, command] {
        endCommand(gen, ok, message);
        if (ok && command != Command::kReset) refresh();
      });
    };
    if (!s) return done(false, 0, tr("No device that runs the agent is connected."));
    switch (command) {
      case Command::kTest: {
        proto::Activate a;
        a.slot = static_cast<quint8>(slot);
        return requestAck(s, a, QStringLiteral("Activate slot %1").arg(slot), done);
      }
      case Command::kConfirm:
        return requestAck(s, proto::Confirm(), name, done);
      case Command::kRollback:
        return requestAck(s, proto::Rollback(), name, done);
      case Command::kReset:
        return requestAck(s, proto::Reset(), name,
                          [s, done](bool ok, quint32 value, const QString& error) {
                            // A device whose link survives its reboot (the host agent re-executes
                            // itself on the same pipes) says nothing by itself: a Hello half a
                            // second later is answered by the new boot, which the session takes as
                            // a restart (deviceRestarted), so every view reloads from the new
                            // handshake. A link that dropped reconnects.
                            if (ok)
                              QTimer::singleShot(500, s, [s] {
                                proto::Hello hello;
                                hello.hostName.assign("tinyscope");
                                s->send(hello);
                              });
                            done(ok, value, error);
                          });
    }
  });
  return true;
}

}  // namespace tinyscope
