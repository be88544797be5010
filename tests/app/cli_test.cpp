// The tinyscope-cli contract that scripts rely on: --help, --version, exit codes.
#include <gtest/gtest.h>

#include "tests/support/cli_process.h"

TEST(Cli, HelpListsUsageAndExitsZero) {
  const CliResult r = runCli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.contains("Usage: tinyscope-cli <verb>"));
  EXPECT_TRUE(r.out.contains("Verbs:"));
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
