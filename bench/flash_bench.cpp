// Flashing throughput over a UART-paced link: tinyscope-agent --pty --baud B (bytes written
// and read paced to B/10 bytes/s, 8N1) <- ModelFlasher, as `tinyscope-cli flash` sends.
// For each baud rate: image bytes, transfer time (first FlashChunk to the last Ack), effective
// rate, % of the wire rate, retries, and the whole flash (slot check, erase, verify, self-test,
// confirm); then once more under 1% byte corruption and 1% frame drops.
//   flash_bench [--agent PATH] [--model NAME] [--runs N]
// Prints figures; asserts nothing.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
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
};

Run flashOnce(const QString& agent, const QByteArray& model, const QString& name, int baud,
              const QStringList& faults) {
  Run r;
  QTemporaryDir slots;
  QProcess proc;
  proc.start(agent, QStringList{"--pty", "--quiet", "--no-model", "--slots", slots.path(), "--baud",
                                QString::number(baud)} +
                        faults);
  if (!proc.waitForStarted(5000)) {
    r.error = "cannot start " + agent;
    return r;
  }
  for (int i = 0; i < 50 && !proc.canReadLine(); ++i) proc.waitForReadyRead(100);
  const QString line = QString::fromUtf8(proc.readLine()).trimmed();
  if (!line.startsWith("PTY ")) {
    r.error = "the agent announced no pty";
    return r;
  }
  auto link = openDeviceLink("serial:" + line.mid(4) + "?baud=" + QString::number(baud), &r.error);
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
  if (firstNs >= 0 && lastNs > firstNs) r.transferS = (lastNs - firstNs) / 1e9;
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
  std::printf("%-8s %-22s %8s %10s %10s %8s %8s %10s\n", "baud", "faults", "bytes", "transfer",
              "rate", "% wire", "retries", "whole");
  struct Row {
    int baud;
    const char* label;
    QStringList faults;
  };
  const QList<Row> rows = {
      {115200, "none", {}},
      {921600, "none", {}},
      {921600,
       "0.1% bytes + 1% frames",
       {"--byte-error-rate", "0.001", "--drop-rate", "0.01", "--link-seed", "7"}},
  };
  for (const Row& row : rows) {
    Run best;
    for (int i = 0; i < (row.faults.isEmpty() ? runs : 1); ++i) {
      const Run r = flashOnce(agent, model, name, row.baud, row.faults);
      if (!r.ok) {
        best = r;
        break;
      }
      if (!best.ok || r.transferS < best.transferS) best = r;
    }
    if (!best.ok) {
      std::printf("%-8d %-22s failed: %s\n", row.baud, row.label, qPrintable(best.error));
      continue;
    }
    const double rate = best.transferS > 0 ? best.bytes / best.transferS : 0;
    const double wire = row.baud / 10.0;
    std::printf("%-8d %-22s %8u %9.3fs %7.0f B/s %7.1f%% %8d %9.3fs\n", row.baud, row.label,
                best.bytes, best.transferS, rate, 100.0 * rate / wire, best.retries, best.totalS);
  }
  return 0;
}
