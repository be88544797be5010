// Input recipes on real files: espeak-ng speech through the real audio front-end into
// micro_speech_quantized, images into person_detect / vww, and the refusals' exact words.
#include "app/core/inputs/input_recipe.h"
#include "app/core/inputs/pipeline_comparison.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <algorithm>
#include <map>

#include "device_protocol/messages.h"
#include "model_runner/host/file_io.h"
#include "model_runner/host/host_runner.h"

namespace {

namespace rh = tinyscope::runner::host;
using tinyscope::inputs::buildInput;
using tinyscope::inputs::BuiltInput;
using tinyscope::inputs::InputKind;
using tinyscope::inputs::InputRecipe;
using namespace tinyscope::inputs;  // the pipeline comparison's types
namespace proto = tinyscope::proto;

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);

#define REQUIRE_SHARED()                                            \
  if (!QFileInfo::exists(kShared + "/models"))                      \
  GTEST_SKIP() << "../shared is missing (" << kShared.toStdString() \
               << "): no third-party models to test with"

QString modelPath(const char* name) {
  return kShared + "/models/" + name + ".tflite";
}

struct Loaded {
  rh::ModelFile file;
  rh::ModelSummary summary;
};

Loaded load(const char* name) {
  Loaded m;
  std::string error;
  EXPECT_TRUE(rh::loadModelFile(modelPath(name).toStdString(), &m.file, &error)) << error;
  EXPECT_TRUE(rh::buildModelSummary(m.file.bytes.data(), m.file.bytes.size(), &m.summary, &error))
      << error;
  return m;
}

InputRecipe audioRecipe() {
  InputRecipe r;
  r.kind = InputKind::kAudio;
  r.frontEndModel = modelPath("audio_preprocessor_int8");
  return r;
}

void writeWav(const QString& path, const std::vector<int16_t>& pcm, int rate, int channels) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  sf_write_short(f, pcm.data(), static_cast<sf_count_t>(pcm.size()));
  sf_close(f);
}

// "yes" / "no" spoken by espeak-ng, resampled to 16 kHz mono by sox; empty when a tool is absent.
QString spoken(const QTemporaryDir& dir, const QString& word) {
  const QString espeak = QStandardPaths::findExecutable(QStringLiteral("espeak-ng"));
  const QString sox = QStandardPaths::findExecutable(QStringLiteral("sox"));
  if (espeak.isEmpty() || sox.isEmpty()) return {};
  const QString raw = dir.filePath(word + QStringLiteral(".22k.wav"));
  const QString wav = dir.filePath(word + QStringLiteral(".wav"));
  if (QProcess::execute(espeak, {QStringLiteral("-w"), raw, word}) != 0 ||
      QProcess::execute(
          sox, {raw, QStringLiteral("-r"), QStringLiteral("16000"), QStringLiteral("-c"),
                QStringLiteral("1"), QStringLiteral("-b"), QStringLiteral("16"), wav}) != 0)
    return {};
  return wav;
}

int topClass(const std::vector<uint8_t>& out) {
  int best = 0;
  for (size_t i = 1; i < out.size(); ++i)
    if (static_cast<int8_t>(out[i]) > static_cast<int8_t>(out[static_cast<size_t>(best)]))
      best = static_cast<int>(i);
  return best;
}

}  // namespace

TEST(InputRecipe, SpokenYesAndNoAreRecognizedThroughTheFrontEndModel) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const Loaded kws = load("micro_speech_quantized");  // labels: silence, unknown, yes, no
  const std::pair<const char*, int> cases[] = {{"yes", 2}, {"no", 3}};
  for (const auto& [word, label] : cases) {
    const QString wav = spoken(dir, QString::fromLatin1(word));
    if (wav.isEmpty()) GTEST_SKIP() << "espeak-ng or sox is not installed (scripts/setup.sh)";
    BuiltInput in;
    QString error;
    ASSERT_TRUE(buildInput(audioRecipe(), kws.summary, wav, &in, &error)) << error.toStdString();
    ASSERT_EQ(in.bytes.size(), 1960u);  // 49 windows x 40 features
    EXPECT_TRUE(in.description.contains(QStringLiteral("49 windows")))
        << in.description.toStdString();
    rh::RunResult result;
    std::string err;
    ASSERT_TRUE(rh::runModel(kws.file, {in.bytes}, rh::RunOptions(), &result, &err)) << err;
    EXPECT_EQ(topClass(result.outputs[0]), label) << word;
  }
}

