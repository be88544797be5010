// replay against sessions recorded from the real tinyscope-agent over a real pty: all matches, a
// device running other weights (mismatch and first divergent op), a torn tail, shards, JUnit
// checked against the schema CI systems read, deterministic reports.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "app/core/dataset/dataset_store.h"
#include "app/core/session/session_log.h"
#include "app/core/session/session_player.h"
#include "device_protocol/message_frame.h"
#include "firmware_agent/core/gesture_signal.h"
#include "model_runner/model.h"
#include "tests/support/agent_process.h"
#include "tests/support/cli_process.h"

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);
const QString kSource = QStringLiteral(TINYSCOPE_SOURCE_DIR);
const QString kDemoModel = kSource + "/resources/models/imu_gesture_demo.tflite";

QJsonObject json(const QString& text) {
  return QJsonDocument::fromJson(text.toUtf8()).object();
}

QByteArray readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// The demo model with the weights of its first operator that has constant int8 weights negated:
// the same graph, other numbers. *op gets that operator's index.
QByteArray otherWeights(const QByteArray& model, int* op) {
  QByteArray out = model;
  tinyscope::runner::Model m;
  if (m.load(reinterpret_cast<const uint8_t*>(model.constData()),
             static_cast<size_t>(model.size())) != tinyscope::runner::Status::kOk)
    return {};
  for (uint32_t o = 0; o < m.numOperators(); ++o) {
    const tinyscope::runner::OperatorDesc d = m.op(o);
    for (uint32_t k = 0; k < d.inputs.size(); ++k) {
      const int32_t t = d.inputs.i32(k);
      if (t < 0) continue;
      const tinyscope::runner::TensorDesc td = m.tensor(static_cast<uint32_t>(t));
      if (!td.isConstant() || td.type != tinyscope::runner::TensorType::kInt8 || td.bytes < 16)
        continue;
      const auto at = td.constData - reinterpret_cast<const uint8_t*>(model.constData());
      for (size_t i = 0; i < td.bytes; ++i)
        out[static_cast<int>(at + i)] =
            static_cast<char>(-static_cast<int8_t>(out[static_cast<int>(at + i)]) ^ 0x11);
      *op = static_cast<int>(o);
      return out;
    }
  }
  return {};
}

// Input bytes for the demo model (its input tensor's size, from `run --json`).
QString demoInput(const QString& dir) {
  const CliResult r = runCli({"inspect", kDemoModel, "--json"});
  const QJsonObject o = json(r.out);
  qint64 bytes = 0;
  for (const QJsonValue& t : o["tensors"].toArray())
    if (t.toObject()["index"].toInt() == o["inputs"].toArray().at(0).toInt())
      bytes = t.toObject()["bytes"].toVariant().toLongLong();
  QByteArray in;
  for (qint64 i = 0; i < bytes; ++i) in.append(static_cast<char>((i * 37 + 11) % 251 - 125));
  const QString path = dir + "/input.bin";
  writeFile(path, in);
  return path;
}

QJsonObject withoutTiming(QJsonObject o) {
  o.remove("timing");
  return o;
}

