// The device verbs against the real tinyscope-agent over every link it serves: stdio (sim:),
// a real pseudo-terminal (serial:) and loopback TCP (tcp:).
#include <gtest/gtest.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <chrono>
#include <string>

#include "device_protocol/messages.h"
#include "tests/support/agent_process.h"
#include "tests/support/cli_process.h"
#include "tests/support/text_board.h"

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);
const QString kDemoModel =
    QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite");

QJsonObject json(const CliResult& r) {
  return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

}  // namespace

TEST(CliDevice, InfoOverStdioPtyAndTcp) {
  AgentProcess pty({"--pty", "--sensor", "imu"});
  AgentProcess tcp({"--tcp", "0", "--sensor", "imu"});
  ASSERT_TRUE(pty.address().startsWith("serial:/dev/pts/")) << pty.address().toStdString();
  ASSERT_TRUE(tcp.address().startsWith("tcp:127.0.0.1:")) << tcp.address().toStdString();
  for (const QString& address : {QStringLiteral("sim:?sensor=imu"), pty.address(), tcp.address()}) {
    const CliResult r = runCli({"info", "--device", address, "--json"});
    ASSERT_EQ(r.code, 0) << address.toStdString() << ": " << r.err.toStdString();
    const QJsonObject o = json(r);
    EXPECT_EQ(o["protocol_version"].toInt(), tinyscope::proto::kMaxProtocolVersion);
    ASSERT_EQ(o["sensors"].toArray().size(), 1);
    EXPECT_EQ(o["sensors"].toArray().at(0).toObject()["name"].toString(), "imu");
    EXPECT_EQ(o["sensors"].toArray().at(0).toObject()["axes"].toInt(), 3);
  }
}

TEST(CliDevice, StreamIsLosslessWithDeviceTimedRateAndCsv) {
  QTemporaryDir dir;
  AgentProcess pty({"--pty", "--sensor", "audio"});
  for (const QString& address : {QStringLiteral("sim:?sensor=audio"), pty.address()}) {
    const QString csv = dir.path() + "/s.csv";
    const CliResult r = runCli({"stream", "--device", address, "--duration", "2", "--csv", csv,
                                "--json", "--fail-on-loss"});
    ASSERT_EQ(r.code, 0) << address.toStdString() << ": " << r.err.toStdString()
                         << r.out.toStdString();
    const QJsonObject o = json(r);
    EXPECT_EQ(o["sequence_gaps"].toInt(), 0);
    EXPECT_EQ(o["crc_errors"].toInt(), 0);
    EXPECT_GT(o["samples"].toInt(), 16000);               // ~2 s at 16 kHz
    EXPECT_NEAR(o["rate_hz"].toDouble(), 16000.0, 16.0);  // device timestamps: exact up to rounding
    QFile f(csv);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readLine(), "timestamp_us,audio\n");
    EXPECT_EQ(f.readAll().count('\n'), o["samples"].toInt());
  }
}

namespace {

// The rows of a tinyscope CSV: header, then (device µs, values...) per line.
struct CsvRows {
  QString header;
  QVector<qint64> us;
  QVector<QStringList> values;
};
CsvRows readCsvRows(const QString& path) {
  CsvRows r;
  QFile f(path);
  EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << path.toStdString();
  r.header = QString::fromUtf8(f.readLine()).trimmed();
  while (!f.atEnd()) {
    QStringList cells = QString::fromUtf8(f.readLine()).trimmed().split(',');
    r.us.append(cells.takeFirst().toLongLong());
    r.values.append(cells);
  }
  return r;
}

}  // namespace

TEST(CliDevice, StreamCsvReplaysThroughTheSimulatorAsTheSameSamples) {
  QTemporaryDir dir;
  struct Case {
    QString sensor, header, rate;
  };
  for (const Case& c : {Case{"imu", "timestamp_us,x[g/4096],y[g/4096],z[g/4096]", "50"},
                        Case{"audio", "timestamp_us,audio", "16000"}}) {
    SCOPED_TRACE(c.sensor.toStdString());
    const QString first = dir.path() + "/" + c.sensor + ".csv";
    const QString again = dir.path() + "/" + c.sensor + "-replayed.csv";
    ASSERT_EQ(
        runCli({"stream", "--device", "sim:?sensor=" + c.sensor, "--duration", "1", "--csv", first})
            .code,
        0);
    const CliResult r = runCli({"stream", "--device", "sim:?rate=" + c.rate + "&csv=" + first,
                                "--duration", "0.6", "--csv", again, "--json"});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    const CsvRows a = readCsvRows(first);
    const CsvRows b = readCsvRows(again);
    EXPECT_EQ(a.header, c.header);
    // The replay has as many channels as the recording (the clock column is no channel) and
    // plays its rows from the first, value for value.
    ASSERT_GT(b.values.size(), a.values.size() / 3);
    ASSERT_LE(b.values.size(), a.values.size());
    for (int i = 0; i < b.values.size(); ++i) ASSERT_EQ(b.values[i], a.values[i]) << "row " << i;
    // Device time: one row per sample period (the replay keeps the rate it was given).
    const double us = 1e6 / c.rate.toDouble();
    EXPECT_NEAR(double(a.us.last() - a.us.first()), (a.us.size() - 1) * us, 1.0);
    EXPECT_NEAR(double(b.us.last() - b.us.first()), (b.us.size() - 1) * us, 1.0);
  }
}

