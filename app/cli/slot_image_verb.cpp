// tinyscope-cli slot-image: a model wrapped in the firmware's slot header, ready for QEMU's
// loader, and the address the board reads it from. The same function the qemu: launcher uses
// (app/core/device/launchers), so scripts/qemu_run.sh --model writes the same bytes.
#include <QCommandLineParser>
#include <QFile>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "app/core/device/launchers/qemu_launcher.h"

namespace tinyscope::cli {

int runSlotImage(const QStringList& args) {
  QCommandLineParser p;
  const QCommandLineOption board(QStringLiteral("board"),
                                 QStringLiteral("mps2-an386 (default) or netduinoplus2."),
                                 QStringLiteral("NAME"), QStringLiteral("mps2-an386"));
  const QCommandLineOption slot(QStringLiteral("slot"), QStringLiteral("Model slot (default 0)."),
                                QStringLiteral("N"), QStringLiteral("0"));
  const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                  QStringLiteral("Where to write the slot image."),
                                  QStringLiteral("FILE"));
  p.addOption(board);
  p.addOption(slot);
  p.addOption(output);
  p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The .tflite to wrap."));
  if (int c = parseVerbArgs(p, args, QStringLiteral("slot-image"),
                            QStringLiteral("Write a model as a Cortex-M4 board's slot image (the "
                                           "firmware's slot header + the model); print the "
                                           "address the board loads it from."),
                            1, 1);
      c >= 0)
    return c;
  const QString verb = QStringLiteral("slot-image");
  if (!p.isSet(output)) return fail(verb, QStringLiteral("--output FILE is required"), kExitUsage);
  bool ok = false;
  const int slotIndex = p.value(slot).toInt(&ok);
  if (!ok)
    return fail(verb, QStringLiteral("--slot '%1' is not a number").arg(p.value(slot)), kExitUsage);
  const QString modelPath = p.positionalArguments().at(0);
  QFile f(modelPath);
  if (!f.open(QIODevice::ReadOnly))
    return fail(verb, QStringLiteral("cannot read %1: %2").arg(modelPath, f.errorString()),
                kExitUsage);
  quint32 address = 0;
  QString error;
  if (!writeSlotImage(f.readAll(), p.value(board), slotIndex, p.value(output), &address, &error))
    return fail(verb, QStringLiteral("%1: %2").arg(modelPath, error), kExitUsage);
  out() << QStringLiteral("0x%1").arg(address, 8, 16, QLatin1Char('0')) << '\n';
  out().flush();
  return kExitOk;
}

}  // namespace tinyscope::cli
