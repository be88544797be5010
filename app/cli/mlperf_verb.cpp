// tinyscope-cli mlperf: benchmarks a device in MLPerf Tiny DUT mode the way the MLPerf Tiny runner
// (mlcommons/tiny benchmark/runner) does — `db load N` then `db <hex>` chunks of 31 bytes per
// input, `infer N W`, the two m-lap-us laps and the m-results-[...] list — over every input of a
// dataset in the runner's layout, and reports throughput and accuracy. Works with tinyscope's
// own DUT mode (sim: starts `tinyscope-agent --dut`, qemu: boots tinyscope-agent-dut.elf) and
// with any vendor's MLPerf Tiny firmware on serial: or tcp:.
//
// Dataset (the runner's): DIR/y_labels.csv, or DIR/<model>/y_labels.csv, one line per input:
//   FILE,CLASSES,CLASS[,BYTES_TO_SEND,STRIDE]
// FILE is sent as it is (kws01: int8 features, vww01/ic01: uint8 pixels, ad01: float32
// features). With BYTES_TO_SEND and STRIDE (ad01) the file is cut into windows of that many
// bytes every STRIDE bytes, each one inferred; the file's score is their mean.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>
#include <algorithm>
#include <climits>
#include <memory>

#include "app/cli/cli_common.h"
#include "app/cli/device_connect.h"
#include "app/cli/verbs.h"
#include "app/core/device/device_transport.h"
#include "app/core/device/launchers/qemu_launcher.h"
#include "app/core/device/launchers/sim_launcher.h"
#include "device_protocol/host/process_transport.h"

namespace tinyscope::cli {

namespace {

const QString kVerb = QStringLiteral("mlperf");

// The runner's serial device: a command is the text plus '%', its answer every line up to the
// first containing "m-ready"; lines end at '\n', '\r' and NUL are dropped.
class DutClient {
 public:
  explicit DutClient(std::unique_ptr<link::Transport> transport)
      : m_transport(std::move(transport)) {
    QObject::connect(m_transport.get(), &link::Transport::bytesReceived,
                     [this](const QByteArray& chunk, qint64) {
                       for (char c : chunk) {
                         if (c == '\n') {
                           m_lines << QString::fromLatin1(m_partial);
                           m_partial.clear();
                         } else if (c != '\r' && c != '\0' && m_partial.size() < 65536) {
                           m_partial.append(c);
                         }
                       }
                     });
    QObject::connect(m_transport.get(), &link::Transport::opened, [this] { m_open = true; });
    QObject::connect(m_transport.get(), &link::Transport::errorOccurred,
                     [this](const QString& message) {
                       if (m_error.isEmpty()) m_error = message;
                     });
    QObject::connect(m_transport.get(), &link::Transport::closed, [this] { m_closed = true; });
  }
  ~DutClient() { m_transport->close(); }

  QString error() const { return m_error.isEmpty() ? m_transport->address() : m_error; }

  bool open(int timeoutMs) {
    m_transport->open();
    QElapsedTimer t;
    t.start();
    while (!m_open && !m_closed && t.elapsed() < timeoutMs)
      waitEvents(timeoutMs - int(t.elapsed()));
    if (!m_open && m_error.isEmpty()) m_error = QStringLiteral("the link did not open");
    return m_open;
  }

  // A lone '%' every 500 ms until an m-ready comes (a board may drop bytes while it boots),
  // then a name% whose answer proves the next line belongs to the next command.
  bool handshake(int timeoutMs, QString* name) {
    QElapsedTimer t;
    t.start();
    bool ready = false;
    while (!ready && t.elapsed() < timeoutMs && !m_closed) {
      m_transport->write(QByteArrayLiteral("%"));
      QString line;
      while (!ready && nextLine(500, &line)) ready = line.contains(QLatin1String("m-ready"));
    }
    if (!ready) {
      if (m_error.isEmpty())
        m_error =
            QStringLiteral("no m-ready in %1 s: not an MLPerf Tiny DUT?").arg(timeoutMs / 1000);
      return false;
    }
    QString line;
    while (nextLine(300, &line)) {}
    QStringList lines;
    if (!command(QStringLiteral("name"), 5000, &lines)) return false;
    static const QRegularExpression kName(QStringLiteral("^m-name-dut-\\[([^]]+)]$"));
    for (const QString& l : lines) {
      const QRegularExpressionMatch m = kName.match(l);
      if (m.hasMatch()) *name = m.captured(1);
    }
    if (name->isEmpty()) m_error = QStringLiteral("name%: no m-name-dut-[...] line in the answer");
    return !name->isEmpty();
  }

