// inspect / run / bench / compare through the real tinyscope-cli binary, on real models.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <vector>

#include "hostile_models.h"
#include "tests/support/cli_process.h"

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);

QString model(const char* name) {
  return kShared + "/models/" + name + ".tflite";
}
QString golden(const char* name, const char* c) {
  return kShared + "/golden/" + name + "/" + c;
}

#define REQUIRE_SHARED()                                            \
  if (!QFileInfo::exists(kShared + "/models"))                      \
  GTEST_SKIP() << "../shared is missing (" << kShared.toStdString() \
               << "): no third-party models to test with"

}  // namespace

TEST(CliModel, InspectListsOpsTensorsMacsAndArena) {
  REQUIRE_SHARED();
  const CliResult r = runCli({"inspect", model("person_detect"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
  EXPECT_EQ(o["operators"].toArray().size(), 31);
  EXPECT_GT(o["arena_bytes"].toDouble(), 0);
  EXPECT_LE(o["arena_bytes"].toDouble(), 85024);  // TFLM's figure for this model
  const CliResult text = runCli({"inspect", model("hello_world_int8")});
  EXPECT_EQ(text.code, 0);
  EXPECT_TRUE(text.out.contains("FULLY_CONNECTED"));
}

TEST(CliModel, RunDumpMatchesGoldenAndCompareSaysSo) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const CliResult run =
      runCli({"run", model("kws_ref_model"), "--input",
              golden("kws_ref_model", "seed2") + "/input.bin", "--dump", dir.path()});
  ASSERT_EQ(run.code, 0) << run.err.toStdString();
  const CliResult cmp = runCli({"compare", golden("kws_ref_model", "seed2"), dir.path(), "--json"});
  EXPECT_EQ(cmp.code, 0) << cmp.out.toStdString();
  const QJsonObject o = QJsonDocument::fromJson(cmp.out.toUtf8()).object();
  EXPECT_TRUE(o["identical"].toBool());
  EXPECT_EQ(o["first_diverging_op"].toInt(), -1);
}

// --threads N: MobileNetV2's large layers in bands on 3 threads, every tensor still the golden
// one; a count outside 1..64 is a usage error naming the option.
TEST(CliModel, RunWithThreadsMatchesGoldenAndRefusesBadCounts) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const CliResult run = runCli({"run", model("mobilenet_v2_quantized"), "--seed", "1", "--threads",
                                "3", "--dump", dir.path()});
  ASSERT_EQ(run.code, 0) << run.err.toStdString();
  const CliResult cmp =
      runCli({"compare", golden("mobilenet_v2_quantized", "seed1"), dir.path(), "--json"});
  EXPECT_EQ(cmp.code, 0) << cmp.out.toStdString();
  EXPECT_TRUE(QJsonDocument::fromJson(cmp.out.toUtf8()).object()["identical"].toBool());
  for (const char* bad : {"0", "65", "two"}) {
    const CliResult r = runCli({"run", model("hello_world_int8"), "--seed", "1", "--threads", bad});
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_TRUE(r.err.contains("--threads")) << r.err.toStdString();
  }
}

TEST(CliModel, CompareNamesTheFirstDivergingOperatorAndHonoursTolerance) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  ASSERT_EQ(runCli({"run", model("person_detect"), "--seed", "1", "--dump", dir.path()}).code, 0);
  // Nudge one element of the output of operator 5 by +2 steps.
  const QJsonObject manifest = QJsonDocument::fromJson([&] {
                                 QFile f(dir.path() + "/manifest.json");
                                 f.open(QIODevice::ReadOnly);
                                 return f.readAll();
                               }())
                                   .object();
  int tensor = -1;
  for (const QJsonValue& op : manifest["operators"].toArray())
    if (op.toObject()["index"].toInt() == 5)
      tensor = op.toObject()["outputs"].toArray().at(0).toInt();
  ASSERT_GE(tensor, 0);
  QFile t(dir.path() + QString("/tensors/T%1.bin").arg(tensor));
  ASSERT_TRUE(t.open(QIODevice::ReadWrite));
  QByteArray bytes = t.readAll();
  bytes[10] =
      static_cast<char>(static_cast<signed char>(bytes[10]) > 100 ? bytes[10] - 2 : bytes[10] + 2);
  t.seek(0);
  t.write(bytes);
  t.close();

  const CliResult exact = runCli({"compare", golden("person_detect", "seed1"), dir.path()});
  EXPECT_EQ(exact.code, 1);
  EXPECT_TRUE(exact.out.contains("first diverging operator: #5 ")) << exact.out.toStdString();
  EXPECT_EQ(
      runCli({"compare", golden("person_detect", "seed1"), dir.path(), "--tolerance", "2"}).code,
      0);
}

