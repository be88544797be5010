// The Cortex-M4 tinyscope-agent in real QEMU boards, driven by the real tinyscope-cli through
// the qemu: device (and, where state must outlive one CLI run, through scripts/qemu_run.sh
// and a serial: pty): boot + handshake, streaming without gaps, inference with tensor capture
// bit-identical to the desktop runtime, flashing over the emulated UART.
//
// Every QEMU is stopped by the CLI (qemu: closes it) or by QemuScript's destructor. Tests skip
// with the reason when the image, qemu-system-arm or the shared models are missing.
#include <gtest/gtest.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QPair>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <csignal>
#include <set>
#include <string>
#include <vector>

#include "device_protocol/model_image.h"
#include "model_runner/host/tflite_writer.h"
#include "model_runner/kernels/all_ops.h"
#include "tests/support/cli_process.h"

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);
const QString kFirmwareDir = QStringLiteral(TINYSCOPE_FIRMWARE_DIR);
const QString kRunScript = QStringLiteral(TINYSCOPE_QEMU_RUN_SCRIPT);

QString imageFor(const QString& board) {
  return kFirmwareDir + "/" + board + "/tinyscope-agent.elf";
}
QString modelPath(const QString& name) {
  return kShared + "/models/" + name + ".tflite";
}

// Empty when the board can run; otherwise why not.
QString missing(const QString& board = QStringLiteral("mps2-an386")) {
  if (kFirmwareDir.isEmpty())
    return QStringLiteral(
        "no firmware in this build (arm-none-eabi-g++ missing or TINYSCOPE_BUILD_FIRMWARE=OFF)");
  if (!QFileInfo(imageFor(board)).isFile()) return QStringLiteral("no image ") + imageFor(board);
  if (QStandardPaths::findExecutable(QStringLiteral("qemu-system-arm")).isEmpty())
    return QStringLiteral("qemu-system-arm is not installed");
  return {};
}

#define SKIP_WITHOUT_QEMU(board)                           \
  do {                                                     \
    const QString why = missing(board);                    \
    if (!why.isEmpty()) GTEST_SKIP() << why.toStdString(); \
  } while (0)

#define SKIP_WITHOUT_MODEL(name)                                       \
  do {                                                                 \
    if (!QFileInfo(modelPath(name)).isFile())                          \
      GTEST_SKIP() << "shared model " << modelPath(name).toStdString() \
                   << " is absent (set TINYSCOPE_SHARED_DIR)";         \
  } while (0)

QJsonObject json(const CliResult& r) {
  return QJsonDocument::fromJson(r.out.toUtf8()).object();
}
std::string show(const CliResult& r) {
  return (r.err + r.out.left(4000)).toStdString();
}

// A board booted by scripts/qemu_run.sh whose UART pty outlives single CLI runs.
class QemuScript {
 public:
  QemuScript(const QString& board, const QString& model = {}) {
    QStringList args{QStringLiteral("--board"), board, QStringLiteral("--timeout"),
                     QStringLiteral("240")};
    if (!model.isEmpty()) args << QStringLiteral("--model") << model;
    args << imageFor(board);
    // --model: the script wraps the model with this build's tinyscope-cli slot-image.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TINYSCOPE_CLI"), QStringLiteral(TINYSCOPE_CLI));
    m_process.setProcessEnvironment(env);
    m_process.start(kRunScript, args);
    if (!m_process.waitForStarted(5000)) return;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 15000 && m_pty.isEmpty()) {
      if (!m_process.canReadLine() && !m_process.waitForReadyRead(200)) continue;
      while (m_process.canReadLine()) {
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        if (line.startsWith("TINYSCOPE_QEMU_PID=")) m_qemuPid = line.mid(19).toLongLong();
        if (line.startsWith("TINYSCOPE_PTY=")) m_pty = line.mid(14);
      }
    }
  }
  ~QemuScript() {
    // TINYSCOPE_QEMU_PID is timeout(1), which leads its own process group with QEMU in it:
    // SIGTERM is passed on to QEMU, SIGKILL to the group leaves nothing behind. (The script
    // itself only runs its cleanup trap once its relay of QEMU's output ends.)
    if (m_qemuPid > 0) {
      ::kill(static_cast<pid_t>(m_qemuPid), SIGTERM);
      m_process.waitForFinished(3000);
      ::kill(-static_cast<pid_t>(m_qemuPid), SIGKILL);
    }
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) m_process.kill();
    m_process.waitForFinished(3000);
  }
  QString address() const {
    return m_pty.isEmpty() ? QString() : QStringLiteral("serial:") + m_pty;
  }

 private:
  QProcess m_process;
  QString m_pty;
  qint64 m_qemuPid = 0;
};

}  // namespace

