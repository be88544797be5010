// EiSession against scripts/fake_ei_board.py, a board speaking Edge Impulse's AT protocol on a
// real pseudo-terminal: AT+CONFIG? into sensors, samples into a real dataset (SQLite index +
// payload files) with their labels, values and rates as the board sent them, the fast-baud
// transfer, and boards that lie.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/dataset/dataset_exchange.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/device/device_controller.h"
#include "app/core/device/device_transport.h"
#include "app/core/device/ei_session.h"

using namespace tinyscope;

namespace {

// The fake board as a child process; address() is its pty with mode=ei.
class FakeEiBoard {
 public:
  explicit FakeEiBoard(QStringList args, const QString& sentFile = {}) {
    args.prepend(QStringLiteral(TINYSCOPE_SOURCE_DIR "/scripts/fake_ei_board.py"));
    if (!sentFile.isEmpty()) args << QStringLiteral("--sent") << sentFile;
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(QStringLiteral("python3"), args);
    if (!m_process.waitForStarted(5000)) {
      ADD_FAILURE() << "cannot start python3 for scripts/fake_ei_board.py (scripts/setup.sh "
                       "installs it)";
      return;
    }
    while (m_process.waitForReadyRead(5000)) {
      const QByteArray line = m_process.readLine().trimmed();
      if (line.startsWith("PTY ")) {
        m_pty = QString::fromLatin1(line.mid(4));
        break;
      }
    }
  }
  ~FakeEiBoard() {
    m_process.kill();
    m_process.waitForFinished(3000);
  }
  bool ok() const { return !m_pty.isEmpty(); }
  QString pty() const { return m_pty; }
  void unplug() {
    m_process.kill();
    m_process.waitForFinished(3000);
  }
  QString address() const { return QStringLiteral("serial:%1?mode=ei").arg(m_pty); }

 private:
  QProcess m_process;
  QString m_pty;
};

std::unique_ptr<EiSession> openSession(const QString& address) {
  link::DeviceUri uri;
  QString error;
  if (!link::parseDeviceUri(address, &uri, &error)) return nullptr;
  std::unique_ptr<link::Transport> t = createTransport(uri, &error);
  if (!t) return nullptr;
  return std::make_unique<EiSession>(uri, std::move(t));
}

// The samples the board says it sent (one JSON object per line).
QVector<QJsonObject> sentSamples(const QString& path) {
  QVector<QJsonObject> out;
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return out;
  for (const QByteArray& line : f.readAll().split('\n'))
    if (!line.trimmed().isEmpty()) out.append(QJsonDocument::fromJson(line).object());
  return out;
}

class EiSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(m_dir.isValid());
    m_sent = m_dir.filePath(QStringLiteral("sent.jsonl"));
  }
  QTemporaryDir m_dir;
  QString m_sent;
};

TEST_F(EiSessionTest, ConfigIsParsedIntoSensorsAndDeviceInfo) {
  FakeEiBoard board({});
  ASSERT_TRUE(board.ok());
  auto s = openSession(board.address());
  ASSERT_TRUE(s);
  QString error;
  ASSERT_TRUE(s->connectBlocking(&error)) << error.toStdString();
  const link::EiDeviceConfig& c = s->config();
  EXPECT_EQ(c.id, QStringLiteral("5E:A1:0C:33:9B:01"));
  EXPECT_EQ(c.type, QStringLiteral("FAKE_EI_BOARD"));
  EXPECT_EQ(c.atVersion(), QStringLiteral("1.8.0"));
  EXPECT_EQ(c.transferBaud, 921600);
  ASSERT_EQ(c.sensors.size(), 2);
  EXPECT_EQ(c.sensors[0].name, QStringLiteral("Built-in accelerometer"));
  EXPECT_EQ(c.sensors[0].maxSampleLengthS, 300);
  EXPECT_EQ(c.sensors[0].frequenciesHz, (QVector<double>{62.5, 100}));
  EXPECT_EQ(c.sensors[1].frequenciesHz, (QVector<double>{16000}));
  EXPECT_EQ(c.hmacKey, QStringLiteral("0d2d5a1c2f9c8e7b"));
  const DeviceInfo info = s->info();
  EXPECT_EQ(info.boardName, QStringLiteral("FAKE_EI_BOARD"));
  EXPECT_EQ(info.firmwareVersion, QStringLiteral("Edge Impulse AT 1.8.0"));
  ASSERT_EQ(info.hello.sensors.size(), 2u);
  EXPECT_EQ(info.sensorNames.value(1), QStringLiteral("Built-in microphone"));
  EXPECT_EQ(info.hello.sensors[0].rateMilliHz, 62500u);
  EXPECT_EQ(info.hello.sensors[0].maxRateMilliHz, 100000u);
}

