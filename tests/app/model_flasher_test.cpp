// ModelFlasher and `tinyscope-cli flash` against the real host agent (tinyscope-agent --pty,
// slot files in a temporary directory): a transfer cut off mid-way resumes at the device's
// offset, a vanished device gives one clear error, and the flashed model answers exactly like
// the desktop runtime.
#include <gtest/gtest.h>

#include <signal.h>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "app/core/device/device_session.h"
#include "app/core/device/device_transport.h"
#include "app/core/device/model_flasher.h"
#include "app/core/device/model_image_file.h"
#include "device_protocol/crc32.h"
#include "model_runner/host/sha256.h"
#include "model_runner/host/tflite_writer.h"
#include "model_runner/model.h"
#include "tests/support/cli_process.h"
#include "tests/support/fake_device.h"

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);
const QString kAgent = QStringLiteral(TINYSCOPE_AGENT);
QString modelPath(const QString& name) {
  return kShared + "/models/" + name + ".tflite";
}

// tinyscope-agent serving a pty with its slots in `slotsDir`.
class PtyAgent {
 public:
  explicit PtyAgent(const QString& slotsDir, const QStringList& link = {}) {
    m_process.start(kAgent,
                    QStringList{"--pty", "--slots", slotsDir, "--no-model", "--quiet"} + link);
    if (!m_process.waitForStarted(5000)) return;
    for (int i = 0; i < 50 && !m_process.canReadLine(); ++i) m_process.waitForReadyRead(100);
    const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
    if (line.startsWith("PTY ")) m_address = "serial:" + line.mid(4);
  }
  ~PtyAgent() { stop(); }
  void stop() {
    if (m_process.state() == QProcess::NotRunning) return;
    m_process.kill();
    m_process.waitForFinished(3000);
  }
  QString address() const { return m_address; }

 private:
  QProcess m_process;
  QString m_address;
};

