#pragma once
// The keyword-spotting demo's real inputs for tests: the shared micro_speech_quantized and
// audio_preprocessor_int8 models copied beside a sidecar (labels + the audio recipe naming the
// front-end), and words spoken by espeak-ng into WAVs (sox converts the format). Header only;
// the test's thread. Callers skip when the shared models or the tools are absent.
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTemporaryDir>

struct KwsModels {
  QString model, frontEnd;
};

// False when the shared models cannot be copied into `dir`.
inline bool kwsModels(const QString& sharedDir, const QTemporaryDir& dir, KwsModels* out) {
  out->model = dir.filePath("micro_speech_quantized.tflite");
  out->frontEnd = dir.filePath("audio_preprocessor_int8.tflite");
  if (!QFile::copy(sharedDir + "/models/micro_speech_quantized.tflite", out->model) ||
      !QFile::copy(sharedDir + "/models/audio_preprocessor_int8.tflite", out->frontEnd))
    return false;
  QFile side(dir.filePath("micro_speech_quantized.json"));
  return side.open(QIODevice::WriteOnly) &&
         side.write(R"({"labels": ["silence", "unknown", "yes", "no"],
 "input": {"recipe": "audio", "front_end_model": "audio_preprocessor_int8.tflite",
           "sample_rate_hz": 16000, "window_ms": 30, "stride_ms": 20}})") > 0;
}

inline bool speechToolsInstalled() {
  return !QStandardPaths::findExecutable(QStringLiteral("espeak-ng")).isEmpty() &&
         !QStandardPaths::findExecutable(QStringLiteral("sox")).isEmpty();
}

// `word` spoken by espeak-ng, converted by sox to `soxFormat` (default 16 kHz mono 16-bit);
// empty when a tool is absent or fails.
inline QString spokenWav(const QTemporaryDir& dir, const QString& word,
                         const QStringList& soxFormat = {"-r", "16000", "-c", "1", "-b", "16"}) {
  if (!speechToolsInstalled()) return {};
  const QString raw = dir.filePath(word + ".22k.wav");
  const QString wav = dir.filePath(word + "." + soxFormat.join("") + ".wav");
  if (QProcess::execute(QStandardPaths::findExecutable(QStringLiteral("espeak-ng")),
                        {"-w", raw, word}) != 0 ||
      QProcess::execute(QStandardPaths::findExecutable(QStringLiteral("sox")),
                        QStringList{raw} + soxFormat + QStringList{wav}) != 0)
    return {};
  return wav;
}

// In a test: skips without the shared models or the speech tools, else copies the models into
// `dir` (a QTemporaryDir) and fills `models`.
#define REQUIRE_KWS_MODELS(sharedDir, dir, models)                               \
  if (!QFileInfo::exists((sharedDir) + "/models/micro_speech_quantized.tflite")) \
    GTEST_SKIP() << "../shared is missing: no third-party models";               \
  if (!speechToolsInstalled())                                                   \
    GTEST_SKIP() << "espeak-ng or sox is not installed (scripts/setup.sh)";      \
  ASSERT_TRUE(kwsModels((sharedDir), dir, &(models)))