// Samples at the board's fast transfer rate (AT 1.8, ",y") and at 115200 (AT 1.5: no third
// argument), with the buffer padded by 0xFF past the file as flash-backed boards do.
void sampleIntoDataset(const QStringList& boardArgs, const QString& sent, const QString& dir) {
  FakeEiBoard board(boardArgs, sent);
  ASSERT_TRUE(board.ok());
  auto s = openSession(board.address());
  ASSERT_TRUE(s);
  QString error;
  ASSERT_TRUE(s->connectBlocking(&error)) << error.toStdString();
  QStringList stages;
  QObject::connect(s.get(), &EiSession::sampleStage,
                   [&](const QString& stage) { stages.append(stage); });
  auto store = dataset::DatasetStore::openOrCreate(dir, &error);
  ASSERT_TRUE(store) << error.toStdString();

  EiSample sample;
  ASSERT_TRUE(s->sampleBlocking(
      {QStringLiteral("Built-in accelerometer"), QStringLiteral("wave"), 400, 0}, &sample, &error))
      << error.toStdString();
  EXPECT_EQ(stages, (QStringList{"starting", "sampling", "processing", "uploading", "reading"}));
  EXPECT_EQ(sample.signature, dataset::formats::SignatureStatus::kVerified);
  qint64 id = 0;
  ASSERT_TRUE(storeEiSample(store.get(), sample, board.address(), &id, &error))
      << error.toStdString();
  // A second sample of the other sensor, on the same connection.
  ASSERT_TRUE(s->sampleBlocking(
      {QStringLiteral("Built-in microphone"), QStringLiteral("noise"), 50, 0}, &sample, &error))
      << error.toStdString();
  qint64 id2 = 0;
  ASSERT_TRUE(storeEiSample(store.get(), sample, board.address(), &id2, &error));

  // Reopen the dataset from disk and compare with what the board sent.
  store.reset();
  store = dataset::DatasetStore::openOrCreate(dir, &error);
  ASSERT_TRUE(store);
  const QVector<QJsonObject> sentSamples_ = sentSamples(sent);
  ASSERT_EQ(sentSamples_.size(), 2);
  const qint64 ids[] = {id, id2};
  for (int k = 0; k < 2; ++k) {
    dataset::SampleRecord rec;
    ASSERT_TRUE(store->sample(ids[k], &rec, &error)) << error.toStdString();
    dataset::formats::Recording r;
    ASSERT_TRUE(dataset::toRecording(*store, rec, &r, &error)) << error.toStdString();
    const QJsonObject& want = sentSamples_[k];
    EXPECT_EQ(rec.labels, QStringList{want.value("label").toString()});
    EXPECT_EQ(rec.sensor, want.value("sensor").toString());
    EXPECT_DOUBLE_EQ(rec.rateHz, 1000.0 / want.value("interval_ms").toDouble());
    QStringList axes, units;
    for (const auto& a : want.value("axes").toArray()) axes.append(a.toString());
    for (const auto& u : want.value("units").toArray()) units.append(u.toString());
    EXPECT_EQ(rec.axes, axes);
    EXPECT_EQ(rec.units, units);
    const QJsonArray frames = want.value("values").toArray();
    ASSERT_EQ(rec.frames, frames.size());
    ASSERT_GT(frames.size(), 0);
    for (int f = 0; f < frames.size(); ++f)
      for (int c = 0; c < axes.size(); ++c)
        // The board's values are float32: equal as float32 (the store keeps float32).
        ASSERT_EQ(static_cast<float>(r.value(f, c)),
                  static_cast<float>(frames[f].toArray()[c].toDouble()))
            << "frame " << f << " axis " << c;
  }
  EXPECT_EQ(sentSamples_[0].value("interval_ms").toDouble(), 16.0);  // 62.5 Hz
  EXPECT_EQ(sentSamples_[1].value("interval_ms").toDouble(), 0.0625);
}

