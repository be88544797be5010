// WAV and FLAC through libsndfile: sample rate, channel count and bit depth survive a round
// trip; integer samples keep their integer scale (Edge Impulse's "wav" sensor values are
// int16). FLAC stores 8/16/24-bit integers only. A truncated data chunk is refused.
#include <gtest/gtest.h>

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cmath>

#include "app/core/dataset/formats/audio_file.h"

using namespace tinyscope::dataset::formats;

namespace {

Recording tone(int channels, double rateHz, SampleFormat format) {
  Recording r;
  r.name = QStringLiteral("tone");
  r.label = QStringLiteral("tone");
  r.intervalMs = 1000.0 / rateHz;
  r.sampleFormat = format;
  for (int c = 0; c < channels; ++c)
    r.axes.push_back({QStringLiteral("ch%1").arg(c + 1), QStringLiteral("wav")});
  const double full = format == SampleFormat::kInt8    ? 127
                      : format == SampleFormat::kInt16 ? 32767
                      : format == SampleFormat::kInt24 ? 8388607
                      : format == SampleFormat::kInt32 ? 2147483647
                                                       : 1;
  const bool integer = full > 1;
  for (int f = 0; f < 1000; ++f) {
    for (int c = 0; c < channels; ++c) {
      double v = std::sin(f * 0.05 * (c + 1)) * full;
      if (integer) v = std::round(v);
      if (f == 0) v = integer ? -full - 1 : -1;  // the most negative sample
      if (f == 1) v = full;
      if (format == SampleFormat::kFloat32) v = static_cast<float>(v);
      r.values.push_back(v);
    }
  }
  return r;
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  f.open(QIODevice::ReadOnly);
  return f.readAll();
}

}  // namespace

TEST(AudioFile, WavRoundTripKeepsRateChannelsAndBitDepth) {
  QTemporaryDir dir;
  const struct {
    SampleFormat format;
    int channels;
    double rate;
  } cases[] = {{SampleFormat::kInt16, 1, 16000},    {SampleFormat::kInt24, 2, 44100},
               {SampleFormat::kInt32, 3, 8000},     {SampleFormat::kFloat32, 2, 48000},
               {SampleFormat::kFloat64, 1, 200000}, {SampleFormat::kInt8, 8, 11025}};
  for (const auto& c : cases) {
    const Recording rec = tone(c.channels, c.rate, c.format);
    const QString path =
        dir.filePath(QStringLiteral("tone.%1.wav").arg(sampleFormatName(c.format)));
    ASSERT_TRUE(writeAudioFile(path, rec, AudioContainer::kWav).isEmpty())
        << sampleFormatName(c.format);
    const auto back = readAudioFile(path);
    ASSERT_TRUE(back.ok()) << back.error.toStdString();
    EXPECT_EQ(back.value.sampleFormat, c.format) << sampleFormatName(c.format);
    EXPECT_EQ(back.value.axes.size(), c.channels);
    EXPECT_DOUBLE_EQ(back.value.rateHz(), c.rate);
    EXPECT_EQ(back.value.values, rec.values) << sampleFormatName(c.format);
    EXPECT_EQ(back.value.label, QStringLiteral("tone"));
  }
}

TEST(AudioFile, FlacRoundTripAndItsLimits) {
  QTemporaryDir dir;
  for (SampleFormat format : {SampleFormat::kInt8, SampleFormat::kInt16, SampleFormat::kInt24}) {
    const Recording rec = tone(2, 16000, format);
    const QString path = dir.filePath(QStringLiteral("a.flac"));
    ASSERT_TRUE(writeAudioFile(path, rec, AudioContainer::kFlac).isEmpty());
    const auto back = readAudioFile(path);
    ASSERT_TRUE(back.ok()) << back.error.toStdString();
    EXPECT_EQ(back.value.sampleFormat, format);
    EXPECT_EQ(back.value.values, rec.values);
    EXPECT_EQ(back.value.metadata.value(QStringLiteral("audio.container")).toString(),
              QStringLiteral("flac"));
  }
  const QString error =
      writeAudioFile(dir.filePath(QStringLiteral("b.flac")), tone(1, 16000, SampleFormat::kFloat32),
                     AudioContainer::kFlac);
  EXPECT_NE(error.indexOf(QLatin1String("FLAC holds")), -1) << error.toStdString();
}

