#pragma once
// One function per tinyscope-cli verb; the table in main.cpp lists them.
#include <QStringList>

namespace tinyscope::cli {

int runBench(const QStringList& args);
int runCompare(const QStringList& args);
int runDataset(const QStringList& args);
int runDevices(const QStringList& args);
int runFlash(const QStringList& args);
int runInfer(const QStringList& args);
int runInfo(const QStringList& args);
int runInspect(const QStringList& args);
int runRecord(const QStringList& args);
int runReplay(const QStringList& args);
int runRun(const QStringList& args);
int runSlotImage(const QStringList& args);
int runStream(const QStringList& args);
int runSlots(const QStringList& args);
int runConfirm(const QStringList& args);
int runRollback(const QStringList& args);
int runReset(const QStringList& args);
int runMlperf(const QStringList& args);

}  // namespace tinyscope::cli