TEST(InputRecipe, FirstAudioWindowEqualsTheGoldenFrontEndOutput) {
  REQUIRE_SHARED();
  for (const char* c : {"real_yes_30ms", "real_no_30ms"}) {
    const QString gold = kShared + "/golden/audio_preprocessor_int8/" + c;
    std::vector<uint8_t> pcmBytes, want;
    std::string err;
    ASSERT_TRUE(rh::readBinaryFile((gold + "/input.bin").toStdString(), &pcmBytes, &err)) << err;
    ASSERT_TRUE(rh::readBinaryFile((gold + "/output.bin").toStdString(), &want, &err)) << err;
    std::vector<int16_t> pcm(pcmBytes.size() / 2);
    std::memcpy(pcm.data(), pcmBytes.data(), pcm.size() * 2);
    QTemporaryDir dir;
    const QString wav = dir.filePath(QStringLiteral("frame.wav"));
    writeWav(wav, pcm, 16000, 1);
    BuiltInput in;
    QString error;
    ASSERT_TRUE(buildInput(audioRecipe(), load("micro_speech_quantized").summary, wav, &in, &error))
        << error.toStdString();
    ASSERT_EQ(want.size(), 40u);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), in.bytes.begin())) << c;
  }
}

TEST(InputRecipe, ImagesAreResizedAndQuantizedAsTheModelSays) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  // person_detect: grayscale 96x96, trained on pixels in [-1, 1] (scale 1/127.5, zero point -1):
  // black is -128, as pixel - 128.
  QImage black(200, 120, QImage::Format_RGB32);
  black.fill(Qt::black);
  const QString png = dir.filePath(QStringLiteral("black.png"));
  ASSERT_TRUE(black.save(png));
  const Loaded person = load("person_detect");
  InputRecipe image;
  image.kind = InputKind::kImage;
  image.pixelMin = -1.0;
  BuiltInput in;
  QString error;
  ASSERT_TRUE(buildInput(image, person.summary, png, &in, &error)) << error.toStdString();
  ASSERT_EQ(in.bytes.size(), 96u * 96u);
  EXPECT_TRUE(std::all_of(in.bytes.begin(), in.bytes.end(),
                          [](uint8_t b) { return static_cast<int8_t>(b) == -128; }));
  EXPECT_TRUE(in.description.contains(QStringLiteral("200x120 grayscale, resized to 96x96")))
      << in.description.toStdString();
  rh::RunResult result;
  std::string err;
  EXPECT_TRUE(rh::runModel(person.file, {in.bytes}, rh::RunOptions(), &result, &err)) << err;
  // vww_96_int8: RGB, scale 1/255, zero point -128: pure red is (127, -128, -128).
  QImage red(50, 50, QImage::Format_RGB32);
  red.fill(Qt::red);
  const QString bmp = dir.filePath(QStringLiteral("red.bmp"));
  ASSERT_TRUE(red.save(bmp));
  const Loaded vww = load("vww_96_int8");
  image.pixelMin = 0.0;
  ASSERT_TRUE(buildInput(image, vww.summary, bmp, &in, &error)) << error.toStdString();
  ASSERT_EQ(in.bytes.size(), 96u * 96u * 3u);
  EXPECT_EQ(static_cast<int8_t>(in.bytes[0]), 127);
  EXPECT_EQ(static_cast<int8_t>(in.bytes[1]), -128);
  EXPECT_EQ(static_cast<int8_t>(in.bytes[3 * 96 * 96 - 3]), 127);
  EXPECT_TRUE(rh::runModel(vww.file, {in.bytes}, rh::RunOptions(), &result, &err)) << err;
}

