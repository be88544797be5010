// Crash safety of the dataset store against a real writer process:
//  (a) kill -9 at random moments: every sample whose add() returned (the writer printed
//      "done <content id>") is indexed and intact after reopening; verify reports nothing but
//      orphaned payloads and interrupted writes, and after repair() it is clean.
//  (b) a power cut: an LD_PRELOAD shim keeps only what was fsync'd (file contents at their last
//      fsync, folder entries at the folder's last fsync); the folder rebuilt from that state
//      satisfies the same invariant.
#include <gtest/gtest.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>
#include <random>

#include "app/core/dataset/dataset_store.h"
#include "tests/app/dataset/crash_invariant.h"

namespace tinyscope::dataset {
namespace {

struct TrialStats {
  int findings = 0;
  int reindexed = 0;
  int quarantined = 0;
};

// Runs the writer, kills it with SIGKILL after `ms`, returns the content ids it reported done.
// With `readyFile`, the `ms` count from the moment that file appears (the power-cut shim writes
// it once it has recorded the disk as it was before the writer started).
QStringList runAndKill(const QString& dir, int seed, bool record, int ms,
                       const QProcessEnvironment& env, const QString& readyFile = {}) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(QStringLiteral(TINYSCOPE_CRASH_WRITER),
          {dir, QString::number(seed), record ? QStringLiteral("record") : QStringLiteral("add")});
  EXPECT_TRUE(p.waitForStarted());
  if (!readyFile.isEmpty()) {
    QElapsedTimer waited;
    waited.start();
    while (!QFile::exists(readyFile) && waited.elapsed() < 20000) QThread::msleep(2);
    EXPECT_TRUE(QFile::exists(readyFile)) << "the power-cut shim never finished its baseline";
  }
  QThread::msleep(static_cast<unsigned long>(ms));
  p.kill();  // SIGKILL
  p.waitForFinished();
  QStringList done;
  for (const QByteArray& line : p.readAllStandardOutput().split('\n'))
    if (line.startsWith("done ")) done << QString::fromLatin1(line.mid(5));
  const QByteArray err = p.readAllStandardError();
  EXPECT_TRUE(err.isEmpty()) << err.toStdString();
  return done;
}

// The invariant: the dataset opens; every done sample is listed and intact; verify finds only
// orphaned payloads and extra files (interrupted writes), and repair() makes it clean.
void checkInvariant(const QString& dir, const QSet<QString>& done, TrialStats* stats) {
  const int findings = testing::expectOnlyInterruptedWrites(dir);
  ASSERT_GE(findings, 0);
  stats->findings += findings;
  QString error;
  auto store = DatasetStore::open(dir, &error);
  ASSERT_TRUE(store) << error.toStdString();
  VerifyReport v;
  RepairReport r;
  ASSERT_TRUE(store->repair(&r, &error)) << error.toStdString();
  stats->reindexed += r.reindexed.size();
  stats->quarantined += r.quarantined.size();
  ASSERT_TRUE(store->verify(&v, &error));
  EXPECT_TRUE(v.clean());
  QSet<QString> present;
  for (const SampleRecord& s : store->list({}, &error)) present.insert(s.contentId);
  for (const QString& id : done) EXPECT_TRUE(present.contains(id)) << "lost " << id.toStdString();
}

TEST(CrashSafety, KillNineAtRandomMomentsNeverLosesACompletedSample) {
  QTemporaryDir tmp;
  const QString dir = tmp.path() + "/ds";
  QString error;
  ASSERT_TRUE(DatasetStore::create(dir, &error)) << error.toStdString();
  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> wait(5, 90);
  QSet<QString> done;
  TrialStats stats;
  QElapsedTimer clock;
  clock.start();
  const int kTrials = 110;
  for (int t = 0; t < kTrials; ++t) {
    for (const QString& id :
         runAndKill(dir, t + 1, t % 2 == 1, wait(rng), QProcessEnvironment::systemEnvironment()))
      done.insert(id);
    checkInvariant(dir, done, &stats);
    if (HasFailure()) break;
  }
  std::printf(
      "kill -9: %d trials, %d completed samples kept, %d findings, %d re-indexed, %d "
      "quarantined, %.1f s\n",
      kTrials, int(done.size()), stats.findings, stats.reindexed, stats.quarantined,
      clock.elapsed() / 1000.0);
  EXPECT_GT(done.size(), 100);  // the writer did get work done between kills
}

// Rebuilds the folder a disk would hold after the power cut, from the shim's durable state.
void rebuild(const QString& durable, const QString& target) {
  const QDir dirs(durable + "/dirs");
  for (const QString& list : dirs.entryList({"*.list"}, QDir::Files)) {
    QString rel = list.chopped(5).mid(3);  // "dir~samples.list" -> "~samples"
    rel.replace('~', '/');
    const QString folder = target + rel;
    QDir().mkpath(folder);
    QFile f(dirs.filePath(list));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    for (const QByteArray& line : f.readAll().split('\n')) {
      const int space = line.indexOf(' ');
      if (space < 0) continue;
      const QString content = durable + "/content/" + QString::fromLatin1(line.left(space));
      const QString name = folder + "/" + QString::fromUtf8(line.mid(space + 1));
      if (QFile::exists(content))
        ASSERT_TRUE(QFile::copy(content, name));
      else  // the entry was synced, its data never was
        ASSERT_TRUE(QFile(name).open(QIODevice::WriteOnly));
    }
  }
}

TEST(CrashSafety, PowerCutKeepsEveryCompletedSample) {
  QTemporaryDir tmp;
  const QString dir = tmp.path() + "/ds";
  QString error;
  ASSERT_TRUE(DatasetStore::create(dir, &error)) << error.toStdString();
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> wait(20, 120);
  QSet<QString> done;
  TrialStats stats;
  int trialsLosingUnsyncedData = 0;
  const int kTrials = 30;
  for (int t = 0; t < kTrials; ++t) {
    const QString durable = tmp.path() + QStringLiteral("/durable%1").arg(t);
    QDir().mkpath(durable);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("LD_PRELOAD", QStringLiteral(TINYSCOPE_POWER_CUT_SHIM));
    // In the ASan build the shim is loaded before ASan's runtime, which ASan refuses by default.
    env.insert("ASAN_OPTIONS", env.value("ASAN_OPTIONS") + ":verify_asan_link_order=0");
    env.insert("TS_SHIM_WATCH", dir);
    env.insert("TS_SHIM_OUT", durable);
    for (const QString& id :
         runAndKill(dir, 1000 + t, t % 2 == 1, wait(rng), env, durable + "/baseline.done"))
      done.insert(id);
    const QString after = tmp.path() + QStringLiteral("/after%1").arg(t);
    rebuild(durable, after);
    ASSERT_TRUE(QFile::exists(after + "/dataset.sqlite")) << "the shim recorded nothing";
    // The model drops something real: the files on disk now vs the files that survived.
    if (QDir(dir + "/samples").entryList(QDir::Files | QDir::Hidden) !=
        QDir(after + "/samples").entryList(QDir::Files | QDir::Hidden))
      ++trialsLosingUnsyncedData;
    checkInvariant(after, done, &stats);
    // The next trial starts from the real folder, tidied as a user would after the kill.
    TrialStats ignored;
    checkInvariant(dir, done, &ignored);
    if (HasFailure()) break;
  }
  std::printf(
      "power cut: %d trials, %d completed samples kept, %d trials lost unsynced files, "
      "%d findings, %d re-indexed, %d quarantined\n",
      kTrials, int(done.size()), trialsLosingUnsyncedData, stats.findings, stats.reindexed,
      stats.quarantined);
  EXPECT_GT(done.size(), 20);
}

}  // namespace
}  // namespace tinyscope::dataset