std::unique_ptr<tinyscope::DeviceSession> connect(const QString& address, QString* error) {
  auto link = tinyscope::openDeviceLink(address, error);
  if (!link) return nullptr;
  auto session = std::make_unique<tinyscope::DeviceSession>(std::move(link));
  if (!session->connectBlocking(10000, error)) return nullptr;
  return session;
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

TEST(ModelFlasher, ResumesAtTheDevicesOffsetAfterTheLinkDrops) {
  const QString modelFile = modelPath(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  const QByteArray model = readAll(modelFile);
  QTemporaryDir slots;
  PtyAgent agent(slots.path());
  ASSERT_FALSE(agent.address().isEmpty());

  // One attempt that the link cuts a third of the way in; its report and error.
  QString error;
  quint32 cutAt = 0;
  auto cutOffAttempt = [&](tinyscope::FlashReport* report) {
    cutAt = 0;
    auto session = connect(agent.address(), &error);
    ASSERT_TRUE(session) << error.toStdString();
    tinyscope::ModelFlasher flasher(session.get());
    int finishedCount = 0;
    QObject::connect(&flasher, &tinyscope::ModelFlasher::finished,
                     [&](bool, const QString&) { ++finishedCount; });
    QObject::connect(&flasher, &tinyscope::ModelFlasher::progress,
                     [&](quint32 offset, quint32 total) {
                       if (cutAt == 0 && offset >= total / 3) {
                         cutAt = offset;
                         QTimer::singleShot(0, session.get(), [&] { session->close(); });
                       }
                     });
    tinyscope::FlashOptions options;
    options.slot = 1;
    options.modelName = QStringLiteral("kws_ref_model");
    EXPECT_FALSE(flasher.flashBlocking(model, options, 60000, &error));
    EXPECT_EQ(finishedCount, 1);
    EXPECT_TRUE(error.contains("disappeared")) << error.toStdString();
    EXPECT_TRUE(error.contains(agent.address())) << error.toStdString();
    ASSERT_GT(cutAt, 0u);
    *report = flasher.report();
  };
  tinyscope::FlashReport first;
  cutOffAttempt(&first);
  EXPECT_EQ(first.resumedFrom, 0u);

  // Second attempt, after a byte the device already holds changed behind its back (the
  // slot file is the device's flash): the prefix no longer hashes as the image's, so the
  // device starts over instead of resuming; this attempt is cut off too.
  {
    QFile slot(slots.filePath(QStringLiteral("slot1.bin")));
    ASSERT_TRUE(slot.open(QIODevice::ReadWrite));
    uchar* bytes = slot.map(0, slot.size());
    ASSERT_NE(bytes, nullptr);
    bytes[32 + 300] ^= 0x01;  // a byte of the .tflite inside the received image
    slot.unmap(bytes);
  }
  tinyscope::FlashReport second;
  cutOffAttempt(&second);
  EXPECT_TRUE(second.resumeRefused);
  EXPECT_EQ(second.resumedFrom, 0u);

  // Third attempt on a new connection: continues where the device stopped.
  auto session = connect(agent.address(), &error);
  ASSERT_TRUE(session) << error.toStdString();
  tinyscope::ModelFlasher flasher(session.get());
  tinyscope::FlashOptions options;
  options.slot = 1;
  options.modelName = QStringLiteral("kws_ref_model");
  ASSERT_TRUE(flasher.flashBlocking(model, options, 60000, &error)) << error.toStdString();
  const tinyscope::FlashReport& r = flasher.report();
  EXPECT_GE(r.resumedFrom, cutAt);
  EXPECT_EQ(r.bytesSent, r.size - r.resumedFrom);
  EXPECT_FALSE(r.resumeRefused);
  EXPECT_TRUE(r.activated);
  EXPECT_EQ(r.size, static_cast<quint32>(model.size() + tinyscope::proto::kModelImageHeaderSize))
      << "a .tflite travels as a model image";
}

// A UART at 921600 baud that flips a bit in 1% of the bytes and drops 1% of the frames, both
// ways (seeded, so a failure replays): the windowed flash still completes, and the device's SHA-256
// check of the slot (FlashEnd) and CRC pass (VerifySlot) both passed for the image sent.
TEST(ModelFlasher, SucceedsWithAVerifiedHashOverACorruptingDroppingLink) {
  const QString modelFile = modelPath(QStringLiteral("hello_world_int8"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  const QByteArray model = readAll(modelFile);
  QTemporaryDir slots;
  PtyAgent agent(slots.path(), {"--baud", "921600", "--byte-error-rate", "0.01", "--drop-rate",
                                "0.01", "--link-seed", "12"});
  ASSERT_FALSE(agent.address().isEmpty());
  QString error;
  std::unique_ptr<tinyscope::DeviceSession> session;
  // The handshake itself may be hit: a few attempts, as a user would reconnect.
  for (int i = 0; i < 10 && !session; ++i) session = connect(agent.address(), &error);
  ASSERT_TRUE(session) << error.toStdString();
  tinyscope::ModelFlasher flasher(session.get());
  tinyscope::FlashOptions options;
  options.modelName = QStringLiteral("hello_world_int8");
  options.requestTimeoutMs = 60;
  options.slowRequestTimeoutMs = 2000;
  options.retries = 30;
  ASSERT_TRUE(flasher.flashBlocking(model, options, 90000, &error)) << error.toStdString();
  const tinyscope::FlashReport& report = flasher.report();
  EXPECT_TRUE(report.activated);
  EXPECT_TRUE(report.confirmed);
  EXPECT_GT(report.chunkRetries, 0);  // the faults did hit the transfer
  EXPECT_GT(report.window, 1) << "several chunks in flight (protocol 3)";
  tinyscope::ModelImageFile image;
  ASSERT_TRUE(tinyscope::loadModelImage(model, options.modelName, "the model", &image, &error));
  EXPECT_EQ(
      report.sha256.toStdString(),
      tinyscope::runner::host::sha256Hex(reinterpret_cast<const uint8_t*>(image.bytes.constData()),
                                         static_cast<size_t>(image.bytes.size())));
}

TEST(ModelImageFile, ATfliteBecomesAnImageThatNamesItsOpsArenaAndHash) {
  const QString modelFile = modelPath(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  const QByteArray tflite = readAll(modelFile);
  tinyscope::ModelImageFile image;
  QString error;
  ASSERT_TRUE(tinyscope::loadModelImage(tflite, QStringLiteral("kws"), modelFile, &image, &error))
      << error.toStdString();
  using namespace tinyscope::proto;
  EXPECT_EQ(image.tflite(), tflite);
  EXPECT_EQ(image.header.payloadSize, static_cast<uint32_t>(tflite.size()));
  EXPECT_STREQ(image.header.modelName.c_str(), "kws");
  EXPECT_EQ(image.header.payloadSha256,
            sha256(ConstByteSpan(reinterpret_cast<const uint8_t*>(tflite.constData()),
                                 static_cast<size_t>(tflite.size()))));
  EXPECT_GT(image.header.arenaBytes[0], 0u) << "the reference kernels' planned arena";
  // The operator list is the model's distinct builtin codes, as the runtime reads them.
  tinyscope::runner::Model model;
  ASSERT_EQ(model.load(reinterpret_cast<const uint8_t*>(tflite.constData()),
                       static_cast<size_t>(tflite.size())),
            tinyscope::runner::Status::kOk);
  ASSERT_GT(image.header.opCodes.size(), 0u);
  for (uint16_t op : image.header.opCodes) {
    bool used = false;
    for (uint32_t i = 0; i < model.numOperatorCodes(); ++i) used |= model.builtinCode(i) == op;
    EXPECT_TRUE(used) << "op " << op;
  }

  // An image file is taken byte for byte; a damaged or truncated one is refused by name.
  tinyscope::ModelImageFile again;
  ASSERT_TRUE(
      tinyscope::loadModelImage(image.bytes, QString(), QStringLiteral("img"), &again, &error));
  EXPECT_EQ(again.bytes, image.bytes);
  QByteArray damaged = image.bytes;
  damaged.data()[kModelImageHeaderSize + 100] ^= 0x10;
  EXPECT_FALSE(
      tinyscope::loadModelImage(damaged, QString(), QStringLiteral("img"), &again, &error));
  EXPECT_TRUE(error.contains("img") && error.contains("SHA-256")) << error.toStdString();
  EXPECT_FALSE(tinyscope::loadModelImage(tflite.left(tflite.size() / 2), QString(),
                                         QStringLiteral("half.tflite"), &again, &error));
  EXPECT_TRUE(error.startsWith("half.tflite: not a valid .tflite")) << error.toStdString();
}

// A model with an operator no firmware has (LSH_PROJECTION), written to `path`.
bool writeModelNeedingLsh(const QString& path) {
  using namespace tinyscope::runner::host;
  TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {1, 8}, QuantParams::perTensor(0.5f, 0));
  const int32_t out = w.addActivation("out", TensorType::kInt32, {1, 8});
  OperatorSpec op;
  op.op = BuiltinOperator::kLshProjection;
  op.inputs = {in};
  op.outputs = {out};
  w.addOperator(op);
  w.setInputs({in});
  w.setOutputs({out});
  const std::vector<uint8_t> bytes = w.serialize();
  QFile f(path);
  return f.open(QIODevice::WriteOnly) &&
         f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size())) ==
             static_cast<qint64>(bytes.size());
}

TEST(CliFlash, PreflightRefusesWhatTheDeviceCannotRunBeforeAByteIsSent) {
  QTemporaryDir dir;
  PtyAgent agent(dir.filePath("slots"));
  ASSERT_FALSE(agent.address().isEmpty());
  const QString lsh = dir.filePath("lsh.tflite");
  ASSERT_TRUE(writeModelNeedingLsh(lsh));
  auto slotUntouched = [&] {
    QFile slot(dir.filePath("slots/slot1.bin"));
    if (!slot.open(QIODevice::ReadOnly)) return false;
    const QByteArray bytes = slot.readAll();
    return !bytes.isEmpty() && bytes.count('\xff') == bytes.size();
  };

  const CliResult flash = runCli({"flash", "--device", agent.address(), lsh, "--slot", "1"});
  EXPECT_EQ(flash.code, 2) << flash.err.toStdString();
  EXPECT_TRUE(flash.err.contains("op 15 LSH_PROJECTION not supported by firmware"))
      << flash.err.toStdString();
  EXPECT_TRUE(slotUntouched()) << "nothing reached the slot";

  // infer refuses it at once too, naming the op, instead of waiting for the device.
  QFile input(dir.filePath("in.bin"));
  ASSERT_TRUE(input.open(QIODevice::WriteOnly));
  input.write(QByteArray(8, '\0'));
  input.close();
  QElapsedTimer t;
  t.start();
  const CliResult infer =
      runCli({"infer", "--device", agent.address(), "--model", lsh, "--input", input.fileName()});
  EXPECT_EQ(infer.code, 2) << infer.err.toStdString();
  EXPECT_TRUE(infer.err.contains("op 15 LSH_PROJECTION not supported")) << infer.err.toStdString();
  EXPECT_LT(t.elapsed(), 30000);

  // Not a model, or a truncated one: refused before the transfer as well.
  QFile text(dir.filePath("notes.tflite"));
  ASSERT_TRUE(text.open(QIODevice::WriteOnly));
  text.write("this is not a flatbuffer, only some text long enough to look like one");
  text.close();
  const CliResult junk =
      runCli({"flash", "--device", agent.address(), text.fileName(), "--slot", "1"});
  EXPECT_EQ(junk.code, 2) << junk.err.toStdString();
  EXPECT_TRUE(junk.err.contains("not a valid .tflite")) << junk.err.toStdString();
  const QString kws = modelPath(QStringLiteral("kws_ref_model"));
  if (QFileInfo(kws).isFile()) {
    QFile half(dir.filePath("half.tflite"));
    ASSERT_TRUE(half.open(QIODevice::WriteOnly));
    half.write(readAll(kws).left(20000));
    half.close();
    const CliResult cut =
        runCli({"flash", "--device", agent.address(), half.fileName(), "--slot", "1"});
    EXPECT_EQ(cut.code, 2) << cut.err.toStdString();
  }
  EXPECT_TRUE(slotUntouched());
}

// LOGISTIC over `width` int8 values: a tiny file whose arena (input + output) is ~2 x width.
bool writeWideLogisticModel(const QString& path, int32_t width) {
  using namespace tinyscope::runner::host;
  TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {1, width}, QuantParams::perTensor(0.1f, 0));
  const int32_t out = w.addActivation("out", TensorType::kInt8, {1, width},
                                      QuantParams::perTensor(1.0f / 256.0f, -128));
  OperatorSpec op;
  op.op = BuiltinOperator::kLogistic;
  op.inputs = {in};
  op.outputs = {out};
  w.addOperator(op);
  w.setInputs({in});
  w.setOutputs({out});
  const std::vector<uint8_t> bytes = w.serialize();
  QFile f(path);
  return f.open(QIODevice::WriteOnly) &&
         f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size())) ==
             static_cast<qint64>(bytes.size());
}