  bool command(const QString& text, int timeoutMs, QStringList* lines) {
    lines->clear();
    if (!m_transport->write(text.toLatin1() + '%')) {
      m_error = QStringLiteral("cannot write '%1%'").arg(text);
      return false;
    }
    QString line;
    while (nextLine(timeoutMs, &line)) {
      if (!line.isEmpty()) *lines << line;
      if (line.contains(QLatin1String("m-ready"))) return true;
    }
    if (m_error.isEmpty())
      m_error = QStringLiteral("no answer to '%1%' within %2 s").arg(text).arg(timeoutMs / 1000.0);
    return false;
  }

 private:
  bool nextLine(int timeoutMs, QString* line) {
    QElapsedTimer t;
    t.start();
    while (m_lines.isEmpty() && !m_closed && t.elapsed() < timeoutMs)
      waitEvents(timeoutMs - int(t.elapsed()));
    if (m_lines.isEmpty()) return false;
    *line = m_lines.takeFirst();
    return true;
  }

  void waitEvents(int ms) {
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(m_transport.get(), &link::Transport::bytesReceived, &loop, &QEventLoop::quit);
    QObject::connect(m_transport.get(), &link::Transport::opened, &loop, &QEventLoop::quit);
    QObject::connect(m_transport.get(), &link::Transport::closed, &loop, &QEventLoop::quit);
    timer.start(std::max(ms, 1));
    loop.exec();
  }