TEST(CliReplay, SessionsRecordedOverAPtyReplayWithAllMatchesInAnyShardingAndJobCount) {
  QTemporaryDir dir;
  PtyAgent agent({"--model", kDemoModel});
  ASSERT_FALSE(agent.address().isEmpty());
  const QString input = demoInput(dir.path());
  QStringList sessions;
  for (int i = 0; i < 3; ++i) {
    const QString s = dir.path() + QStringLiteral("/runs/infer%1.tsl").arg(i);
    QDir().mkpath(dir.path() + "/runs");
    const CliResult r = runCli({"infer", "--device", agent.address(), "--model", kDemoModel,
                                "--input", input, "--capture", "all", "--session", s});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    sessions << s;
  }
  // The model went to the store beside the sessions, once, with its sidecar (the class labels).
  const QDir store(dir.path() + "/runs/models");
  EXPECT_EQ(store.entryList({"*.tflite"}, QDir::Files).size(), 1);
  EXPECT_EQ(store.entryList({"*.json"}, QDir::Files).size(), 1);

  const QString junit = dir.path() + "/report.xml";
  const QString html = dir.path() + "/report.html";
  const CliResult all = runCli(QStringList{"replay"} + sessions +
                               QStringList{"--json", "--junit", junit, "--html", html});
  ASSERT_EQ(all.code, 0) << all.out.toStdString() << all.err.toStdString();
  const QJsonObject o = json(all.out);
  EXPECT_EQ(o["checked"].toInt(), 3);
  EXPECT_EQ(o["failed"].toInt(), 0);
  for (const QJsonValue& v : o["sessions"].toArray()) {
    const QJsonObject s = v.toObject();
    EXPECT_EQ(s["passed"].toInt(), 1);
    EXPECT_EQ(s["recorded_model"].toString(), "imu_gesture_demo");
    const QJsonObject c = s["checks"].toArray().at(0).toObject();
    EXPECT_GT(c["compared_tensors"].toInt(), 3);  // input, every op's output
    EXPECT_EQ(c["matching_tensors"].toInt(), c["compared_tensors"].toInt());
    EXPECT_EQ(c["device_top"].toInt(), c["desktop_top"].toInt());
  }

  // JUnit: valid against the schema, one testcase per inference, classname <device>.<check>.
  const QByteArray xml = readFile(junit);
  EXPECT_EQ(xml.count("<testcase "), 3);
  EXPECT_TRUE(xml.contains("classname=\"host.inference\"")) << xml.toStdString();
  EXPECT_TRUE(xml.contains("name=\"replay_model_sha256\""));
  const QString xmllint = QStandardPaths::findExecutable("xmllint");
  if (!xmllint.isEmpty()) {
    QProcess lint;
    lint.start(xmllint, {"--noout", "--schema", kSource + "/tests/app/data/junit.xsd", junit});
    ASSERT_TRUE(lint.waitForFinished(20000));
    EXPECT_EQ(lint.exitCode(), 0) << lint.readAllStandardError().toStdString();
  } else {
    ADD_FAILURE() << "xmllint is missing (scripts/setup.sh installs libxml2-utils)";
  }
  const QByteArray page = readFile(html);
  EXPECT_TRUE(page.contains("<svg")) << "inline plots";
  EXPECT_FALSE(page.contains("http://") && page.contains("<script src"));

  // Deterministic: the same sessions give the same JSON (timing apart) and JUnit (times apart).
  const QString junit2 = dir.path() + "/report2.xml";
  const CliResult again = runCli(QStringList{"replay"} + sessions +
                                 QStringList{"--json", "--jobs", "1", "--junit", junit2});
  ASSERT_EQ(again.code, 0);
  EXPECT_EQ(withoutTiming(json(again.out)), withoutTiming(o));
  const QRegularExpression time(" time=\"[0-9.]+\"");
  EXPECT_EQ(QString::fromUtf8(readFile(junit2)).remove(time), QString::fromUtf8(xml).remove(time));

  // Shards: 1/2 and 2/2 together check exactly what the whole run checked.
  QSet<QString> seen;
  int checked = 0;
  for (const QString shard : {"1/2", "2/2"}) {
    const CliResult r =
        runCli(QStringList{"replay"} + sessions + QStringList{"--json", "--shard", shard});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    checked += json(r.out)["checked"].toInt();
    for (const QJsonValue& v : json(r.out)["sessions"].toArray())
      for (const QJsonValue& c : v.toObject()["checks"].toArray())
        seen.insert(v.toObject()["path"].toString() + "#" +
                    QString::number(c.toObject()["index"].toInt()));
  }
  EXPECT_EQ(checked, 3);
  EXPECT_EQ(seen.size(), 3);
}