// A device whose arena is too small (the host agent with --arena, directly and through
// sim:?arena=) refuses the model before a byte is sent, with the sizes; with room it flashes.
TEST(CliFlash, PreflightRefusesAModelNeedingMoreArenaThanTheDeviceHas) {
  QTemporaryDir dir;
  const QString wide = dir.filePath("wide.tflite");
  ASSERT_TRUE(writeWideLogisticModel(wide, 60000));
  PtyAgent small(dir.filePath("slots"), {"--arena", "16K"});
  ASSERT_FALSE(small.address().isEmpty());
  const CliResult flash = runCli({"flash", "--device", small.address(), wide, "--slot", "1"});
  EXPECT_EQ(flash.code, 2) << flash.err.toStdString();
  EXPECT_TRUE(
      flash.err.contains("model 'wide' cannot run on this device: needs 117.3 KB arena, "
                         "device has 16.0 KB"))
      << flash.err.toStdString();
  EXPECT_EQ(flash.err.trimmed().count('\n'), 0) << flash.err.toStdString();
  QFile slot(dir.filePath("slots/slot1.bin"));
  ASSERT_TRUE(slot.open(QIODevice::ReadOnly));
  const QByteArray bytes = slot.readAll();
  EXPECT_EQ(bytes.count('\xff'), bytes.size()) << "nothing reached the slot";

  const CliResult viaSim = runCli({"flash", "--device", "sim:?slots=&arena=16K", wide, "--json"});
  EXPECT_EQ(viaSim.code, 2) << viaSim.err.toStdString();
  EXPECT_TRUE(viaSim.err.contains("device has 16.0 KB")) << viaSim.err.toStdString();
  const CliResult roomy = runCli({"flash", "--device", "sim:?slots=&arena=256K", wide});
  EXPECT_EQ(roomy.code, 0) << roomy.err.toStdString();
}

