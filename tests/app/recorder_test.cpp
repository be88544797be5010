// Recorder against a device played in-process (tests/support/fake_device.h) writing into a real
// dataset: the crafted streams say exactly what was lost, so every gap record is checked exactly.
#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <cstring>

#include "app/core/dataset/dataset_store.h"
#include "app/core/recorder.h"
#include "tests/support/fake_device.h"

using namespace tinyscope;
using namespace tinyscope::proto;

namespace {

struct Rig {
  QTemporaryDir dir;
  FakeDevice dev;
  std::unique_ptr<dataset::DatasetStore> store;
  std::unique_ptr<Recorder> recorder;

  explicit Rig(double sampleSeconds, qint64 totalFrames = 0) {
    QString error;
    store = dataset::DatasetStore::create(dir.path(), &error);
    EXPECT_TRUE(store) << error.toStdString();
    EXPECT_TRUE(dev.connect());
    dev.session->startStream(0, 0, 1000 * 1000, 10);  // 1 kHz, 10 samples (10 ms) per window
    RecorderOptions o;
    o.spec.name = QStringLiteral("rec");
    o.spec.sensor = QStringLiteral("imu");
    o.spec.axes = QStringList{"x", "y", "z"};
    o.spec.units = QStringList{"g", "g", "g"};
    o.spec.rateHz = 1000;
    o.spec.labels = QStringList{"walk"};
    o.sampleSeconds = sampleSeconds;
    o.chunkSeconds = 0.05;
    o.totalFrames = totalFrames;
    recorder = std::make_unique<Recorder>(dev.session.get(), store.get(), o);
  }

  // Window `seq` stamped `ts`, sample k of it holding the value base + k on every axis.
  void window(uint32_t seq, uint64_t ts, int16_t base) {
    QByteArray payload;
    for (int k = 0; k < 10; ++k)
      for (int c = 0; c < 3; ++c) {
        const int16_t v = static_cast<int16_t>(base + k);
        payload.append(reinterpret_cast<const char*>(&v), 2);
      }
    dev.sendWindow(seq, ts, 3, 10, payload);
  }

  // Every committed chunk's frames (x axis), gaps (shifted to recording frames) and records.
  struct Chunk {
    dataset::SampleRecord record;
    QVector<dataset::Gap> gaps;
    QVector<int16_t> x;
  };
  QVector<Chunk> chunks() {
    QVector<Chunk> out;
    QString error;
    for (qint64 id : recorder->sampleIds()) {
      Chunk c;
      EXPECT_TRUE(store->sample(id, &c.record, &error)) << error.toStdString();
      c.gaps = store->gaps(id, &error);
      QByteArray frames;
      EXPECT_TRUE(store->readFrames(id, &frames, &error)) << error.toStdString();
      for (int i = 0; i + 6 <= frames.size(); i += 6) {
        int16_t v;
        std::memcpy(&v, frames.constData() + i, 2);
        c.x.append(v);
      }
      out.append(c);
    }
    return out;
  }
};

}  // namespace

TEST(Recorder, MissingWindowsAndSamplesLostInTheDeviceAreGapsWithTheExactCount) {
  Rig rig(/*sampleSeconds=*/10);
  rig.window(0, 0, 0);
  rig.window(1, 10000, 10);
  rig.window(3, 30000, 30);  // window 2 never arrives: 10 frames lost
  rig.window(2, 20000, 20);  // ... and arrives late: dropped, its place is the gap already
  // The device's FIFO dropped 1,512 samples: window 4 starts 1,512 samples late.
  rig.window(4, 40000 + 1512 * 1000, 40);
  rig.window(5, 50000 + 1512 * 1000, 50);
  QString error;
  ASSERT_TRUE(rig.recorder->finish(&error)) << error.toStdString();
  const RecorderStats& s = rig.recorder->stats();
  EXPECT_EQ(s.windows, 5u);
  EXPECT_EQ(s.frames, 50);
  EXPECT_EQ(s.lateWindows, 1u);
  EXPECT_EQ(s.gaps, 2u);
  EXPECT_EQ(s.lostFrames, 10 + 1512);
  // All frames of the sample, chunk after chunk, with the gaps where the frames were lost.
  QVector<int16_t> x;
  QVector<QPair<qint64, qint64>> gaps;  // (recording frame, lost)
  QVector<qint64> gapUs;
  qint64 before = 0;
  for (const auto& c : rig.chunks()) {
    EXPECT_EQ(c.record.labels, QStringList{"walk"});
    for (const dataset::Gap& g : c.gaps) {
      gaps.append({before + g.atFrame, g.lostFrames});
      gapUs.append(g.deviceUs);
    }
    x += c.x;
    before += c.x.size();
  }
  QVector<int16_t> expected;
  for (int base : {0, 10, 30, 40, 50})
    for (int k = 0; k < 10; ++k) expected.append(static_cast<int16_t>(base + k));
  EXPECT_EQ(x, expected) << "in order, the late window left out, nothing bridged";
  ASSERT_EQ(gaps.size(), 2);
  EXPECT_EQ(gaps[0], qMakePair(qint64(20), qint64(10)));
  EXPECT_EQ(gaps[1], qMakePair(qint64(30), qint64(1512)));
  EXPECT_EQ(gapUs[0], 30000);
  EXPECT_EQ(gapUs[1], 40000 + 1512 * 1000);
}

