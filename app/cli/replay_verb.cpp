// replay: recorded device sessions re-run on the desktop runtime and compared, for CI.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QThread>
#include <QXmlStreamWriter>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/session/labelled_evaluation.h"
#include "app/core/session/model_store.h"
#include "app/core/session/replay_checker.h"
#include "app/core/session/session_player.h"
#include "model_runner/host/sha256.h"

namespace tinyscope::cli {

namespace {

namespace rh = runner::host;
using session::InferenceCheck;

struct SessionReport {
  QString path;
  session::SessionHeader header;
  QString device;  // the board name (or "device")
  QString modelPath;
  QString modelName;    // of the model replayed
  QString modelSha256;  // of the model replayed
  session::PlaybackCounts counts;
  std::vector<InferenceCheck> checks;  // this shard's, in session order
  quint64 passed = 0, failed = 0, skipped = 0, topAgree = 0, topCompared = 0;
  // --max-latency-regression: per-op median device µs, and the regression against the first
  // session (empty message: within the threshold or not checked).
  QVector<double> opMedianUs;
  bool latencyChecked = false;
  QString latencyFailure;
};

const char* outcomeName(InferenceCheck::Outcome o) {
  switch (o) {
    case InferenceCheck::Outcome::kPass:
      return "pass";
    case InferenceCheck::Outcome::kFail:
      return "fail";
    case InferenceCheck::Outcome::kSkipped:
      return "skipped";
  }
  return "?";
}

QString testName(const InferenceCheck& c) {
  return QStringLiteral("inference %1 (request %2) at %3 s")
      .arg(c.index)
      .arg(c.requestId)
      .arg(c.sessionSeconds, 0, 'f', 3);
}

// A bounded queue from the reading thread to the checking threads.
struct WorkQueue {
  struct Item {
    int session = 0;
    session::RecordedInference inference;
  };
  std::mutex mutex;
  std::condition_variable notEmpty, notFull;
  std::deque<Item> items;
  size_t capacity = 8;
  bool closed = false;

