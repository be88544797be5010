// infer --listen on the simulator: espeak-ng speaks "yes" / "no" into a WAV, the agent's audio
// sensor hears it, the agent runs the real audio_preprocessor_int8 front-end frame by frame and
// micro_speech_quantized on the features; the CLI names the word and compares every tensor of
// both models with the desktop's run on the samples the device heard.
#include <gtest/gtest.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "tests/support/cli_process.h"
#include "tests/support/kws_audio.h"

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);

QJsonObject json(const CliResult& r) {
  return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

QString simAddress(const KwsModels& m, const QString& wav, const QString& extra = {}) {
  return "sim:?sensor=audio&wav=" + wav + "&model=" + m.model + "&front-end=" + m.frontEnd + extra;
}

}  // namespace

#define REQUIRE_KWS(dir, models) REQUIRE_KWS_MODELS(kShared, dir, models)

TEST(CliListen, SpokenYesAndNoAreHeardOnTheSimulatorWithEveryTensorOfBothModelsEqual) {
  QTemporaryDir dir;
  KwsModels m;
  REQUIRE_KWS(dir, m);
  for (const char* word : {"yes", "no"}) {
    const QString wav = spokenWav(dir, QString::fromLatin1(word));
    ASSERT_FALSE(wav.isEmpty());
    const CliResult r =
        runCli({"infer", "--device", simAddress(m, wav), "--model", m.model, "--listen", "--json"});
    ASSERT_EQ(r.code, 0) << word << ": " << r.err.toStdString() << r.out.toStdString();
    const QJsonObject o = json(r);
    EXPECT_EQ(o["word"].toString(), QString::fromLatin1(word)) << r.out.toStdString();
    EXPECT_EQ(o["first_divergence"].toString(), "");
    // 49 windows x 24 front-end op outputs, then micro_speech's input and 4 op outputs.
    EXPECT_EQ(o["front_end_tensors_equal"].toInt(), 49 * 24) << r.out.toStdString();
    EXPECT_EQ(o["model_tensors_equal"].toInt(), 5) << r.out.toStdString();
    EXPECT_TRUE(o["heard"].toString().startsWith("15840 samples of sensor 0 (audio)"))
        << r.out.toStdString();
  }
}

// A device whose MUL kernel is off by one bit: the front-end's MUL (op 15) of the first window
// is named, before any later op or the classifier.
TEST(CliListen, AFaultyFrontEndKernelIsNamedAtItsFirstWindowAndOp) {
  QTemporaryDir dir;
  KwsModels m;
  REQUIRE_KWS(dir, m);
  const QString wav = spokenWav(dir, QStringLiteral("yes"));
  const QString agent = dir.filePath("faulty-agent.sh");
  QFile script(agent);
  ASSERT_TRUE(script.open(QIODevice::WriteOnly));
  script.write(QStringLiteral("#!/bin/sh\nexec '%1' --fault-op MUL \"$@\"\n")
                   .arg(QStringLiteral(TINYSCOPE_AGENT))
                   .toUtf8());
  script.close();
  script.setPermissions(script.permissions() | QFileDevice::ExeOwner);
  const CliResult r = runCli(
      {"infer", "--device", simAddress(m, wav, "&agent=" + agent), "--model", m.model, "--listen"});
  EXPECT_EQ(r.code, 1) << r.err.toStdString() << r.out.toStdString();
  EXPECT_TRUE(
      r.out.contains("differs at front-end audio_preprocessor_int8, window 0, op 15 MUL "
                     "output 0: 1 of 160 bytes differ"))
      << r.out.toStdString();
}

TEST(CliListen, BadWavsAndAMissingFrontEndAreOneClearError) {
  QTemporaryDir dir;
  KwsModels m;
  REQUIRE_KWS(dir, m);
  struct Case {
    QString wav;
    QString says;
  };
  const Case cases[] = {
      {dir.filePath("missing.wav"), "cannot open " + dir.filePath("missing.wav")},
      {spokenWav(dir, "yes", {"-r", "16000", "-c", "1", "-b", "8"}),
       "only 16-bit PCM is supported"},
      {spokenWav(dir, "yes", {"-r", "22050", "-c", "1", "-b", "16"}),
       "the audio sensor hears 16 kHz mono; the file is 22050 Hz"},
  };
  for (const Case& c : cases) {
    const CliResult r =
        runCli({"infer", "--device", simAddress(m, c.wav), "--model", m.model, "--listen"});
    EXPECT_NE(r.code, 0) << c.wav.toStdString();
    EXPECT_TRUE(r.err.contains(c.says)) << r.err.toStdString();
    EXPECT_EQ(r.err.trimmed().count('\n'), 0) << r.err.toStdString();
  }
  // The device holds no copy of the recipe's front-end.
  const QString wav = spokenWav(dir, QStringLiteral("yes"));
  const CliResult r =
      runCli({"infer", "--device", "sim:?sensor=audio&wav=" + wav + "&model=" + m.model, "--model",
              m.model, "--listen"});
  EXPECT_EQ(r.code, 2) << r.err.toStdString();
  EXPECT_TRUE(r.err.contains("holds no copy of the front-end " + m.frontEnd))
      << r.err.toStdString();
}