TEST(CliReplay, ADeviceRunningOtherWeightsFailsAtTheFirstDivergentOperator) {
  QTemporaryDir dir;
  int changedOp = -1;
  const QByteArray other = otherWeights(readFile(kDemoModel), &changedOp);
  ASSERT_FALSE(other.isEmpty());
  const QString otherPath = dir.path() + "/other.tflite";
  ASSERT_TRUE(writeFile(otherPath, other));
  PtyAgent agent({"--model", otherPath});
  ASSERT_FALSE(agent.address().isEmpty());
  const QString session = dir.path() + "/other.tsl";
  const CliResult rec =
      runCli({"infer", "--device", agent.address(), "--model", otherPath, "--input",
              demoInput(dir.path()), "--capture", "all", "--session", session});
  ASSERT_EQ(rec.code, 0) << rec.err.toStdString();
  // Replayed with its own model: all match. With the original model: op `changedOp` diverges.
  EXPECT_EQ(runCli({"replay", session}).code, 0);
  const QString junit = dir.path() + "/r.xml";
  const CliResult r =
      runCli({"replay", session, "--model", kDemoModel, "--json", "--junit", junit});
  EXPECT_EQ(r.code, 1) << r.out.toStdString() << r.err.toStdString();
  const QJsonObject c =
      json(r.out)["sessions"].toArray().at(0).toObject()["checks"].toArray().at(0).toObject();
  EXPECT_EQ(c["outcome"].toString(), "fail");
  EXPECT_EQ(c["first_divergent_op"].toInt(), changedOp);
  EXPECT_TRUE(
      c["message"].toString().startsWith(QStringLiteral("first divergent op %1").arg(changedOp)))
      << c["message"].toString().toStdString();
  const QByteArray xml = readFile(junit);
  EXPECT_TRUE(xml.contains("<failure message=\"first divergent op")) << xml.toStdString();
  EXPECT_TRUE(xml.contains("max|diff|")) << "the per-tensor table";
  // A tolerance as wide as the int8 range accepts it.
  EXPECT_EQ(runCli({"replay", session, "--model", kDemoModel, "--tolerance", "255"}).code, 0);
}

TEST(CliReplay, ADeviceWithAFaultyKernelFailsAtTheFirstOperatorOfThatKind) {
  QTemporaryDir dir;
  // The demo model's operators in order; the fault goes into the kind of operator 1.
  const QJsonArray ops = json(runCli({"inspect", kDemoModel, "--json"}).out)["operators"].toArray();
  ASSERT_GE(ops.size(), 2);
  const QString kind = ops.at(1).toObject()["op"].toString();
  int first = -1;
  for (int i = 0; i < ops.size() && first < 0; ++i)
    if (ops.at(i).toObject()["op"].toString() == kind) first = i;
  AgentProcess agent({"--pty", "--quiet", "--model", kDemoModel, "--fault-op", kind});
  ASSERT_FALSE(agent.address().isEmpty());
  const QString session = dir.path() + "/faulty.tsl";
  const CliResult rec =
      runCli({"infer", "--device", agent.address(), "--model", kDemoModel, "--input",
              demoInput(dir.path()), "--capture", "all", "--session", session});
  ASSERT_EQ(rec.code, 0) << rec.err.toStdString();
  const CliResult r = runCli({"replay", session, "--json"});
  EXPECT_EQ(r.code, 1) << r.out.toStdString();
  const QJsonObject c =
      json(r.out)["sessions"].toArray().at(0).toObject()["checks"].toArray().at(0).toObject();
  EXPECT_EQ(c["first_divergent_op"].toInt(), first);
  EXPECT_EQ(c["first_divergent_op_name"].toString(), kind);
  // One bit of one element: one quantized step.
  EXPECT_EQ(runCli({"replay", session, "--tolerance", "1"}).code, 0);
}

