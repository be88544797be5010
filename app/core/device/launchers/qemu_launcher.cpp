#include "app/core/device/launchers/qemu_launcher.h"

#include <sys/prctl.h>
#include <unistd.h>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <csignal>
#include <string>
#include <vector>

#include "app/core/inputs/input_recipe.h"
#include "device_protocol/host/serial_transport.h"
#include "firmware_agent/hal.h"
#include "model_runner/host/file_io.h"

namespace tinyscope {

using link::SerialTransport;
using link::Transport;

namespace {

// QEMU dies with us: a crashed or killed desktop must not leave an emulator behind.
class ChildProcess : public QProcess {
 public:
  using QProcess::QProcess;

 protected:
  void setupChildProcess() override {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() == 1) ::_exit(1);  // the parent is already gone
  }
};

}  // namespace

const agent::cortex_m::BoardSlotLayout* qemuBoardLayout(const QString& board) {
  return agent::cortex_m::findBoardSlotLayout(board.toLatin1().constData());
}

QString findQemuImage(const QString& board) {
  QStringList candidates;
  if (qEnvironmentVariableIsSet("TINYSCOPE_QEMU_IMAGE"))
    candidates << qEnvironmentVariable("TINYSCOPE_QEMU_IMAGE");
  const QString name = QStringLiteral("/%1/tinyscope-agent.elf").arg(board);
  candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/firmware") + name;
#ifdef TINYSCOPE_BUILD_FIRMWARE_DIR
  candidates << QStringLiteral(TINYSCOPE_BUILD_FIRMWARE_DIR) + name;
#endif
  for (const QString& c : candidates)
    if (QFileInfo(c).isFile()) return c;
  return {};
}

QString findQemuProgram() {
  if (qEnvironmentVariableIsSet("TINYSCOPE_QEMU")) {
    const QString p = qEnvironmentVariable("TINYSCOPE_QEMU");
    return QFileInfo(p).isExecutable() ? p : QString();
  }
  return QStandardPaths::findExecutable(QStringLiteral("qemu-system-arm"));
}