// A device that speaks only protocol version 1 (from before model images) is spoken to in
// version 1 after the handshake, and a flash is refused before a byte: it needs version 2.
TEST(ModelFlasher, AVersion1DeviceIsRefusedFlashingBeforeAByte) {
  using namespace tinyscope::proto;
  FakeDevice dev;
  HelloReply old = FakeDevice::helloReply();
  old.minVersion = 1;
  old.maxVersion = 1;
  old.chosenVersion = 1;
  SlotInfo slot;
  slot.slot = 1;
  slot.capacity = 1u << 20;
  old.slots.push(slot);
  ASSERT_TRUE(dev.connect(old));
  (void)dev.takeRequests();
  dev.session->send(SlotInfoRequest());
  const auto sent = dev.takeRequests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].header.version, 1) << "the negotiated version, not this build's highest";

  QTemporaryDir dir;
  ASSERT_TRUE(writeWideLogisticModel(dir.filePath("m.tflite"), 16));
  tinyscope::ModelFlasher flasher(dev.session.get());
  tinyscope::FlashOptions options;
  options.modelName = QStringLiteral("m");
  EXPECT_FALSE(flasher.start(readAll(dir.filePath("m.tflite")), options));
  EXPECT_TRUE(flasher.report().refusedBeforeSending);
  EXPECT_TRUE(flasher.error().contains(QStringLiteral("needs protocol version %1, the device "
                                                      "speaks 1")
                                           .arg(kFlashingProtocolVersion)))
      << flasher.error().toStdString();
  EXPECT_TRUE(dev.takeRequests().empty()) << "nothing sent";
}

