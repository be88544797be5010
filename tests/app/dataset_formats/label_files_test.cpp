// Label files in continuous time.
// Audacity ("Importing and Exporting Labels", Audacity manual): tab-separated start time,
// end time and text in seconds; start == end is a point label; with spectral selection each
// label is followed by a line "\ <TAB> low frequency <TAB> high frequency"; Audacity 1.2 wrote
// "start<TAB>text" (points only). Old locales wrote a comma decimal mark.
// Praat ("TextGrid file formats", Praat manual): a TextGrid is xmin, xmax, <exists>, the tier
// count, then per tier its class, name, xmin, xmax, size and items; everything that is not a
// number, a "string" or a <flag> — labels such as "xmin =", numbers in [brackets], "!"
// comments — is ignored, which is why the long and the short form read the same.
#include <gtest/gtest.h>

#include <QFile>
#include <algorithm>

#include "app/core/dataset/formats/label_files.h"

using namespace tinyscope::dataset::formats;

namespace {

QByteArray fixture(const char* name) {
  QFile f(QStringLiteral(TINYSCOPE_FORMATS_DATA "/") + QLatin1String(name));
  EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << name;
  return f.readAll();
}

QVector<Segment> sorted(QVector<Segment> v) {
  std::sort(v.begin(), v.end(), [](const Segment& a, const Segment& b) {
    return std::tie(a.start, a.end, a.label) < std::tie(b.start, b.end, b.label);
  });
  return v;
}

bool same(const QVector<Segment>& a, const QVector<Segment>& b) {
  if (a.size() != b.size()) return false;
  const auto x = sorted(a);
  const auto y = sorted(b);
  for (int i = 0; i < x.size(); ++i)
    if (x[i].start != y[i].start || x[i].end != y[i].end || x[i].label != y[i].label) return false;
  return true;
}

}  // namespace

TEST(AudacityLabels, ReadsPointsRegionsSpectralLinesAndCommaDecimals) {
  const auto r = parseAudacityLabels(fixture("audacity_labels.txt"), QStringLiteral("l.txt"), 16000,
                                     8 * 16000);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.size(), 5);  // the two "\" frequency lines are not labels
  EXPECT_EQ(r.value[0].start, 34400);
  EXPECT_TRUE(r.value[0].isPoint());
  EXPECT_EQ(r.value[1].start, 54400);
  EXPECT_EQ(r.value[1].end, 97600);
  EXPECT_EQ(r.value[1].label, QStringLiteral("region label from 3.4 to 6.1 seconds"));
  EXPECT_EQ(r.value[3].end, 40000);    // 2.5 s, overlapping nothing but allowed to
  EXPECT_EQ(r.value[4].start, 88000);  // "5,500000"
  EXPECT_EQ(r.value[4].end, 112000);
}

TEST(AudacityLabels, RoundTripAndLegacyPointForm) {
  const QVector<Segment> segments{{0, 16000, QStringLiteral("yes")},
                                  {8000, 24000, QStringLiteral("overlap")},
                                  {30001, 30001, QStringLiteral("click")}};
  const QByteArray bytes = encodeAudacityLabels(segments, 16000);
  EXPECT_TRUE(bytes.startsWith("0.000000\t1.000000\tyes\n"));
  const auto back = parseAudacityLabels(bytes, QStringLiteral("l.txt"), 16000, 32000);
  ASSERT_TRUE(back.ok()) << back.error.toStdString();
  EXPECT_TRUE(same(back.value, segments));
  const auto legacy = parseAudacityLabels("1.5\tclap\n", QStringLiteral("old.txt"), 100, 200);
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy.value[0].start, 150);
  EXPECT_TRUE(legacy.value[0].isPoint());
  EXPECT_EQ(legacy.value[0].label, QStringLiteral("clap"));
}

TEST(AudacityLabelsHostile, PastTheEndReversedAndGarbage) {
  auto r = parseAudacityLabels("0\t1\ta\n1\t9\tlate\n", QStringLiteral("l.txt"), 100, 500);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error.startsWith(QLatin1String("l.txt: line 2:"))) << r.error.toStdString();
  EXPECT_NE(r.error.indexOf(QLatin1String("past the end")), -1);
  // Within one frame or 1 ms of the end is rounding in the label file: clamped, not refused.
  r = parseAudacityLabels("4.5\t5.009\tedge\n", QStringLiteral("l.txt"), 100, 500);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  EXPECT_EQ(r.value[0].end, 500);
  r = parseAudacityLabels("3\t1\tback\n", QStringLiteral("l.txt"), 100, 500);
  EXPECT_NE(r.error.indexOf(QLatin1String("line 1")), -1);
  r = parseAudacityLabels("abc\t1\tx\n", QStringLiteral("l.txt"), 100, 500);
  EXPECT_NE(r.error.indexOf(QLatin1String("not a number")), -1);
  r = parseAudacityLabels("-1\t1\tx\n", QStringLiteral("l.txt"), 100, 500);
  EXPECT_FALSE(r.ok());
  r = parseAudacityLabels("0\t1\tx\n", QStringLiteral("l.txt"), 0, 500);
  EXPECT_NE(r.error.indexOf(QLatin1String("rate")), -1);
}

