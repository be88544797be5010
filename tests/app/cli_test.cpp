// The tinyscope-cli contract that scripts rely on: --help, --version, exit codes.
#include <gtest/gtest.h>

#include "tests/support/cli_process.h"

TEST(Cli, HelpListsUsageAndExitsZero) {
  const CliResult r = runCli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.contains("Usage: tinyscope-cli <verb>"));
  EXPECT_TRUE(r.out.contains("Verbs:"));
  for (const char* verb :
       {"inspect", "run", "bench", "compare", "devices", "info", "stream", "infer", "flash"})
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
       {"inspect", "run", "bench", "compare", "devices", "info", "stream", "infer", "flash"}) {
    const CliResult r = runCli({verb, "--help"});
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_TRUE(r.out.startsWith(QString("Usage: tinyscope-cli %1").arg(verb)))
        << r.out.toStdString();
    const CliResult bad = runCli({verb, "--no-such-option"});
    EXPECT_EQ(bad.code, 2) << verb;
    EXPECT_EQ(bad.err.trimmed().count('\n'), 0) << bad.err.toStdString();
  }
}