  void push(Item item) {
    std::unique_lock<std::mutex> lock(mutex);
    notFull.wait(lock, [&] { return items.size() < capacity; });
    items.push_back(std::move(item));
    notEmpty.notify_one();
  }
  bool pop(Item* out) {
    std::unique_lock<std::mutex> lock(mutex);
    notEmpty.wait(lock, [&] { return !items.empty() || closed; });
    if (items.empty()) return false;
    *out = std::move(items.front());
    items.pop_front();
    notFull.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex);
    closed = true;
    notEmpty.notify_all();
  }
};

QJsonObject checkJson(const InferenceCheck& c) {
  QJsonObject o{{QStringLiteral("index"), static_cast<qint64>(c.index)},
                {QStringLiteral("request_id"), c.requestId},
                {QStringLiteral("session_us"), static_cast<qint64>(c.sessionSeconds * 1e6 + 0.5)},
                {QStringLiteral("outcome"), QString::fromLatin1(outcomeName(c.outcome))},
                {QStringLiteral("tensors_compared"), c.tensorsCompared},
                {QStringLiteral("compared_tensors"), c.comparedTensors},
                {QStringLiteral("matching_tensors"), c.matchingTensors},
                {QStringLiteral("max_abs_diff"), c.maxAbsDiff},
                {QStringLiteral("device_top"), c.deviceTop},
                {QStringLiteral("desktop_top"), c.desktopTop},
                {QStringLiteral("device_us"), static_cast<qint64>(c.deviceMicros)}};
  if (!c.message.isEmpty()) o[QStringLiteral("message")] = c.message;
  if (c.firstDivergentTensor >= 0) {
    o[QStringLiteral("first_divergent_op")] = c.firstDivergentOp;
    o[QStringLiteral("first_divergent_op_name")] = c.firstDivergentOpName;
    o[QStringLiteral("first_divergent_tensor")] = c.firstDivergentTensor;
  }
  return o;
}

QJsonObject sessionJson(const SessionReport& s) {
  QJsonArray checks;
  for (const InferenceCheck& c : s.checks) checks.append(checkJson(c));
  QJsonObject o{
      {QStringLiteral("path"), s.path},
      {QStringLiteral("id"), s.header.id},
      {QStringLiteral("device"), s.device},
      {QStringLiteral("device_uri"), s.header.deviceUri},
      {QStringLiteral("firmware"), s.header.firmwareVersion},
      {QStringLiteral("recorded_model"), s.header.modelName},
      {QStringLiteral("recorded_model_sha256"), s.header.modelSha256},
      {QStringLiteral("device_kernels"), s.header.kernels},
      {QStringLiteral("replay_model"), s.modelName},
      {QStringLiteral("replay_model_sha256"), s.modelSha256},
      {QStringLiteral("records"), static_cast<qint64>(s.counts.records)},
      {QStringLiteral("inferences_recorded"), static_cast<qint64>(s.counts.inferences)},
      {QStringLiteral("unanswered_requests"), static_cast<qint64>(s.counts.unanswered)},
      {QStringLiteral("undecodable_messages"), static_cast<qint64>(s.counts.undecodable)},
      {QStringLiteral("crc_errors"), static_cast<qint64>(s.counts.frameErrorsFromDevice.crcErrors)},
      {QStringLiteral("torn_bytes"), static_cast<qint64>(s.counts.tornBytes)},
      {QStringLiteral("checked"), static_cast<qint64>(s.checks.size())},
      {QStringLiteral("passed"), static_cast<qint64>(s.passed)},
      {QStringLiteral("failed"), static_cast<qint64>(s.failed)},
      {QStringLiteral("skipped"), static_cast<qint64>(s.skipped)},
      {QStringLiteral("top_class_agreement"),
       s.topCompared ? static_cast<double>(s.topAgree) / static_cast<double>(s.topCompared) : 1.0},
      {QStringLiteral("checks"), checks}};
  if (s.counts.tornBytes) o[QStringLiteral("torn_reason")] = s.counts.tornReason;
  if (s.latencyChecked) {
    QJsonArray med;
    for (double v : s.opMedianUs) med.append(v);
    o[QStringLiteral("op_median_us")] = med;
    o[QStringLiteral("latency_regression")] = s.latencyFailure;
  }
  return o;
}

// The labelled samples of a dataset run through the recorded model and --model NEW.
struct LabelledSample {
  qint64 id = 0;
  QString name, label;
  int recordedTop = -1, newTop = -1;  // class index, -1 when that model did not run
  QString skipped;                    // why the sample was not scored
};

struct ModelScore {
  bool present = false;
  QString name, sha256;
  session::ClassScore score;
};

struct LabelledReport {
  bool active = false;
  QString dir;
  QString device;
  ModelScore recorded, fresh;  // fresh: --model NEW (absent without --model)
  QVector<LabelledSample> samples;
  quint64 skipped = 0, regressions = 0;
  quint64 windowAgree = 0, windowCompared = 0;  // NEW against the device, recorded windows
  double minAccuracy = -1;                      // percent; -1 unchecked
  QString accuracyFailure;
};

// True when NEW is wrong on a sample the recorded model got right.
bool isRegression(const LabelledReport& r, const LabelledSample& s) {
  return r.recorded.present && r.fresh.present && s.skipped.isEmpty() &&
         r.recorded.score.className(s.recordedTop) == s.label &&
         r.fresh.score.className(s.newTop) != s.label;
}

QJsonObject scoreJson(const ModelScore& m) {
  QJsonArray rows;
  for (int i = 0; i < m.score.trueLabels.size(); ++i) {
    QJsonArray counts;
    for (int c : m.score.confusion[i]) counts.append(c);
    rows.append(QJsonObject{{QStringLiteral("label"), m.score.trueLabels[i]},
                            {QStringLiteral("predicted"), counts}});
  }
  return QJsonObject{{QStringLiteral("model"), m.name},
                     {QStringLiteral("model_sha256"), m.sha256},
                     {QStringLiteral("classes"), QJsonArray::fromStringList(m.score.classes)},
                     {QStringLiteral("scored"), m.score.scored},
                     {QStringLiteral("correct"), m.score.correct},
                     {QStringLiteral("accuracy"), m.score.accuracy()},
                     {QStringLiteral("confusion"), rows}};
}

QJsonObject labelledJson(const LabelledReport& r) {
  QJsonArray samples;
  for (const LabelledSample& s : r.samples) {
    QJsonObject o{{QStringLiteral("id"), s.id},
                  {QStringLiteral("name"), s.name},
                  {QStringLiteral("label"), s.label}};
    if (!s.skipped.isEmpty()) {
      o[QStringLiteral("skipped")] = s.skipped;
    } else {
      if (r.recorded.present)
        o[QStringLiteral("recorded_model_class")] = r.recorded.score.className(s.recordedTop);
      if (r.fresh.present) o[QStringLiteral("new_model_class")] = r.fresh.score.className(s.newTop);
      if (isRegression(r, s)) o[QStringLiteral("regression")] = true;
    }
    samples.append(o);
  }
  QJsonObject o{{QStringLiteral("dataset"), r.dir},
                {QStringLiteral("samples"), static_cast<qint64>(r.samples.size())},
                {QStringLiteral("skipped"), static_cast<qint64>(r.skipped)},
                {QStringLiteral("regressions"), static_cast<qint64>(r.regressions)},
                {QStringLiteral("per_sample"), samples}};
  if (r.recorded.present) o[QStringLiteral("recorded_model")] = scoreJson(r.recorded);
  if (r.fresh.present) {
    o[QStringLiteral("new_model")] = scoreJson(r.fresh);
    o[QStringLiteral("windows_compared")] = static_cast<qint64>(r.windowCompared);
    o[QStringLiteral("agreement_with_device")] =
        r.windowCompared
            ? static_cast<double>(r.windowAgree) / static_cast<double>(r.windowCompared)
            : 1.0;
  }
  if (r.minAccuracy >= 0) {
    o[QStringLiteral("min_accuracy")] = r.minAccuracy;
    o[QStringLiteral("accuracy_failure")] = r.accuracyFailure;
  }
  return o;
}

QString sampleTestName(const LabelledSample& s) {
  return QStringLiteral("sample %1 %2 (%3)").arg(s.id).arg(s.name, s.label);
}

// Runs the recorded model and NEW on every labelled sample of the dataset.
bool evaluateLabelled(LabelledReport* r, const rh::ModelFile* recordedModel,
                      const rh::ModelFile* newModel, rh::Kernels kernels, QString* error) {
  auto store = dataset::DatasetStore::open(r->dir, error);
  if (!store) return false;
  session::LabelledEvaluator recorded, fresh;
  const QStringList newLabels =
      newModel ? session::modelLabels(QString::fromStdString(newModel->path)) : QStringList();
  if (newModel && !fresh.open(*newModel, kernels, newLabels, error)) return false;
  if (recordedModel) {
    // The recorded model's labels: its sidecar in the model store (kept by recordings since it
    // did so), else NEW's (open() refuses them when the output sizes differ).
    QStringList labels = session::modelLabels(QString::fromStdString(recordedModel->path));
    if (labels.isEmpty()) labels = newLabels;
    if (labels.isEmpty()) {
      *error = QStringLiteral(
                   "the recorded model %1 has no class labels in the model store: give "
                   "--model M with its sidecar M.json")
                   .arg(QString::fromStdString(recordedModel->path));
      return false;
    }
    if (!recorded.open(*recordedModel, kernels, labels, error)) return false;
  }
  r->recorded.present = recordedModel != nullptr;
  r->fresh.present = newModel != nullptr;
  r->recorded.score.classes = recorded.labels();
  r->fresh.score.classes = fresh.labels();
  session::LabelledEvaluator& any = newModel ? fresh : recorded;
  const rh::GraphTensor& input =
      any.summary().tensors[static_cast<size_t>(any.summary().inputs[0])];
  const bool ok = session::forEachLabelledSample(
      *store, input,
      [&](const dataset::SampleRecord& rec, const std::vector<uint8_t>* in, const QString& why) {
        LabelledSample s;
        s.id = rec.id;
        s.name = rec.name;
        s.label = rec.labels.join(QLatin1Char('+'));
        s.skipped = why;
        if (in) {
          QString err;
          if (recordedModel) s.recordedTop = recorded.classify(*in, &err);
          if (newModel) s.newTop = fresh.classify(*in, &err);
          if ((recordedModel && s.recordedTop < 0) || (newModel && s.newTop < 0)) s.skipped = err;
        }
        if (s.skipped.isEmpty()) {
          if (recordedModel) r->recorded.score.add(s.label, s.recordedTop);
          if (newModel) r->fresh.score.add(s.label, s.newTop);
          if (isRegression(*r, s)) ++r->regressions;
        } else {
          ++r->skipped;
        }
        r->samples.append(s);
        return true;
      },
      error);
  if (!ok) return false;
  r->recorded.score.sortRows();
  r->fresh.score.sortRows();
  return true;
}

// One testcase per labelled sample: a failure when NEW is wrong where the recorded model was
// right; one more for --min-accuracy.
void writeLabelledSuite(QXmlStreamWriter& w, const LabelledReport& r, const QString& html) {
  w.writeStartElement(QStringLiteral("testsuite"));
  w.writeAttribute(QStringLiteral("name"), QStringLiteral("%1 labelled samples").arg(r.device));
  w.writeAttribute(QStringLiteral("tests"),
                   QString::number(r.samples.size() + (r.minAccuracy >= 0 ? 1 : 0)));
  w.writeAttribute(QStringLiteral("failures"),
                   QString::number(r.regressions + (r.accuracyFailure.isEmpty() ? 0 : 1)));
  w.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
  w.writeAttribute(QStringLiteral("skipped"), QString::number(r.skipped));
  w.writeAttribute(QStringLiteral("time"), QStringLiteral("0.000"));
  w.writeStartElement(QStringLiteral("properties"));
  auto property = [&](const QString& name, const QString& value) {
    w.writeEmptyElement(QStringLiteral("property"));
    w.writeAttribute(QStringLiteral("name"), name);
    w.writeAttribute(QStringLiteral("value"), value);
  };
  property(QStringLiteral("dataset"), r.dir);
  for (const ModelScore* m : {&r.recorded, &r.fresh}) {
    if (!m->present) continue;
    const QString role = m == &r.recorded ? QStringLiteral("recorded") : QStringLiteral("new");
    property(role + QStringLiteral("_model"), m->name);
    property(role + QStringLiteral("_model_sha256"), m->sha256);
    property(role + QStringLiteral("_accuracy"), QString::number(m->score.accuracy(), 'f', 6));
  }
  w.writeEndElement();  // properties
  auto testcase = [&](const QString& check, const QString& name) {
    w.writeStartElement(QStringLiteral("testcase"));
    w.writeAttribute(QStringLiteral("name"), name);
    w.writeAttribute(QStringLiteral("classname"), QStringLiteral("%1.%2").arg(r.device, check));
    w.writeAttribute(QStringLiteral("file"), r.dir);
    w.writeAttribute(QStringLiteral("time"), QStringLiteral("0.000000"));
  };
  auto failure = [&](const QString& message, const QString& type) {
    w.writeStartElement(QStringLiteral("failure"));
    w.writeAttribute(QStringLiteral("message"), message);
    w.writeAttribute(QStringLiteral("type"), type);
    w.writeCharacters(message);
    w.writeEndElement();
    if (!html.isEmpty())
      w.writeTextElement(
          QStringLiteral("system-out"),
          QStringLiteral("[[ATTACHMENT|%1]]").arg(QFileInfo(html).absoluteFilePath()));
  };
  for (const LabelledSample& s : r.samples) {
    testcase(QStringLiteral("labelled"), sampleTestName(s));
    if (!s.skipped.isEmpty()) {
      w.writeEmptyElement(QStringLiteral("skipped"));
      w.writeAttribute(QStringLiteral("message"), s.skipped);
    } else if (isRegression(r, s)) {
      failure(QStringLiteral("%1 predicts %2 where %3 predicted %4, the label")
                  .arg(r.fresh.name, r.fresh.score.className(s.newTop), r.recorded.name, s.label),
              QStringLiteral("regression"));
    }
    w.writeEndElement();  // testcase
  }
  if (r.minAccuracy >= 0) {
    testcase(QStringLiteral("accuracy"), QStringLiteral("accuracy on the labelled samples"));
    if (!r.accuracyFailure.isEmpty()) failure(r.accuracyFailure, QStringLiteral("accuracy"));
    w.writeEndElement();
  }
  w.writeEndElement();  // testsuite
}

bool writeJunit(const QString& path, const QVector<SessionReport>& sessions,
                const LabelledReport& labelled, const QString& html, double wallSeconds,
                QString* error) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) {
    *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  QXmlStreamWriter w(&f);
  w.setAutoFormatting(true);
  w.setAutoFormattingIndent(2);
  w.writeStartDocument();
  quint64 tests = 0, failures = 0, skipped = 0;
  for (const SessionReport& s : sessions) {
    tests += s.checks.size() + (s.latencyChecked ? 1 : 0);
    failures += s.failed + (s.latencyFailure.isEmpty() ? 0 : 1);
    skipped += s.skipped;
  }
  if (labelled.active) {
    tests += labelled.samples.size() + (labelled.minAccuracy >= 0 ? 1 : 0);
    failures += labelled.regressions + (labelled.accuracyFailure.isEmpty() ? 0 : 1);
    skipped += labelled.skipped;
  }
  w.writeStartElement(QStringLiteral("testsuites"));
  w.writeAttribute(QStringLiteral("name"), QStringLiteral("tinyscope replay"));
  w.writeAttribute(QStringLiteral("tests"), QString::number(tests));
  w.writeAttribute(QStringLiteral("failures"), QString::number(failures));
  w.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
  w.writeAttribute(QStringLiteral("skipped"), QString::number(skipped));
  w.writeAttribute(QStringLiteral("time"), QString::number(wallSeconds, 'f', 3));
  for (const SessionReport& s : sessions) {
    double seconds = 0;
    for (const InferenceCheck& c : s.checks) seconds += c.checkSeconds;
    w.writeStartElement(QStringLiteral("testsuite"));
    w.writeAttribute(QStringLiteral("name"),
                     QStringLiteral("%1 %2").arg(s.device, QFileInfo(s.path).fileName()));
    w.writeAttribute(QStringLiteral("tests"),
                     QString::number(s.checks.size() + (s.latencyChecked ? 1 : 0)));
    w.writeAttribute(QStringLiteral("failures"),
                     QString::number(s.failed + (s.latencyFailure.isEmpty() ? 0 : 1)));
    w.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
    w.writeAttribute(QStringLiteral("skipped"), QString::number(s.skipped));
    w.writeAttribute(QStringLiteral("time"), QString::number(seconds, 'f', 3));
    w.writeStartElement(QStringLiteral("properties"));
    auto property = [&](const QString& name, const QString& value) {
      w.writeEmptyElement(QStringLiteral("property"));
      w.writeAttribute(QStringLiteral("name"), name);
      w.writeAttribute(QStringLiteral("value"), value);
    };
    property(QStringLiteral("device_uri"), s.header.deviceUri);
    property(QStringLiteral("firmware"), s.header.firmwareVersion);
    property(QStringLiteral("firmware_hello_sha256"),
             QString::fromStdString(
                 rh::sha256Hex(reinterpret_cast<const uint8_t*>(s.header.hello.constData()),
                               static_cast<size_t>(s.header.hello.size()))));
    property(QStringLiteral("device_kernels"), s.header.kernels);
    property(QStringLiteral("recorded_model"), s.header.modelName);
    property(QStringLiteral("recorded_model_sha256"), s.header.modelSha256);
    property(QStringLiteral("replay_model"), s.modelName);
    property(QStringLiteral("replay_model_sha256"), s.modelSha256);
    property(QStringLiteral("torn_bytes"), QString::number(s.counts.tornBytes));
    w.writeEndElement();  // properties
    auto testcase = [&](const QString& check, const QString& name, double time) {
      w.writeStartElement(QStringLiteral("testcase"));
      w.writeAttribute(QStringLiteral("name"), name);
      w.writeAttribute(QStringLiteral("classname"), QStringLiteral("%1.%2").arg(s.device, check));
      w.writeAttribute(QStringLiteral("file"), s.path);
      w.writeAttribute(QStringLiteral("time"), QString::number(time, 'f', 6));
    };
    auto attachment = [&] {
      if (html.isEmpty()) return;
      w.writeTextElement(
          QStringLiteral("system-out"),
          QStringLiteral("[[ATTACHMENT|%1]]").arg(QFileInfo(html).absoluteFilePath()));
    };
    for (const InferenceCheck& c : s.checks) {
      testcase(QStringLiteral("inference"), testName(c), c.checkSeconds);
      if (c.outcome == InferenceCheck::Outcome::kFail) {
        w.writeStartElement(QStringLiteral("failure"));
        w.writeAttribute(QStringLiteral("message"), c.message);
        w.writeAttribute(QStringLiteral("type"), c.tensorsCompared
                                                     ? QStringLiteral("tensor mismatch")
                                                     : QStringLiteral("output mismatch"));
        w.writeCharacters(c.tensors.empty() ? c.message : session::tensorTable(c.tensors));
        w.writeEndElement();
        attachment();
      } else if (c.outcome == InferenceCheck::Outcome::kSkipped) {
        w.writeEmptyElement(QStringLiteral("skipped"));
        w.writeAttribute(QStringLiteral("message"), c.message);
      }
      w.writeEndElement();  // testcase
    }
    if (s.latencyChecked) {
      testcase(QStringLiteral("latency"), QStringLiteral("per-op device latency"), 0);
      if (!s.latencyFailure.isEmpty()) {
        w.writeStartElement(QStringLiteral("failure"));
        w.writeAttribute(QStringLiteral("message"), s.latencyFailure);
        w.writeAttribute(QStringLiteral("type"), QStringLiteral("latency regression"));
        w.writeCharacters(s.latencyFailure);
        w.writeEndElement();
        attachment();
      }
      w.writeEndElement();
    }
    w.writeEndElement();  // testsuite
  }
  if (labelled.active) writeLabelledSuite(w, labelled, html);
  w.writeEndElement();
  w.writeEndDocument();
  if (!f.commit()) {
    *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  return true;
}

QString esc(const QString& s) {
  return s.toHtmlEscaped();
}

// One polyline per series over the inferences of a session, scaled to the box.
QString svgPlot(const QVector<double>& values, const QVector<bool>& failed, const QString& title) {
  const int w = 900, h = 160;
  double top = 1;
  for (double v : values) top = std::max(top, v);
  QString points;
  for (int i = 0; i < values.size(); ++i) {
    const double x = values.size() > 1 ? 40.0 + (w - 50.0) * i / (values.size() - 1) : 40.0;
    const double y = 10.0 + (h - 30.0) * (1.0 - values[i] / top);
    points += QStringLiteral("%1,%2 ").arg(x, 0, 'f', 1).arg(y, 0, 'f', 1);
  }
  QString marks;
  for (int i = 0; i < failed.size() && i < values.size(); ++i)
    if (failed[i]) {
      const double x = values.size() > 1 ? 40.0 + (w - 50.0) * i / (values.size() - 1) : 40.0;
      marks += QStringLiteral("<line x1='%1' y1='10' x2='%1' y2='%2' stroke='#d33'/>")
                   .arg(x, 0, 'f', 1)
                   .arg(h - 20);
    }
  return QStringLiteral(
             "<svg xmlns='http://www.w3.org/2000/svg' width='%1' height='%2'>"
             "<rect x='40' y='10' width='%3' height='%4' fill='#f7f7f7' stroke='#ccc'/>%5"
             "<polyline fill='none' stroke='#36c' stroke-width='1' points='%6'/>"
             "<text x='42' y='%7' font-size='11'>%8 (max %9)</text></svg>")
      .arg(w)
      .arg(h)
      .arg(w - 50)
      .arg(h - 30)
      .arg(marks, points)
      .arg(h - 5)
      .arg(esc(title))
      .arg(top);
}

// The confusion table of one model: rows the labels, columns the predicted classes.
QString confusionHtml(const ModelScore& m) {
  QString t =
      QStringLiteral("<h3>%1: accuracy %2 (%3 of %4)</h3><table><tr><th>label / predicted</th>")
          .arg(esc(m.name))
          .arg(m.score.accuracy(), 0, 'f', 4)
          .arg(m.score.correct)
          .arg(m.score.scored);
  for (const QString& c : m.score.classes) t += QStringLiteral("<th>%1</th>").arg(esc(c));
  t += QStringLiteral("</tr>");
  for (int i = 0; i < m.score.trueLabels.size(); ++i) {
    t += QStringLiteral("<tr><th>%1</th>").arg(esc(m.score.trueLabels[i]));
    for (int k = 0; k < m.score.confusion[i].size(); ++k)
      t += QStringLiteral("<td%1>%2</td>")
               .arg(m.score.classes[k] == m.score.trueLabels[i]
                        ? QStringLiteral(" style='font-weight:bold'")
                        : QString())
               .arg(m.score.confusion[i][k]);
    t += QStringLiteral("</tr>");
  }
  return t + QStringLiteral("</table>");
}

bool writeHtml(const QString& path, const QVector<SessionReport>& sessions,
               const LabelledReport& labelled, QString* error) {
  QString page = QStringLiteral(
      "<!DOCTYPE html><html><head><meta charset='utf-8'><title>tinyscope replay</title>"
      "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px}.fail{background:#fdd}"
      ".skipped{background:#eee}pre{font-size:11px}</style></head><body><h1>tinyscope replay</h1>");
  for (const SessionReport& s : sessions) {
    page += QStringLiteral(
                "<h2>%1</h2><p>device %2 (%3), firmware %4; recorded model %5 (%6); "
                "replayed with %7 (%8)</p>")
                .arg(esc(s.path), esc(s.device), esc(s.header.deviceUri),
                     esc(s.header.firmwareVersion), esc(s.header.modelName),
                     esc(s.header.modelSha256), esc(s.modelName), esc(s.modelSha256));
    page += QStringLiteral(
                "<p>%1 checked: %2 passed, %3 failed, %4 skipped; %5 bytes torn off "
                "the end</p>")
                .arg(s.checks.size())
                .arg(s.passed)
                .arg(s.failed)
                .arg(s.skipped)
                .arg(s.counts.tornBytes);
    QVector<double> latency, diff;
    QVector<bool> failed;
    for (const InferenceCheck& c : s.checks) {
      latency.append(c.deviceMicros);
      diff.append(static_cast<double>(c.maxAbsDiff));
      failed.append(c.outcome == InferenceCheck::Outcome::kFail);
    }
    page += svgPlot(latency, failed, QStringLiteral("device latency per inference, µs"));
    page += svgPlot(diff, failed, QStringLiteral("largest tensor difference, quantized steps"));
    page += QStringLiteral(
        "<table><tr><th>inference</th><th>outcome</th><th>device µs</th>"
        "<th>tensors matching</th><th>top class device/desktop</th>"
        "<th>message</th></tr>");
    for (const InferenceCheck& c : s.checks) {
      if (c.outcome == InferenceCheck::Outcome::kPass && s.checks.size() > 200) continue;
      page +=
          QStringLiteral(
              "<tr class='%1'><td>%2</td><td>%1</td><td>%3</td><td>%4/%5</td>"
              "<td>%6/%7</td><td>%8%9</td></tr>")
              .arg(QString::fromLatin1(outcomeName(c.outcome)))
              .arg(esc(testName(c)))
              .arg(c.deviceMicros)
              .arg(c.matchingTensors)
              .arg(c.comparedTensors)
              .arg(c.deviceTop)
              .arg(c.desktopTop)
              .arg(esc(c.message))
              .arg(c.tensors.empty()
                       ? QString()
                       : QStringLiteral("<pre>%1</pre>").arg(esc(session::tensorTable(c.tensors))));
    }
    page += QStringLiteral("</table>");
    if (s.checks.size() > 200)
      page += QStringLiteral("<p>(passing inferences not listed: more than 200)</p>");
    if (!s.latencyFailure.isEmpty())
      page += QStringLiteral("<p class='fail'>%1</p>").arg(esc(s.latencyFailure));
  }
  if (labelled.active) {
    page += QStringLiteral(
                "<h2>labelled samples of %1</h2><p>%2 samples, %3 skipped, %4 "
                "regressions</p>")
                .arg(esc(labelled.dir))
                .arg(labelled.samples.size())
                .arg(labelled.skipped)
                .arg(labelled.regressions);
    if (labelled.fresh.present)
      page += QStringLiteral("<p>%1 agrees with the device on %2 of %3 recorded windows</p>")
                  .arg(esc(labelled.fresh.name))
                  .arg(labelled.windowAgree)
                  .arg(labelled.windowCompared);
    if (labelled.recorded.present) page += confusionHtml(labelled.recorded);
    if (labelled.fresh.present) page += confusionHtml(labelled.fresh);
    if (!labelled.accuracyFailure.isEmpty())
      page += QStringLiteral("<p class='fail'>%1</p>").arg(esc(labelled.accuracyFailure));
  }
  page += QStringLiteral("</body></html>\n");
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly) || f.write(page.toUtf8()) < 0 || !f.commit()) {
    *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  return true;
}

}  // namespace