TEST(AudioFile, IntegerFormatsRefuseValuesThatDoNotFit) {
  QTemporaryDir dir;
  Recording rec = tone(1, 16000, SampleFormat::kInt16);
  rec.values[7] = 40000;
  QString error = writeAudioFile(dir.filePath(QStringLiteral("x.wav")), rec, AudioContainer::kWav);
  EXPECT_NE(error.indexOf(QLatin1String("frame 7")), -1) << error.toStdString();
  rec.values[7] = 0.5;
  error = writeAudioFile(dir.filePath(QStringLiteral("x.wav")), rec, AudioContainer::kWav);
  EXPECT_NE(error.indexOf(QLatin1String("frame 7")), -1) << error.toStdString();
  rec.intervalMs = 0.3;  // 3333.33 Hz is not a WAV rate
  rec.values[7] = 0;
  error = writeAudioFile(dir.filePath(QStringLiteral("x.wav")), rec, AudioContainer::kWav);
  EXPECT_NE(error.indexOf(QLatin1String("sample rate")), -1) << error.toStdString();
  // Without a stored format: int16 when every value is one, float32 otherwise.
  rec = tone(1, 16000, SampleFormat::kFloat32);
  rec.sampleFormat = SampleFormat::kUnknown;
  ASSERT_TRUE(
      writeAudioFile(dir.filePath(QStringLiteral("f.wav")), rec, AudioContainer::kWav).isEmpty());
  EXPECT_EQ(readAudioFile(dir.filePath(QStringLiteral("f.wav"))).value.sampleFormat,
            SampleFormat::kFloat32);
}

TEST(AudioFile, ReadsSpeechFromEspeakAndSox) {
  const QString espeak = QStandardPaths::findExecutable(QStringLiteral("espeak-ng"));
  if (espeak.isEmpty()) GTEST_SKIP() << "espeak-ng is not installed (apt-get install espeak-ng)";
  QTemporaryDir dir;
  const QString wav = dir.filePath(QStringLiteral("yes.1.wav"));
  ASSERT_EQ(QProcess::execute(espeak, {QStringLiteral("-w"), wav, QStringLiteral("yes")}), 0);
  const auto r = readAudioFile(wav);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  EXPECT_DOUBLE_EQ(r.value.rateHz(), 22050);  // espeak-ng speaks at 22,050 Hz, mono, int16
  EXPECT_EQ(r.value.axes.size(), 1);
  EXPECT_EQ(r.value.axes[0].name, QStringLiteral("audio"));
  EXPECT_EQ(r.value.sampleFormat, SampleFormat::kInt16);
  EXPECT_GT(r.value.frameCount(), 2205);
  EXPECT_EQ(r.value.label, QStringLiteral("yes"));
  const QString sox = QStandardPaths::findExecutable(QStringLiteral("sox"));
  if (sox.isEmpty()) GTEST_SKIP() << "sox is not installed";
  const QString flac = dir.filePath(QStringLiteral("yes.2.flac"));
  ASSERT_EQ(QProcess::execute(sox, {wav, QStringLiteral("-r"), QStringLiteral("16000"), flac}), 0);
  const auto f = readAudioFile(flac);
  ASSERT_TRUE(f.ok()) << f.error.toStdString();
  EXPECT_DOUBLE_EQ(f.value.rateHz(), 16000);
  EXPECT_NEAR(static_cast<double>(f.value.frameCount()), r.value.frameCount() * 16000.0 / 22050,
              50);
}

TEST(AudioFileHostile, TruncatedGarbageAndAbsurdHeaders) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("t.wav"));
  ASSERT_TRUE(
      writeAudioFile(path, tone(2, 16000, SampleFormat::kInt16), AudioContainer::kWav).isEmpty());
  const QByteArray good = readAll(path);
  auto r = parseAudio(good.left(good.size() - 100), QStringLiteral("cut.wav"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error.startsWith(QLatin1String("cut.wav: data:"))) << r.error.toStdString();
  EXPECT_NE(r.error.indexOf(QLatin1String("truncated")), -1);
  r = parseAudio(good.left(30), QStringLiteral("head.wav"));
  EXPECT_FALSE(r.ok());
  r = parseAudio(QByteArray(5000, 'x'), QStringLiteral("noise.wav"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error.startsWith(QLatin1String("noise.wav"))) << r.error.toStdString();
  // 65535 channels and a 4 GiB data chunk declared in a 60-byte file.
  QByteArray absurd = good.left(44);
  absurd[22] = '\xff';
  absurd[23] = '\xff';
  EXPECT_FALSE(parseAudio(absurd + QByteArray(16, '\0'), QStringLiteral("wide.wav")).ok());
  absurd = good.left(44);
  absurd[40] = absurd[41] = absurd[42] = '\xff';
  absurd[43] = '\x10';  // 285 MB
  r = parseAudio(absurd + QByteArray(16, '\0'), QStringLiteral("long.wav"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.indexOf(QLatin1String("truncated")), -1) << r.error.toStdString();
}