bool writeAudioClip(const QString& wav, const QString& board, const QString& path,
                    quint32* loadAddress, QString* error) {
  const agent::cortex_m::BoardAudioClip* clip =
      agent::cortex_m::findBoardAudioClip(board.toLatin1().constData());
  std::vector<int16_t> pcm;
  if (clip == nullptr) {
    *error = QStringLiteral("%1 has no audio sensor (mps2-an386 has)").arg(board);
    return false;
  }
  if (!inputs::readPcm16Wav(wav, kAudioSensorRateHz, &pcm, error)) return false;
  const quint64 bytes = agent::cortex_m::kAudioClipHeaderBytes + quint64{pcm.size()} * 2;
  if (pcm.empty() || bytes > clip->maxBytes) {
    *error = QStringLiteral("%1 has %2 samples; %3's audio clip holds 1..%4")
                 .arg(wav)
                 .arg(pcm.size())
                 .arg(board)
                 .arg((clip->maxBytes - agent::cortex_m::kAudioClipHeaderBytes) / 2);
    return false;
  }
  QByteArray out;
  auto le32 = [&out](quint32 v) {
    for (int i = 0; i < 4; ++i) out.append(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  le32(agent::cortex_m::kAudioClipMagic);
  le32(static_cast<quint32>(kAudioSensorRateHz));
  le32(static_cast<quint32>(pcm.size()));
  le32(0);
  for (int16_t v : pcm) {
    out.append(static_cast<char>(static_cast<uint16_t>(v) & 0xFF));
    out.append(static_cast<char>(static_cast<uint16_t>(v) >> 8));
  }
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(out) != out.size()) {
    *error = QStringLiteral("cannot write the audio clip %1: %2").arg(path, f.errorString());
    return false;
  }
  *loadAddress = clip->address;
  return true;
}

bool writeSlotImage(const QByteArray& model, const QString& board, int slot, const QString& path,
                    quint32* loadAddress, QString* error) {
  const agent::cortex_m::BoardSlotLayout* layout = qemuBoardLayout(board);
  if (layout == nullptr) {
    *error = QStringLiteral("unknown board '%1' (mps2-an386 or netduinoplus2)").arg(board);
    return false;
  }
  if (slot < 0 || static_cast<quint32>(slot) >= layout->slotCount) {
    *error = QStringLiteral("slot %1: %2 has slots 0..%3")
                 .arg(slot)
                 .arg(board)
                 .arg(layout->slotCount - 1);
    return false;
  }
  const quint32 capacity = layout->slotSize - agent::hal::kSlotHeaderSize;
  if (model.isEmpty() || static_cast<quint64>(model.size()) > capacity) {
    *error = QStringLiteral("a model of %1 bytes does not fit a %2 slot (1..%3 bytes)")
                 .arg(model.size())
                 .arg(board)
                 .arg(capacity);
    return false;
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(model.constData());
  const auto size = static_cast<uint32_t>(model.size());
  QByteArray header(agent::hal::kSlotHeaderSize, '\0');
  agent::hal::makeSlotHeader(size, agent::hal::crc32(bytes, size),
                             reinterpret_cast<uint8_t*>(header.data()));
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
      f.write(header + model) != header.size() + model.size()) {
    *error = QStringLiteral("cannot write the slot image %1: %2").arg(path, f.errorString());
    return false;
  }
  *loadAddress = layout->slotBase + static_cast<quint32>(slot) * layout->slotSize;
  return true;
}

bool qemuSettingsFromUri(const link::DeviceUri& uri, QemuSettings* out, QString* error) {
  static const QStringList kKnown = {QStringLiteral("board"),  QStringLiteral("image"),
                                     QStringLiteral("model"),  QStringLiteral("slot"),
                                     QStringLiteral("icount"), QStringLiteral("front-end"),
                                     QStringLiteral("wav")};
  for (const auto& item : uri.options.queryItems())
    if (!kKnown.contains(item.first)) {
      *error = QStringLiteral("qemu: unknown option '%1' (known: %2)")
                   .arg(item.first, kKnown.join(QStringLiteral(", ")));
      return false;
    }
  QemuSettings s;
  s.board = uri.option(QStringLiteral("board"), s.board);
  const agent::cortex_m::BoardSlotLayout* layout = qemuBoardLayout(s.board);
  if (layout == nullptr) {
    *error = QStringLiteral("qemu: unknown board '%1' (mps2-an386 or netduinoplus2)").arg(s.board);
    return false;
  }
  s.model = uri.option(QStringLiteral("model"));
  bool ok = true;
  s.slot = uri.option(QStringLiteral("slot"), QStringLiteral("0")).toInt(&ok);
  if (!ok || s.slot < 0 || static_cast<quint32>(s.slot) >= layout->slotCount) {
    *error = QStringLiteral("qemu: slot '%1': %2 has slots 0..%3")
                 .arg(uri.option(QStringLiteral("slot")), s.board)
                 .arg(layout->slotCount - 1);
    return false;
  }
  if (!s.model.isEmpty()) {
    const QFileInfo fi(s.model);
    if (!fi.exists()) {
      *error = QStringLiteral("qemu: model '%1' does not exist").arg(s.model);
      return false;
    }
    if (!fi.isFile()) {
      *error = QStringLiteral("qemu: model '%1' is not a regular file (a folder, device or FIFO)")
                   .arg(s.model);
      return false;
    }
    if (fi.size() == 0 || fi.size() + agent::hal::kSlotHeaderSize > layout->slotSize) {
      *error = QStringLiteral("qemu: model '%1' (%2 bytes) does not fit a %3 slot (%4 bytes)")
                   .arg(s.model)
                   .arg(fi.size())
                   .arg(s.board)
                   .arg(layout->slotSize - agent::hal::kSlotHeaderSize);
      return false;
    }
  }
  s.frontEnd = uri.option(QStringLiteral("front-end"));
  if (!s.frontEnd.isEmpty() && !QFileInfo(s.frontEnd).isFile()) {
    *error = QStringLiteral("qemu: front-end '%1' does not exist").arg(s.frontEnd);
    return false;
  }
  if (!s.frontEnd.isEmpty() && static_cast<quint32>(s.slot) + 1 == layout->slotCount) {
    *error = QStringLiteral("qemu: the front-end goes into slot %1, where the model is")
                 .arg(layout->slotCount - 1);
    return false;
  }
  s.wav = uri.option(QStringLiteral("wav"));
  if (!s.wav.isEmpty()) {
    std::vector<int16_t> pcm;
    const agent::cortex_m::BoardAudioClip* clip =
        agent::cortex_m::findBoardAudioClip(s.board.toLatin1().constData());
    if (clip == nullptr) {
      *error = QStringLiteral("qemu: %1 has no audio sensor (mps2-an386 has)").arg(s.board);
      return false;
    }
    if (!inputs::readPcm16Wav(s.wav, kAudioSensorRateHz, &pcm, error)) {
      *error = QStringLiteral("qemu: wav: %1").arg(*error);
      return false;
    }
  }
  const QString icount = uri.option(QStringLiteral("icount"), QStringLiteral("0"));
  if (icount != QLatin1String("0") && icount != QLatin1String("1")) {
    *error = QStringLiteral("qemu: icount '%1' must be 0 or 1").arg(icount);
    return false;
  }
  s.icount = icount == QLatin1String("1");
  // The user's own files are checked before what this build provides (the image).
  s.image = uri.option(QStringLiteral("image"));
  if (s.image.isEmpty()) {
    s.image = findQemuImage(s.board);
    if (s.image.isEmpty()) {
      *error = QStringLiteral(
                   "qemu: no tinyscope-agent.elf for %1 (build the firmware with "
                   "arm-none-eabi-gcc, or give "
                   "qemu:?image=PATH or $TINYSCOPE_QEMU_IMAGE)")
                   .arg(s.board);
      return false;
    }
  } else if (!QFileInfo(s.image).isFile()) {
    *error = QStringLiteral("qemu: image '%1' does not exist").arg(s.image);
    return false;
  }
  if (findQemuProgram().isEmpty()) {
    *error = QStringLiteral(
        "qemu: qemu-system-arm is not installed (apt-get install qemu-system-arm, or set "
        "$TINYSCOPE_QEMU)");
    return false;
  }
  *out = s;
  return true;
}

QemuLauncher::QemuLauncher(QString addressText, QemuSettings settings, QObject* parent)
    : Transport(parent), m_address(std::move(addressText)), m_settings(std::move(settings)) {}

QemuLauncher::~QemuLauncher() {
  m_closing = true;
  if (m_serial) {
    m_serial->blockSignals(true);
    m_serial->close();
  }
  if (m_qemu) m_qemu->blockSignals(true);
  stopQemu();
}

bool QemuLauncher::isOpen() const {
  return m_serial != nullptr && m_serial->isOpen();
}

QStringList QemuLauncher::commandLine() const {
  QStringList args{QStringLiteral("-M"), m_settings.board, QStringLiteral("-display"),
                   QStringLiteral("none"), QStringLiteral("-monitor"), QStringLiteral("none"),
                   QStringLiteral("-kernel"), m_settings.image, QStringLiteral("-serial"),
                   QStringLiteral("pty"),
                   // Semihosting prints reach us unbuffered (a chardev, not QEMU's stdio buffer);
                   // hal::fatal() ends QEMU with its code. The image also runs without it.
                   QStringLiteral("-chardev"), QStringLiteral("stdio,id=semihost,signal=off"),
                   QStringLiteral("-semihosting-config"),
                   QStringLiteral("enable=on,target=native,chardev=semihost")};
  if (m_settings.icount) args << QStringLiteral("-icount") << QStringLiteral("shift=0");
  for (const auto& preload : m_preloads) {
    args << QStringLiteral("-device")
         << QStringLiteral("loader,file=%1,addr=0x%2,force-raw=on")
                .arg(preload.first)
                .arg(preload.second, 8, 16, QLatin1Char('0'));
  }
  args << m_settings.extraArgs;
  return args;
}

void QemuLauncher::open() {
  if (m_qemu != nullptr) return;
  m_closing = false;
  m_pty.clear();
  m_outputTail.clear();
  m_lastOutput.clear();
  m_preloads.clear();
  m_tempDir = std::make_unique<QTemporaryDir>();
  if (!m_tempDir->isValid())
    return fail(QStringLiteral("%1: cannot create a temporary directory").arg(m_address));
  const agent::cortex_m::BoardSlotLayout* layout = qemuBoardLayout(m_settings.board);
  struct SlotModelFile {
    QString path;
    int slot;
  };
  const SlotModelFile slotModels[] = {
      {m_settings.model, m_settings.slot},
      {m_settings.frontEnd, layout != nullptr ? static_cast<int>(layout->slotCount) - 1 : 0}};
  for (const SlotModelFile& m : slotModels) {
    if (m.path.isEmpty()) continue;
    std::vector<uint8_t> model;
    std::string readError;
    if (!runner::host::readBinaryFile(m.path.toStdString(), &model, &readError))
      return fail(QStringLiteral("%1: %2").arg(m_address, QString::fromStdString(readError)));
    QString error;
    const QString image = m_tempDir->filePath(QStringLiteral("slot%1.bin").arg(m.slot));
    quint32 address = 0;
    const QByteArray modelBytes(reinterpret_cast<const char*>(model.data()),
                                static_cast<int>(model.size()));
    if (!writeSlotImage(modelBytes, m_settings.board, m.slot, image, &address, &error))
      return fail(QStringLiteral("%1: model %2: %3").arg(m_address, m.path, error));
    m_preloads.append(qMakePair(image, address));
  }
  if (!m_settings.wav.isEmpty()) {
    QString error;
    const QString clip = m_tempDir->filePath(QStringLiteral("audio.bin"));
    quint32 address = 0;
    if (!writeAudioClip(m_settings.wav, m_settings.board, clip, &address, &error))
      return fail(QStringLiteral("%1: %2").arg(m_address, error));
    m_preloads.append(qMakePair(clip, address));
  }
  const QString program = findQemuProgram();
  if (program.isEmpty())
    return fail(QStringLiteral("%1: qemu-system-arm is not installed").arg(m_address));
  m_qemu = new ChildProcess(this);
  m_qemu->setProcessChannelMode(QProcess::MergedChannels);
  connect(m_qemu, &QProcess::readyReadStandardOutput, this, &QemuLauncher::onQemuOutput);
  connect(m_qemu, qOverload<int, QProcess::ExitStatus>(&QProcess::finished), this,
          &QemuLauncher::onQemuFinished);
  connect(m_qemu, &QProcess::errorOccurred, this, [this, program](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) {
      QProcess* q = m_qemu;
      m_qemu = nullptr;
      if (q) q->deleteLater();
      fail(QStringLiteral("%1: cannot start %2: %3")
               .arg(m_address, program, q ? q->errorString() : QString()));
    }
  });
  m_qemu->start(program, commandLine(), QIODevice::ReadOnly);
}

