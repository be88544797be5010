#pragma once
// Shared plumbing of tinyscope-cli verbs: argument parsing with one-line errors and the
// exit-code contract (0 success, 1 the check failed, 2 bad usage or bad input).
#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>
#include <QVector>

namespace tinyscope::cli {

enum ExitCode { kExitOk = 0, kExitFailed = 1, kExitUsage = 2 };

struct Verb {
  const char* name;
  const char* summary;
  int (*run)(const QStringList& args);  // args[0] is "tinyscope-cli <verb>"
};

// Every verb's table entry; defined in main.cpp.
const QList<Verb>& verbs();

QTextStream& out();
QTextStream& err();

// Parses a verb's arguments. Returns -1 to continue, or the exit code to return now
// (0 after printing --help, 2 after printing one clear line for a bad option/argument count).
int parseVerbArgs(QCommandLineParser& parser, const QStringList& args, const QString& verb,
                  const QString& description, int minPositional, int maxPositional);

// One-line error on stderr in the form "tinyscope-cli <verb>: <message>", returns code.
int fail(const QString& verb, const QString& message, int code);

// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double median(QVector<double> values);

}  // namespace tinyscope::cli