TEST(InputRecipe, WrongSourcesAreRefusedNamingWhatIsWrong) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const Loaded kws = load("micro_speech_quantized");
  BuiltInput in;
  QString error;
  // A tensor file of the wrong size.
  const QString bin = dir.filePath(QStringLiteral("short.bin"));
  ASSERT_TRUE(rh::writeBinaryFile(bin.toStdString(), std::vector<uint8_t>(100), nullptr));
  InputRecipe tensor;
  EXPECT_FALSE(buildInput(tensor, kws.summary, bin, &in, &error));
  EXPECT_EQ(error.toStdString(),
            (bin + QStringLiteral(" has 100 bytes, but the model's input 0 needs 1960 bytes"))
                .toStdString());
  // An image for a model whose input is not an image.
  QImage img(10, 10, QImage::Format_RGB32);
  img.fill(Qt::black);
  const QString png = dir.filePath(QStringLiteral("x.png"));
  ASSERT_TRUE(img.save(png));
  InputRecipe image;
  image.kind = InputKind::kImage;
  EXPECT_FALSE(buildInput(image, kws.summary, png, &in, &error));
  EXPECT_EQ(error.toStdString(),
            "input 0 ('Reshape_1', int8 [1,1960]) is not an image of 1 "
            "(grayscale) or 3 (RGB) channels [1,H,W,C]");
  // A file that is no image.
  EXPECT_FALSE(buildInput(image, load("person_detect").summary, bin, &in, &error));
  EXPECT_TRUE(error.startsWith(bin + QStringLiteral(" is not an image Qt can read")))
      << error.toStdString();
  // Stereo and 44.1 kHz audio; a missing file; no source at all.
  const QString stereo = dir.filePath(QStringLiteral("stereo.wav"));
  writeWav(stereo, std::vector<int16_t>(3200), 16000, 2);
  EXPECT_FALSE(buildInput(audioRecipe(), kws.summary, stereo, &in, &error));
  EXPECT_EQ(error.toStdString(),
            (stereo + QStringLiteral(" has 2 channels; the recipe needs mono")).toStdString());
  const QString cd = dir.filePath(QStringLiteral("cd.wav"));
  writeWav(cd, std::vector<int16_t>(4410), 44100, 1);
  EXPECT_FALSE(buildInput(audioRecipe(), kws.summary, cd, &in, &error));
  EXPECT_EQ(
      error.toStdString(),
      (cd + QStringLiteral(" is sampled at 44100 Hz; the recipe needs 16000 Hz")).toStdString());
  const QString missing = dir.filePath(QStringLiteral("missing.wav"));
  EXPECT_FALSE(buildInput(audioRecipe(), kws.summary, missing, &in, &error));
  EXPECT_EQ(error.toStdString(),
            (missing + QStringLiteral(" is not a readable WAV file")).toStdString());
  EXPECT_FALSE(buildInput(audioRecipe(), kws.summary, QString(), &in, &error));
  EXPECT_EQ(error.toStdString(),
            (QStringLiteral("the audio recipe has no source file: choose an input")).toStdString());
  // A front-end whose output does not tile the classifier's input.
  InputRecipe wrongFront = audioRecipe();
  wrongFront.frontEndModel = modelPath("hello_world_int8");
  EXPECT_FALSE(buildInput(wrongFront, kws.summary, cd, &in, &error));
  EXPECT_TRUE(error.startsWith(QStringLiteral("front-end model ") + wrongFront.frontEndModel))
      << error.toStdString();
}

