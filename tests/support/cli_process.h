#pragma once
// Runs the real tinyscope-cli binary, as scripts and CI do, and captures its output.
#include <gtest/gtest.h>

#include <QProcess>
#include <QStringList>

struct CliResult {
  int code = -1;  // -1 when the process crashed or hung
  QString out;
  QString err;
};

inline CliResult runCli(const QStringList& args, int timeoutMs = 120000) {
  QProcess p;
  p.start(QStringLiteral(TINYSCOPE_CLI), args);
  const bool finished = p.waitForFinished(timeoutMs);
  EXPECT_TRUE(finished) << "tinyscope-cli " << args.join(' ').toStdString() << " did not finish";
  if (!finished) p.kill();
  return CliResult{finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                   QString::fromUtf8(p.readAllStandardOutput()),
                   QString::fromUtf8(p.readAllStandardError())};
}