TEST_F(EiSessionTest, SamplesAtTheFastTransferRateLandInTheDataset) {
  sampleIntoDataset({}, m_sent, m_dir.filePath(QStringLiteral("ds")));
}

TEST_F(EiSessionTest, SamplesFromAnOlderBoardWithPaddedBufferLandInTheDataset) {
  sampleIntoDataset({"--at-version", "1.5.0", "--pad", "7"}, m_sent,
                    m_dir.filePath(QStringLiteral("ds")));
}

TEST_F(EiSessionTest, SamplesAtTheDefaultRateWhenTheBoardOffersNoOther) {
  sampleIntoDataset({"--transfer-baud", "115200"}, m_sent, m_dir.filePath(QStringLiteral("ds")));
}

TEST_F(EiSessionTest, RefusesRequestsTheBoardCannotTake) {
  FakeEiBoard board({});
  ASSERT_TRUE(board.ok());
  auto s = openSession(board.address());
  QString error;
  ASSERT_TRUE(s->connectBlocking(&error)) << error.toStdString();
  EiSample sample;
  EXPECT_FALSE(
      s->sampleBlocking({QStringLiteral("Gyro"), QStringLiteral("a"), 100, 0}, &sample, &error));
  EXPECT_TRUE(error.contains("no sensor 'Gyro'")) << error.toStdString();
  EXPECT_FALSE(s->sampleBlocking(
      {QStringLiteral("Built-in accelerometer"), QStringLiteral("a,b"), 100, 0}, &sample, &error));
  EXPECT_TRUE(error.contains("without commas")) << error.toStdString();
  EXPECT_FALSE(s->sampleBlocking(
      {QStringLiteral("Built-in microphone"), QStringLiteral("a"), 61000, 0}, &sample, &error));
  EXPECT_TRUE(error.contains("at most 60 s")) << error.toStdString();
}

TEST_F(EiSessionTest, BoardWithoutPromptOrWithUnreadableConfigFailsToConnect) {
  for (const char* fault : {"no-prompt", "bad-config"}) {
    FakeEiBoard board({"--fault", fault});
    ASSERT_TRUE(board.ok());
    auto s = openSession(board.address());
    QString error;
    int failures = 0;
    QObject::connect(s.get(), &EiSession::connectFailed, [&] { ++failures; });
    EXPECT_FALSE(s->connectBlocking(&error)) << fault;
    EXPECT_EQ(failures, 1) << fault;
    EXPECT_TRUE(error.startsWith(board.address())) << error.toStdString();
    EXPECT_TRUE(error.contains(QString::fromLatin1(fault) == "no-prompt"
                                   ? "no reply to 'AT+CONFIG?'"
                                   : "cannot read sensor line"))
        << error.toStdString();
  }
}

