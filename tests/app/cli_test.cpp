// The tinyscope-cli contract that scripts rely on: --help, --version, exit codes.
#include <gtest/gtest.h>

#include <QFile>
#include <QTemporaryDir>

#include "tests/support/cli_process.h"

TEST(Cli, HelpListsUsageAndExitsZero) {
  const CliResult r = runCli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.contains("Usage: tinyscope-cli <verb>"));
  EXPECT_TRUE(r.out.contains("Verbs:"));
  for (const char* verb : {"inspect", "run", "bench", "compare", "devices", "info", "stream",
                           "infer", "flash", "slot-image", "slots", "confirm", "rollback", "reset"})
    EXPECT_TRUE(r.out.contains(QString("  %1 ").arg(verb))) << verb;
}

TEST(Cli, VersionPrintsVersion) {
  const CliResult r = runCli({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.startsWith("tinyscope-cli 0."));
}

TEST(Cli, NoArgumentsPrintsUsageAndExitsTwo) {
  const CliResult r = runCli({});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.contains("Usage:"));
}

TEST(Cli, UnknownVerbIsOneLineAndExitsTwo) {
  const CliResult r = runCli({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.trimmed().count('\n'), 0);
  EXPECT_TRUE(r.err.contains("unknown verb 'frobnicate'"));
}

TEST(Cli, UnknownOptionIsOneLineAndExitsTwo) {
  const CliResult r = runCli({"--frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.trimmed().count('\n'), 0);
  EXPECT_TRUE(r.err.contains("unknown option '--frobnicate'"));
}

TEST(Cli, EveryVerbHasHelpNamingItself) {
  for (const char* verb :
       {"inspect", "run", "bench", "compare", "devices", "info", "stream", "infer", "flash",
        "slot-image", "slots", "confirm", "rollback", "reset"}) {
    const CliResult r = runCli({verb, "--help"});
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_TRUE(r.out.startsWith(QString("Usage: tinyscope-cli %1").arg(verb)))
        << r.out.toStdString();
    const CliResult bad = runCli({verb, "--no-such-option"});
    EXPECT_EQ(bad.code, 2) << verb;
    EXPECT_EQ(bad.err.trimmed().count('\n'), 0) << bad.err.toStdString();
  }
}

// scripts/qemu_run.sh --model builds its slot image with this verb.
TEST(Cli, SlotImagePrintsTheLoadAddressAndRefusesASlotTheBoardLacks) {
  QTemporaryDir dir;
  const QString model = dir.filePath("m.tflite");
  {
    QFile f(model);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("123456789");
  }
  const QString image = dir.filePath("slot.bin");
  const CliResult r =
      runCli({"slot-image", "--board", "netduinoplus2", "--slot", "1", "--output", image, model});
  EXPECT_EQ(r.code, 0) << r.err.toStdString();
  EXPECT_EQ(r.out.trimmed(), "0x080a0000");  // 0x08040000 + 384 KiB
  QFile f(image);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QByteArray bytes = f.readAll();
  EXPECT_EQ(bytes.size(), 32 + 9);
  EXPECT_EQ(bytes.left(4), QByteArray("TSMS"));
  EXPECT_EQ(bytes.mid(32), QByteArray("123456789"));

  const CliResult bad = runCli({"slot-image", "--slot", "2", "--output", image, model});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err.trimmed(),
            QString("tinyscope-cli slot-image: %1: slot 2: mps2-an386 has slots 0..1").arg(model));
}