TEST(QemuAgent, BootsAndHandshakesWithinTheDefaultTimeout) {
  SKIP_WITHOUT_QEMU(QStringLiteral("mps2-an386"));
  QElapsedTimer t;
  t.start();
  const CliResult r = runCli({"info", "--device", "qemu:", "--json"}, 60000);
  ASSERT_EQ(r.code, 0) << show(r);
  RecordProperty("info_ms", static_cast<int>(t.elapsed()));
  EXPECT_LT(t.elapsed(), 10000);
  const QJsonObject o = json(r);
  EXPECT_EQ(o["board"].toString(), "mps2-an386");
  EXPECT_TRUE(o["firmware_version"].toString().endsWith("cortex-m4"))
      << o["firmware_version"].toString().toStdString();
  EXPECT_EQ(o["protocol_version"].toInt(), tinyscope::proto::kMaxProtocolVersion);
  EXPECT_EQ(o["tick_hz"].toInt(), 25000000);
  // mps2-an386 ships every operator: the Hello lists each builtin code of the desktop's whole
  // op table once (the custom signal ops share the code CUSTOM).
  static tinyscope::runner::AllOpsResolver all;
  ASSERT_EQ(tinyscope::runner::kernels::addAllOps(all), tinyscope::runner::Status::kOk);
  std::set<int32_t> desktopCodes;
  for (uint32_t i = 0; i < all.size(); ++i) desktopCodes.insert(all.at(i).builtinCode);
  const QJsonArray codes = o["op_codes"].toArray();
  EXPECT_EQ(codes.size(), static_cast<int>(desktopCodes.size()));
  for (int32_t code : desktopCodes) EXPECT_TRUE(codes.contains(code)) << "missing op code " << code;
  ASSERT_EQ(o["sensors"].toArray().size(), 2);
  EXPECT_EQ(o["sensors"].toArray()[0].toObject()["name"].toString(), "imu");
  ASSERT_EQ(o["model_slots"].toArray().size(), 2);
  EXPECT_EQ(o["model_slots"].toArray()[0].toObject()["state"].toString(), "empty");
}

TEST(QemuAgent, Netduinoplus2BootsWithItsPreloadedModel) {
  SKIP_WITHOUT_QEMU(QStringLiteral("netduinoplus2"));
  SKIP_WITHOUT_MODEL(QStringLiteral("hello_world_int8"));
  const CliResult r =
      runCli({"info", "--json", "--device",
              "qemu:?board=netduinoplus2&model=" + modelPath(QStringLiteral("hello_world_int8"))},
             60000);
  ASSERT_EQ(r.code, 0) << show(r);
  const QJsonObject o = json(r);
  EXPECT_EQ(o["board"].toString(), "netduinoplus2");
  EXPECT_EQ(o["arena_bytes"].toInt(), 96 * 1024);
  const QJsonObject slot0 = o["model_slots"].toArray()[0].toObject();
  EXPECT_EQ(slot0["state"].toString(), "active");
  EXPECT_EQ(slot0["model_bytes"].toInt(),
            QFileInfo(modelPath(QStringLiteral("hello_world_int8"))).size());
}

TEST(QemuAgent, StreamsImuAndSineWithoutGaps) {
  SKIP_WITHOUT_QEMU(QStringLiteral("mps2-an386"));
  {
    const CliResult r = runCli(
        {"stream", "--device", "qemu:", "--duration", "3", "--json", "--fail-on-loss"}, 60000);
    ASSERT_EQ(r.code, 0) << show(r);
    const QJsonObject o = json(r);
    EXPECT_EQ(o["sensor"].toString(), "imu");
    EXPECT_EQ(o["sequence_gaps"].toInt(), 0);
    EXPECT_EQ(o["crc_errors"].toInt(), 0);
    EXPECT_GE(o["samples"].toInt(), 100);              // ~3 s at 50 Hz, minus boot
    EXPECT_NEAR(o["rate_hz"].toDouble(), 50.0, 0.01);  // device timestamps
  }
  {
    // 1 kHz x int16: ~2.3 KB/s of frames, well inside the emulated UART's 10-19 KB/s.
    const CliResult r = runCli({"stream", "--device", "qemu:", "--sensor", "1", "--rate", "1000",
                                "--duration", "3", "--json", "--fail-on-loss"},
                               60000);
    ASSERT_EQ(r.code, 0) << show(r);
    const QJsonObject o = json(r);
    EXPECT_EQ(o["sequence_gaps"].toInt(), 0);
    EXPECT_EQ(o["overruns_reported"].toInt(), 0);
    EXPECT_GE(o["samples"].toInt(), 2000);
    EXPECT_NEAR(o["rate_hz"].toDouble(), 1000.0, 0.5);
  }
}