// A board that lies after one good sample: one clear error each, nothing allocated by its word,
// and the sample already stored stays intact.
TEST_F(EiSessionTest, LyingBoardGivesOneErrorAndLosesNothingStored) {
  const struct {
    const char* fault;
    const char* message;
  } cases[] = {
      {"short", "base64 characters for"},
      {"huge", "not a size between 1 and"},
      {"not-cbor", "the sample read off the board"},
      {"sample-error", "ERR: Failed to start sampling"},
      {"flood", "without ending"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.fault);
    const QString dir = m_dir.filePath(QString::fromLatin1(c.fault));
    FakeEiBoard board({"--fault", c.fault, "--fault-after", "1"});
    ASSERT_TRUE(board.ok());
    auto s = openSession(board.address());
    QString error;
    ASSERT_TRUE(s->connectBlocking(&error)) << error.toStdString();
    auto store = dataset::DatasetStore::openOrCreate(dir, &error);
    ASSERT_TRUE(store);
    EiSample good;
    ASSERT_TRUE(s->sampleBlocking(
        {QStringLiteral("Built-in accelerometer"), QStringLiteral("idle"), 200, 0}, &good, &error))
        << error.toStdString();
    qint64 id = 0;
    ASSERT_TRUE(storeEiSample(store.get(), good, board.address(), &id, &error));

    int failures = 0;
    QObject::connect(s.get(), &EiSession::sampleFailed, [&] { ++failures; });
    EiSample bad;
    EXPECT_FALSE(s->sampleBlocking(
        {QStringLiteral("Built-in accelerometer"), QStringLiteral("idle"), 200, 0}, &bad, &error));
    EXPECT_EQ(failures, 1);
    EXPECT_TRUE(error.startsWith(board.address())) << error.toStdString();
    EXPECT_TRUE(error.contains(QString::fromLatin1(c.message))) << error.toStdString();
    EXPECT_FALSE(s->isSampling());

    dataset::SampleRecord rec;
    ASSERT_TRUE(store->sample(id, &rec, &error)) << error.toStdString();
    dataset::formats::Recording r;
    ASSERT_TRUE(dataset::toRecording(*store, rec, &r, &error)) << error.toStdString();
    ASSERT_EQ(r.values.size(), good.recording.values.size());
    for (int i = 0; i < r.values.size(); ++i)
      ASSERT_EQ(static_cast<float>(r.values[i]), static_cast<float>(good.recording.values[i]));
  }
}

// The GUI's view: DeviceController connects like any device (its handshake is AT+CONFIG?),
// "streams" by sampling again and again, and records one labelled sample into a dataset.
TEST_F(EiSessionTest, ControllerShowsTheBoardLikeAnyDevice) {
  FakeEiBoard board({});
  ASSERT_TRUE(board.ok());
  DeviceController dev;
  QSignalSpy connected(&dev, &DeviceController::connected);
  QSignalSpy states(&dev, &DeviceController::stateChanged);
  dev.connectTo(board.address());
  ASSERT_TRUE(connected.wait(8000));
  const DeviceInfo info = connected.at(0).at(0).value<DeviceInfo>();
  EXPECT_EQ(info.boardName, QStringLiteral("FAKE_EI_BOARD"));
  EXPECT_EQ(info.sensorNames.value(0), QStringLiteral("Built-in accelerometer"));
  EXPECT_EQ(dev.state(), ConnectionState::kConnected);

  dev.startStream(0, 0);
  std::vector<SensorWindowData> windows;
  for (int i = 0; i < 100 && windows.empty(); ++i) {
    QTest::qWait(100);
    dev.drainWindows(&windows);
  }
  ASSERT_FALSE(windows.empty());
  EXPECT_EQ(windows[0].channels, 3);
  EXPECT_EQ(windows[0].samples, 62);  // the board's 1000 ms at 62.5 Hz
  EXPECT_EQ(dev.state(), ConnectionState::kStreaming);
  dev.stopStream();
  EXPECT_EQ(dev.state(), ConnectionState::kConnected);

  QSignalSpy stopped(&dev, &DeviceController::recordingStopped);
  RecorderOptions options;
  options.spec.labels = QStringList{QStringLiteral("walk")};
  options.sampleSeconds = 0.5;
  const QString dir = m_dir.filePath(QStringLiteral("rec"));
  dev.startRecording(dir, options);
  ASSERT_TRUE(stopped.wait(15000));
  const auto ids = stopped.at(0).at(0).value<QVector<qint64>>();
  EXPECT_EQ(stopped.at(0).at(1).toString(), QString());
  ASSERT_EQ(ids.size(), 1);
  dev.disconnectDevice();

  QString error;
  auto store = dataset::DatasetStore::openOrCreate(dir, &error);
  ASSERT_TRUE(store);
  dataset::SampleRecord rec;
  ASSERT_TRUE(store->sample(ids[0], &rec, &error)) << error.toStdString();
  EXPECT_EQ(rec.labels, QStringList{"walk"});
  EXPECT_EQ(rec.frames, 31);  // 500 ms at 16 ms
  EXPECT_EQ(rec.sensor, QStringLiteral("Built-in accelerometer"));
}