TEST(CliModel, BenchJsonHasTheContractFields) {
  REQUIRE_SHARED();
  const CliResult r = runCli({"bench", model("hello_world_int8"), "--runs", "5", "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
  for (const char* key : {"median_us", "p90_us", "arena_bytes", "ops"})
    EXPECT_TRUE(o.contains(key)) << key;
  ASSERT_EQ(o["ops"].toArray().size(), 3);
  const QJsonObject op = o["ops"].toArray().at(0).toObject();
  for (const char* key : {"index", "op", "median_us"}) EXPECT_TRUE(op.contains(key)) << key;
}

TEST(CliModel, BadInputIsOneLineAndExitTwo) {
  QTemporaryDir dir;
  QFile junk(dir.path() + "/junk.tflite");
  ASSERT_TRUE(junk.open(QIODevice::WriteOnly));
  junk.write(QByteArray(100, '\x7f'));
  junk.close();
  for (const QStringList& args :
       {QStringList{"inspect", dir.path() + "/missing.tflite"},
        QStringList{"inspect", junk.fileName()}, QStringList{"run", junk.fileName(), "--seed", "1"},
        QStringList{"compare", dir.path(), "/nonexistent"},
        QStringList{"bench", junk.fileName(), "--runs", "zero"}, QStringList{"run"}}) {
    const CliResult r = runCli(args);
    EXPECT_EQ(r.code, 2) << args.join(' ').toStdString();
    EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.startsWith("tinyscope-cli ")) << r.err.toStdString();
  }
}

TEST(CliModel, WrongInputSizeStatesExpectedAndGiven) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  QFile in(dir.path() + "/in.bin");
  ASSERT_TRUE(in.open(QIODevice::WriteOnly));
  in.write(QByteArray(5, 0));
  in.close();
  const CliResult r = runCli({"run", model("person_detect"), "--input", in.fileName()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.err.contains("has 5 bytes, but the model's input 0 needs 9216 bytes"))
      << r.err.toStdString();
}

namespace {

std::vector<uint8_t> readModel(const char* name) {
  QFile f(model(name));
  EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << name;
  const QByteArray b = f.readAll();
  return std::vector<uint8_t>(b.begin(), b.end());
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const std::vector<uint8_t>& b) {
  QFile f(dir.path() + "/" + name);
  EXPECT_TRUE(f.open(QIODevice::WriteOnly));
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<qint64>(b.size()));
  return f.fileName();
}

// Exit 2 with one line on stderr that contains every one of `needles`.
void expectOneLineError(const QStringList& args, const QStringList& needles) {
  const CliResult r = runCli(args);
  EXPECT_EQ(r.code, 2) << args.join(' ').toStdString() << "\n" << r.err.toStdString();
  EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
  for (const QString& n : needles)
    EXPECT_TRUE(r.err.contains(n)) << args.join(' ').toStdString() << ": '" << n.toStdString()
                                   << "' not in: " << r.err.toStdString();
}

}  // namespace

