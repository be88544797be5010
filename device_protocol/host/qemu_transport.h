#pragma once
// QemuTransport: the `qemu:` device — the Cortex-M4 build of tinyscope-agent running in
// qemu-system-arm, reached through the emulated board's UART on a pseudo-terminal.
//
//   qemu:                                   mps2-an386, the image this build produced
//   qemu:?board=netduinoplus2               the footprint board (1 MB flash, 128 KB SRAM)
//   qemu:?image=PATH&model=PATH&slot=N      another image; a .tflite preloaded into slot N
//   qemu:?icount=1                          -icount shift=0: 1 instruction = 1 ns of device time
//
// open() starts QEMU (-serial pty), reads the pty path from QEMU's output, then opens the pty
// like a SerialTransport and forwards its bytes. QEMU attaches to the pty lazily and the
// firmware drops bytes that arrive before its UART is up, so the first bytes written may be
// lost: the session's handshake resends Hello until it is answered. close() and the
// destructor stop QEMU (SIGTERM, then SIGKILL after 2 s); QEMU also gets SIGKILL if this
// process dies first. Nothing survives a close: the RAM model slots of mps2-an386 start
// empty on the next open unless `model=` preloads one.
//
// Thread: lives in, and is called from, the thread that owns it. Memory: a temporary
// directory for the slot image while QEMU runs. Errors: one sentence via errorOccurred()
// (QEMU missing, image missing, QEMU exited and what it said).
#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>

#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/transport.h"

class QTemporaryDir;

namespace tinyscope::link {

class SerialTransport;

struct QemuBoardLayout {
  QString board;         // QEMU machine name
  quint32 slotBase = 0;  // address of model slot 0
  quint32 slotSize = 0;  // bytes per slot, header included
  int slotCount = 0;
};

// The boards the Cortex-M4 port supports; false for an unknown name. Must match
// firmware_agent/port/cortex_m/ld/<board>.ld.
bool qemuBoardLayout(const QString& board, QemuBoardLayout* out);

// The firmware image for `board`: $TINYSCOPE_QEMU_IMAGE, else firmware/<board>/tinyscope-agent.elf
// next to the running program, else the one this build tree produced. Empty when none exists.
// (The qemu: option image=PATH overrides all of them; see createQemuTransport.)
QString findQemuImage(const QString& board);

// The emulator binary (qemu-system-arm on PATH, or $TINYSCOPE_QEMU). Empty when missing.
QString findQemuProgram();

// Builds the hal.h slot image (32-byte header + model) of `model` into `path`.
bool writeSlotImage(const QByteArray& model, const QString& path, QString* error);

struct QemuSettings {
  QString board = QStringLiteral("mps2-an386");
  QString image;  // .elf
  QString model;  // optional .tflite preloaded into `slot`
  int slot = 0;
  bool icount = false;    // -icount shift=0
  QStringList extraArgs;  // appended to QEMU's command line
};

// Checks a qemu: address and resolves its settings; false with *error set (one sentence).
bool qemuSettingsFromUri(const DeviceUri& uri, QemuSettings* out, QString* error);

class QemuTransport : public Transport {
  Q_OBJECT
 public:
  QemuTransport(QString addressText, QemuSettings settings, QObject* parent = nullptr);
  ~QemuTransport() override;

  void open() override;
  void close() override;
  bool isOpen() const override;
  bool write(const QByteArray& bytes) override;
  QString address() const override { return m_address; }

  const QemuSettings& settings() const { return m_settings; }
  // The pty of the emulated UART ("" until QEMU reported it).
  QString ptyPath() const { return m_pty; }
  // QEMU's command line as started (for diagnostics and tests).
  QStringList commandLine() const;

 Q_SIGNALS:
  void diagnosticLine(const QString& line);  // QEMU's own output (semihosting prints, FATAL)

 private:
  void onQemuOutput();
  void onQemuFinished(int code, QProcess::ExitStatus status);
  void stopQemu();
  void fail(const QString& message);

  QString m_address;
  QemuSettings m_settings;
  QProcess* m_qemu = nullptr;
  SerialTransport* m_serial = nullptr;
  std::unique_ptr<QTemporaryDir> m_tempDir;
  QString m_slotImage;
  QString m_pty;
  QByteArray m_outputTail;
  QString m_lastOutput;
  bool m_closing = false;
};

}  // namespace tinyscope::link
