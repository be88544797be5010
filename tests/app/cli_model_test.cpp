// inspect / run / bench / compare through the real tinyscope-cli binary, on real models.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

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
