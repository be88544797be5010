#pragma once
// The `qemu:` device launcher: boots the Cortex-M4 build of tinyscope-agent in qemu-system-arm
// and hands its UART to the session as a plain SerialTransport on QEMU's pseudo-terminal.
//
//   qemu:                                   mps2-an386, the image this build produced
//   qemu:?board=netduinoplus2               the footprint board (1 MB flash, 128 KB SRAM)
//   qemu:?image=PATH&model=PATH&slot=N      another image; a .tflite preloaded into slot N
//   qemu:?icount=1                          -icount shift=0: 1 instruction = 1 ns of device time
//
// QemuLauncher::open() starts QEMU (-serial pty), reads the pty path from QEMU's output, then
// opens the pty with a SerialTransport and forwards its bytes; closing stops the emulator. QEMU
// attaches to the pty lazily and the firmware drops bytes that arrive before its UART is up, so the
// first bytes written may be lost: the session's handshake resends Hello until it is answered.
// close() and the destructor stop QEMU (SIGTERM, then SIGKILL after 2 s); QEMU also gets SIGKILL if
// this process dies first. Nothing survives a close: the RAM model slots of mps2-an386 start empty
// on the next open unless `model=` preloads one.
//
// Thread: lives in, and is called from, the thread that owns it. Memory: a temporary
// directory for the slot image while QEMU runs. QEMU's own output (semihosting prints, FATAL)
// comes out as diagnosticLine(). Errors: one sentence via errorOccurred()
// (QEMU missing, image missing, QEMU exited and what it said).
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>

#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/transport.h"
#include "firmware_agent/port/cortex_m/slot_layout.h"

class QTemporaryDir;

namespace tinyscope {

namespace link {
class SerialTransport;
}

// The slot layout of a board the Cortex-M4 port supports (firmware_agent/port/cortex_m/
// slot_layout.h); nullptr for an unknown name.
const agent::cortex_m::BoardSlotLayout* qemuBoardLayout(const QString& board);

// The firmware image for `board`: $TINYSCOPE_QEMU_IMAGE, else firmware/<board>/tinyscope-agent.elf
// next to the running program, else the one this build tree produced. Empty when none exists.
// (The qemu: option image=PATH overrides all of them; see qemuSettingsFromUri.)
QString findQemuImage(const QString& board);

// The emulator binary (qemu-system-arm on PATH, or $TINYSCOPE_QEMU). Empty when missing.
QString findQemuProgram();

// Writes the slot image of `model` for slot `slot` of `board` into `path`: hal.h's slot header
// (makeSlotHeader) + the model, the bytes the firmware finds at *loadAddress. False with *error
// (one sentence naming the file, board or slot) when the board or slot does not exist, the
// model is empty or does not fit the slot, or `path` cannot be written.
bool writeSlotImage(const QByteArray& model, const QString& board, int slot, const QString& path,
                    quint32* loadAddress, QString* error);

// The rate of a board's audio sensor: what qemu:?wav= files must be sampled at.
constexpr int kAudioSensorRateHz = 16000;

// Writes `wav` (16 kHz mono 16-bit PCM) as `board`'s audio clip (slot_layout.h) into `path`;
// *loadAddress: where QEMU's loader puts it. False with *error (one sentence naming the file or
// board) when the board has no audio sensor or the file is not such a WAV or too long.
bool writeAudioClip(const QString& wav, const QString& board, const QString& path,
                    quint32* loadAddress, QString* error);

struct QemuSettings {
  QString board = QStringLiteral("mps2-an386");
  QString image;  // .elf
  QString model;  // optional .tflite preloaded into `slot`
  int slot = 0;
  QString frontEnd;       // optional .tflite preloaded into the last slot (RunPipeline's front-end)
  QString wav;            // optional 16 kHz mono 16-bit WAV: the board's audio sensor (mps2-an386)
  bool icount = false;    // -icount shift=0
  QStringList extraArgs;  // appended to QEMU's command line
};

// Checks a qemu: address and resolves its settings; false with *error set (one sentence).
bool qemuSettingsFromUri(const link::DeviceUri& uri, QemuSettings* out, QString* error);

class QemuLauncher : public link::Transport {
  Q_OBJECT
 public:
  QemuLauncher(QString addressText, QemuSettings settings, QObject* parent = nullptr);
  ~QemuLauncher() override;

  void open() override;
  void close() override;
  bool isOpen() const override;
  bool write(const QByteArray& bytes) override;
  QString address() const override { return m_address; }

 private:
  QStringList commandLine() const;  // QEMU's command line for m_settings
  void onQemuOutput();
  void onQemuFinished(int code, QProcess::ExitStatus status);
  void stopQemu();
  void fail(const QString& message);

  QString m_address;
  QemuSettings m_settings;
  QProcess* m_qemu = nullptr;
  link::SerialTransport* m_serial = nullptr;
  std::unique_ptr<QTemporaryDir> m_tempDir;
  QVector<QPair<QString, quint32>> m_preloads;  // files QEMU's loader puts at addresses
  QString m_pty;
  QByteArray m_outputTail;
  QString m_lastOutput;
  bool m_closing = false;
};

}  // namespace tinyscope
