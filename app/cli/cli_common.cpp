#include "app/cli/cli_common.h"

#include <algorithm>
#include <cstdio>

namespace tinyscope::cli {

namespace {
QTextStream* utf8Stream(FILE* f) {
  auto* s = new QTextStream(f);  // lives for the process
  s->setCodec("UTF-8");
  return s;
}
}  // namespace

QTextStream& out() {
  static QTextStream* s = utf8Stream(stdout);
  return *s;
}

QTextStream& err() {
  static QTextStream* s = utf8Stream(stderr);
  return *s;
}

int fail(const QString& verb, const QString& message, int code) {
  out().flush();
  err() << "tinyscope-cli " << verb << ": " << message << Qt::endl;
  return code;
}

int parseVerbArgs(QCommandLineParser& parser, const QStringList& args, const QString& verb,
                  const QString& description, int minPositional, int maxPositional) {
  parser.setApplicationDescription(description);
  parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
  const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                QStringLiteral("Show this help."));
  parser.addOption(help);
  if (!parser.parse(args)) return fail(verb, parser.errorText(), kExitUsage);
  if (parser.isSet(help)) {
    QString text = parser.helpText();
    // QCommandLineParser names the binary by its path only; show the verb too.
    const int end = text.indexOf(QLatin1Char(' '), 7);  // after "Usage: <program>"
    if (text.startsWith(QLatin1String("Usage: ")) && end > 0)
      text.replace(0, end, QStringLiteral("Usage: tinyscope-cli ") + verb);
    out() << text;
    out().flush();
    return kExitOk;
  }
  const int n = static_cast<int>(parser.positionalArguments().size());
  if (n < minPositional)
    return fail(verb, QStringLiteral("missing argument (see 'tinyscope-cli %1 --help')").arg(verb),
                kExitUsage);
  if (maxPositional >= 0 && n > maxPositional)
    return fail(verb,
                QStringLiteral("unexpected argument '%1'")
                    .arg(parser.positionalArguments().value(maxPositional)),
                kExitUsage);
  return -1;
}

double median(QVector<double> values) {
  if (values.isEmpty()) return 0;
  std::sort(values.begin(), values.end());
  const int m = values.size() / 2;
  return values.size() % 2 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

}  // namespace tinyscope::cli