TEST(InputRecipe, TheBundledDemoSidecarIsAWindowRecipe) {
  InputRecipe r;
  QString error;
  const QString demo = QStringLiteral(TINYSCOPE_SOURCE_DIR) +
                       QStringLiteral("/resources/models/imu_gesture_demo.tflite");
  ASSERT_TRUE(tinyscope::inputs::loadRecipeFor(demo, &r, &error)) << error.toStdString();
  EXPECT_EQ(r.kind, InputKind::kWindow);
  EXPECT_EQ(r.windowLength, 64);
  EXPECT_EQ(r.axes.size(), 3);
  EXPECT_EQ(r.rawPerUnit, 4096.0);
  // A raw window file (int16 counts): 128 counts = one int8 step of scale 1/32 g.
  rh::ModelFile file;
  rh::ModelSummary summary;
  std::string err;
  ASSERT_TRUE(rh::loadModelFile(demo.toStdString(), &file, &err)) << err;
  ASSERT_TRUE(rh::buildModelSummary(file.bytes.data(), file.bytes.size(), &summary, &err)) << err;
  QTemporaryDir dir;
  std::vector<uint8_t> raw(64 * 3 * 2, 0);
  raw[0] = 0x80;  // 128 -> 1
  raw[2] = 0x00;
  raw[3] = 0x80;  // -32768 -> -128 (clamped at -256)
  const QString path = dir.filePath(QStringLiteral("window.bin"));
  ASSERT_TRUE(rh::writeBinaryFile(path.toStdString(), raw, &err)) << err;
  BuiltInput in;
  ASSERT_TRUE(buildInput(r, summary, path, &in, &error)) << error.toStdString();
  ASSERT_EQ(in.bytes.size(), 192u);
  EXPECT_EQ(static_cast<int8_t>(in.bytes[0]), 1);
  EXPECT_EQ(static_cast<int8_t>(in.bytes[1]), -128);
  // Unknown kinds are refused with the field's name.
  EXPECT_FALSE(tinyscope::inputs::parseRecipe(
      QJsonDocument::fromJson(R"({"recipe": "video"})").object(), dir.path(), &r, &error));
  EXPECT_EQ(error,
            QStringLiteral("input.recipe 'video' is not one of tensor-file, window, image, audio"));
}

TEST(InputRecipe, RecipeFilesResolvePathsBesideThemAndRefuseWhatIsNotARecipe) {
  QTemporaryDir dir;
  QFile f(dir.filePath(QStringLiteral("r.json")));
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write(R"({"input": {"recipe": "audio", "front_end_model": "fe.tflite", "source": "a.wav"}})");
  f.close();
  InputRecipe r;
  QString error;
  ASSERT_TRUE(tinyscope::inputs::loadRecipeFile(f.fileName(), &r, &error)) << error.toStdString();
  EXPECT_EQ(r.kind, InputKind::kAudio);
  EXPECT_EQ(r.frontEndModel, dir.filePath(QStringLiteral("fe.tflite")));
  EXPECT_EQ(r.source, dir.filePath(QStringLiteral("a.wav")));
  ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write("not json");
  f.close();
  EXPECT_FALSE(tinyscope::inputs::loadRecipeFile(f.fileName(), &r, &error));
  EXPECT_TRUE(error.startsWith(f.fileName() + QStringLiteral(" is not a JSON object")))
      << error.toStdString();
  ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(R"({"recipe": "audio"})");
  f.close();
  EXPECT_FALSE(tinyscope::inputs::loadRecipeFile(f.fileName(), &r, &error));
  EXPECT_EQ(error.toStdString(),
            (f.fileName() + QStringLiteral(": the audio recipe needs front_end_model, "
                                           "sample_rate_hz (1000..192000), window_ms and "
                                           "stride_ms (1..1000)"))
                .toStdString());
  EXPECT_FALSE(
      tinyscope::inputs::loadRecipeFor(dir.filePath(QStringLiteral("m.tflite")), &r, &error));
  EXPECT_EQ(error.toStdString(), (QStringLiteral("m.tflite has no input recipe (no sidecar ") +
                                  dir.filePath(QStringLiteral("m.json")) + QStringLiteral(")"))
                                     .toStdString());
}