TEST(CliReplay, RecordWritesASessionLogWhoseTornTailReplaysWhatIsWhole) {
  QTemporaryDir dir;
  PtyAgent agent({"--model", kDemoModel, "--sensor", "imu"});
  ASSERT_FALSE(agent.address().isEmpty());
  const QString ds = dir.path() + "/ds";
  const CliResult rec =
      runCli({"record", "--device", agent.address(), "--dataset", ds, "--create", "--duration", "3",
              "--model", kDemoModel, "--infer-every", "10", "--capture", "all", "--json"});
  ASSERT_EQ(rec.code, 0) << rec.err.toStdString();
  const QString session = json(rec.out)["session_log"].toString();
  ASSERT_TRUE(session.startsWith(ds + "/sessions/")) << session.toStdString();
  const CliResult whole = runCli({"replay", session, "--json"});
  ASSERT_EQ(whole.code, 0) << whole.out.toStdString() << whole.err.toStdString();
  const int inferences = json(whole.out)["checked"].toInt();
  EXPECT_GE(inferences, 3);
  EXPECT_EQ(json(whole.out)["failed"].toInt(), 0);

  // Cut at every byte of the last record: every whole record still plays.
  const QByteArray bytes = readFile(session);
  tinyscope::session::SessionLogReader reader;
  QString error;
  ASSERT_TRUE(reader.open(session, &error));
  tinyscope::session::SessionRecord r;
  // Offsets of the records: the header, then each record's 4 + body + 4 bytes.
  qint64 lastStart = 0;
  const qint64 offset = bytes.size();
  quint64 n = 0;
  qint64 consumed = 0;
  while (reader.next(&r)) {
    lastStart = consumed;
    consumed += 4 + 9 + r.bytes.size() + 4;
    ++n;
  }
  const qint64 headerEnd = bytes.size() - consumed;
  lastStart += headerEnd;
  ASSERT_GT(n, 2u);
  const QString cut = ds + "/sessions/cut.tsl";  // beside the model store
  for (qint64 at = lastStart; at < offset; ++at) {
    ASSERT_TRUE(writeFile(cut, bytes.left(static_cast<int>(at))));
    tinyscope::session::SessionPlayer player;
    ASSERT_TRUE(player.open(cut, &error)) << error.toStdString();
    int played = 0;
    player.play([&](tinyscope::session::RecordedInference&&) {
      ++played;
      return true;
    });
    EXPECT_EQ(player.counts().records, n - 1) << at;
    EXPECT_EQ(player.counts().tornBytes, static_cast<quint64>(at - lastStart)) << at;
    EXPECT_LE(inferences - played, 1) << at;
  }
  // The CLI says how much was cut and still passes what is whole (a torn log is not bad input).
  ASSERT_TRUE(writeFile(cut, bytes.left(static_cast<int>(lastStart + 3))));
  const CliResult torn = runCli({"replay", cut});
  EXPECT_EQ(torn.code, 0) << torn.err.toStdString();
  EXPECT_TRUE(torn.out.contains("torn:")) << torn.out.toStdString();
  EXPECT_TRUE(torn.out.contains("the last 3 bytes are ignored")) << torn.out.toStdString();
}

// A copy of session log `from` in which the device reports every operator `factor` times slower:
// each InferenceResult frame decoded, its per-op and total times scaled, encoded again.
bool slowerCopy(const QString& from, const QString& to, int factor) {
  using namespace tinyscope;
  session::SessionLogReader reader;
  QString error;
  if (!reader.open(from, &error)) return false;
  session::SessionLogWriter writer(to);
  session::SessionHeader header = reader.header();
  std::vector<uint8_t> rx(proto::frameDecodeBufferSize(proto::kMaxMessageSize));
  proto::FrameDecoder decoder(proto::ByteSpan(rx.data(), rx.size()));
  std::vector<uint8_t> out(proto::frameWireSize(proto::kMaxMessageSize));
  session::SessionRecord r;
  bool begun = false;
  while (reader.next(&r)) {
    if (!begun) begun = writer.begin(header);
    QByteArray bytes = r.bytes;
    if (r.direction == link::WireDirection::kDeviceToHost) {
      proto::ConstByteSpan in(reinterpret_cast<const uint8_t*>(r.bytes.constData()),
                              static_cast<size_t>(r.bytes.size()));
      const proto::FrameDecodeResult d = decoder.feed(in);
      proto::InferenceResult res;
      proto::Header h;
      if (d.status == proto::FrameStatus::kFrameReady && d.consumed == in.size() &&
          proto::decodeHeader(decoder.frame(), h) == proto::Status::kOk &&
          h.type == proto::MessageType::kInferenceResult &&
          proto::decodeMessage(decoder.frame(), res) == proto::Status::kOk) {
        for (size_t i = 0; i < res.ops.size(); ++i) res.ops[i].micros *= factor;
        res.totalMicros *= factor;
        const proto::EncodeResult e =
            proto::encodeFrame(h, res, proto::ByteSpan(out.data(), out.size()));
        if (e.status != proto::Status::kOk) return false;
        bytes = QByteArray(reinterpret_cast<const char*>(out.data()), static_cast<int>(e.size));
      }
    }
    writer.onWire(r.direction, bytes, static_cast<qint64>(r.hostNs));
  }
  return writer.close();
}