  std::unique_ptr<link::Transport> m_transport;
  QByteArray m_partial;
  QStringList m_lines;
  QString m_error;
  bool m_open = false;
  bool m_closed = false;
};

struct Entry {
  QString file;
  int label = 0;
  int bytesToSend = 0;  // 0: the whole file
  int stride = 0;
};

// y_labels.csv of `dir`; false with *error naming the file and line.
bool readLabels(const QString& dir, QList<Entry>* entries, QString* error) {
  const QString path = dir + QStringLiteral("/y_labels.csv");
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
    *error = QStringLiteral("%1: %2").arg(path, f.errorString());
    return false;
  }
  int lineNo = 0;
  while (!f.atEnd()) {
    ++lineNo;
    const QString line = QString::fromUtf8(f.readLine()).trimmed();
    if (line.isEmpty()) continue;
    const QStringList cols = line.split(QLatin1Char(','));
    bool ok = cols.size() >= 3;
    Entry e;
    if (ok) {
      e.file = cols[0].trimmed();
      e.label = cols[2].trimmed().toInt(&ok);
    }
    if (ok && cols.size() >= 5) {
      bool a = false;
      bool b = false;
      e.bytesToSend = cols[3].trimmed().toInt(&a);
      e.stride = cols[4].trimmed().toInt(&b);
      ok = a && b && e.bytesToSend > 0 && e.stride > 0;
    }
    if (!ok) {
      if (lineNo == 1 && entries->isEmpty()) continue;  // a header line
      *error = QStringLiteral("%1:%2: expected FILE,CLASSES,CLASS[,BYTES_TO_SEND,STRIDE]")
                   .arg(path)
                   .arg(lineNo);
      return false;
    }
    if (e.file.contains(QLatin1String("..")) || QDir::isAbsolutePath(e.file)) {
      *error = QStringLiteral("%1:%2: '%3' is not a file inside the dataset folder")
                   .arg(path)
                   .arg(lineNo)
                   .arg(e.file);
      return false;
    }
    *entries << e;
  }
  if (entries->isEmpty()) {
    *error = QStringLiteral("%1: no inputs listed").arg(path);
    return false;
  }
  return true;
}

// Area under the ROC curve of anomaly scores (label 1 = anomaly): the probability that an
// anomaly scores above a normal input, ties counting half. -1 when a class is missing.
double areaUnderCurve(const QList<double>& scores, const QList<int>& labels) {
  double wins = 0.0;
  qint64 pairs = 0;
  for (int i = 0; i < scores.size(); ++i) {
    if (labels[i] == 0) continue;
    for (int j = 0; j < scores.size(); ++j) {
      if (labels[j] != 0) continue;
      ++pairs;
      wins += scores[i] > scores[j] ? 1.0 : (scores[i] == scores[j] ? 0.5 : 0.0);
    }
  }
  return pairs == 0 ? -1.0 : wins / double(pairs);
}

std::unique_ptr<link::Transport> dutTransport(const link::DeviceUri& uri, const QString& modelFile,
                                              QString* error) {
  if (uri.kind == link::DeviceUri::Kind::kSimulator) {
    const QString agent = findAgentProgram(uri);
    if (agent.isEmpty()) {
      *error = QStringLiteral(
          "sim: cannot find tinyscope-agent (set TINYSCOPE_AGENT or sim:?agent=PATH)");
      return nullptr;
    }
    QStringList args{QStringLiteral("--dut"), QStringLiteral("--quiet")};
    const QString model = uri.option(QStringLiteral("model"), modelFile);
    if (!model.isEmpty()) args << QStringLiteral("--model") << model;
    return std::make_unique<link::ProcessTransport>(uri.text, agent, args);
  }
  if (uri.kind == link::DeviceUri::Kind::kQemu) {
    QemuSettings settings;
    if (!qemuSettingsFromUri(uri, &settings, error)) return nullptr;
    if (!uri.options.hasQueryItem(QStringLiteral("image"))) {
      // The image of the same build that boots into DUT mode.
      settings.image =
          QFileInfo(settings.image).absolutePath() + QStringLiteral("/tinyscope-agent-dut.elf");
      if (!QFileInfo(settings.image).isFile()) {
        *error = QStringLiteral(
                     "qemu: no DUT-mode image %1 (this build makes one for the boards in "
                     "TINYSCOPE_FIRMWARE_DUT_BOARDS; or give qemu:?image=PATH)")
                     .arg(settings.image);
        return nullptr;
      }
    }
    if (settings.model.isEmpty()) settings.model = modelFile;
    return std::make_unique<QemuLauncher>(uri.text, settings);
  }
  return createTransport(uri, error);
}

}  // namespace