// Device inference with capture vs the desktop runtime on the same input, bit for bit.
struct InferCase {
  const char* model;
  const char* board;
  const char* capture;  // "all" or a comma list of op indices (large models: the link is slow)
};

void PrintTo(const InferCase& c, std::ostream* os) {
  *os << c.model << " on " << c.board << ", capture " << c.capture;
}

class QemuAgentInfer : public ::testing::TestWithParam<InferCase> {};

TEST_P(QemuAgentInfer, TensorsAreBitIdenticalToTheDesktop) {
  const InferCase c = GetParam();
  const QString model = QString::fromLatin1(c.model);
  const QString board = QString::fromLatin1(c.board);
  SKIP_WITHOUT_QEMU(board);
  SKIP_WITHOUT_MODEL(model);
  QTemporaryDir dir;
  // The device runs the reference kernels; the desktop by default its SIMD kernels, which
  // must agree with them bit for bit. Both are checked.
  const QString host = dir.filePath("host"), device = dir.filePath("device"),
                desktop = dir.filePath("desktop");
  const CliResult run =
      runCli({"run", modelPath(model), "--seed", "7", "--kernels", "reference", "--dump", host});
  ASSERT_EQ(run.code, 0) << show(run);
  const CliResult runDefault = runCli({"run", modelPath(model), "--seed", "7", "--dump", desktop});
  ASSERT_EQ(runDefault.code, 0) << show(runDefault);
  const QString address = QStringLiteral("qemu:?board=%1&model=%2").arg(board, modelPath(model));
  QElapsedTimer t;
  t.start();
  const CliResult infer =
      runCli({"infer", "--device", address, "--input", host + "/input.bin", "--dump", device,
              "--capture", QString::fromLatin1(c.capture), "--json"},
             180000);
  ASSERT_EQ(infer.code, 0) << show(infer);
  const QJsonObject o = json(infer);
  RecordProperty("wall_ms", static_cast<int>(t.elapsed()));
  RecordProperty("captured_bytes", o["captured_bytes"].toInt());
  EXPECT_EQ(o["board"].toString(), board);
  const CliResult cmp = runCli({"compare", host, device});
  EXPECT_EQ(cmp.code, 0) << "device vs desktop reference kernels:\n" << show(cmp);
  EXPECT_TRUE(cmp.out.contains("identical")) << cmp.out.toStdString();
  const CliResult cmpDefault = runCli({"compare", desktop, device});
  EXPECT_EQ(cmpDefault.code, 0) << "device vs desktop default (optimized) kernels:\n"
                                << show(cmpDefault);
  if (QString::fromLatin1(c.capture) == QLatin1String("all")) {
    QFile manifest(host + "/manifest.json");
    ASSERT_TRUE(manifest.open(QIODevice::ReadOnly));
    const int ops =
        QJsonDocument::fromJson(manifest.readAll()).object()["operators"].toArray().size();
    EXPECT_GE(o["captured_tensors"].toInt(), ops);  // every op's output (+ model input)
  }
}