TEST(TextGrid, LongShortAndUtf16FormsReadTheSame) {
  // Mary: [0.7, 1.5) "say "yes"" between blank intervals (gaps); John: "café" over it all;
  // bell: a point at 1.1 s. At 100 Hz the recording has 230 frames.
  const QVector<Segment> expected{{70, 150, QStringLiteral("say \"yes\"")},
                                  {0, 230, QStringLiteral("café")},
                                  {110, 110, QStringLiteral("ding")}};
  for (const char* name : {"long.TextGrid", "short.TextGrid", "utf16.TextGrid"}) {
    const auto r = parseTextGrid(fixture(name), QString::fromLatin1(name), 100, 230);
    ASSERT_TRUE(r.ok()) << name << ": " << r.error.toStdString();
    EXPECT_TRUE(same(r.value, expected)) << name;
  }
  // UTF-16 big endian with its BOM reads the same too.
  const QString text = QString::fromUtf8(fixture("long.TextGrid"));
  QByteArray be("\xFE\xFF", 2);
  for (const QChar c : text)
    be.append(static_cast<char>(c.unicode() >> 8)).append(static_cast<char>(c.unicode() & 0xFF));
  const auto big = parseTextGrid(be, QStringLiteral("be.TextGrid"), 100, 230);
  ASSERT_TRUE(big.ok()) << big.error.toStdString();
  EXPECT_TRUE(same(big.value, expected));
  // Praat's tolerance: comments, units after numbers, everything on one line.
  const auto odd = parseTextGrid(
      "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n! a comment 99\n0s 2.3s <exists> 1 "
      "\"IntervalTier\" \"w\" 0 2.3 1 ! type, name, xmin, xmax, size\n0.5 1 \"x\"\n",
      QStringLiteral("odd.TextGrid"), 100, 230);
  ASSERT_TRUE(odd.ok()) << odd.error.toStdString();
  ASSERT_EQ(odd.value.size(), 1);
  EXPECT_EQ(odd.value[0].start, 50);
}

TEST(TextGrid, WritesWhatItReadsWithOverlapsInExtraTiers) {
  const QVector<Segment> segments{{0, 100, QStringLiteral("a")},
                                  {50, 150, QStringLiteral("b \"q\"")},
                                  {120, 200, QStringLiteral("c")},
                                  {60, 60, QStringLiteral("p")}};
  const QByteArray bytes = encodeTextGrid(segments, 16000, 16000);
  EXPECT_TRUE(bytes.startsWith("File type = \"ooTextFile\"\nObject class = \"TextGrid\""));
  EXPECT_NE(bytes.indexOf("class = \"TextTier\""), -1);
  const auto back = parseTextGrid(bytes, QStringLiteral("x.TextGrid"), 16000, 16000);
  ASSERT_TRUE(back.ok()) << back.error.toStdString();
  EXPECT_TRUE(same(back.value, segments));
  const auto empty = parseTextGrid(encodeTextGrid({}, 100, 10), QStringLiteral("e"), 100, 10);
  ASSERT_TRUE(empty.ok()) << empty.error.toStdString();
  EXPECT_TRUE(empty.value.isEmpty());
}

TEST(TextGridHostile, TruncatedLyingAndForeignFiles) {
  const QByteArray good = fixture("long.TextGrid");
  auto r = parseTextGrid(good.left(good.size() / 2), QStringLiteral("t.TextGrid"), 100, 230);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error.startsWith(QLatin1String("t.TextGrid:"))) << r.error.toStdString();
  QByteArray lying = good;
  lying.replace("intervals: size = 3", "intervals: size = 1000000000");
  r = parseTextGrid(lying, QStringLiteral("t.TextGrid"), 100, 230);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.indexOf(QLatin1String("more than the file holds")), -1)
      << r.error.toStdString();
  r = parseTextGrid(good, QStringLiteral("t.TextGrid"), 100, 200);  // the sound is shorter
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.indexOf(QLatin1String("past the end")), -1) << r.error.toStdString();
  EXPECT_NE(r.error.indexOf(QLatin1String("line ")), -1) << r.error.toStdString();
  r = parseTextGrid("File type = \"ooTextFile\"\nObject class = \"Pitch 1\"\n", QStringLiteral("p"),
                    1, 1);
  EXPECT_NE(r.error.indexOf(QLatin1String("not TextGrid")), -1);
  EXPECT_FALSE(parseTextGrid("ooBinaryFile\x08TextGrid", QStringLiteral("b"), 1, 1).ok());
  EXPECT_FALSE(parseTextGrid("File type = \"ooTextFile", QStringLiteral("u"), 1, 1).ok());
  QByteArray swapped = good;
  swapped.replace("text = \"café\"", "text = 5");
  EXPECT_NE(
      parseTextGrid(swapped, QStringLiteral("s"), 100, 230).error.indexOf(QLatin1String("must be")),
      -1);
}