// The SIGFPE of inspect/run on an LSTM output with a zero last dimension.
TEST(CliModel, LstmWithZeroSizedOutputIsRefusedNotACrash) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  int32_t op = -1, tensor = -1;
  const QString path = writeFile(dir, "lstm0.tflite",
                                 tinyscope::runner::test::lstmOutputWithZeroLastDim(
                                     readModel("trained_lstm_int8"), &op, &tensor));
  const QStringList needles = {path,
                               QStringLiteral("operator %1 UNIDIRECTIONAL_SEQUENCE_LSTM").arg(op),
                               QStringLiteral("tensor %1").arg(tensor), "zero-sized dimension"};
  expectOneLineError({"inspect", path}, needles);
  expectOneLineError({"inspect", path, "--json"}, needles);
  expectOneLineError({"run", path, "--seed", "1"}, needles);
  expectOneLineError({"bench", path, "--runs", "1"}, needles);
}

// The GUI's zeroPoint.at(0) abort: an int8 tensor with a scale but no zero point.
TEST(CliModel, QuantizationWithoutZeroPointIsRefused) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  using tinyscope::runner::test::QuantDefect;
  for (QuantDefect d :
       {QuantDefect::kNoZeroPoint, QuantDefect::kScaleNaN, QuantDefect::kZeroPointOutOfRange}) {
    // hello_world_int8's output is tensor 9 (what the GUI dequantizes).
    const QString path =
        writeFile(dir, QString("q_%1.tflite").arg(tinyscope::runner::test::quantDefectName(d)),
                  tinyscope::runner::test::withQuantDefect(readModel("hello_world_int8"), 9, d));
    // Removing zero_point from the shared vtable strips it from tensor 0's table as well.
    const QStringList needles = {path, d == QuantDefect::kNoZeroPoint ? "tensor 0" : "tensor 9",
                                 d == QuantDefect::kScaleNaN ? "QuantizationParameters.scale"
                                                             : "QuantizationParameters.zero_point"};
    expectOneLineError({"inspect", path}, needles);
    expectOneLineError({"run", path, "--seed", "1"}, needles);
  }
}

// The uncaught std::ios_base::failure: folders, devices and FIFOs as models or inputs.
TEST(CliModel, FoldersDevicesAndFifosAreRefusedAsModelsAndInputs) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const QString fifo = dir.path() + "/fifo.tflite";
  ASSERT_EQ(mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
  for (const QString& verb : {"inspect", "run", "bench"}) {
    QStringList extra;
    if (verb == "run")
      extra << "--seed"
            << "1";
    expectOneLineError(QStringList{verb, dir.path()} + extra, {dir.path() + " is a folder"});
    expectOneLineError(QStringList{verb, "/dev/zero"} + extra, {"/dev/zero is not a regular file"});
    expectOneLineError(QStringList{verb, fifo} + extra, {fifo + " is not a regular file"});
  }
  const QString m = model("hello_world_int8");
  expectOneLineError({"run", m, "--input", dir.path()}, {dir.path() + " is a folder"});
  expectOneLineError({"run", m, "--input", "/dev/zero"}, {"/dev/zero is not a regular file"});
  expectOneLineError({"run", m, "--input", fifo}, {fifo + " is not a regular file"});
}

// `run` on a zero-size input printed an empty "tinyscope-cli run:" line.
TEST(CliModel, EmptyInputsAndZeroSizedModelInputsNameFileAndSizes) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const QString empty = writeFile(dir, "empty.bin", {});
  expectOneLineError({"run", model("person_detect"), "--input", empty},
                     {empty + " has 0 bytes, but the model's input 0 needs 9216 bytes"});
  const QString big = writeFile(dir, "big.bin", std::vector<uint8_t>(9300, 1));
  expectOneLineError({"run", model("person_detect"), "--input", big},
                     {big + " holds 9300 bytes, more than the 9216 bytes accepted here"});
  // hello_world_int8's input (tensor 0, shape [1,1]) made empty.
  const QString zero =
      writeFile(dir, "zero_input.tflite",
                tinyscope::runner::test::withTensorDim(readModel("hello_world_int8"), 0, 1, 0));
  expectOneLineError({"run", zero, "--input", empty}, {zero + ": ", "tensor 0", "zero-sized"});
  expectOneLineError({"run", zero, "--seed", "1"}, {zero + ": ", "tensor 0", "zero-sized"});
}