int runMlperf(const QStringList& args) {
  QCommandLineParser p;
  const QCommandLineOption model(
      QStringLiteral("model"),
      QStringLiteral("A .tflite the device runs (sim:, qemu: load it into slot 0), or the MLPerf "
                     "model the device must report (kws01, vww01, ic01, ad01)."),
      QStringLiteral("M"));
  const QCommandLineOption dataset(
      QStringLiteral("dataset"),
      QStringLiteral("Folder with y_labels.csv (FILE,CLASSES,CLASS[,BYTES,STRIDE]) and the input "
                     "files, or with one such folder per model (DIR/kws01/...)."),
      QStringLiteral("DIR"));
  const QCommandLineOption iterations(QStringLiteral("iterations"),
                                      QStringLiteral("Timed inferences per input (default 1)."),
                                      QStringLiteral("N"), QStringLiteral("1"));
  const QCommandLineOption warmups(QStringLiteral("warmups"),
                                   QStringLiteral("Warm-up inferences per input (default 0)."),
                                   QStringLiteral("W"), QStringLiteral("0"));
  const QCommandLineOption limit(QStringLiteral("files"),
                                 QStringLiteral("Only the first N inputs of the dataset."),
                                 QStringLiteral("N"));
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
  p.addOption(kDeviceOpt);
  p.addOption(model);
  p.addOption(dataset);
  p.addOption(iterations);
  p.addOption(warmups);
  p.addOption(limit);
  p.addOption(kTimeoutOpt);
  p.addOption(json);
  if (int c = parseVerbArgs(
          p, args, kVerb,
          QStringLiteral("Benchmark a device in MLPerf Tiny DUT mode (tinyscope's or any vendor's "
                         "MLPerf Tiny firmware) as the MLPerf Tiny runner does: every input of the "
                         "dataset loaded with db commands, inferred, its laps and results read; "
                         "reports throughput (median inferences/s) and accuracy (top-1, or AUC "
                         "for ad01)."),
          0, 0);
      c >= 0)
    return c;
  if (!p.isSet(kDeviceOpt))
    return fail(kVerb, QStringLiteral("--device URI is required"), kExitUsage);
  if (!p.isSet(dataset))
    return fail(kVerb, QStringLiteral("--dataset DIR is required"), kExitUsage);
  bool ok = false;
  const int n = p.value(iterations).toInt(&ok);
  if (!ok || n < 1 || n > 1000000)
    return fail(
        kVerb,
        QStringLiteral("--iterations '%1' is not a count 1..1000000").arg(p.value(iterations)),
        kExitUsage);
  const int w = p.value(warmups).toInt(&ok);
  if (!ok || w < 0 || w > 1000000)
    return fail(kVerb,
                QStringLiteral("--warmups '%1' is not a count 0..1000000").arg(p.value(warmups)),
                kExitUsage);
  int maxFiles = -1;
  if (p.isSet(limit)) {
    maxFiles = p.value(limit).toInt(&ok);
    if (!ok || maxFiles < 1)
      return fail(kVerb, QStringLiteral("--files '%1' is not a count >= 1").arg(p.value(limit)),
                  kExitUsage);
  }
  const double timeoutS = p.value(kTimeoutOpt).toDouble(&ok);
  if (!ok || timeoutS <= 0 || timeoutS > 3600)
    return fail(kVerb,
                QStringLiteral("--timeout '%1' is not a number of seconds (0..3600)")
                    .arg(p.value(kTimeoutOpt)),
                kExitUsage);
  QString modelFile;
  QString expectedModel;
  if (p.isSet(model)) {
    if (QFileInfo(p.value(model)).isFile()) {
      modelFile = p.value(model);
    } else if (p.value(model).endsWith(QLatin1String(".tflite"))) {
      return fail(kVerb, QStringLiteral("--model: %1 does not exist").arg(p.value(model)),
                  kExitUsage);
    } else {
      expectedModel = p.value(model);
    }
  }

  QString error;
  link::DeviceUri uri;
  if (!link::parseDeviceUri(p.value(kDeviceOpt), &uri, &error))
    return fail(kVerb, error, kExitUsage);
  std::unique_ptr<link::Transport> transport = dutTransport(uri, modelFile, &error);
  if (!transport) return fail(kVerb, error, kExitUsage);
  DutClient dut(std::move(transport));
  const int timeoutMs = int(timeoutS * 1000);
  if (!dut.open(timeoutMs))
    return fail(kVerb, QStringLiteral("%1: %2").arg(uri.text, dut.error()), kExitFailed);
  QString name;
  if (!dut.handshake(timeoutMs, &name))
    return fail(kVerb, QStringLiteral("%1: %2").arg(uri.text, dut.error()), kExitFailed);
  QStringList lines;
  if (!dut.command(QStringLiteral("profile"), 5000, &lines))
    return fail(kVerb, QStringLiteral("%1: %2").arg(uri.text, dut.error()), kExitFailed);
  QString profile;
  QString deviceModel;
  static const QRegularExpression kProfile(QStringLiteral("^m-(model|profile)-\\[([^]]+)]$"));
  for (const QString& l : lines) {
    const QRegularExpressionMatch m = kProfile.match(l);
    if (!m.hasMatch()) continue;
    (m.captured(1) == QLatin1String("model") ? deviceModel : profile) = m.captured(2);
  }
  if (deviceModel.isEmpty())
    return fail(kVerb, QStringLiteral("%1: profile%: no m-model-[...] line").arg(uri.text),
                kExitFailed);
  if (!expectedModel.isEmpty() && expectedModel != deviceModel)
    return fail(
        kVerb, QStringLiteral("%1 runs model %2, not %3").arg(uri.text, deviceModel, expectedModel),
        kExitFailed);

  QString dir = p.value(dataset);
  if (!QFileInfo::exists(dir + QStringLiteral("/y_labels.csv")) &&
      QFileInfo::exists(dir + QLatin1Char('/') + deviceModel + QStringLiteral("/y_labels.csv")))
    dir += QLatin1Char('/') + deviceModel;
  QList<Entry> entries;
  if (!readLabels(dir, &entries, &error)) return fail(kVerb, error, kExitUsage);
  if (maxFiles > 0 && entries.size() > maxFiles) entries = entries.mid(0, maxFiles);

  static const QRegularExpression kResults(QStringLiteral("^m-results-\\[([^]]+)\\]$"));
  static const QRegularExpression kLap(QStringLiteral("^m-lap-us-([0-9]+)$"));
  // A minute (or --timeout) per 10 runs: a slow board's infer answers only after all of them.
  const int inferTimeoutMs =
      int(std::min<qint64>(qint64(std::max(timeoutMs, 60000)) * ((n + w) / 10 + 1), INT_MAX));
  QVector<double> throughputs;
  QVector<double> latencies;
  QList<double> scores;
  QList<int> labels;
  int correct = 0;
  int inferences = 0;
  bool scored = false;  // one result per inference (anomaly score), not class scores
  QJsonArray perFile;
  for (const Entry& e : entries) {
    QFile f(dir + QLatin1Char('/') + e.file);
    if (!f.open(QIODevice::ReadOnly))
      return fail(kVerb, QStringLiteral("%1: %2").arg(f.fileName(), f.errorString()), kExitUsage);
    const QByteArray data = f.readAll();
    QList<QByteArray> windows;
    if (e.bytesToSend > 0) {
      for (int start = 0; start + e.bytesToSend <= data.size(); start += e.stride)
        windows << data.mid(start, e.bytesToSend);
    } else {
      windows << data;
    }
    if (windows.isEmpty() || windows.first().isEmpty())
      return fail(kVerb, QStringLiteral("%1: empty, or shorter than one window").arg(f.fileName()),
                  kExitUsage);
    QList<QList<double>> results;
    QJsonArray elapsedList;
    for (const QByteArray& window : windows) {
      auto send = [&](const QString& command, int ms) {
        error.clear();
        if (!dut.command(command, ms, &lines)) return false;
        for (const QString& l : lines) {
          if (l.startsWith(QLatin1String("e-["))) {
            error = QStringLiteral("'%1%' answered %2").arg(command.left(24), l);
            return false;
          }
        }
        return true;
      };
      if (!send(QStringLiteral("db load %1").arg(window.size()), 5000))
        return fail(kVerb,
                    QStringLiteral("%1: %2: %3")
                        .arg(uri.text, e.file, error.isEmpty() ? dut.error() : error),
                    kExitFailed);
      for (int i = 0; i < window.size(); i += 31) {
        if (!send(QStringLiteral("db ") + QString::fromLatin1(window.mid(i, 31).toHex()), 5000))
          return fail(kVerb,
                      QStringLiteral("%1: %2: %3")
                          .arg(uri.text, e.file, error.isEmpty() ? dut.error() : error),
                      kExitFailed);
      }
      if (!send(QStringLiteral("infer %1 %2").arg(n).arg(w), inferTimeoutMs))
        return fail(kVerb,
                    QStringLiteral("%1: %2: %3")
                        .arg(uri.text, e.file, error.isEmpty() ? dut.error() : error),
                    kExitFailed);
      QList<qint64> laps;
      QList<double> values;
      bool haveResults = false;
      for (const QString& l : lines) {
        QRegularExpressionMatch m = kLap.match(l);
        if (m.hasMatch()) laps << m.captured(1).toLongLong();
        m = kResults.match(l);
        if (m.hasMatch()) {
          haveResults = true;
          values.clear();
          for (const QString& v : m.captured(1).split(QLatin1Char(','))) {
            if (v.trimmed().isEmpty()) continue;
            bool isNumber = false;
            values << v.trimmed().toDouble(&isNumber);
            if (!isNumber)
              return fail(
                  kVerb,
                  QStringLiteral("%1: %2: result '%3' is not a number").arg(uri.text, e.file, v),
                  kExitFailed);
          }
        }
      }
      if (laps.size() < 2 || laps[1] <= laps[0] || !haveResults || values.isEmpty())
        return fail(
            kVerb,
            QStringLiteral("%1: %2: the infer answer lacks two increasing m-lap-us lines or "
                           "m-results-[...]")
                .arg(uri.text, e.file),
            kExitFailed);
      const double elapsedUs = double(laps[1] - laps[0]);
      throughputs << n / (elapsedUs / 1e6);
      latencies << elapsedUs / n;
      elapsedList << elapsedUs;
      inferences += n;
      results << values;
    }
    QJsonObject item{{QStringLiteral("file"), e.file},
                     {QStringLiteral("class"), e.label},
                     {QStringLiteral("elapsed_us"), elapsedList}};
    scored = results.first().size() == 1;
    if (scored) {
      double sum = 0.0;
      for (const QList<double>& r : results) sum += r.first();
      scores << sum / results.size();
      labels << e.label;
      item[QStringLiteral("score")] = scores.last();
    } else {
      const QList<double>& r = results.first();
      const int predicted = int(std::max_element(r.begin(), r.end()) - r.begin());
      if (predicted == e.label) ++correct;
      item[QStringLiteral("predicted")] = predicted;
    }
    perFile << item;
  }

  const double auc = scored ? areaUnderCurve(scores, labels) : -1.0;
  const double accuracy = scored ? -1.0 : 100.0 * correct / entries.size();
  if (p.isSet(json)) {
    QJsonObject o{
        {QStringLiteral("device"), uri.text},
        {QStringLiteral("name"), name},
        {QStringLiteral("profile"), profile},
        {QStringLiteral("model"), deviceModel},
        {QStringLiteral("dataset"), dir},
        {QStringLiteral("files"), entries.size()},
        {QStringLiteral("inferences"), inferences},
        {QStringLiteral("iterations"), n},
        {QStringLiteral("warmups"), w},
        {QStringLiteral("throughput_median"), median(throughputs)},
        {QStringLiteral("latency_us_median"), median(latencies)},
        {QStringLiteral("accuracy_percent"), accuracy >= 0 ? QJsonValue(accuracy) : QJsonValue()},
        {QStringLiteral("auc"), auc >= 0 ? QJsonValue(auc) : QJsonValue()},
        {QStringLiteral("results"), perFile}};
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    out() << "device      " << uri.text << " (" << name << ")\n"
          << "profile     " << profile << ", model " << deviceModel << "\n"
          << "dataset     " << dir << ": " << entries.size() << " inputs, " << inferences
          << " timed inferences (" << n << " per input after " << w << " warm-up)\n"
          << "throughput  " << QString::number(median(throughputs), 'f', 3)
          << " inferences/s (median over inputs)\n"
          << "latency     " << QString::number(median(latencies), 'f', 1) << " us (median)\n";
    if (scored) {
      out() << "AUC         "
            << (auc >= 0 ? QString::number(auc, 'f', 4) : QStringLiteral("n/a (one class only)"))
            << " (anomaly score = mean of the windows' results)\n";
    } else {
      out() << "accuracy    " << QString::number(accuracy, 'f', 2) << " % top-1 (" << correct
            << " of " << entries.size() << ")\n";
    }
  }
  out().flush();
  return kExitOk;
}

}  // namespace tinyscope::cli