TEST(CliReplay, ASessionWhoseOperatorsRunSlowerFailsTheLatencyCheck) {
  QTemporaryDir dir;
  AgentProcess agent({"--pty", "--quiet", "--model", kDemoModel});
  ASSERT_FALSE(agent.address().isEmpty());
  const QString base = dir.path() + "/base.tsl";
  const CliResult rec =
      runCli({"infer", "--device", agent.address(), "--model", kDemoModel, "--input",
              demoInput(dir.path()), "--capture", "all", "--session", base});
  ASSERT_EQ(rec.code, 0) << rec.err.toStdString();
  const QString slow = dir.path() + "/slow.tsl";
  ASSERT_TRUE(slowerCopy(base, slow, 3));
  const QString junit = dir.path() + "/r.xml";
  // The same session twice is within any threshold; three times slower is beyond 50 %.
  EXPECT_EQ(runCli({"replay", base, base, "--max-latency-regression", "0"}).code, 0);
  const CliResult r =
      runCli({"replay", base, slow, "--max-latency-regression", "50", "--json", "--junit", junit});
  EXPECT_EQ(r.code, 1) << r.out.toStdString();
  const QJsonObject later = json(r.out)["sessions"].toArray().at(1).toObject();
  EXPECT_EQ(later["passed"].toInt(), 1) << "the tensors still match";
  EXPECT_TRUE(later["latency_regression"].toString().contains("more than 50% slower"))
      << later["latency_regression"].toString().toStdString();
  EXPECT_TRUE(readFile(junit).contains("classname=\"host.latency\""));
  EXPECT_EQ(runCli({"replay", base, slow, "--max-latency-regression", "500"}).code, 0);
}

TEST(CliReplay, BadInputIsOneLineAndExitTwo) {
  QTemporaryDir dir;
  const QString junk = dir.path() + "/junk.tsl";
  ASSERT_TRUE(writeFile(junk, "hello"));
  CliResult r = runCli({"replay", junk});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.err.contains("not a tinyscope session log")) << r.err.toStdString();
  EXPECT_EQ(runCli({"replay"}).code, 2);
  EXPECT_EQ(runCli({"replay", junk, "--shard", "3/2"}).code, 2);
  EXPECT_EQ(runCli({"replay", junk, "--kernels", "fast"}).code, 2);
}

}  // namespace

namespace {

// The gesture the simulated IMU played in most of a sample's newest window: the sample's frames
// are found in the endless gesture stream (the device starts it at sample 0), and the window
// holding the most of its last kWindowLength frames names the label. "" when not found.
QString trueGesture(const QByteArray& frames) {
  namespace demo = tinyscope::demo;
  const int frameCount = frames.size() / (2 * demo::kAxes);
  if (frameCount < demo::kWindowLength) return {};
  const auto* v = reinterpret_cast<const int16_t*>(frames.constData());
  demo::GestureStream stream;
  for (uint64_t start = 0; start < 64 * 1024; ++start) {
    bool same = true;
    for (int k = 0; k < frameCount && same; ++k)
      for (int a = 0; a < demo::kAxes && same; ++a)
        same = stream.sample(start + static_cast<uint64_t>(k), a) == v[k * demo::kAxes + a];
    if (!same) continue;
    const uint64_t last = start + static_cast<uint64_t>(frameCount) - 1;
    const uint64_t middle = last - demo::kWindowLength / 2 + 1;
    const auto w = middle / static_cast<uint64_t>(demo::kWindowLength);
    return QString::fromLatin1(
        demo::gestureName(static_cast<demo::Gesture>(w % demo::kGestureCount)));
  }
  return {};
}

}  // namespace