// compare trusted a manifest's "file": "../x" and /dev/zero were read.
TEST(CliModel, CompareRefusesManifestPathsOutsideTheDump) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const QString a = dir.path() + "/a";
  ASSERT_EQ(runCli({"run", model("hello_world_int8"), "--seed", "1", "--dump", a}).code, 0);
  QFile mf(a + "/manifest.json");
  ASSERT_TRUE(mf.open(QIODevice::ReadOnly));
  QJsonObject man = QJsonDocument::fromJson(mf.readAll()).object();
  mf.close();
  QJsonArray tensors = man["tensors"].toArray();
  int index = -1;
  for (int i = 0; i < tensors.size(); ++i) {
    QJsonObject t = tensors[i].toObject();
    if (!t["file"].isString()) continue;
    index = i;
    t["file"] = "../../../../../../dev/zero";
    tensors[i] = t;
    break;
  }
  ASSERT_GE(index, 0);
  man["tensors"] = tensors;
  ASSERT_TRUE(mf.open(QIODevice::WriteOnly | QIODevice::Truncate));
  mf.write(QJsonDocument(man).toJson());
  mf.close();
  expectOneLineError({"compare", a, a}, {a + "/../../../../../../dev/zero", "leads outside"});
}

// Desktop dumps said "reference kernels" after the optimized ones ran.
TEST(CliModel, DumpManifestNamesTheKernelsThatRan) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  for (const QString& set : {"reference", "optimized"}) {
    const QString out = dir.path() + "/" + set;
    const CliResult r =
        runCli({"run", model("hello_world_int8"), "--seed", "1", "--kernels", set, "--dump", out});
    if (r.code == 2 && r.err.contains("no optimized kernels")) continue;  // non-x86 builds
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    QFile mf(out + "/manifest.json");
    ASSERT_TRUE(mf.open(QIODevice::ReadOnly));
    const QJsonObject man = QJsonDocument::fromJson(mf.readAll()).object();
    EXPECT_EQ(man["kernels"].toString(), set);
    EXPECT_TRUE(man["oracle"].toString().contains(set + " kernels"))
        << man["oracle"].toString().toStdString();
  }
}

// The host agent aborted with std::ios_base::failure on a folder given as its model.
// Its --wav and --csv recordings did the same.
TEST(CliModel, AgentRefusesFoldersAndDevicesAsItsModelOrRecording) {
  QTemporaryDir dir;
  for (const QString& option : {"--model", "--wav", "--csv"})
    for (const QString& bad : {dir.path(), QStringLiteral("/dev/zero")}) {
      SCOPED_TRACE((option + " " + bad).toStdString());
      QProcess agent;
      agent.start(QStringLiteral(TINYSCOPE_AGENT),
                  {option, bad, "--slots", dir.path() + "/slots", "--quiet"});
      ASSERT_TRUE(agent.waitForFinished(20000)) << bad.toStdString();
      const QString err = QString::fromUtf8(agent.readAllStandardError());
      EXPECT_EQ(agent.exitStatus(), QProcess::NormalExit) << err.toStdString();
      EXPECT_EQ(agent.exitCode(), 2) << err.toStdString();
      EXPECT_TRUE(err.startsWith("tinyscope-agent: " + bad)) << err.toStdString();
      EXPECT_TRUE(
          err.contains(bad == dir.path() ? "is a folder, not a file" : "is not a regular file"))
          << err.toStdString();
    }
}