TEST(Recorder, SamplesAreCutAtTheirLengthAndARestartStartsANewSample) {
  Rig rig(/*sampleSeconds=*/0.025);  // 25 frames: cut inside every third window
  for (uint32_t s = 0; s < 5; ++s) rig.window(1000 + s, 10000ull * s, static_cast<int16_t>(10 * s));
  // The device rebooted: the stream starts over at 0 with a new clock.
  rig.window(0, 7000000, 100);
  rig.window(1, 7010000, 110);
  QString error;
  ASSERT_TRUE(rig.recorder->finish(&error)) << error.toStdString();
  EXPECT_EQ(rig.recorder->stats().restarts, 1u);
  EXPECT_EQ(rig.recorder->stats().samples, 3);  // 25 + 25 frames, then 20 after the restart
  EXPECT_EQ(rig.recorder->stats().gaps, 0u);
  QMap<QString, qint64> frames;
  QMap<QString, qint64> firstUs;
  for (const auto& c : rig.chunks()) {
    const QString sample = c.record.name.section('.', 0, 1);
    if (!firstUs.contains(sample)) firstUs[sample] = c.record.firstDeviceUs;
    frames[sample] += c.record.frames;
    EXPECT_TRUE(c.gaps.isEmpty());
  }
  EXPECT_EQ(frames.value("rec.0"), 25);
  EXPECT_EQ(frames.value("rec.1"), 25);
  EXPECT_EQ(frames.value("rec.2"), 20);
  EXPECT_EQ(firstUs.value("rec.0"), 0);
  EXPECT_EQ(firstUs.value("rec.1"), 25000) << "device time of the frame the cut fell on";
  EXPECT_EQ(firstUs.value("rec.2"), 7000000) << "the new clock, not bridged";
}

TEST(Recorder, StopsAtTheFrameLimitCountingLostFrames) {
  Rig rig(/*sampleSeconds=*/10, /*totalFrames=*/35);
  bool done = false;
  QObject::connect(rig.recorder.get(), &Recorder::done, [&] { done = true; });
  rig.window(0, 0, 0);
  rig.window(2, 20000, 20);  // 10 lost
  EXPECT_FALSE(done);
  rig.window(3, 30000, 30);  // only 5 of its frames are wanted
  EXPECT_TRUE(done);
  rig.window(4, 40000, 40);  // after the end: not recorded
  QString error;
  ASSERT_TRUE(rig.recorder->finish(&error));
  EXPECT_EQ(rig.recorder->stats().frames, 25);
  EXPECT_EQ(rig.recorder->stats().lostFrames, 10);
}

TEST(Recorder, AGapOnAChunkOrSampleBoundaryKeepsEveryChunksDeviceTimeTrue) {
  // 100-frame samples (device time: lost frames count) in 50-frame chunks of 10-frame windows:
  // window 5 is lost just after chunk 0 was committed, window 10 just as sample 0 is full.
  Rig rig(/*sampleSeconds=*/0.1);
  for (uint32_t s = 0; s < 22; ++s)
    if (s != 5 && s != 10) rig.window(s, 10000ull * s, static_cast<int16_t>(s));
  QString error;
  ASSERT_TRUE(rig.recorder->finish(&error)) << error.toStdString();
  QVector<qint64> firstUs;
  QVector<qint64> gapAt;
  for (const auto& c : rig.chunks()) {
    firstUs.append(c.record.firstDeviceUs);
    // The first frame of each chunk is the first value of the window it came from.
    EXPECT_EQ(c.record.firstDeviceUs, 10000 * c.x.value(0)) << c.record.name.toStdString();
    for (const dataset::Gap& g : c.gaps) gapAt.append(g.atFrame);
  }
  // sample 0: windows 0-4 | (gap) 6-9 ; sample 1: (gap) 11-15 | 16-19 ; sample 2: 20-21
  EXPECT_EQ(firstUs, (QVector<qint64>{0, 60000, 110000, 160000, 200000}));
  EXPECT_EQ(gapAt, (QVector<qint64>{0, 0}));
  EXPECT_EQ(rig.recorder->stats().lostFrames, 20);
}

TEST(Recorder, ChunksOfEqualFramesAreAllKept) {
  // A periodic signal (or silence) gives chunks of identical frames; the store refuses a payload
  // it holds already, so each chunk file must still be distinct (once the second chunk failed).
  Rig rig(/*sampleSeconds=*/10);
  for (uint32_t s = 0; s < 20; ++s) rig.window(s, 10000ull * s, 0);
  QString error;
  ASSERT_TRUE(rig.recorder->finish(&error)) << error.toStdString();
  EXPECT_TRUE(rig.recorder->error().isEmpty()) << rig.recorder->error().toStdString();
  const auto chunks = rig.chunks();
  ASSERT_EQ(chunks.size(), 4);
  for (const auto& c : chunks) EXPECT_EQ(c.x.size(), 50);
  dataset::VerifyReport report;
  ASSERT_TRUE(rig.store->verify(&report, &error));
  EXPECT_TRUE(report.clean());
}

TEST(Recorder, OutputScoresAreDequantizedWhenTheTensorIsQuantized) {
  InferenceRun run;
  CapturedTensor q;
  q.desc.type = ElementType::kInt8;
  q.desc.scale = 0.5f;
  q.desc.zeroPoint = -128;
  q.data = QByteArray("\x80\x00\x7f", 3);
  CapturedTensor raw;
  raw.desc.type = ElementType::kInt8;
  raw.data = QByteArray("\x05", 1);
  run.outputs = {q, raw};
  EXPECT_EQ(outputScores(run), (QVector<float>{0.0f, 64.0f, 127.5f, 5.0f}));
}