TEST(CliReplay, ANewModelIsScoredOnTheLabelledSamplesNextToTheRecordedModel) {
  QTemporaryDir dir;
  PtyAgent agent({"--model", kDemoModel, "--sensor", "imu"});
  ASSERT_FALSE(agent.address().isEmpty());
  const QString ds = dir.path() + "/ds";
  const CliResult rec = runCli({"record", "--device", agent.address(), "--dataset", ds, "--create",
                                "--duration", "10", "--sample-length", "2", "--model", kDemoModel,
                                "--infer-every", "10", "--capture", "all", "--json"});
  ASSERT_EQ(rec.code, 0) << rec.err.toStdString();
  const QString session = json(rec.out)["session_log"].toString();

  // Each sample labelled with the gesture the device played in it.
  QMap<QString, int> perLabel;
  {
    QString error;
    auto store = tinyscope::dataset::DatasetStore::open(ds, &error);
    ASSERT_TRUE(store) << error.toStdString();
    for (const tinyscope::dataset::SampleRecord& s :
         store->list(tinyscope::dataset::SampleFilter{}, &error)) {
      QByteArray frames;
      ASSERT_TRUE(store->readFrames(s.id, &frames, &error)) << error.toStdString();
      const QString label = trueGesture(frames);
      if (label.isEmpty()) continue;  // the last, short sample
      const CliResult l = runCli({"dataset", "label", ds, QString::number(s.id), label});
      ASSERT_EQ(l.code, 0) << l.err.toStdString();
      ++perLabel[label];
    }
  }
  ASSERT_GE(perLabel.size(), 3) << "samples of several gestures";

  // The same model as --model NEW: the same accuracy and confusion, full agreement.
  const CliResult same = runCli({"replay", session, "--model", kDemoModel, "--json"});
  ASSERT_EQ(same.code, 0) << same.out.toStdString() << same.err.toStdString();
  const QJsonObject a = json(same.out)["labelled"].toObject();
  int labelled = 0;
  for (int n : perLabel) labelled += n;
  EXPECT_EQ(a["samples"].toInt(), labelled);
  EXPECT_EQ(a["skipped"].toInt(), 0);
  EXPECT_EQ(a["regressions"].toInt(), 0);
  const QJsonObject recorded = a["recorded_model"].toObject();
  EXPECT_EQ(recorded["scored"].toInt(), labelled);
  EXPECT_EQ(recorded["classes"].toArray().size(), 4);
  EXPECT_EQ(recorded["confusion"], a["new_model"].toObject()["confusion"]);
  EXPECT_EQ(recorded["accuracy"], a["new_model"].toObject()["accuracy"]);
  EXPECT_GE(a["windows_compared"].toInt(), 3) << same.out.toStdString();
  EXPECT_EQ(a["agreement_with_device"].toDouble(), 1.0);
  // The demo model knows these gestures: most samples right.
  EXPECT_GT(recorded["accuracy"].toDouble(), 0.5) << same.out.toStdString();
  int diagonal = 0, total = 0;
  for (const QJsonValue& row : recorded["confusion"].toArray()) {
    const int col =
        recorded["classes"].toArray().toVariantList().indexOf(row.toObject()["label"].toString());
    const QJsonArray counts = row.toObject()["predicted"].toArray();
    for (int k = 0; k < counts.size(); ++k) total += counts[k].toInt();
    diagonal += counts[col].toInt();
  }
  EXPECT_EQ(total, labelled);
  EXPECT_EQ(diagonal, recorded["correct"].toInt());

  // Without --model: the recorded model alone, its labels from the sidecar the store kept.
  const CliResult alone = runCli({"replay", session, "--dataset", ds, "--json"});
  ASSERT_EQ(alone.code, 0) << alone.err.toStdString();
  EXPECT_EQ(json(alone.out)["labelled"].toObject()["recorded_model"], recorded);
  EXPECT_FALSE(json(alone.out)["labelled"].toObject().contains("new_model"));

  // Another model (other weights, the same labels): both reported, the numbers differ; the JSON,
  // JUnit and HTML are the same from run to run.
  int changedOp = -1;
  const QByteArray other = otherWeights(readFile(kDemoModel), &changedOp);
  const QString otherPath = dir.path() + "/other.tflite";
  ASSERT_TRUE(writeFile(otherPath, other));
  ASSERT_TRUE(
      QFile::copy(kSource + "/resources/models/imu_gesture_demo.json", dir.path() + "/other.json"));
  const QString junit = dir.path() + "/r.xml", html = dir.path() + "/r.html";
  const CliResult diff =
      runCli({"replay", session, "--model", otherPath, "--json", "--junit", junit, "--html", html});
  const QJsonObject b = json(diff.out)["labelled"].toObject();
  ASSERT_FALSE(b.isEmpty()) << diff.out.toStdString() << diff.err.toStdString();
  EXPECT_EQ(b["recorded_model"].toObject()["confusion"], recorded["confusion"]);
  EXPECT_NE(b["new_model"].toObject()["confusion"], recorded["confusion"]);
  EXPECT_LT(b["agreement_with_device"].toDouble(), 1.0);
  EXPECT_EQ(b["new_model"].toObject()["model"].toString(), "other");
  const int regressions = b["regressions"].toInt();
  EXPECT_EQ(diff.code, regressions > 0 ? 1 : 0);
  const QByteArray xml = readFile(junit);
  EXPECT_EQ(xml.count("<testcase name=\"sample "), labelled) << xml.toStdString();
  EXPECT_EQ(xml.count("classname=\"host.labelled\""), labelled);
  EXPECT_TRUE(xml.contains("name=\"new_accuracy\""));
  const QString xmllint = QStandardPaths::findExecutable("xmllint");
  ASSERT_FALSE(xmllint.isEmpty()) << "xmllint is missing (scripts/setup.sh installs libxml2-utils)";
  QProcess lint;
  lint.start(xmllint, {"--noout", "--schema", kSource + "/tests/app/data/junit.xsd", junit});
  ASSERT_TRUE(lint.waitForFinished(20000));
  EXPECT_EQ(lint.exitCode(), 0) << lint.readAllStandardError().toStdString();
  EXPECT_EQ(xml.count("type=\"regression\""), regressions);
  EXPECT_TRUE(readFile(html).contains("label / predicted"));
  const CliResult again = runCli(
      {"replay", session, "--model", otherPath, "--json", "--junit", junit + "2", "--html", html});
  EXPECT_EQ(withoutTiming(json(again.out)), withoutTiming(json(diff.out)));
  const QRegularExpression time("time=\"[0-9.]+\"");
  EXPECT_EQ(QString::fromUtf8(readFile(junit + "2")).replace(time, ""),
            QString::fromUtf8(xml).replace(time, ""));

  // A threshold the other model misses fails; labels are required.
  const CliResult strict =
      runCli({"replay", session, "--model", otherPath, "--min-accuracy", "100", "--dataset", ds});
  EXPECT_EQ(strict.code, b["new_model"].toObject()["accuracy"].toDouble() < 1.0 ? 1 : 0)
      << strict.out.toStdString();
  QFile::remove(dir.path() + "/other.json");
  const CliResult unlabelledModel =
      runCli({"replay", session, "--model", otherPath, "--dataset", ds});
  EXPECT_EQ(unlabelledModel.code, 2);
  EXPECT_TRUE(unlabelledModel.err.contains("has no class labels"))
      << unlabelledModel.err.toStdString();
}