// flash read its model with QFile::readAll: /dev/zero grew without bound.
TEST(CliModel, FlashRefusesFoldersAndDevicesAsItsModel) {
  QTemporaryDir dir;
  expectOneLineError({"flash", "/dev/zero", "--device", "sim:"},
                     {"/dev/zero is not a regular file"});
  expectOneLineError({"flash", dir.path(), "--device", "sim:"}, {dir.path() + " is a folder"});
}

// A folder as the model a qemu: board boots with was reported as "does not exist".
TEST(CliModel, QemuRefusesAFolderAsItsModelByName) {
  QTemporaryDir dir;
  expectOneLineError({"info", "--device", "qemu:?model=" + dir.path()},
                     {dir.path() + "' is not a regular file"});
}

// run --wav / --image / --input-recipe: the input is built from a recipe and named in the output.
TEST(CliModel, RunTakesSpeechImagesAndRecipesAndSaysWhichInputRan) {
  REQUIRE_SHARED();
  const QString espeak = QStandardPaths::findExecutable(QStringLiteral("espeak-ng"));
  const QString sox = QStandardPaths::findExecutable(QStringLiteral("sox"));
  if (espeak.isEmpty() || sox.isEmpty())
    GTEST_SKIP() << "espeak-ng or sox is not installed (scripts/setup.sh)";
  QTemporaryDir dir;
  const QString raw = dir.filePath("no.22k.wav"), wav = dir.filePath("no.wav");
  ASSERT_EQ(QProcess::execute(espeak, {"-w", raw, "no"}), 0);
  ASSERT_EQ(QProcess::execute(sox, {raw, "-r", "16000", "-c", "1", "-b", "16", wav}), 0);
  const CliResult r = runCli({"run", model("micro_speech_quantized"), "--wav", wav, "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
  EXPECT_TRUE(o["input"].toString().startsWith("audio " + wav)) << r.out.toStdString();
  const QJsonArray scores = o["outputs_int8"].toArray()[0].toArray();  // silence unknown yes no
  ASSERT_EQ(scores.size(), 4);
  for (int k = 0; k < 3; ++k) EXPECT_GT(scores[3].toInt(), scores[k].toInt()) << k;
  // The same through a recipe file in the sidecar format, the front-end named relative to it.
  QFile recipe(dir.filePath("speech.json"));
  ASSERT_TRUE(recipe.open(QIODevice::WriteOnly));
  recipe.write(QStringLiteral(R"({"input": {"recipe": "audio", "front_end_model": "%1"}})")
                   .arg(model("audio_preprocessor_int8"))
                   .toUtf8());
  recipe.close();
  const CliResult viaRecipe = runCli(
      {"run", model("micro_speech_quantized"), "--input-recipe", recipe.fileName(), "--wav", wav});
  ASSERT_EQ(viaRecipe.code, 0) << viaRecipe.err.toStdString();
  EXPECT_TRUE(viaRecipe.out.contains("input: audio " + wav)) << viaRecipe.out.toStdString();
  // An image into person_detect.
  QImage img(64, 48, QImage::Format_RGB32);
  img.fill(Qt::gray);
  const QString png = dir.filePath("gray.png");
  ASSERT_TRUE(img.save(png));
  const CliResult image = runCli({"run", model("person_detect"), "--image", png});
  ASSERT_EQ(image.code, 0) << image.err.toStdString();
  EXPECT_TRUE(image.out.contains("input: image " + png + " (64x48 grayscale, resized to 96x96)"))
      << image.out.toStdString();
  // Wrong sources: one sentence naming the file and what is wrong.
  expectOneLineError({"run", model("micro_speech_quantized"), "--image", png},
                     {"input 0 ('Reshape_1', int8 [1,1960]) is not an image"});
  expectOneLineError({"run", model("person_detect"), "--wav", wav},
                     {"front-end model ", "do not tile input 0"});
  expectOneLineError({"run", model("person_detect"), "--wav", wav, "--image", png},
                     {"give one input source: --input, --wav or --image"});
  expectOneLineError({"run", model("person_detect"), "--seed", "1", "--image", png},
                     {"give exactly one input"});
}
