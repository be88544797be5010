// The keyword-spotting demo on the Cortex-M4 agent in QEMU mps2-an386, through the real
// tinyscope-cli: espeak-ng's "yes" / "no" preloaded as the board's audio clip (qemu:?wav=), the
// agent runs audio_preprocessor_int8 window by window on the samples its audio sensor heard
// and micro_speech_quantized on the features; the CLI names the word and compares every tensor
// of both models with the desktop's. Skips with the reason when the image, qemu-system-arm, the
// shared models or the speech tools are missing.
#include <gtest/gtest.h>

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "tests/support/cli_process.h"
#include "tests/support/kws_audio.h"

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);
const QString kFirmwareDir = QStringLiteral(TINYSCOPE_FIRMWARE_DIR);

QString missingForKws() {
  if (kFirmwareDir.isEmpty()) return QStringLiteral("no firmware in this build");
  if (!QFileInfo(kFirmwareDir + "/mps2-an386/tinyscope-agent.elf").isFile())
    return QStringLiteral("no mps2-an386 image");
  if (QStandardPaths::findExecutable(QStringLiteral("qemu-system-arm")).isEmpty())
    return QStringLiteral("qemu-system-arm is not installed");
  if (!QFileInfo::exists(kShared + "/models/micro_speech_quantized.tflite"))
    return QStringLiteral("../shared is missing: no third-party models");
  if (!speechToolsInstalled()) return QStringLiteral("espeak-ng or sox is not installed");
  return {};
}

QString qemuAddress(const KwsModels& m, const QString& wav, const QString& board = "mps2-an386") {
  return "qemu:?board=" + board + "&wav=" + wav + "&model=" + m.model + "&front-end=" + m.frontEnd;
}

}  // namespace

// Skips with the reason when something is missing, else the models in `dir`.
#define REQUIRE_KWS_ON_QEMU(dir, models)                 \
  const QString why = missingForKws();                   \
  if (!why.isEmpty()) GTEST_SKIP() << why.toStdString(); \
  QTemporaryDir dir;                                     \
  KwsModels models;                                      \
  ASSERT_TRUE(kwsModels(kShared, dir, &models))

TEST(QemuListen, SpokenYesAndNoAreHeardOnMps2WithEveryTensorOfBothModelsEqual) {
  REQUIRE_KWS_ON_QEMU(dir, m);
  for (const char* word : {"yes", "no"}) {
    const QString wav = spokenWav(dir, QString::fromLatin1(word));
    ASSERT_FALSE(wav.isEmpty());
    const CliResult r = runCli({"infer", "--device", qemuAddress(m, wav), "--model", m.model,
                                "--listen", "--json", "--run-timeout", "200"});
    ASSERT_EQ(r.code, 0) << word << ": " << r.err.toStdString() << r.out.toStdString();
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    EXPECT_EQ(o["word"].toString(), QString::fromLatin1(word)) << r.out.toStdString();
    EXPECT_EQ(o["first_divergence"].toString(), "");
    EXPECT_EQ(o["front_end_tensors_equal"].toInt(), 49 * 24) << r.out.toStdString();
    EXPECT_EQ(o["model_tensors_equal"].toInt(), 5) << r.out.toStdString();
    EXPECT_TRUE(o["heard"].toString().contains("of sensor 2 (audio)")) << r.out.toStdString();
  }
}

TEST(QemuListen, BadClipsAndABoardWithoutAudioAreOneClearError) {
  REQUIRE_KWS_ON_QEMU(dir, m);
  struct Case {
    QString address;
    QString says;
  };
  const QString missingWav = dir.filePath("missing.wav");
  const Case cases[] = {
      {qemuAddress(m, missingWav), missingWav + " is not a readable WAV file"},
      {qemuAddress(m, spokenWav(dir, "yes", {"-r", "16000", "-c", "1", "-b", "8"})),
       "is not 16-bit PCM; the audio sensor hears 16-bit samples"},
      {qemuAddress(m, spokenWav(dir, "yes", {"-r", "22050", "-c", "1", "-b", "16"})),
       "is sampled at 22050 Hz; the audio sensor needs 16000 Hz"},
      {qemuAddress(m, spokenWav(dir, "yes"), "netduinoplus2"),
       "netduinoplus2 has no audio sensor (mps2-an386 has)"},
  };
  for (const Case& c : cases) {
    const CliResult r = runCli({"infer", "--device", c.address, "--model", m.model, "--listen"});
    EXPECT_EQ(r.code, 2) << c.address.toStdString() << ": " << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(c.says)) << r.err.toStdString();
    EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
  }
}
