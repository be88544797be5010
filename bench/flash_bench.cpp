// Flashing throughput over a UART-paced link: tinyscope-agent --pty --baud B (bytes written
// and read paced to B/10 bytes/s, 8N1) <- ModelFlasher, as `tinyscope-cli flash` sends.
// For each baud rate, stop-and-wait (W = 1, what a version-2 device gets) and windowed (up to
// W = 8 chunks in flight): image bytes, transfer time (first FlashChunk to the last Ack),
// effective rate, % of the wire rate, retries, the largest window used and the whole flash
// (slot check, erase, verify, self-test, confirm); then once more under 0.1% byte corruption
// and 1% frame drops. The first line gives the machine's load average. Then the time to
// resume after a drop: a flash whose link is closed half-way, and a new connection that
// flashes again: handshake, slot check + FlashBegin (the device hashes the prefix it holds),
// and the first new chunk accepted.
//   flash_bench [--agent PATH] [--model NAME] [--runs N]
// Prints figures; asserts nothing.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

#include "app/core/device/device_session.h"
#include "app/core/device/device_transport.h"
#include "app/core/device/model_flasher.h"

using namespace tinyscope;

namespace {

struct Run {
  bool ok = false;
  QString error;
  quint32 bytes = 0;
  double transferS = 0;
  double totalS = 0;
  int retries = 0;
  int window = 0;  // most chunks in flight
};

// tinyscope-agent --pty paced to `baud`; its serial: address with ?baud=, empty on failure.
QString startAgent(QProcess* proc, const QString& agent, const QString& slots, int baud,
                   const QStringList& faults, QString* error) {
  proc->start(agent, QStringList{"--pty", "--quiet", "--no-model", "--slots", slots, "--baud",
                                 QString::number(baud)} +
                         faults);
  if (!proc->waitForStarted(5000)) {
    *error = "cannot start " + agent;
    return {};
  }
  for (int i = 0; i < 50 && !proc->canReadLine(); ++i) proc->waitForReadyRead(100);
  const QString line = QString::fromUtf8(proc->readLine()).trimmed();
  if (!line.startsWith("PTY ")) {
    *error = "the agent announced no pty";
    return {};
  }
  return "serial:" + line.mid(4) + "?baud=" + QString::number(baud);
}

Run flashOnce(const QString& agent, const QByteArray& model, const QString& name, int baud,
              const QStringList& faults, int window) {
  Run r;
  QTemporaryDir slots;
  QProcess proc;
  const QString address = startAgent(&proc, agent, slots.path(), baud, faults, &r.error);
  if (address.isEmpty()) return r;
  auto link = openDeviceLink(address, &r.error);
  if (!link) return r;
  DeviceSession device(std::move(link));
  if (!device.connectBlocking(10000, &r.error)) return r;
  ModelFlasher flasher(&device);
  QElapsedTimer clock;
  qint64 firstNs = -1;
  qint64 lastNs = -1;
  QObject::connect(&flasher, &ModelFlasher::progress, [&](quint32 offset, quint32 total) {
    if (firstNs < 0) firstNs = clock.nsecsElapsed();
    if (offset == total && lastNs < 0) lastNs = clock.nsecsElapsed();
  });
  FlashOptions options;
  options.modelName = name;
  options.window = window;
  if (!faults.isEmpty()) {
    // A noisy link: lost frames are detected by timeout, so keep it short and allow more.
    options.requestTimeoutMs = 40;
    options.slowRequestTimeoutMs = 3000;
    options.retries = 24;
  }
  clock.start();
  r.ok = flasher.flashBlocking(model, options, 600000, &r.error);
  r.totalS = clock.nsecsElapsed() / 1e9;
  r.bytes = flasher.report().bytesSent;
  r.retries = flasher.report().chunkRetries;
  r.window = flasher.report().window;
  if (firstNs >= 0 && lastNs > firstNs) r.transferS = (lastNs - firstNs) / 1e9;
  proc.kill();
  proc.waitForFinished(3000);
  return r;
}

struct Resume {
  bool ok = false;
  QString error;
  quint32 cutAt = 0;        // bytes the device held when the link dropped
  quint32 resumedFrom = 0;  // where the new flash continued
  double handshakeS = 0;    // new connection: open + Hello
  double beginS = 0;        // flash start to FlashBegin's Ack (slot check + prefix hash)
  double firstChunkS = 0;   // link open to the first new chunk acknowledged
};

// A flash cut off half-way (the link closed), then a new connection resuming it.
Resume resumeOnce(const QString& agent, const QByteArray& model, const QString& name, int baud) {
  Resume r;
  QTemporaryDir slots;
  QProcess proc;
  const QString address = startAgent(&proc, agent, slots.path(), baud, {}, &r.error);
  if (address.isEmpty()) return r;
  FlashOptions options;
  options.modelName = name;
  {
    auto link = openDeviceLink(address, &r.error);
    if (!link) return r;
    DeviceSession device(std::move(link));
    if (!device.connectBlocking(10000, &r.error)) return r;
    ModelFlasher flasher(&device);
    QObject::connect(&flasher, &ModelFlasher::progress, [&](quint32 offset, quint32 total) {
      if (r.cutAt == 0 && offset >= total / 2) {
        r.cutAt = offset;
        QTimer::singleShot(0, &device, [&] { device.close(); });
      }
    });
    QString ignored;
    flasher.flashBlocking(model, options, 600000, &ignored);
  }
  QElapsedTimer clock;
  clock.start();
  auto link = openDeviceLink(address, &r.error);
  if (!link) return r;
  DeviceSession device(std::move(link));
  if (!device.connectBlocking(10000, &r.error)) return r;
  r.handshakeS = clock.nsecsElapsed() / 1e9;
  ModelFlasher flasher(&device);
  QObject::connect(&flasher, &ModelFlasher::progress, [&](quint32 offset, quint32) {
    if (r.firstChunkS == 0 && offset > flasher.report().resumedFrom && flasher.report().resumedFrom)
      r.firstChunkS = clock.nsecsElapsed() / 1e9;
  });
  r.ok = flasher.flashBlocking(model, options, 600000, &r.error);
  r.resumedFrom = flasher.report().resumedFrom;
  r.beginS = flasher.report().resumeMs / 1e3;
  proc.kill();
  proc.waitForFinished(3000);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  QString agent = QStringLiteral(TINYSCOPE_AGENT);
  QString name = QStringLiteral("kws_ref_model");
  int runs = 3;
  const QStringList args = app.arguments();
  for (int i = 1; i + 1 < args.size(); i += 2) {
    if (args[i] == "--agent")
      agent = args[i + 1];
    else if (args[i] == "--model")
      name = args[i + 1];
    else if (args[i] == "--runs")
      runs = qMax(1, args[i + 1].toInt());
  }
  const QString path = QStringLiteral(TINYSCOPE_SHARED_DIR "/models/") + name + ".tflite";
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    std::printf("flash_bench: %s is absent (set TINYSCOPE_SHARED_DIR); nothing measured\n",
                qPrintable(path));
    return 0;
  }
  const QByteArray model = file.readAll();
  std::printf("model %s (%lld bytes of .tflite), best of %d runs per row\n", qPrintable(name),
              static_cast<long long>(model.size()), runs);
  QFile loadavg(QStringLiteral("/proc/loadavg"));
  if (loadavg.open(QIODevice::ReadOnly))
    std::printf("load average %s", loadavg.readLine(64).constData());
  std::printf("%-8s %-22s %3s %8s %10s %10s %8s %8s %4s %10s\n", "baud", "faults", "W", "bytes",
              "transfer", "rate", "% wire", "retries", "used", "whole");
  struct Row {
    int baud;
    const char* label;
    QStringList faults;
    int window;
  };
  const QStringList noisy = {"--byte-error-rate", "0.001", "--drop-rate", "0.01",
                             "--link-seed",       "7"};
  const int kWindow = static_cast<int>(proto::kMaxFlashWindow);
  const QList<Row> rows = {
      {115200, "none", {}, 1},
      {115200, "none", {}, kWindow},
      {921600, "none", {}, 1},
      {921600, "none", {}, kWindow},
      {921600, "0.1% bytes + 1% frames", noisy, 1},
      {921600, "0.1% bytes + 1% frames", noisy, kWindow},
  };
  for (const Row& row : rows) {
    Run best;
    for (int i = 0; i < (row.faults.isEmpty() ? runs : 1); ++i) {
      const Run r = flashOnce(agent, model, name, row.baud, row.faults, row.window);
      if (!r.ok) {
        best = r;
        break;
      }
      if (!best.ok || r.transferS < best.transferS) best = r;
    }
    if (!best.ok) {
      std::printf("%-8d %-22s %3d failed: %s\n", row.baud, row.label, row.window,
                  qPrintable(best.error));
      continue;
    }
    const double rate = best.transferS > 0 ? best.bytes / best.transferS : 0;
    const double wire = row.baud / 10.0;
    std::printf("%-8d %-22s %3d %8u %9.3fs %7.0f B/s %7.1f%% %8d %4d %9.3fs\n", row.baud, row.label,
                row.window, best.bytes, best.transferS, rate, 100.0 * rate / wire, best.retries,
                best.window, best.totalS);
  }
  std::printf("\ntime to resume after a drop (link closed half-way, then a new connection)\n");
  std::printf("%-8s %10s %10s %10s %12s %14s\n", "baud", "held", "resumed", "handshake",
              "FlashBegin", "first chunk");
  for (int baud : {115200, 921600}) {
    const Resume r = resumeOnce(agent, model, name, baud);
    if (!r.ok) {
      std::printf("%-8d failed: %s\n", baud, qPrintable(r.error));
      continue;
    }
    std::printf("%-8d %10u %10u %8.0f ms %9.0f ms %11.0f ms\n", baud, r.cutAt, r.resumedFrom,
                r.handshakeS * 1e3, r.beginS * 1e3, r.firstChunkS * 1e3);
  }
  return 0;
}