namespace {

// A chain of the element-wise tier's int8 operators, written by the .tflite writer: SUB (with a
// broadcast constant), HARD_SWISH, LEAKY_RELU, PRELU, TANH, ABS, SQUARED_DIFFERENCE, ELU, RELU6.
std::vector<uint8_t> elementwiseChainModel() {
  using namespace tinyscope::runner::host;
  TfliteWriter w;
  const std::vector<int32_t> shape = {1, 6, 6, 4};
  int32_t x = w.addActivation("input", TensorType::kInt8, shape, QuantParams::perTensor(0.05f, 3));
  auto op = [&](BuiltinOperator code, std::vector<int32_t> extra, float scale, int64_t zp,
                BuiltinOptions options = {}) {
    const int32_t out = w.addActivation("t" + std::to_string(w.tensors().size()), TensorType::kInt8,
                                        shape, QuantParams::perTensor(scale, zp));
    OperatorSpec spec;
    spec.op = code;
    spec.inputs = {x};
    spec.inputs.insert(spec.inputs.end(), extra.begin(), extra.end());
    spec.outputs = {out};
    spec.options = std::move(options);
    w.addOperator(std::move(spec));
    x = out;
  };
  const int32_t bias =
      w.addInt8Constant("bias", {4}, {-40, 7, 90, -128}, QuantParams::perTensor(0.02f, -3));
  const int32_t alpha =
      w.addInt8Constant("alpha", {1, 1, 1, 4}, {25, -60, 100, 3}, QuantParams::perTensor(0.01f, 0));
  const int32_t other =
      w.addInt8Constant("other", {4}, {1, -50, 60, 127}, QuantParams::perTensor(0.03f, 5));
  TableOptions leaky(tinyscope::runner::schema::BuiltinOptionsType::kLeakyReluOptions);
  leaky.addFloat(tinyscope::runner::schema::leaky_relu_options::kAlpha, 0.2f);
  op(BuiltinOperator::kSub, {bias}, 0.06f, -5);
  op(BuiltinOperator::kHardSwish, {}, 0.04f, -20);
  op(BuiltinOperator::kLeakyRelu, {}, 0.03f, 10, leaky);
  op(BuiltinOperator::kPrelu, {alpha}, 0.02f, 0);
  op(BuiltinOperator::kTanh, {}, 1.0f / 128.0f, 0);
  op(BuiltinOperator::kAbs, {}, 1.0f / 200.0f, -100);
  op(BuiltinOperator::kSquaredDifference, {other}, 0.05f, -128);
  op(BuiltinOperator::kElu, {}, 0.03f, -30);
  op(BuiltinOperator::kRelu6, {}, 0.03f, -30);
  w.setInputs({0});
  w.setOutputs({x});
  return w.serialize();
}

}  // namespace