TEST(CliFlash, NoConfirmLeavesATestThatConfirmKeepsAndSlotsShows) {
  const QString modelFile = modelPath(QStringLiteral("hello_world_int8"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  QTemporaryDir dir;
  PtyAgent agent(dir.filePath("slots"));
  ASSERT_FALSE(agent.address().isEmpty());
  auto stateOfSlot1 = [&] {
    const CliResult r = runCli({"slots", "--device", agent.address(), "--json"});
    EXPECT_EQ(r.code, 0) << r.err.toStdString();
    return QJsonDocument::fromJson(r.out.toUtf8()).array().at(1).toObject()["state"].toString();
  };
  const CliResult flash = runCli(
      {"flash", "--device", agent.address(), modelFile, "--slot", "1", "--no-confirm", "--json"});
  ASSERT_EQ(flash.code, 0) << flash.err.toStdString();
  const QJsonObject f = QJsonDocument::fromJson(flash.out.toUtf8()).object();
  EXPECT_TRUE(f["activated"].toBool());
  EXPECT_FALSE(f["confirmed"].toBool());
  EXPECT_EQ(f["sha256"].toString().size(), 64);
  EXPECT_EQ(stateOfSlot1(), "testing");

  const CliResult confirm = runCli({"confirm", "--device", agent.address()});
  EXPECT_EQ(confirm.code, 0) << confirm.err.toStdString();
  EXPECT_TRUE(confirm.out.contains("slot 1 confirmed")) << confirm.out.toStdString();
  EXPECT_EQ(stateOfSlot1(), "active");

  // Nothing was active before slot 1: rollback says so, in one line, exit 1.
  const CliResult rollback = runCli({"rollback", "--device", agent.address()});
  EXPECT_EQ(rollback.code, 1);
  EXPECT_TRUE(rollback.err.contains("no previous model")) << rollback.err.toStdString();
  EXPECT_FALSE(rollback.err.trimmed().contains('\n'));

  // The device acknowledges a reset, then reboots (the host agent re-executes itself).
  const CliResult reset = runCli({"reset", "--device", agent.address()});
  EXPECT_EQ(reset.code, 0) << reset.err.toStdString();
}

TEST(CliFlash, ASimulatorWithSlotsKeepsAFlashForTheNextConnection) {
  const QString modelFile = modelPath(QStringLiteral("hello_world_int8"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  QTemporaryDir dir;
  const QString sim = "sim:?slots=" + dir.filePath("slots");
  const CliResult flash = runCli({"flash", "--device", sim, modelFile, "--slot", "1"});
  ASSERT_EQ(flash.code, 0) << flash.err.toStdString();
  // A new connection spawns a new agent process on the same slots: the model is still there.
  const CliResult slots = runCli({"slots", "--device", sim, "--json"});
  ASSERT_EQ(slots.code, 0) << slots.err.toStdString();
  const QJsonObject one = QJsonDocument::fromJson(slots.out.toUtf8()).array().at(1).toObject();
  EXPECT_EQ(one["state"].toString(), "active");
  EXPECT_EQ(one["model_name"].toString(), "hello_world_int8");
}

namespace {
// tinyscope-cli with HOME and XDG_STATE_HOME as given (empty = unset).
CliResult runCliIn(const QStringList& args, const QString& home, const QString& stateHome) {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove("XDG_STATE_HOME");
  env.insert("HOME", home);
  if (!stateHome.isEmpty()) env.insert("XDG_STATE_HOME", stateHome);
  p.setProcessEnvironment(env);
  p.start(QStringLiteral(TINYSCOPE_CLI), args);
  const bool finished = p.waitForFinished(120000);
  EXPECT_TRUE(finished) << args.join(' ').toStdString();
  if (!finished) p.kill();
  return CliResult{finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                   QString::fromUtf8(p.readAllStandardOutput()),
                   QString::fromUtf8(p.readAllStandardError())};
}

QJsonObject slotOf(const CliResult& info, int slot) {
  for (const QJsonValue& v : QJsonDocument::fromJson(info.out.toUtf8())["model_slots"].toArray())
    if (v.toObject()["slot"].toInt() == slot) return v.toObject();
  return {};
}
}  // namespace

// Plain `sim:` keeps its slots like a board's flash, in the user's state directory: a flash
// is there at the next connection; the directory is private and a planted symlink is refused.
TEST(CliFlash, PlainSimKeepsItsSlotsInTheUsersStateDirectory) {
  const QString modelFile = modelPath(QStringLiteral("hello_world_int8"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  QTemporaryDir dir;
  const QString home = dir.filePath("home");
  ASSERT_TRUE(QDir().mkpath(home));

  // XDG_STATE_HOME unset: ~/.local/state/tinyscope/sim-slots.
  const CliResult flash = runCliIn({"flash", "--device", "sim:", modelFile}, home, {});
  ASSERT_EQ(flash.code, 0) << flash.err.toStdString();
  const QString slots = home + "/.local/state/tinyscope/sim-slots";
  EXPECT_TRUE(QFileInfo(slots + "/slot1.bin").isFile());
  EXPECT_TRUE(QFileInfo(slots + "/journal.bin").isFile());
  EXPECT_EQ(QFile::permissions(slots) & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                         QFile::ReadOther | QFile::WriteOther | QFile::ExeOther),
            QFile::Permissions());
  const CliResult info = runCliIn({"info", "--device", "sim:", "--json"}, home, {});
  ASSERT_EQ(info.code, 0) << info.err.toStdString();
  EXPECT_EQ(slotOf(info, 1)["state"].toString(), "active") << info.out.toStdString();
  EXPECT_EQ(slotOf(info, 1)["model_name"].toString(), "hello_world_int8");

  // XDG_STATE_HOME set: a fresh device there (slot 1 empty), and the flash lands there.
  const QString state = dir.filePath("state");
  const CliResult fresh = runCliIn({"info", "--device", "sim:", "--json"}, home, state);
  ASSERT_EQ(fresh.code, 0) << fresh.err.toStdString();
  EXPECT_NE(slotOf(fresh, 1)["state"].toString(), "active") << fresh.out.toStdString();
  ASSERT_EQ(runCliIn({"flash", "--device", "sim:", modelFile, "--name", "again"}, home, state).code,
            0);
  EXPECT_TRUE(QFileInfo(state + "/tinyscope/sim-slots/slot1.bin").isFile());
  EXPECT_EQ(slotOf(runCliIn({"info", "--device", "sim:", "--json"}, home, state), 1)["model_name"]
                .toString(),
            "again");
  // `slots=` (empty) is a throwaway device; the state directory keeps its model.
  const CliResult temp = runCliIn({"info", "--device", "sim:?slots=", "--json"}, home, state);
  ASSERT_EQ(temp.code, 0) << temp.err.toStdString();
  EXPECT_NE(slotOf(temp, 1)["state"].toString(), "active");

  // A symlink planted where the slots go is refused, in one line, before any agent starts.
  const QString planted = dir.filePath("planted");
  ASSERT_TRUE(QDir().mkpath(planted + "/tinyscope"));
  ASSERT_TRUE(QFile::link(dir.filePath("home"), planted + "/tinyscope/sim-slots"));
  const CliResult refused = runCliIn({"info", "--device", "sim:"}, home, planted);
  EXPECT_NE(refused.code, 0);
  EXPECT_TRUE(refused.err.contains("is not a private directory")) << refused.err.toStdString();
  EXPECT_EQ(refused.err.trimmed().count('\n'), 0) << refused.err.toStdString();
}

// flash's flags and its summary: --slot auto|N, --test-only, bounded --retries,
// --request-timeout and --timeout, and the rate against the wire of a paced sim: (?baud=).
TEST(CliFlash, FlagsAreCheckedAndTheSummaryGivesTheRateAgainstTheWire) {
  const QString modelFile = modelPath(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  for (const QStringList& bad :
       {QStringList{"--slot", "7"}, QStringList{"--slot", "first"}, QStringList{"--retries", "101"},
        QStringList{"--retries", "-1"}, QStringList{"--request-timeout", "5"},
        QStringList{"--timeout", "0"}, QStringList{"--flash-timeout", "1e9"}}) {
    const CliResult r = runCli(QStringList{"flash", "--device", "sim:?slots=", modelFile} + bad);
    EXPECT_EQ(r.code, 2) << bad.join(' ').toStdString() << ": " << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(bad[0])) << r.err.toStdString();
  }

  QTemporaryDir dir;
  const QString sim = "sim:?baud=921600&slots=" + dir.filePath("slots");
  const CliResult flash = runCli({"flash", "--device", sim, modelFile, "--slot", "auto",
                                  "--retries", "8", "--request-timeout", "500", "--json"});
  ASSERT_EQ(flash.code, 0) << flash.err.toStdString();
  const QJsonObject f = QJsonDocument::fromJson(flash.out.toUtf8()).object();
  const int active = f["slot"].toInt();  // auto: 1 beside the demo model in 0, else 0
  ASSERT_TRUE(active == 0 || active == 1);
  const QString other = QString::number(1 - active);
  EXPECT_EQ(f["bytes"].toInt(), QFileInfo(modelFile).size() + 256);
  EXPECT_EQ(f["bytes_sent"].toInt(), f["bytes"].toInt());
  EXPECT_DOUBLE_EQ(f["wire_bytes_per_second"].toDouble(), 92160.0);
  EXPECT_GT(f["transfer_seconds"].toDouble(), f["bytes"].toDouble() / 92160.0 * 0.99)
      << "no faster than the wire";
  EXPECT_GT(f["wire_percent"].toDouble(), 0.0);
  EXPECT_LE(f["wire_percent"].toDouble(), 100.0);
  EXPECT_NEAR(f["bytes_per_second"].toDouble(),
              f["bytes_sent"].toDouble() / f["transfer_seconds"].toDouble(),
              f["bytes_per_second"].toDouble() * 0.01);
  EXPECT_EQ(f["retries"].toInt(), 0);
  EXPECT_GE(f["seconds"].toDouble(), f["transfer_seconds"].toDouble());
  EXPECT_TRUE(f["confirmed"].toBool());

  // The active slot is never written; the text summary of a write-only flash into the other
  // slot says what happened.
  const CliResult onto = runCli(
      {"flash", "--device", sim, modelFile, "--slot", QString::number(active), "--test-only"});
  EXPECT_NE(onto.code, 0) << onto.out.toStdString();
  const CliResult text =
      runCli({"flash", "--device", sim, modelFile, "--slot", other, "--test-only"});
  ASSERT_EQ(text.code, 0) << text.err.toStdString();
  EXPECT_TRUE(text.out.contains("% of the 921600-baud wire")) << text.out.toStdString();
  EXPECT_TRUE(text.out.contains("0 retries")) << text.out.toStdString();
  EXPECT_TRUE(text.out.contains("whole flash")) << text.out.toStdString();
  EXPECT_TRUE(text.out.contains("slot " + other + "      verified (not activated)"))
      << text.out.toStdString();
}

// One agent at a time on a slot directory, as one host at a time on a board: a second one
// waits a moment for the first to go, then says who holds it; once the first is gone, it runs.
TEST(CliFlash, ASlotDirectoryServesOneAgentAtATime) {
  QTemporaryDir dir;
  const QString slots = dir.filePath("slots");
  auto second = [&] {
    QProcess p;
    p.start(kAgent, {"--slots", slots, "--no-model", "--quiet"});
    p.waitForStarted(5000);
    p.closeWriteChannel();  // stdin at EOF: an agent that got its slots stops at once
    p.waitForFinished(10000);
    return std::make_pair(p.state() == QProcess::NotRunning ? p.exitCode() : -1,
                          QString::fromUtf8(p.readAllStandardError()));
  };
  {
    PtyAgent first(slots);
    ASSERT_FALSE(first.address().isEmpty());
    QElapsedTimer t;
    t.start();
    const auto [code, err] = second();
    EXPECT_EQ(code, 2) << err.toStdString();
    EXPECT_GE(t.elapsed(), 2500) << "it waited for the first agent to go";
    EXPECT_TRUE(err.contains("slot directory " + slots + " is in use by another tinyscope-agent"))
        << err.toStdString();
  }
  // The first is gone (killed: the kernel dropped its lock): this one starts, exit 0.
  const auto [code, err] = second();
  EXPECT_EQ(code, 0) << err.toStdString();
}

TEST(ModelFlasher, ADeviceThatVanishesGivesOneClearError) {
  const QString modelFile = modelPath(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  QTemporaryDir slots;
  PtyAgent agent(slots.path());
  ASSERT_FALSE(agent.address().isEmpty());
  QString error;
  auto session = connect(agent.address(), &error);
  ASSERT_TRUE(session) << error.toStdString();
  tinyscope::ModelFlasher flasher(session.get());
  int finishedCount = 0;
  QObject::connect(&flasher, &tinyscope::ModelFlasher::finished,
                   [&](bool, const QString&) { ++finishedCount; });
  bool killed = false;
  QObject::connect(&flasher, &tinyscope::ModelFlasher::progress,
                   [&](quint32 offset, quint32 total) {
                     if (!killed && offset >= total / 2) {
                       killed = true;
                       agent.stop();  // the device is gone (unplugged)
                     }
                   });
  EXPECT_FALSE(flasher.flashBlocking(readAll(modelFile), tinyscope::FlashOptions(), 30000, &error));
  EXPECT_EQ(finishedCount, 1);
  EXPECT_FALSE(error.contains('\n'));
  EXPECT_TRUE(error.contains(agent.address()) &&
              (error.contains("disappeared") || error.contains("no answer")))
      << error.toStdString();
}

TEST(CliFlash, FlashOverAPtyThenTheNewModelAnswersLikeTheDesktop) {
  const QString modelFile = modelPath(QStringLiteral("micro_speech_quantized"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  QTemporaryDir dir;
  PtyAgent agent(dir.filePath("slots"));
  ASSERT_FALSE(agent.address().isEmpty());
  const CliResult flash = runCli({"flash", "--device", agent.address(), modelFile, "--json"});
  ASSERT_EQ(flash.code, 0) << flash.err.toStdString();
  const QJsonObject f = QJsonDocument::fromJson(flash.out.toUtf8()).object();
  EXPECT_TRUE(f["activated"].toBool());
  EXPECT_EQ(f["resumed_from"].toInt(), 0);
  const QString host = dir.filePath("host"), device = dir.filePath("device");
  ASSERT_EQ(
      runCli({"run", modelFile, "--seed", "5", "--kernels", "reference", "--dump", host}).code, 0);
  const CliResult infer = runCli({"infer", "--device", agent.address(), "--input",
                                  host + "/input.bin", "--model", modelFile, "--dump", device});
  ASSERT_EQ(infer.code, 0) << infer.err.toStdString();
  const CliResult cmp = runCli({"compare", host, device});
  EXPECT_EQ(cmp.code, 0) << cmp.out.toStdString();
  // Over sim: (the agent spawned for this one command) flashing works the same way.
  const CliResult sim = runCli({"flash", "--device", "sim:", modelFile});
  EXPECT_EQ(sim.code, 0) << sim.err.toStdString();
  EXPECT_TRUE(sim.out.contains("verified and active")) << sim.out.toStdString();
}

namespace {

// The first child process of `pid` (the agent a `sim:` command spawned), 0 when none yet.
qint64 childOf(qint64 pid) {
  QFile f(QStringLiteral("/proc/%1/task/%1/children").arg(pid));
  if (!f.open(QIODevice::ReadOnly)) return 0;
  return QString::fromLatin1(f.readAll()).split(' ', Qt::SkipEmptyParts).value(0).toLongLong();
}

bool processGone(qint64 pid) {
  return pid == 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
}

}  // namespace

// `flash --device sim:?slots=DIR` killed (SIGKILL) at a random moment of transfer, verify,
// self-test or confirm, the CLI or the agent in turn, 100 times over 4 parallel lanes (each
// its own slot directory). After each kill a new connection finds slot 0's model or the new
// verified one active (never a slot with other bytes), and flashing again completes.
TEST(CliFlash, KilledAtRandomPointsTheDeviceRunsTheOldOrTheNewModelAndFlashingResumes) {
  const QString modelFile = modelPath(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  QTemporaryDir dir;
  tinyscope::ModelImageFile image;
  QString error;
  ASSERT_TRUE(
      tinyscope::loadModelImage(readAll(modelFile), "kws_ref_model", "the model", &image, &error));
  const QString imageCrc =
      QStringLiteral("%1").arg(tinyscope::proto::crc32(tinyscope::proto::ConstByteSpan(
                                   reinterpret_cast<const uint8_t*>(image.bytes.constData()),
                                   static_cast<size_t>(image.bytes.size()))),
                               8, 16, QLatin1Char('0'));
  // How long one undisturbed flash takes: kills land anywhere in [0, 1.2 x that].
  QElapsedTimer clock;
  clock.start();
  const QString probe = "sim:?slots=" + dir.filePath("probe");
  ASSERT_EQ(runCli({"flash", "--device", probe, modelFile, "--slot", "1"}).code, 0);
  const qint64 fullMs = qMax<qint64>(20, clock.elapsed());

  constexpr int kLanes = 4;
  constexpr int kTrialsPerLane = 25;
  std::atomic<int> oldActive{0}, newActive{0}, failures{0};
  auto lane = [&](int id) {
    std::mt19937 rng(uint32_t(1000 + id));
    const QString sim = "sim:?slots=" + dir.filePath(QStringLiteral("lane%1").arg(id));
    for (int t = 0; t < kTrialsPerLane; ++t) {
      QProcess cli;
      cli.start(QStringLiteral(TINYSCOPE_CLI),
                {"flash", "--device", sim, modelFile, "--slot", "1"});
      if (!cli.waitForStarted(5000)) {
        ++failures;
        return;
      }
      const int delayMs = int(rng() % uint32_t(fullMs * 12 / 10 + 1));
      QThread::msleep(static_cast<unsigned long>(delayMs));
      const qint64 agent = childOf(cli.processId());
      if (t % 2 == 0 || agent == 0) {
        cli.kill();
      } else {
        ::kill(static_cast<pid_t>(agent), SIGKILL);
      }
      cli.waitForFinished(10000);
      for (int i = 0; i < 200 && !processGone(agent); ++i) QThread::msleep(10);
      // After the kill: the active model is the old one (slot 0) or the new verified one.
      const CliResult slots = runCli({"slots", "--device", sim, "--json"});
      const QJsonArray list = QJsonDocument::fromJson(slots.out.toUtf8()).array();
      int active = -1;
      for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        const QString state = o["state"].toString();
        if (state != "active" && state != "testing") continue;
        active = o["slot"].toInt();
        if (active == 1 && (o["model_crc32"].toString() != imageCrc ||
                            o["model_name"].toString() != "kws_ref_model")) {
          ADD_FAILURE() << "lane " << id << " trial " << t << ": slot 1 active with other bytes";
          ++failures;
        }
      }
      if (slots.code != 0 || (active != 0 && active != 1)) {
        ADD_FAILURE() << "lane " << id << " trial " << t << " (kill after " << delayMs
                      << " ms): no model active: " << slots.out.toStdString()
                      << slots.err.toStdString();
        ++failures;
      }
      (active == 1 ? newActive : oldActive)++;
      // Unless the new model made it, the desktop flashes again (resuming what the device
      // holds) and completes. (An active slot is never written: the device refuses it.)
      const CliResult again = active == 1
                                  ? CliResult{0, {}, {}}
                                  : runCli({"flash", "--device", sim, modelFile, "--slot", "1"});
      if (again.code != 0) {
        ADD_FAILURE() << "lane " << id << " trial " << t
                      << ": flashing again failed: " << again.err.toStdString();
        ++failures;
      }
      // Back to the old model for the next trial.
      runCli({"rollback", "--device", sim});
    }
  };
  std::vector<std::thread> lanes;
  for (int i = 0; i < kLanes; ++i) lanes.emplace_back(lane, i);
  for (std::thread& t : lanes) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(oldActive + newActive, kLanes * kTrialsPerLane);
  std::printf("kill trials: %d old model active, %d new model active (flash %lld ms)\n",
              oldActive.load(), newActive.load(), static_cast<long long>(fullMs));
}

namespace {

// A device played in-process that is honest about its flash (it writes chunks in order and
// refuses any other with its offset) but scrambles its answers: each batch goes back in
// reverse order, and every third answer is sent twice. Records the most chunks the desktop
// had outstanding and the offset it held when FlashEnd came.
struct ScramblingDevice {
  FakeDevice dev;
  QByteArray stored;  // bytes written, in order
  quint32 size = 0;
  quint32 crc = 0;
  int mostOutstanding = 0;
  int endsEarly = 0;  // FlashEnd before every byte was written
  bool finished = false;

  bool connect(uint8_t version) {
    using namespace tinyscope::proto;
    HelloReply h = FakeDevice::helloReply();
    h.chosenVersion = version;
    h.maxVersion = version;
    h.arenaBytes = 1u << 20;
    h.opCodes.clear();
    for (uint16_t op = 0; op < kMaxOps; ++op) h.opCodes.push(op);
    SlotInfo slot;
    slot.slot = 1;
    slot.capacity = 1u << 20;
    h.slots.push(slot);
    return dev.connect(h);
  }

  // Answers everything the desktop sent since the last call.
  void serve() {
    using namespace tinyscope::proto;
    struct Answer {
      quint16 request;
      bool ok;
      Ack ack;
      Nack nack;
    };
    std::vector<Answer> answers;
    int outstanding = 0;
    for (const FakeDevice::Request& r : dev.takeRequests()) {
      const ConstByteSpan bytes(reinterpret_cast<const uint8_t*>(r.bytes.constData()),
                                static_cast<size_t>(r.bytes.size()));
      Answer a{r.header.requestId, true, Ack(), Nack()};
      a.ack.ackedType = r.header.type;
      a.nack.nackedType = static_cast<uint8_t>(r.header.type);
      if (r.header.type == MessageType::kSlotInfoRequest) {
        SlotInfo info;
        info.slot = 1;
        info.capacity = 1u << 20;
        dev.send(info, r.header.requestId);
        continue;
      }
      if (r.header.type == MessageType::kFlashBegin) {
        FlashBegin m;
        ASSERT_EQ(decodeMessage(bytes, m), Status::kOk);
        size = m.size;
        crc = m.crc32;
        stored.clear();
        a.ack.value = 0;
      } else if (r.header.type == MessageType::kFlashChunk) {
        FlashChunk m;
        ASSERT_EQ(decodeMessage(bytes, m), Status::kOk);
        mostOutstanding = std::max(mostOutstanding, ++outstanding);
        if (m.offset != static_cast<quint32>(stored.size())) {
          a.ok = false;
          a.nack.code = NackCode::kFlashOffsetMismatch;
          a.nack.value = static_cast<uint32_t>(stored.size());
        } else {
          stored.append(reinterpret_cast<const char*>(m.data.data()),
                        static_cast<int>(m.data.size()));
          a.ack.value = static_cast<uint32_t>(stored.size());
        }
      } else if (r.header.type == MessageType::kFlashEnd ||
                 r.header.type == MessageType::kVerifySlot) {
        if (static_cast<quint32>(stored.size()) != size) ++endsEarly;
        a.ack.value = tinyscope::proto::crc32(
            ConstByteSpan(reinterpret_cast<const uint8_t*>(stored.constData()),
                          static_cast<size_t>(stored.size())));
      }
      answers.push_back(a);
    }
    int n = 0;
    for (auto it = answers.rbegin(); it != answers.rend(); ++it) {
      for (int copy = 0; copy < (++n % 3 == 0 ? 2 : 1); ++copy) {
        if (it->ok)
          dev.send(it->ack, it->request);
        else
          dev.send(it->nack, it->request);
      }
    }
  }
};

}  // namespace

// Answers in reverse order and duplicated cannot make the desktop skip a byte: with a window
// (protocol 3) or stop-and-wait (a version-2 device), the device ends up holding exactly the
// image, FlashEnd comes only once it has every byte, and a version-2 device never has more
// than one chunk outstanding.
TEST(ModelFlasher, ReorderedAndDuplicatedAnswersNeverSkipBytes) {
  const QString modelFile = modelPath(QStringLiteral("kws_ref_model"));
  if (!QFileInfo(modelFile).isFile())
    GTEST_SKIP() << modelFile.toStdString() << " is absent (set TINYSCOPE_SHARED_DIR)";
  const QByteArray model = readAll(modelFile);
  for (const uint8_t version : {tinyscope::proto::kWindowedFlashingProtocolVersion,
                                tinyscope::proto::kFlashingProtocolVersion}) {
    SCOPED_TRACE(version);
    ScramblingDevice device;
    ASSERT_TRUE(device.connect(version));
    tinyscope::ModelFlasher flasher(device.dev.session.get());
    tinyscope::FlashOptions options;
    options.modelName = QStringLiteral("kws");
    options.activate = false;
    options.requestTimeoutMs = 200;
    bool done = false;
    bool ok = false;
    QString error;
    QObject::connect(&flasher, &tinyscope::ModelFlasher::finished,
                     [&](bool success, const QString& why) {
                       done = true;
                       ok = success;
                       error = why;
                     });
    ASSERT_TRUE(flasher.start(model, options)) << flasher.error().toStdString();
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < 30000) {
      device.serve();
      QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    ASSERT_TRUE(ok) << error.toStdString();
    tinyscope::ModelImageFile image;
    ASSERT_TRUE(tinyscope::loadModelImage(model, options.modelName, "the model", &image, &error));
    EXPECT_EQ(device.stored, image.bytes) << "the device holds exactly the image";
    EXPECT_EQ(device.endsEarly, 0);
    EXPECT_EQ(flasher.report().bytesSent, static_cast<quint32>(image.bytes.size()));
    if (version < tinyscope::proto::kWindowedFlashingProtocolVersion) {
      EXPECT_EQ(device.mostOutstanding, 1);
      EXPECT_EQ(flasher.report().window, 1);
    } else {
      EXPECT_GT(flasher.report().window, 2) << "the window grew";
    }
  }
}