TEST(CliDevice, InferOnTheDeviceMatchesTheDesktopBitForBit) {
  QTemporaryDir dir;
  QFile in(dir.path() + "/in.bin");
  ASSERT_TRUE(in.open(QIODevice::WriteOnly));
  QByteArray bytes(192, 0);
  for (int i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 37) & 0xFF);
  in.write(bytes);
  in.close();
  AgentProcess tcp({"--tcp", "0"});
  ASSERT_EQ(
      runCli({"run", kDemoModel, "--input", in.fileName(), "--dump", dir.path() + "/desktop"}).code,
      0);
  for (const QString& address : {QStringLiteral("sim:"), tcp.address()}) {
    const QString dump = dir.path() + "/device-" + QString::number(qHash(address));
    const CliResult r = runCli({"infer", "--device", address, "--model", kDemoModel, "--input",
                                in.fileName(), "--dump", dump});
    ASSERT_EQ(r.code, 0) << address.toStdString() << ": " << r.err.toStdString();
    EXPECT_TRUE(QFile::exists(dump + "/device_timing.json"));
    const CliResult cmp = runCli({"compare", dir.path() + "/desktop", dump, "--json"});
    EXPECT_EQ(cmp.code, 0) << cmp.out.toStdString();
    EXPECT_TRUE(json(cmp)["identical"].toBool());
    EXPECT_EQ(json(cmp)["compared_tensors"].toInt(), 5);
  }
}

TEST(CliDevice, CoreModelOnTheSimulatorMatchesGolden) {
  if (!QFileInfo::exists(kShared + "/models"))
    GTEST_SKIP() << "../shared is missing: no third-party models";
  QTemporaryDir dir;
  const QString model = kShared + "/models/kws_ref_model.tflite";
  const QString golden = kShared + "/golden/kws_ref_model/real_mlperf_sample";
  const CliResult r = runCli({"infer", "--device", "sim:?model=" + model, "--input",
                              golden + "/input.bin", "--dump", dir.path()});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const CliResult cmp = runCli({"compare", golden, dir.path()});
  EXPECT_EQ(cmp.code, 0) << cmp.out.toStdString();
}

TEST(CliDevice, BadAddressesAndMissingDevicesAreOneLine) {
  const QList<QPair<QStringList, int>> cases = {
      {{"info"}, 2},
      {{"info", "--device", "usb:/dev/x"}, 2},
      {{"info", "--device", "serial:/dev/nonexistent-tinyscope"}, 1},
      {{"info", "--device", "tcp:127.0.0.1:1"}, 1},
      {{"stream", "--device", "sim:", "--duration", "-1"}, 2},
      {{"infer", "--device", "sim:", "--input", "/nonexistent.bin"}, 2},
      {{"info", "--device", "sim:?agent=/nonexistent/agent"}, 1},
  };
  for (const auto& c : cases) {
    const CliResult r = runCli(c.first, 30000);
    EXPECT_EQ(r.code, c.second) << c.first.join(' ').toStdString() << ": " << r.err.toStdString();
    EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
  }
}

TEST(CliDevice, StreamTextModeFromABoardWithNoAgent) {
  PtyPair pty;
  ASSERT_TRUE(pty.ok());
  TextBoard board(&pty, std::chrono::microseconds(4000),  // 250 Hz
                  [](int i) { return std::to_string(i) + "," + std::to_string(2 * i) + "\n"; });
  QTemporaryDir dir;
  const QString csv = dir.path() + "/t.csv";
  const CliResult r =
      runCli({"stream", "--device",
              QString("serial:%1?mode=text").arg(QString::fromStdString(pty.slavePath())),
              "--duration", "2", "--json", "--csv", csv});
  board.stop();
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const QJsonObject o = json(r);
  EXPECT_EQ(o["mode"].toString(), "text");
  EXPECT_EQ(o["channels"].toArray().size(), 2);
  EXPECT_GT(o["samples"].toInt(), 300);
  EXPECT_GT(o["rate_uncertainty_hz"].toDouble(), 0);
  EXPECT_NEAR(o["rate_hz"].toDouble(), 250.0,
              std::max(8.0, 4 * o["rate_uncertainty_hz"].toDouble()));
  QFile f(csv);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  EXPECT_TRUE(f.readLine().startsWith("timestamp_us,"));
  EXPECT_EQ(f.readAll().count('\n'), o["samples"].toInt());
}