// mps2-an386 ships every operator: a model of the element-wise tier runs on the emulated MCU
// with every tensor identical to the desktop's.
TEST(QemuAgent, ElementwiseOperatorsAreBitIdenticalOnMps2An386) {
  SKIP_WITHOUT_QEMU(QStringLiteral("mps2-an386"));
  QTemporaryDir dir;
  const QString model = dir.filePath("elementwise_chain.tflite");
  {
    const std::vector<uint8_t> bytes = elementwiseChainModel();
    QFile f(model);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size()));
  }
  const QString host = dir.filePath("host"), device = dir.filePath("device");
  const CliResult run =
      runCli({"run", model, "--seed", "5", "--kernels", "reference", "--dump", host});
  ASSERT_EQ(run.code, 0) << show(run);
  const CliResult infer =
      runCli({"infer", "--device", "qemu:?model=" + model, "--input", host + "/input.bin", "--dump",
              device, "--capture", "all", "--json"},
             180000);
  ASSERT_EQ(infer.code, 0) << show(infer);
  EXPECT_GE(json(infer)["captured_tensors"].toInt(), 9);
  const CliResult cmp = runCli({"compare", host, device});
  EXPECT_EQ(cmp.code, 0) << show(cmp);
  EXPECT_TRUE(cmp.out.contains("identical")) << cmp.out.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    CoreModels, QemuAgentInfer,
    ::testing::Values(InferCase{"hello_world_int8", "mps2-an386", "all"},
                      InferCase{"micro_speech_quantized", "mps2-an386", "all"},
                      InferCase{"ad01_int8", "mps2-an386", "all"},
                      InferCase{"kws_ref_model", "mps2-an386", "all"},
                      InferCase{"pretrainedResnet_quant", "mps2-an386", "all"},
                      InferCase{"person_detect", "mps2-an386", "all"},
                      InferCase{"vww_96_int8", "mps2-an386", "all"},
                      // The footprint board: 96 KiB arena, 384 KiB flash slots.
                      InferCase{"kws_ref_model", "netduinoplus2", "all"},
                      InferCase{"vww_96_int8", "netduinoplus2", "1,29,30"}),
    [](const ::testing::TestParamInfo<InferCase>& param) {
      std::string name = std::string(param.param.model) + "_on_" + param.param.board;
      for (char& ch : name)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

TEST(QemuAgent, FlashOverTheEmulatedUartThenTheNewModelAnswers) {
  SKIP_WITHOUT_QEMU(QStringLiteral("mps2-an386"));
  SKIP_WITHOUT_MODEL(QStringLiteral("micro_speech_quantized"));
  SKIP_WITHOUT_MODEL(QStringLiteral("hello_world_int8"));
  QemuScript board(QStringLiteral("mps2-an386"));  // boots with both slots empty
  ASSERT_FALSE(board.address().isEmpty()) << "qemu_run.sh reported no pty";
  QTemporaryDir dir;
  for (const QString& name :
       {QStringLiteral("micro_speech_quantized"), QStringLiteral("hello_world_int8")}) {
    const CliResult flash =
        runCli({"flash", "--device", board.address(), modelPath(name), "--json"}, 120000);
    ASSERT_EQ(flash.code, 0) << show(flash);
    const QJsonObject f = json(flash);
    EXPECT_TRUE(f["activated"].toBool());
    EXPECT_TRUE(f["confirmed"].toBool()) << "the self-test passed on the board";
    EXPECT_EQ(f["bytes"].toInt(),
              QFileInfo(modelPath(name)).size() + qint64(tinyscope::proto::kModelImageHeaderSize))
        << "a .tflite travels as a model image";
    // The new model answers, bit-identical to the desktop runtime.
    const QString host = dir.filePath(name + "_host"), device = dir.filePath(name + "_device");
    ASSERT_EQ(
        runCli({"run", modelPath(name), "--seed", "3", "--kernels", "reference", "--dump", host})
            .code,
        0);
    const CliResult infer =
        runCli({"infer", "--device", board.address(), "--input", host + "/input.bin", "--model",
                modelPath(name), "--dump", device});
    ASSERT_EQ(infer.code, 0) << show(infer);
    const CliResult cmp = runCli({"compare", host, device});
    EXPECT_EQ(cmp.code, 0) << show(cmp);
  }
  // micro_speech went to slot 0 (first non-active), hello_world to slot 1 (slot 0 was active).
  const CliResult info = runCli({"info", "--device", board.address(), "--json"});
  ASSERT_EQ(info.code, 0) << show(info);
  const QJsonArray slots = json(info)["model_slots"].toArray();
  ASSERT_EQ(slots.size(), 2);
  EXPECT_EQ(slots[0].toObject()["state"].toString(), "valid");
  EXPECT_EQ(slots[0].toObject()["model_name"].toString(), "micro_speech_quantized");
  EXPECT_EQ(slots[1].toObject()["state"].toString(), "active");
  EXPECT_EQ(slots[1].toObject()["model_name"].toString(), "hello_world_int8");
}

namespace {
// slot -> {state, model_name} from `slots --json`.
QMap<int, QPair<QString, QString>> slotStates(const QString& address) {
  const CliResult r = runCli({"slots", "--device", address, "--json"}, 60000);
  EXPECT_EQ(r.code, 0) << show(r);
  QMap<int, QPair<QString, QString>> states;
  for (const QJsonValue& v : QJsonDocument::fromJson(r.out.toUtf8()).array()) {
    const QJsonObject o = v.toObject();
    states[o["slot"].toInt()] = {o["state"].toString(), o["model_name"].toString()};
  }
  return states;
}
}  // namespace

// MCUboot's test -> confirm -> revert over the emulated UART, with the protocol's Reset
// (hal::reboot(), a system reset of the board): the slot journal in PSRAM outlives it, so an
// unconfirmed model is reverted at the reboot, a confirmed one stays active, names stay.
TEST(QemuAgent, FlashResetTestConfirmSurviveRebootsOnMps2An386) {
  SKIP_WITHOUT_QEMU(QStringLiteral("mps2-an386"));
  SKIP_WITHOUT_MODEL(QStringLiteral("micro_speech_quantized"));
  SKIP_WITHOUT_MODEL(QStringLiteral("hello_world_int8"));
  QemuScript board(QStringLiteral("mps2-an386"));  // boots with both slots empty
  const QString a = board.address();
  ASSERT_FALSE(a.isEmpty()) << "qemu_run.sh reported no pty";
  const QString hello = modelPath(QStringLiteral("hello_world_int8"));
  const QString speech = modelPath(QStringLiteral("micro_speech_quantized"));
  using State = QPair<QString, QString>;

  // hello_world confirmed in slot 0; micro_speech in test state in slot 1.
  const CliResult first = runCli({"flash", "--device", a, hello, "--slot", "0"}, 120000);
  ASSERT_EQ(first.code, 0) << show(first);
  const CliResult test =
      runCli({"flash", "--device", a, speech, "--slot", "1", "--no-confirm", "--json"}, 120000);
  ASSERT_EQ(test.code, 0) << show(test);
  EXPECT_FALSE(json(test)["confirmed"].toBool());
  EXPECT_EQ(slotStates(a)[1], State("testing", "micro_speech_quantized"));

  // A reset before Confirm reverts to hello_world; the names came back from the journal.
  const CliResult reset = runCli({"reset", "--device", a}, 60000);
  ASSERT_EQ(reset.code, 0) << show(reset);
  auto states = slotStates(a);
  EXPECT_EQ(states[0], State("active", "hello_world_int8"));
  EXPECT_EQ(states[1], State("valid", "micro_speech_quantized"));

  // Test again, confirm by hand, reset: micro_speech stays active and answers like the desktop.
  ASSERT_EQ(runCli({"flash", "--device", a, speech, "--slot", "1", "--no-confirm"}, 120000).code,
            0);
  const CliResult confirm = runCli({"confirm", "--device", a}, 60000);
  ASSERT_EQ(confirm.code, 0) << show(confirm);
  ASSERT_EQ(runCli({"reset", "--device", a}, 60000).code, 0);
  states = slotStates(a);
  EXPECT_EQ(states[0], State("valid", "hello_world_int8"));
  EXPECT_EQ(states[1], State("active", "micro_speech_quantized"));
  QTemporaryDir dir;
  const QString host = dir.filePath("host"), device = dir.filePath("device");
  ASSERT_EQ(runCli({"run", speech, "--seed", "4", "--kernels", "reference", "--dump", host}).code,
            0);
  const CliResult infer = runCli(
      {"infer", "--device", a, "--input", host + "/input.bin", "--model", speech, "--dump", device},
      120000);
  ASSERT_EQ(infer.code, 0) << show(infer);
  EXPECT_EQ(runCli({"compare", host, device}).code, 0);

  // Rollback to hello_world is itself kept across a reset.
  ASSERT_EQ(runCli({"rollback", "--device", a}, 60000).code, 0);
  ASSERT_EQ(runCli({"reset", "--device", a}, 60000).code, 0);
  EXPECT_EQ(slotStates(a)[0], State("active", "hello_world_int8"));
}

namespace {
// LOGISTIC over `width` int8 values: an operator outside netduinoplus2's `core` set, and an
// arena of about 2 x width bytes.
std::vector<uint8_t> wideLogisticModel(int32_t width) {
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
  return w.serialize();
}
}  // namespace

// netduinoplus2's `core` firmware (7 operators, 96 KiB arena) is asked to take a model it
// cannot run: the Hello is enough to refuse it, with every reason in one line, exit 2 — before
// the first byte (a transfer would have ended in FlashWriteFailed, exit 1, on this board).
TEST(QemuAgent, Netduinoplus2RefusesAModelItCannotRunBeforeTheFirstByte) {
  SKIP_WITHOUT_QEMU(QStringLiteral("netduinoplus2"));
  QTemporaryDir dir;
  const QString model = dir.filePath("wide_logistic.tflite");
  {
    const std::vector<uint8_t> bytes = wideLogisticModel(60000);
    QFile f(model);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size()));
  }
  const CliResult r = runCli({"flash", "--device", "qemu:?board=netduinoplus2", model}, 60000);
  EXPECT_EQ(r.code, 2) << show(r);
  EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
  EXPECT_TRUE(r.err.contains(QRegularExpression(
      "model 'wide_logistic' cannot run on this device: op 14 LOGISTIC not supported by firmware "
      "[0-9.]+-cortex-m4; needs 117.3 KB arena, device has 96.0 KB$")))
      << r.err.toStdString();
}

TEST(QemuAgent, Netduinoplus2RefusesRunTimeFlashingWithOneClearError) {
  SKIP_WITHOUT_QEMU(QStringLiteral("netduinoplus2"));
  SKIP_WITHOUT_MODEL(QStringLiteral("hello_world_int8"));
  const CliResult r = runCli({"flash", "--device", "qemu:?board=netduinoplus2",
                              modelPath(QStringLiteral("hello_world_int8"))},
                             60000);
  EXPECT_EQ(r.code, 1) << show(r);
  EXPECT_EQ(r.err.count('\n'), 1) << r.err.toStdString();
  EXPECT_TRUE(r.err.contains("qemu:?board=netduinoplus2")) << r.err.toStdString();
}