void QemuLauncher::onQemuOutput() {
  if (!m_qemu) return;
  m_outputTail += m_qemu->readAllStandardOutput();
  int nl;
  while ((nl = m_outputTail.indexOf('\n')) >= 0) {
    const QString line = QString::fromUtf8(m_outputTail.left(nl)).trimmed();
    m_outputTail.remove(0, nl + 1);
    if (line.isEmpty()) continue;
    static const QRegularExpression kPty(
        QStringLiteral("char device redirected to (/dev/pts/\\d+)"));
    const QRegularExpressionMatch m = kPty.match(line);
    if (m.hasMatch() && m_serial == nullptr) {
      m_pty = m.captured(1);
      m_serial = new SerialTransport(m_pty, 115200, this);
      connect(m_serial, &Transport::bytesReceived, this, &Transport::bytesReceived);
      connect(m_serial, &Transport::opened, this, &Transport::opened);
      connect(m_serial, &Transport::errorOccurred, this, [this](const QString& e) {
        if (!m_closing)
          Q_EMIT errorOccurred(QStringLiteral("%1 (%2): %3").arg(m_address, m_pty, e));
      });
      connect(m_serial, &Transport::closed, this, [this] {
        // The pty went away under us (QEMU died): report once through onQemuFinished.
        if (!m_closing && m_qemu) stopQemu();
      });
      m_serial->open();
      continue;
    }
    m_lastOutput = line;
    Q_EMIT diagnosticLine(line);
  }
}