// The whole-pipeline comparison names the first tensor that differs, front-end windows first.
TEST(PipelineComparison, NamesTheFirstDifferingTensorInEitherModel) {
  REQUIRE_SHARED();
  QTemporaryDir dir;
  const Loaded kws = load("micro_speech_quantized");
  const QString wav = spoken(dir, QStringLiteral("yes"));
  if (wav.isEmpty()) GTEST_SKIP() << "espeak-ng or sox is not installed (scripts/setup.sh)";
  AudioPlan plan;
  QString error;
  const rh::SummaryTensor& input = kws.summary.tensors[static_cast<size_t>(kws.summary.inputs[0])];
  ASSERT_TRUE(planAudio(audioRecipe(), input, &plan, &error)) << error.toStdString();
  std::vector<int16_t> pcm;
  ASSERT_TRUE(readPcm16Wav(wav, 16000, &pcm, &error)) << error.toStdString();
  pcm.resize(plan.samplesNeeded(), 0);
  // An independent "device": the same runtime, run here, its tensors keyed as on the wire.
  FrontEndRun front;
  ASSERT_TRUE(runFrontEnd(plan, pcm, true, &front, &error)) << error.toStdString();
  rh::RunResult model;
  std::string err;
  ASSERT_TRUE(rh::runModel(kws.file, {front.features}, rh::RunOptions(), &model, &err)) << err;
  std::map<std::pair<uint16_t, uint8_t>, std::vector<uint8_t>> device;
  const rh::ModelSummary& fs = plan.frontEndSummary;
  for (size_t w = 0; w < front.windows.size(); ++w)
    for (size_t op = 0; op < fs.operators.size(); ++op)
      for (size_t k = 0; k < fs.operators[op].outputs.size(); ++k)
        device[{proto::frontEndOpIndex(static_cast<uint16_t>(w), static_cast<uint16_t>(op)),
                static_cast<uint8_t>(k)}] =
            front.windows[w].tensorBytes[static_cast<size_t>(fs.operators[op].outputs[k])];
  device[{proto::kModelInputOp, 0}] = front.features;
  for (size_t op = 0; op < kws.summary.operators.size(); ++op)
    device[{static_cast<uint16_t>(op), 0}] =
        model.tensorBytes[static_cast<size_t>(kws.summary.operators[op].outputs[0])];
  const DeviceTensor fromDevice = [&device](uint16_t op, uint8_t k, const uint8_t** data,
                                            size_t* size) {
    const auto it = device.find({op, k});
    if (it == device.end()) return false;
    *data = it->second.data();
    *size = it->second.size();
    return true;
  };

  PipelineComparison cmp;
  ASSERT_TRUE(comparePipeline(plan, kws.file, kws.summary, pcm, fromDevice, &cmp, &error));
  EXPECT_EQ(cmp.firstDivergence.toStdString(), "");
  EXPECT_EQ(cmp.frontEndTensors, 49 * 24);
  EXPECT_EQ(cmp.modelTensors, 5);

  // One byte of the model's second op, then a front-end tensor of window 7: the front-end is
  // named first.
  device[{1, 0}][3] ^= 0x10;
  ASSERT_TRUE(comparePipeline(plan, kws.file, kws.summary, pcm, fromDevice, &cmp, &error));
  EXPECT_TRUE(cmp.firstDivergence.startsWith("model micro_speech_quantized, op 1 "))
      << cmp.firstDivergence.toStdString();
  EXPECT_TRUE(cmp.firstDivergence.contains("the first at byte 3"))
      << cmp.firstDivergence.toStdString();
  device[{proto::frontEndOpIndex(7, 12), 0}][0] ^= 1;
  ASSERT_TRUE(comparePipeline(plan, kws.file, kws.summary, pcm, fromDevice, &cmp, &error));
  EXPECT_TRUE(cmp.firstDivergence.startsWith(
      "front-end audio_preprocessor_int8, window 7, op 12 CUSTOM:SignalPCAN output 0: 1 of 160 "
      "bytes differ, the first at byte 0"))
      << cmp.firstDivergence.toStdString();
  EXPECT_EQ(cmp.frontEndTensors, 7 * 24 + 14);  // ops 0..11 have 14 outputs (2 and 11 have two)
  // A tensor the device never sent is a difference too.
  device.erase({proto::frontEndOpIndex(0, 3), 0});
  ASSERT_TRUE(comparePipeline(plan, kws.file, kws.summary, pcm, fromDevice, &cmp, &error));
  EXPECT_TRUE(
      cmp.firstDivergence.endsWith("window 0, op 3 CUSTOM:SignalRfft output 0: the "
                                   "device did not send it"))
      << cmp.firstDivergence.toStdString();
}
