// tinyscope-cli record against the real tinyscope-agent (over stdio for sim:, over a real
// pseudo-terminal for the stalled agent) into real datasets, read back through DatasetStore.
#include <gtest/gtest.h>
#include <signal.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include "app/core/dataset/dataset_store.h"
#include "tests/support/agent_process.h"
#include "tests/support/cli_process.h"

namespace {

using namespace tinyscope::dataset;

const QString kAgent = QStringLiteral(TINYSCOPE_AGENT);

QJsonObject json(const QString& text) {
  return QJsonDocument::fromJson(text.toUtf8()).object();
}

// Every sample of the dataset, in the order recorded (ids grow with each commit).
QVector<SampleRecord> samples(DatasetStore& store) {
  QString error;
  QVector<SampleRecord> all = store.list(SampleFilter{}, &error);
  EXPECT_TRUE(error.isEmpty()) << error.toStdString();
  std::sort(all.begin(), all.end(),
            [](const SampleRecord& a, const SampleRecord& b) { return a.id < b.id; });
  return all;
}

std::unique_ptr<DatasetStore> openStore(const QString& dir) {
  QString error;
  auto store = DatasetStore::open(dir, &error);
  EXPECT_TRUE(store) << error.toStdString();
  return store;
}

}  // namespace

TEST(CliRecord, ImuAndAudioFromTheSimulatorLandInOrderWithDeviceTime) {
  struct Case {
    QString sensor;
    double rateHz;
  };
  for (const Case& c : {Case{"imu", 50}, Case{"audio", 16000}}) {
    SCOPED_TRACE(c.sensor.toStdString());
    QTemporaryDir dir;
    const QString ds = dir.path() + "/ds";
    const CliResult r =
        runCli({"record", "--device", "sim:?sensor=" + c.sensor, "--dataset", ds, "--create",
                "--label", "take-" + c.sensor, "--duration", "2.5", "--sample-length", "1",
                "--chunk", "0.5", "--json", "--fail-on-loss"});
    ASSERT_EQ(r.code, 0) << r.err.toStdString() << r.out.toStdString();
    EXPECT_TRUE(r.err.isEmpty()) << "no progress line when stderr is no terminal: "
                                 << r.err.toStdString();
    const QJsonObject o = json(r.out);
    // Device time decides the end: exactly duration × rate frames, nothing lost.
    EXPECT_EQ(o["frames"].toInt(), qRound(2.5 * c.rateHz));
    EXPECT_EQ(o["lost_frames"].toInt(), 0);
    EXPECT_EQ(o["samples"].toInt(), 3);  // 1 s + 1 s + 0.5 s
    auto store = openStore(ds);
    ASSERT_TRUE(store);
    const QVector<SampleRecord> all = samples(*store);
    ASSERT_EQ(all.size(), o["chunks"].toInt());
    qint64 frames = 0;
    const double windowUs = 1e6 / 25;  // ~25 windows a second (defaultWindowSamples)
    for (int i = 0; i < all.size(); ++i) {
      frames += all[i].frames;
      EXPECT_EQ(all[i].labels, QStringList{"take-" + c.sensor});
      EXPECT_EQ(all[i].rateHz, c.rateHz);
      if (i == 0) continue;
      // Each chunk starts where the one before ended, in device time (within one window).
      const double expected =
          double(all[i - 1].firstDeviceUs) + double(all[i - 1].frames) * 1e6 / c.rateHz;
      EXPECT_GT(all[i].firstDeviceUs, all[i - 1].firstDeviceUs);
      EXPECT_NEAR(double(all[i].firstDeviceUs), expected, windowUs) << all[i].name.toStdString();
    }
    EXPECT_EQ(frames, o["frames"].toInt());
    const CliResult verify = runCli({"dataset", "verify", ds});
    EXPECT_EQ(verify.code, 0) << verify.out.toStdString() << verify.err.toStdString();
    const CliResult list = runCli({"dataset", "list", ds, "--json", "--label", "take-" + c.sensor});
    ASSERT_EQ(list.code, 0) << list.err.toStdString();
    EXPECT_EQ(json(list.out)["count"].toInt(), all.size());
    // Into the same dataset again, without --create: one summary line.
    const CliResult again = runCli({"record", "--device", "sim:?sensor=" + c.sensor, "--dataset",
                                    ds, "--duration", "0.2", "--name", "more"});
    EXPECT_EQ(again.code, 0) << again.err.toStdString();
    EXPECT_EQ(again.out.count('\n'), 1) << again.out.toStdString();
    EXPECT_TRUE(
        again.out.startsWith("recorded " + QString::number(qRound(0.2 * c.rateHz)) + " frames"))
        << again.out.toStdString();
  }
}