void QemuLauncher::onQemuFinished(int code, QProcess::ExitStatus status) {
  if (!m_closing) {
    QString msg = status == QProcess::CrashExit
                      ? QStringLiteral("%1: QEMU stopped (killed or crashed)").arg(m_address)
                      : QStringLiteral("%1: QEMU exited with code %2").arg(m_address).arg(code);
    if (!m_lastOutput.isEmpty()) msg += QStringLiteral(" (it said: %1)").arg(m_lastOutput);
    Q_EMIT errorOccurred(msg);
  }
  if (m_serial) {
    m_serial->blockSignals(true);
    m_serial->close();
    m_serial->deleteLater();
    m_serial = nullptr;
  }
  if (m_qemu) {
    m_qemu->deleteLater();
    m_qemu = nullptr;
  }
  m_tempDir.reset();
  m_closing = false;
  Q_EMIT closed();
}

void QemuLauncher::stopQemu() {
  if (!m_qemu || m_qemu->state() == QProcess::NotRunning) return;
  m_qemu->terminate();
  if (!m_qemu->waitForFinished(2000)) {
    m_qemu->kill();
    m_qemu->waitForFinished(2000);
  }
}

void QemuLauncher::close() {
  if (!m_qemu) return;
  m_closing = true;
  if (m_serial) {
    m_serial->blockSignals(true);
    m_serial->close();
  }
  stopQemu();  // finished() -> onQemuFinished() -> closed()
}

bool QemuLauncher::write(const QByteArray& bytes) {
  if (!isOpen()) {
    Q_EMIT errorOccurred(
        QStringLiteral("%1: cannot send, the emulated board is not running").arg(m_address));
    return false;
  }
  return m_serial->write(bytes);
}

void QemuLauncher::fail(const QString& message) {
  Q_EMIT errorOccurred(message);
  Q_EMIT closed();
}

}  // namespace tinyscope