TEST(CliDevice, InferEndsAtTheDevicesRefusalNotAtTheTimeout) {
  // A device with no model refuses the run at once; infer says why, long before the
  // 120 s run timeout (it once waited it out).
  QTemporaryDir slots;
  AgentProcess agent({"--pty", "--slots", slots.path(), "--no-model", "--quiet"});
  ASSERT_FALSE(agent.address().isEmpty());
  QTemporaryDir dir;
  QFile in(dir.path() + "/in.bin");
  ASSERT_TRUE(in.open(QIODevice::WriteOnly));
  in.write(QByteArray(16, '\1'));
  in.close();
  QElapsedTimer timer;
  timer.start();
  const CliResult r = runCli(
      {"infer", "--device", agent.address(), "--input", in.fileName(), "--run-timeout", "120"});
  EXPECT_LT(timer.elapsed(), 10000);
  EXPECT_EQ(r.code, 1) << r.err.toStdString();
  EXPECT_TRUE(r.err.contains("the device refused InputChunk: the slot holds no valid model"))
      << r.err.toStdString();
  EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
}

TEST(CliDevice, InferRefusesAnInputLargerThanTheDevicesArena) {
  // Without --model the host knows no input size; the device's arena still bounds it.
  QTemporaryDir dir;
  QFile in(dir.path() + "/big.bin");
  ASSERT_TRUE(in.open(QIODevice::WriteOnly));
  in.write(QByteArray(9 << 20, '\1'));  // the simulator's arena is 8 MiB
  in.close();
  const CliResult r = runCli({"infer", "--device", "sim:", "--input", in.fileName()});
  EXPECT_EQ(r.code, 2) << r.err.toStdString();
  EXPECT_TRUE(r.err.contains("more than the device's whole arena")) << r.err.toStdString();
  EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
}

// infer --wav: the device gets the same front-end features as the desktop, and says so.
TEST(CliDevice, SpokenWordThroughTheAudioRecipeRunsOnTheSimulatorLikeTheDesktop) {
  if (!QFileInfo::exists(kShared + "/models"))
    GTEST_SKIP() << "../shared is missing: no third-party models";
  const QString espeak = QStandardPaths::findExecutable(QStringLiteral("espeak-ng"));
  const QString sox = QStandardPaths::findExecutable(QStringLiteral("sox"));
  if (espeak.isEmpty() || sox.isEmpty())
    GTEST_SKIP() << "espeak-ng or sox is not installed (scripts/setup.sh)";
  QTemporaryDir dir;
  const QString raw = dir.filePath("yes.22k.wav"), wav = dir.filePath("yes.wav");
  ASSERT_EQ(QProcess::execute(espeak, {"-w", raw, "yes"}), 0);
  ASSERT_EQ(QProcess::execute(sox, {raw, "-r", "16000", "-c", "1", "-b", "16", wav}), 0);
  const QString model = kShared + "/models/micro_speech_quantized.tflite";
  const CliResult device = runCli({"infer", "--device", "sim:?model=" + model, "--model", model,
                                   "--wav", wav, "--dump", dir.filePath("device"), "--json"});
  ASSERT_EQ(device.code, 0) << device.err.toStdString();
  EXPECT_TRUE(json(device)["input"].toString().startsWith("audio " + wav))
      << device.out.toStdString();
  const QJsonArray scores = json(device)["outputs_int8"].toArray()[0].toArray();
  ASSERT_EQ(scores.size(), 4);  // silence, unknown, yes, no
  for (int k : {0, 1, 3}) EXPECT_GT(scores[2].toInt(), scores[k].toInt()) << k;
  const CliResult desktop = runCli({"run", model, "--wav", wav, "--dump", dir.filePath("desktop")});
  ASSERT_EQ(desktop.code, 0) << desktop.err.toStdString();
  const CliResult cmp = runCli({"compare", dir.filePath("desktop"), dir.filePath("device")});
  EXPECT_EQ(cmp.code, 0) << cmp.out.toStdString();
}
