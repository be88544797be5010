// tinyscope-cli: the headless tinyscope. QCoreApplication only, so it runs with no display
// (CI, ssh, containers). Subcommand style: tinyscope-cli <verb> [options].
#include <QCoreApplication>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "app/core/version.h"

namespace tinyscope::cli {

const QList<Verb>& verbs() {
  static const QList<Verb> table = {
      {"inspect", "Show a model's operators, tensors, MACs and planned arena.", runInspect},
      {"run", "Run a model once on the desktop runtime; dump every tensor.", runRun},
      {"bench", "Time inference: median/p90 µs, per-op medians, arena bytes.", runBench},
      {"compare", "Compare two tensor dumps; name the first diverging operator.", runCompare},
      {"devices", "List serial ports, the simulator, emulated boards and BLE devices.", runDevices},
      {"info", "Connect to a device and show its handshake.", runInfo},
      {"stream", "Stream sensor windows; report rate, gaps and link errors.", runStream},
      {"infer", "Run inference on the device, capture every tensor to a dump.", runInfer},
      {"flash", "Flash a model into a device's slot (resumable, CRC-checked) and activate it.",
       runFlash},
      {"record", "Record a device's stream into a dataset: in order, losses kept as gaps.",
       runRecord},
      {"replay", "Re-run recorded device sessions on the desktop and compare; JUnit for CI.",
       runReplay},
      {"dataset", "Datasets: list, info, label, relabel, split, verify, repair, rm.", runDataset},
      {"slot-image", "Write a model as a Cortex-M4 board's slot image for QEMU's loader.",
       runSlotImage},
      {"slots", "Show a device's model slots (testing, active, valid, ...).", runSlots},
      {"confirm", "Keep the model a flash left in test state.", runConfirm},
      {"rollback", "Return a device to the model active before the current one.", runRollback},
      {"reset", "Reboot a device (a model not confirmed is reverted).", runReset},
      {"mlperf", "Benchmark an MLPerf Tiny DUT-mode device: throughput and accuracy.", runMlperf},
  };
  return table;
}

namespace {

void printUsage() {
  out() << "Usage: tinyscope-cli <verb> [options]\n\n"
        << "tinyscope-cli runs tinyscope's models, devices and recordings headless.\n\n"
        << "Verbs:\n";
  for (const Verb& v : verbs())
    out() << "  " << QString::fromLatin1(v.name).leftJustified(11) << QString::fromUtf8(v.summary)
          << "\n";
  out() << "\nOptions:\n"
        << "  -h, --help     Show this help; 'tinyscope-cli <verb> --help' shows a verb's.\n"
        << "  -v, --version  Show the version.\n\n"
        << "Exit codes: 0 success, 1 the check failed, 2 bad usage or bad input.\n";
  out().flush();
}

}  // namespace
}  // namespace tinyscope::cli

int main(int argc, char** argv) {
  using namespace tinyscope::cli;
  QCoreApplication app(argc, argv);
  QCoreApplication::setApplicationName(QStringLiteral("tinyscope-cli"));
  QCoreApplication::setApplicationVersion(QString::fromLatin1(tinyscope::kVersion));

  const QStringList args = QCoreApplication::arguments();
  if (args.size() < 2) {
    printUsage();
    return kExitUsage;
  }
  const QString first = args.at(1);
  if (first == QLatin1String("-h") || first == QLatin1String("--help") ||
      first == QLatin1String("help")) {
    printUsage();
    return kExitOk;
  }
  if (first == QLatin1String("-v") || first == QLatin1String("--version")) {
    out() << "tinyscope-cli " << tinyscope::kVersion << Qt::endl;
    return kExitOk;
  }
  if (first.startsWith(QLatin1Char('-'))) {
    err() << "tinyscope-cli: unknown option '" << first << "' (see 'tinyscope-cli --help')"
          << Qt::endl;
    return kExitUsage;
  }
  for (const Verb& v : verbs()) {
    if (first == QLatin1String(v.name)) {
      QStringList verbArgs = args.mid(2);
      verbArgs.prepend(QStringLiteral("tinyscope-cli"));
      return v.run(verbArgs);
    }
  }
  err() << "tinyscope-cli: unknown verb '" << first << "' (see 'tinyscope-cli --help')" << Qt::endl;
  return kExitUsage;
}