TEST(CliRecord, SamplesLostByAStalledAgentAreGapsWithTheExactCount) {
  // 1 kHz: sample k is stamped first + k ms exactly, so every gap can be checked to the sample.
  PtyAgent agent({"--sensor", "sine", "--rate", "1000", "--no-model"});
  ASSERT_FALSE(agent.address().isEmpty());
  QTemporaryDir dir;
  const QString ds = dir.path() + "/ds";
  QProcess rec;
  rec.start(QStringLiteral(TINYSCOPE_CLI),
            {"record", "--device", agent.address(), "--dataset", ds, "--create", "--duration", "4",
             "--chunk", "0.5", "--json", "--fail-on-loss"});
  ASSERT_TRUE(rec.waitForStarted(5000));
  QThread::msleep(1200);
  ASSERT_EQ(::kill(static_cast<pid_t>(agent.pid()), SIGSTOP), 0);
  QThread::msleep(1500);  // the agent's FIFO holds one second: the rest is dropped
  ASSERT_EQ(::kill(static_cast<pid_t>(agent.pid()), SIGCONT), 0);
  ASSERT_TRUE(rec.waitForFinished(30000));
  const QJsonObject o = json(QString::fromUtf8(rec.readAllStandardOutput()));
  const QString stderrText = QString::fromUtf8(rec.readAllStandardError());
  EXPECT_EQ(rec.exitCode(), 1) << "--fail-on-loss: " << stderrText.toStdString();
  EXPECT_GT(o["lost_frames"].toInt(), 300);
  EXPECT_GE(o["gaps"].toInt(), 1);
  EXPECT_GE(o["overruns_reported"].toInt(), 1);
  EXPECT_EQ(o["frames"].toInt() + o["lost_frames"].toInt(), 4000) << stderrText.toStdString();
  auto store = openStore(ds);
  ASSERT_TRUE(store);
  const QVector<SampleRecord> all = samples(*store);
  ASSERT_FALSE(all.isEmpty());
  const qint64 firstUs = all[0].firstDeviceUs;
  qint64 before = 0;  // frames recorded and lost before the chunk
  qint64 lost = 0;
  QString error;
  for (const SampleRecord& s : all) {
    const QVector<Gap> gaps = store->gaps(s.id, &error);
    const qint64 leading = !gaps.isEmpty() && gaps[0].atFrame == 0 ? gaps[0].lostFrames : 0;
    EXPECT_EQ(s.firstDeviceUs, firstUs + (before + leading) * 1000) << s.name.toStdString();
    qint64 lostInChunk = 0;
    for (const Gap& g : gaps) {
      // The frame after the gap was stamped exactly where the frames before and the lost
      // ones end: the count is exact, not an estimate.
      EXPECT_EQ(g.deviceUs, firstUs + (before + g.atFrame + lostInChunk + g.lostFrames) * 1000);
      lostInChunk += g.lostFrames;
    }
    before += s.frames + lostInChunk;
    lost += lostInChunk;
  }
  EXPECT_EQ(lost, o["lost_frames"].toInt());
  EXPECT_EQ(runCli({"dataset", "verify", ds}).code, 0);
}

TEST(CliRecord, InferEveryStoresTheDevicesModelOutputsWithTheSample) {
  QTemporaryDir dir;
  const QString ds = dir.path() + "/ds";
  // The simulator's imu runs the bundled gesture demo model: 50 Hz, 2 samples a window.
  const CliResult r = runCli({"record", "--device", "sim:?sensor=imu", "--dataset", ds, "--create",
                              "--duration", "3", "--infer-every", "10", "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const QJsonObject o = json(r.out);
  EXPECT_GE(o["outputs"].toInt(), 3);
  auto store = openStore(ds);
  ASSERT_TRUE(store);
  QString error;
  int stored = 0;
  qint64 lastUs = -1;
  for (const SampleRecord& s : samples(*store)) {
    for (const ModelOutput& m : store->outputs(s.id, &error)) {
      ++stored;
      EXPECT_EQ(m.model, "imu_gesture_demo");
      ASSERT_EQ(m.scores.size(), 4);  // four gestures, dequantized from int8
      float sum = 0;
      for (float v : m.scores) {
        EXPECT_GE(v, 0.0f);
        EXPECT_LE(v, 1.0f);
        sum += v;
      }
      EXPECT_NEAR(sum, 1.0, 0.02);
      EXPECT_GE(m.atFrame, 0);
      EXPECT_LE(m.atFrame, s.frames);
      // Device time of the frame the result arrived at.
      EXPECT_EQ(m.deviceUs, s.firstDeviceUs + m.atFrame * 20000);
      EXPECT_GT(m.deviceUs, lastUs);
      lastUs = m.deviceUs;
    }
  }
  EXPECT_EQ(stored, o["outputs"].toInt());
}

TEST(CliRecord, BadArgumentsAreOneLineAndExitTwo) {
  QTemporaryDir dir;
  const QString ds = dir.path() + "/ds";
  const QList<QStringList> cases = {
      {"record", "--device", "sim:"},
      {"record", "--dataset", ds, "--create"},
      {"record", "--device", "sim:", "--dataset", ds, "--create", "--duration", "-1"},
      {"record", "--device", "sim:", "--dataset", ds, "--create", "--sample-length", "x"},
      {"record", "--device", "sim:", "--dataset", ds, "--create", "--infer-every", "0"},
      {"record", "--device", "sim:", "--dataset", ds, "--create", "--label", " "},
      {"record", "--device", "sim:", "--dataset", ds},  // no dataset there, no --create
      {"record", "--device", "usb:/dev/x", "--dataset", ds, "--create"},
      {"record", "--device", "sim:", "--dataset", ds, "--create", "--sensor", "9"},
      {"record", "--device", "sim:", "--dataset", ds, "--create", "--rate", "1e9"},
      {"record", "--device", "sim:", "--dataset", ds, "--create", "--bogus"},
  };
  for (const QStringList& c : cases) {
    const CliResult r = runCli(c, 30000);
    EXPECT_EQ(r.code, 2) << c.join(' ').toStdString() << ": " << r.err.toStdString();
    EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.startsWith("tinyscope-cli record: ")) << r.err.toStdString();
  }
}