int runReplay(const QStringList& args) {
  const QString verb = QStringLiteral("replay");
  QCommandLineParser p;
  const QCommandLineOption modelOpt(
      QStringLiteral("model"),
      QStringLiteral("Replay with this .tflite instead of the recorded model (from the store)."),
      QStringLiteral("M"));
  const QCommandLineOption kernelsOpt(
      QStringLiteral("kernels"),
      QStringLiteral("Desktop kernels: reference or optimized (default: %1).")
          .arg(QString::fromLatin1(rh::kernelsName(rh::defaultKernels()))),
      QStringLiteral("SET"));
  const QCommandLineOption toleranceOpt(
      QStringLiteral("tolerance"),
      QStringLiteral("Quantized steps a tensor element may differ by (default 0: bit-exact)."),
      QStringLiteral("LSB"), QStringLiteral("0"));
  const QCommandLineOption shardOpt(
      QStringLiteral("shard"),
      QStringLiteral("Check only part K of N (inferences dealt round-robin over all sessions)."),
      QStringLiteral("K/N"));
  const QCommandLineOption jobsOpt(QStringLiteral("jobs"),
                                   QStringLiteral("Checking threads (default: every core)."),
                                   QStringLiteral("N"));
  const QCommandLineOption junitOpt(QStringLiteral("junit"),
                                    QStringLiteral("Write a JUnit XML report to FILE."),
                                    QStringLiteral("FILE"));
  const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                   QStringLiteral("Print one JSON object (timing kept apart)."));
  const QCommandLineOption htmlOpt(QStringLiteral("html"),
                                   QStringLiteral("Write a self-contained HTML report to FILE."),
                                   QStringLiteral("FILE"));
  const QCommandLineOption latencyOpt(
      QStringLiteral("max-latency-regression"),
      QStringLiteral("Fail when a session's median device time of an op exceeds the first "
                     "session's by more than PCT percent."),
      QStringLiteral("PCT"));
  const QCommandLineOption datasetOpt(
      QStringLiteral("dataset"),
      QStringLiteral("Also run the recorded model and --model on every labelled sample of this "
                     "dataset (default with --model: the dataset the sessions live in)."),
      QStringLiteral("DIR"));
  const QCommandLineOption minAccuracyOpt(
      QStringLiteral("min-accuracy"),
      QStringLiteral("Fail when --model (or the recorded model) is right on fewer than PCT percent "
                     "of the labelled samples."),
      QStringLiteral("PCT"));
  for (const auto& o : {modelOpt, kernelsOpt, toleranceOpt, shardOpt, jobsOpt, junitOpt, jsonOpt,
                        htmlOpt, latencyOpt, datasetOpt, minAccuracyOpt})
    p.addOption(o);
  p.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("Session logs (.tsl)."),
                          QStringLiteral("SESSION..."));
  if (int c = parseVerbArgs(p, args, verb,
                            QStringLiteral("Re-run every inference of recorded device sessions on "
                                           "the desktop runtime and compare outputs, captured "
                                           "tensors and device latency; exit 1 on a mismatch."),
                            1, -1);
      c >= 0)
    return c;

  rh::Kernels kernels = rh::defaultKernels();
  if (p.isSet(kernelsOpt) && !rh::parseKernels(p.value(kernelsOpt).toStdString(), &kernels))
    return fail(
        verb, QStringLiteral("--kernels '%1': use reference or optimized").arg(p.value(kernelsOpt)),
        kExitUsage);
  bool ok = false;
  const qint64 tolerance = p.value(toleranceOpt).toLongLong(&ok);
  if (!ok || tolerance < 0)
    return fail(
        verb,
        QStringLiteral("--tolerance '%1' is not a number of steps >= 0").arg(p.value(toleranceOpt)),
        kExitUsage);
  int shardK = 1, shardN = 1;
  if (p.isSet(shardOpt)) {
    const QStringList kn = p.value(shardOpt).split(QLatin1Char('/'));
    bool okK = false, okN = false;
    if (kn.size() == 2) {
      shardK = kn[0].toInt(&okK);
      shardN = kn[1].toInt(&okN);
    }
    if (!okK || !okN || shardN < 1 || shardK < 1 || shardK > shardN)
      return fail(
          verb,
          QStringLiteral("--shard '%1': use K/N with 1 <= K <= N, e.g. 2/4").arg(p.value(shardOpt)),
          kExitUsage);
  }
  int jobs = std::max(1, QThread::idealThreadCount());
  if (p.isSet(jobsOpt)) {
    jobs = p.value(jobsOpt).toInt(&ok);
    if (!ok || jobs < 1 || jobs > 256)
      return fail(verb, QStringLiteral("--jobs '%1' must be 1..256").arg(p.value(jobsOpt)),
                  kExitUsage);
  }
  double latencyPct = -1;
  if (p.isSet(latencyOpt)) {
    latencyPct = p.value(latencyOpt).toDouble(&ok);
    if (!ok || latencyPct < 0)
      return fail(verb,
                  QStringLiteral("--max-latency-regression '%1' is not a percentage >= 0")
                      .arg(p.value(latencyOpt)),
                  kExitUsage);
  }

  LabelledReport labelled;
  if (p.isSet(minAccuracyOpt)) {
    labelled.minAccuracy = p.value(minAccuracyOpt).toDouble(&ok);
    if (!ok || labelled.minAccuracy < 0 || labelled.minAccuracy > 100)
      return fail(verb,
                  QStringLiteral("--min-accuracy '%1' is not a percentage 0..100")
                      .arg(p.value(minAccuracyOpt)),
                  kExitUsage);
  }

  // Every session's header and model first: bad input is found before any work starts.
  QVector<SessionReport> reports;
  std::map<QString, std::unique_ptr<rh::ModelFile>> models;  // by path, shared read-only
  std::map<QString, QString> modelHashes;
  for (const QString& path : p.positionalArguments()) {
    session::SessionPlayer player;
    QString error;
    if (!player.open(path, &error)) return fail(verb, error, kExitUsage);
    SessionReport r;
    r.path = path;
    r.header = player.header();
    r.device =
        player.device().boardName.isEmpty() ? QStringLiteral("device") : player.device().boardName;
    if (p.isSet(modelOpt)) {
      r.modelPath = p.value(modelOpt);
    } else if (r.header.modelSha256.isEmpty()) {
      return fail(verb,
                  QStringLiteral("%1 names no model (the device's model was not known when it was "
                                 "recorded): give --model M")
                      .arg(path),
                  kExitUsage);
    } else {
      r.modelPath = session::ModelStore::forSession(path).pathOf(r.header.modelSha256);
      if (!QFileInfo(r.modelPath).isFile())
        return fail(verb,
                    QStringLiteral("%1: its model %2 (SHA-256 %3) is not in the model store %4: "
                                   "give --model M")
                        .arg(path, r.header.modelName, r.header.modelSha256,
                             QFileInfo(r.modelPath).absolutePath()),
                    kExitUsage);
    }
    if (!models.count(r.modelPath)) {
      auto m = std::make_unique<rh::ModelFile>();
      std::string rerr;
      if (!rh::loadModelFile(r.modelPath.toStdString(), m.get(), &rerr))
        return fail(verb, QString::fromStdString(rerr), kExitUsage);
      modelHashes[r.modelPath] =
          QString::fromStdString(rh::sha256Hex(m->bytes.data(), m->bytes.size()));
      models[r.modelPath] = std::move(m);
    }
    r.modelSha256 = modelHashes[r.modelPath];
    r.modelName =
        p.isSet(modelOpt) ? QFileInfo(r.modelPath).completeBaseName() : r.header.modelName;
    reports.append(r);
  }
  // A model that does not load is bad input too: check each once here.
  for (const auto& [path, model] : models) {
    session::ReplayChecker probe;
    QString error;
    if (!probe.open(*model, kernels, tolerance, &error)) return fail(verb, error, kExitUsage);
  }

  // The labelled samples: of --dataset, or with --model of the dataset the first session was
  // recorded into (<dataset>/sessions/).
  if (p.isSet(datasetOpt)) {
    labelled.dir = p.value(datasetOpt);
  } else if (p.isSet(modelOpt)) {
    const QDir sessions = QFileInfo(reports[0].path).absoluteDir();
    if (sessions.dirName() == QLatin1String("sessions") &&
        QFileInfo(sessions.filePath(QStringLiteral("../dataset.sqlite"))).isFile())
      labelled.dir = QDir::cleanPath(sessions.filePath(QStringLiteral("..")));
  }
  if (labelled.minAccuracy >= 0 && labelled.dir.isEmpty())
    return fail(verb, QStringLiteral("--min-accuracy needs labelled samples: give --dataset DIR"),
                kExitUsage);
  if (!labelled.dir.isEmpty()) {
    const SessionReport& first = reports[0];
    const QString recordedPath =
        first.header.modelSha256.isEmpty()
            ? QString()
            : session::ModelStore::forSession(first.path).pathOf(first.header.modelSha256);
    rh::ModelFile recordedModel;
    std::string rerr;
    const bool haveRecorded = !recordedPath.isEmpty() && QFileInfo(recordedPath).isFile() &&
                              rh::loadModelFile(recordedPath.toStdString(), &recordedModel, &rerr);
    const rh::ModelFile* newModel = p.isSet(modelOpt) ? models.at(first.modelPath).get() : nullptr;
    labelled.active = true;
    labelled.device = first.device;
    labelled.recorded.name = first.header.modelName;
    labelled.recorded.sha256 = first.header.modelSha256;
    labelled.fresh.name = first.modelName;
    labelled.fresh.sha256 = first.modelSha256;
    QString error;
    if (!evaluateLabelled(&labelled, haveRecorded ? &recordedModel : nullptr, newModel, kernels,
                          &error))
      return fail(verb, QStringLiteral("%1: %2").arg(labelled.dir, error), kExitUsage);
    const ModelScore& judged = newModel ? labelled.fresh : labelled.recorded;
    if (labelled.minAccuracy >= 0 && judged.present &&
        judged.score.accuracy() * 100.0 < labelled.minAccuracy)
      labelled.accuracyFailure = QStringLiteral(
                                     "%1 is right on %2 of %3 labelled samples (%4%), "
                                     "below --min-accuracy %5%")
                                     .arg(judged.name)
                                     .arg(judged.score.correct)
                                     .arg(judged.score.scored)
                                     .arg(judged.score.accuracy() * 100.0, 0, 'f', 2)
                                     .arg(labelled.minAccuracy);
  }

  QElapsedTimer wall;
  wall.start();
  WorkQueue queue;
  queue.capacity = static_cast<size_t>(4 * jobs);
  std::mutex resultsMutex;
  std::vector<std::vector<InferenceCheck>> results(static_cast<size_t>(reports.size()));
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs; ++j)
    workers.emplace_back([&] {
      std::map<QString, std::unique_ptr<session::ReplayChecker>> checkers;
      WorkQueue::Item item;
      while (queue.pop(&item)) {
        const QString& modelPath = reports[item.session].modelPath;
        auto& checker = checkers[modelPath];
        if (!checker) {
          checker = std::make_unique<session::ReplayChecker>();
          QString ignored;  // opened once above already
          checker->open(*models.at(modelPath), kernels, tolerance, &ignored);
        }
        InferenceCheck c = checker->check(item.inference);
        if (c.outcome != InferenceCheck::Outcome::kFail) c.tensors.clear();
        std::lock_guard<std::mutex> lock(resultsMutex);
        results[static_cast<size_t>(item.session)].push_back(std::move(c));
      }
    });
  quint64 dealt = 0;
  for (int i = 0; i < reports.size(); ++i) {
    session::SessionPlayer player;
    QString error;
    player.open(reports[i].path, &error);
    const rh::ModelSummary* summary = nullptr;
    rh::ModelSummary recordedSummary;
    std::string rerr;
    // With the recorded model, captured tensors are bounded by its sizes.
    if (!p.isSet(modelOpt)) {
      const rh::ModelFile& m = *models.at(reports[i].modelPath);
      if (rh::buildModelSummary(m.bytes.data(), m.bytes.size(), &recordedSummary, &rerr))
        summary = &recordedSummary;
    }
    player.setModel(summary);
    player.play([&](session::RecordedInference&& rec) {
      if (static_cast<int>(dealt++ % static_cast<quint64>(shardN)) == shardK - 1)
        queue.push({i, std::move(rec)});
      return true;
    });
    reports[i].counts = player.counts();
  }
  queue.close();
  for (std::thread& t : workers) t.join();
  const double wallSeconds = static_cast<double>(wall.nsecsElapsed()) * 1e-9;

  quint64 checked = 0, failedTotal = 0, skippedTotal = 0;
  double checkSeconds = 0;
  for (int i = 0; i < reports.size(); ++i) {
    SessionReport& r = reports[i];
    r.checks = std::move(results[static_cast<size_t>(i)]);
    std::sort(r.checks.begin(), r.checks.end(),
              [](const InferenceCheck& a, const InferenceCheck& b) { return a.index < b.index; });
    QVector<QVector<double>> perOp;
    for (const InferenceCheck& c : r.checks) {
      checkSeconds += c.checkSeconds;
      if (c.outcome == InferenceCheck::Outcome::kPass) ++r.passed;
      if (c.outcome == InferenceCheck::Outcome::kFail) ++r.failed;
      if (c.outcome == InferenceCheck::Outcome::kSkipped) ++r.skipped;
      if (c.deviceTop >= 0 && c.desktopTop >= 0) {
        ++r.topCompared;
        if (c.deviceTop == c.desktopTop) ++r.topAgree;
      }
      if (perOp.size() < c.deviceOpMicros.size()) perOp.resize(c.deviceOpMicros.size());
      for (int k = 0; k < c.deviceOpMicros.size(); ++k) perOp[k].append(c.deviceOpMicros[k]);
    }
    for (const QVector<double>& v : perOp) r.opMedianUs.append(median(v));
    checked += r.checks.size();
    failedTotal += r.failed;
    skippedTotal += r.skipped;
  }
  // Device latency: each later session's per-op medians against the first session's.
  if (latencyPct >= 0 && reports.size() > 1) {
    const QVector<double>& base = reports[0].opMedianUs;
    for (int i = 1; i < reports.size(); ++i) {
      SessionReport& r = reports[i];
      r.latencyChecked = true;
      for (int k = 0; k < r.opMedianUs.size() && k < base.size(); ++k) {
        // One microsecond of slack: the device's timer resolution.
        const double limit = base[k] * (1.0 + latencyPct / 100.0) + 1.0;
        if (r.opMedianUs[k] > limit) {
          r.latencyFailure = QStringLiteral(
                                 "op %1 takes %2 µs (median) on the device, %3 µs in %4: "
                                 "more than %5% slower")
                                 .arg(k)
                                 .arg(r.opMedianUs[k])
                                 .arg(base[k])
                                 .arg(reports[0].path)
                                 .arg(latencyPct);
          ++failedTotal;
          break;
        }
      }
    }
  }

  if (labelled.active) {
    for (const SessionReport& r : reports) {
      labelled.windowAgree += r.topAgree;
      labelled.windowCompared += r.topCompared;
    }
    failedTotal += labelled.regressions + (labelled.accuracyFailure.isEmpty() ? 0 : 1);
  }

  QString error;
  if (p.isSet(htmlOpt) && !writeHtml(p.value(htmlOpt), reports, labelled, &error))
    return fail(verb, error, kExitUsage);
  if (p.isSet(junitOpt) &&
      !writeJunit(p.value(junitOpt), reports, labelled, p.value(htmlOpt), wallSeconds, &error))
    return fail(verb, error, kExitUsage);

  if (p.isSet(jsonOpt)) {
    QJsonArray sessions;
    for (const SessionReport& r : reports) sessions.append(sessionJson(r));
    QJsonObject o{
        {QStringLiteral("sessions"), sessions},
        {QStringLiteral("shard"), QStringLiteral("%1/%2").arg(shardK).arg(shardN)},
        {QStringLiteral("kernels"), QString::fromLatin1(rh::kernelsName(kernels))},
        {QStringLiteral("tolerance"), tolerance},
        {QStringLiteral("checked"), static_cast<qint64>(checked)},
        {QStringLiteral("failed"), static_cast<qint64>(failedTotal)},
        {QStringLiteral("skipped"), static_cast<qint64>(skippedTotal)},
        // Everything that changes from run to run is here, apart from the results.
        {QStringLiteral("timing"),
         QJsonObject{{QStringLiteral("wall_seconds"), wallSeconds},
                     {QStringLiteral("check_seconds"), checkSeconds},
                     {QStringLiteral("jobs"), jobs},
                     {QStringLiteral("inferences_per_second"),
                      wallSeconds > 0 ? static_cast<double>(checked) / wallSeconds : 0.0}}}};
    if (labelled.active) o[QStringLiteral("labelled")] = labelledJson(labelled);
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    for (const SessionReport& r : reports) {
      out() << r.path << ": " << r.device << ", " << r.checks.size() << " inferences checked ("
            << r.passed << " passed, " << r.failed << " failed, " << r.skipped << " skipped) with "
            << r.modelName << "\n";
      if (r.counts.tornBytes) out() << "  torn: " << r.counts.tornReason << "\n";
      int shown = 0;
      for (const InferenceCheck& c : r.checks)
        if (c.outcome == InferenceCheck::Outcome::kFail && shown++ < 10)
          out() << "  FAIL " << testName(c) << ": " << c.message << "\n";
      if (!r.latencyFailure.isEmpty()) out() << "  FAIL latency: " << r.latencyFailure << "\n";
    }
    if (labelled.active) {
      out() << labelled.dir << ": " << labelled.samples.size() << " labelled samples ("
            << labelled.skipped << " skipped)";
      for (const ModelScore* m : {&labelled.recorded, &labelled.fresh})
        if (m->present)
          out() << "; " << (m == &labelled.recorded ? "recorded " : "new ") << m->name
                << " accuracy " << QString::number(m->score.accuracy() * 100.0, 'f', 2) << "% ("
                << m->score.correct << "/" << m->score.scored << ")";
      out() << "\n";
      if (labelled.fresh.present)
        out() << "  " << labelled.fresh.name << " agrees with the device on "
              << labelled.windowAgree << " of " << labelled.windowCompared << " recorded windows; "
              << labelled.regressions
              << " samples regress (wrong where the recorded model was right)\n";
      int shown = 0;
      for (const LabelledSample& s : labelled.samples)
        if (isRegression(labelled, s) && shown++ < 10)
          out() << "  FAIL " << sampleTestName(s) << ": " << labelled.fresh.name << " predicts "
                << labelled.fresh.score.className(s.newTop) << "\n";
      if (!labelled.accuracyFailure.isEmpty())
        out() << "  FAIL accuracy: " << labelled.accuracyFailure << "\n";
    }
    out() << "replayed " << checked << " inferences in " << QString::number(wallSeconds, 'f', 2)
          << " s (" << jobs << " jobs, shard " << shardK << "/" << shardN << "): " << failedTotal
          << " failed, " << skippedTotal << " skipped\n";
  }
  out().flush();
  return failedTotal > 0 ? kExitFailed : kExitOk;
}

}  // namespace tinyscope::cli