// The CLI: 'info' prints the AT handshake, 'record' takes samples on the board into a dataset.
TEST_F(EiSessionTest, CliInfoAndRecord) {
  FakeEiBoard board({}, m_sent);
  ASSERT_TRUE(board.ok());
  QProcess info;
  info.start(QStringLiteral(TINYSCOPE_CLI), {"info", "--device", board.address(), "--json"});
  ASSERT_TRUE(info.waitForFinished(30000));
  ASSERT_EQ(info.exitCode(), 0) << info.readAllStandardError().toStdString();
  const QJsonObject o = QJsonDocument::fromJson(info.readAllStandardOutput()).object();
  EXPECT_EQ(o.value("board").toString(), QStringLiteral("FAKE_EI_BOARD"));
  EXPECT_EQ(o.value("sensors").toArray().size(), 2);

  const QString dir = m_dir.filePath(QStringLiteral("cli"));
  QProcess record;
  record.start(QStringLiteral(TINYSCOPE_CLI),
               {"record", "--device", board.address(), "--dataset", dir, "--create", "--label",
                "shake", "--duration", "1", "--sample-length", "0.5", "--json"});
  ASSERT_TRUE(record.waitForFinished(60000));
  ASSERT_EQ(record.exitCode(), 0) << record.readAllStandardError().toStdString();
  const QJsonObject r = QJsonDocument::fromJson(record.readAllStandardOutput()).object();
  const QJsonArray ids = r.value("samples").toArray();
  ASSERT_EQ(ids.size(), 2);
  EXPECT_EQ(r.value("frames").toInt(), 62);  // 2 × 500 ms at 62.5 Hz
  QString error;
  auto store = dataset::DatasetStore::openOrCreate(dir, &error);
  ASSERT_TRUE(store);
  for (const QJsonValue& id : ids) {
    dataset::SampleRecord rec;
    ASSERT_TRUE(store->sample(id.toVariant().toLongLong(), &rec, &error)) << error.toStdString();
    EXPECT_EQ(rec.labels, QStringList{"shake"});
  }
  EXPECT_EQ(sentSamples(m_sent).size(), 2);

  QProcess unlabeled;
  unlabeled.start(QStringLiteral(TINYSCOPE_CLI),
                  {"record", "--device", board.address(), "--dataset", dir, "--duration", "1"});
  ASSERT_TRUE(unlabeled.waitForFinished(30000));
  EXPECT_EQ(unlabeled.exitCode(), 2);
  EXPECT_TRUE(unlabeled.readAllStandardError().contains("needs --label"));
}

// A board unplugged in the middle of a sample: one failure naming the port, then closed().
TEST_F(EiSessionTest, BoardUnpluggedWhileSamplingFailsOnce) {
  FakeEiBoard board({});
  ASSERT_TRUE(board.ok());
  auto s = openSession(board.address());
  QString error;
  ASSERT_TRUE(s->connectBlocking(&error)) << error.toStdString();
  QSignalSpy failed(s.get(), &EiSession::sampleFailed);
  QSignalSpy finished(s.get(), &EiSession::sampleFinished);
  QSignalSpy closed(s.get(), &EiSession::closed);
  QObject::connect(s.get(), &EiSession::sampleStage, [&](const QString& stage) {
    if (stage == QLatin1String("sampling")) board.unplug();
  });
  ASSERT_TRUE(s->startSample(
      {QStringLiteral("Built-in accelerometer"), QStringLiteral("idle"), 2000, 0}, &error));
  ASSERT_TRUE(failed.wait(10000));
  QTest::qWait(300);
  EXPECT_EQ(failed.size(), 1);
  EXPECT_TRUE(finished.isEmpty());
  EXPECT_TRUE(failed.at(0).at(0).toString().contains(board.pty()))
      << failed.at(0).at(0).toString().toStdString();
  EXPECT_EQ(closed.size(), 1);
  EXPECT_FALSE(s->isSampling());
  EXPECT_FALSE(s->isReady());
}

}  // namespace
