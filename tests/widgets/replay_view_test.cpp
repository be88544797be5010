// The Replay view on session logs recorded in the test by tinyscope-cli from the real agent over
// a pty: it replays on a worker, lists each inference (an item model checked by
// QAbstractItemModelTester), steps with N / P, shows the tensor table with the first divergent
// operator highlighted and the per-operator latency chart, and says clearly in its status line
// when a log is damaged.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/log_model.h"
#include "app/core/session/replay_list_model.h"
#include "app/core/tensor_comparison_model.h"
#include "app/gui/main_window.h"
#include "app/gui/replay_view.h"
#include "app/gui/work_bar.h"
#include "tests/support/agent_process.h"
#include "tests/support/cli_process.h"

using tinyscope::LogLevel;
using tinyscope::LogModel;
using tinyscope::TensorComparisonModel;
using tinyscope::session::InferenceCheck;
using tinyscope::session::ReplayListModel;
using tinyscope::ui::ReplayView;

namespace {

const QString kDemoModel =
    QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite");

// Records 4 s of the agent's IMU stream with an inference (all tensors captured) every 10
// windows into a dataset under `dir` (`recordArgs` added); the session log's path, "" on failure.
QString recordSession(const QString& dir, const QStringList& agentArgs,
                      const QStringList& recordArgs = {}) {
  PtyAgent agent(QStringList{"--model", kDemoModel, "--sensor", "imu"} + agentArgs);
  if (agent.address().isEmpty()) return {};
  const CliResult rec = runCli(QStringList{"record", "--device", agent.address(), "--dataset", dir,
                                           "--create", "--duration", "4", "--model", kDemoModel,
                                           "--infer-every", "10", "--capture", "all", "--json"} +
                               recordArgs);
  EXPECT_EQ(rec.code, 0) << rec.err.toStdString();
  return QJsonDocument::fromJson(rec.out.toUtf8()).object()["session_log"].toString();
}

bool replay(ReplayView& view, const QString& path) {
  QSignalSpy done(&view, &ReplayView::finished);
  view.open(path);
  return done.wait(60000);
}

}  // namespace

TEST(ReplayView, StepsThroughARecordedSessionAndHighlightsTheFirstDivergentOperator) {
  QTemporaryDir dir;
  // A device whose second operator's kernel is faulty: every inference diverges there.
  const QString session = recordSession(dir.filePath("ds"), {"--fault-op", "FULLY_CONNECTED"});
  ASSERT_FALSE(session.isEmpty());
  LogModel log;
  ReplayView view(&log);
  tinyscope::ui::WorkBar bar;
  bar.follow(&view);
  QAbstractItemModelTester listTester(view.inferences(),
                                      QAbstractItemModelTester::FailureReportingMode::Fatal);
  QAbstractItemModelTester tensorTester(view.tensors(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
  view.resize(1000, 500);
  view.show();
  QSignalSpy progress(&view, &ReplayView::workProgress);
  ASSERT_TRUE(replay(view, session));
  EXPECT_EQ(bar.runningCount(), 0);
  ASSERT_GE(progress.size(), 1);
  EXPECT_EQ(progress.last().at(0), progress.last().at(1));  // 100 %
  EXPECT_TRUE(view.statusText().isEmpty()) << view.statusText().toStdString();

  // The first inferences may run before the device's first window is full (skipped: nothing
  // to compare); every other one diverges at operator 1.
  const int n = view.inferences()->rowCount();
  QVector<int> failed;
  for (int i = 0; i < n; ++i) {
    const InferenceCheck* c = view.inferences()->check(i);
    if (c->outcome == InferenceCheck::Outcome::kSkipped) continue;
    EXPECT_EQ(c->outcome, InferenceCheck::Outcome::kFail) << i;
    EXPECT_EQ(c->firstDivergentOp, 1) << i;  // the first FULLY_CONNECTED
    failed << i;
  }
  ASSERT_GE(failed.size(), 3);
  EXPECT_TRUE(view.summaryText().contains(QStringLiteral("%1 failed").arg(failed.size())))
      << view.summaryText().toStdString();

  // The first failure is shown: its tensor table highlights tensor 5 (op 1's output).
  EXPECT_EQ(view.currentRow(), failed[0]);
  TensorComparisonModel* t = view.tensors();
  ASSERT_GE(t->firstDivergentRow(), 0);
  const QModelIndex first = t->index(t->firstDivergentRow(), TensorComparisonModel::kOpColumn);
  EXPECT_EQ(first.data().toInt(), 1);
  EXPECT_EQ(t->index(t->firstDivergentRow(), 0).data().toInt(), 5);
  EXPECT_TRUE(first.data(TensorComparisonModel::kFirstDivergentRole).toBool());
  EXPECT_TRUE(first.data(Qt::BackgroundRole).isValid());
  EXPECT_FALSE(t->index(0, 0).data(TensorComparisonModel::kFirstDivergentRole).toBool());
  EXPECT_TRUE(view.verdictText().contains("FULLY_CONNECTED")) << view.verdictText().toStdString();
  // The latency chart: one bar per operator, this inference and the session's median.
  QtCharts::QChart* chart = view.latencyChart()->chart();
  ASSERT_EQ(chart->series().size(), 1);

  // N and P step through the list (the keys work wherever the focus is in the view).
  view.selectRow(0);
  QApplication::setActiveWindow(&view);  // shortcuts need an active window
  ASSERT_TRUE(QTest::qWaitForWindowActive(&view));
  view.inferenceTable()->setFocus();
  const QString firstVerdict = view.verdictText();
  QTest::keyClick(view.inferenceTable(), Qt::Key_N);
  EXPECT_EQ(view.currentRow(), 1);
  EXPECT_NE(view.verdictText(), firstVerdict);  // another inference, another time
  QTest::keyClick(view.inferenceTable(), Qt::Key_N);
  EXPECT_EQ(view.currentRow(), 2);
  QTest::keyClick(view.inferenceTable(), Qt::Key_P);
  EXPECT_EQ(view.currentRow(), 1);
  for (int i = 0; i < n + 2; ++i) view.next();
  EXPECT_EQ(view.currentRow(), n - 1);  // stops at the last one
  EXPECT_GT(view.tensors()->rowCount(), 3);

  // The agreement matrix has the device's classes as rows (the model's labels).
  EXPECT_GE(view.agreementTable()->rowCount(), 1);
  EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
}

TEST(ReplayView, ACleanSessionPassesAndATamperedLogIsAClearErrorInTheView) {
  QTemporaryDir dir;
  // Its samples labelled "wave": the Summary scores the model on them.
  const QString session = recordSession(dir.filePath("ds"), {}, {"--label", "wave"});
  ASSERT_FALSE(session.isEmpty());
  LogModel log;
  ReplayView view(&log);
  view.show();
  ASSERT_TRUE(replay(view, session));
  const int n = view.inferences()->rowCount();
  int passed = 0;
  for (int i = 0; i < n; ++i) {
    const InferenceCheck* c = view.inferences()->check(i);
    EXPECT_NE(c->outcome, InferenceCheck::Outcome::kFail) << i;
    if (c->outcome == InferenceCheck::Outcome::kPass) ++passed;
  }
  ASSERT_GE(passed, 3);
  // The first inference that was checked is shown (the list starts on it when none failed).
  view.selectRow(n - 1);
  EXPECT_EQ(view.tensors()->firstDivergentRow(), -1);
  EXPECT_GT(view.tensors()->rowCount(), 3);  // input and every operator's output
  EXPECT_TRUE(view.verdictText().contains("agree")) << view.verdictText().toStdString();
  EXPECT_TRUE(view.summaryText().contains("agrees with the desktop on"))
      << view.summaryText().toStdString();
  // Accuracy and confusion on the dataset's labelled samples: one row ("wave"), a column per class
  // of the model, every sample counted once.
  QTableWidget* confusion = view.confusionTable();
  ASSERT_EQ(confusion->rowCount(), 1);
  EXPECT_EQ(confusion->verticalHeaderItem(0)->text(), "wave");
  EXPECT_EQ(confusion->columnCount(), 4);  // the demo model's classes
  int samples = 0;
  for (int j = 0; j < confusion->columnCount(); ++j)
    samples += confusion->item(0, j)->text().toInt();
  EXPECT_GE(samples, 1);
  EXPECT_TRUE(view.summaryText().contains(QStringLiteral("%1 labelled samples").arg(samples)))
      << view.summaryText().toStdString();
  EXPECT_EQ(view.accuracyChart()->chart()->series().size(), 1);

  // A cancelled replay stops between inferences and says so (the view's Cancel sets this flag;
  // set before the start, the replay is cancelled whatever the machine's speed).
  {
    std::atomic<bool> cancel{true};
    const tinyscope::session::SessionReplay r =
        tinyscope::session::replaySessionLog(session, &cancel, {});
    EXPECT_TRUE(r.cancelled);
    EXPECT_TRUE(r.error.isEmpty()) << r.error.toStdString();
    EXPECT_TRUE(r.checks.empty());
  }

  QFile in(session);
  ASSERT_TRUE(in.open(QIODevice::ReadOnly));
  const QByteArray bytes = in.readAll();
  in.close();

  // A flipped byte in the header: not replayable, one sentence naming the file, no dialog.
  QByteArray header = bytes;
  header[14] = static_cast<char>(header[14] ^ 0x20);
  const QString badHeader = dir.filePath("ds/sessions/header.tsl");
  {
    QFile f(badHeader);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(header);
  }
  ASSERT_TRUE(replay(view, badHeader));
  EXPECT_EQ(view.inferences()->rowCount(), 0);
  EXPECT_TRUE(view.statusText().contains("header.tsl")) << view.statusText().toStdString();
  EXPECT_TRUE(view.statusText().contains("header")) << view.statusText().toStdString();
  EXPECT_EQ(log.entry(log.rowCount() - 1).level, LogLevel::kError);
  EXPECT_EQ(QApplication::activeModalWidget(), nullptr);

  // A flipped byte near the end: what comes before is replayed, the damage is named.
  QByteArray tail = bytes;
  tail[tail.size() - 40] = static_cast<char>(tail[tail.size() - 40] ^ 0x01);
  const QString badTail = dir.filePath("ds/sessions/tail.tsl");
  {
    QFile f(badTail);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(tail);
  }
  ASSERT_TRUE(replay(view, badTail));
  EXPECT_GE(view.inferences()->rowCount(), n - 1);
  EXPECT_TRUE(view.statusText().contains("tail.tsl")) << view.statusText().toStdString();
  EXPECT_TRUE(view.statusText().contains("CRC")) << view.statusText().toStdString();
  EXPECT_EQ(log.entry(log.rowCount() - 1).level, LogLevel::kWarning);
}

TEST(ReplayView, TheWindowHasFlashAndReplayDocksAndShowsReplayWorkInTheStatusBar) {
  QTemporaryDir dir;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("settings"));
  tinyscope::ui::MainWindow window;
  window.show();
  for (const char* name : {"flashDock", "replayDock"}) {
    QDockWidget* d = window.dock(QString::fromLatin1(name));
    ASSERT_NE(d, nullptr) << name;
    EXPECT_NE(d->widget(), nullptr) << name;
  }
  bool openLog = false;
  for (QAction* menu : window.menuBar()->actions())
    if (menu->menu())
      for (QAction* a : menu->menu()->actions())
        openLog = openLog || a->text().remove('&').startsWith("Open Session Log");
  EXPECT_TRUE(openLog);

  // A file that is no session log: the replay starts (a row in the status bar), ends with the
  // error in the view and the window's log, and the row goes away.
  const QString junk = dir.filePath("junk.tsl");
  {
    QFile f(junk);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("junk");
  }
  QSignalSpy done(window.replayView(), &ReplayView::finished);
  window.openSessionLog(junk);
  EXPECT_EQ(window.workBar()->runningCount(), 1);
  ASSERT_TRUE(done.wait(10000));
  EXPECT_EQ(window.workBar()->runningCount(), 0);
  EXPECT_TRUE(window.replayView()->statusText().contains("junk.tsl"));
  LogModel* log = window.logModel();
  EXPECT_EQ(log->entry(log->rowCount() - 1).level, LogLevel::kError);
  EXPECT_TRUE(window.replayView()->isVisible());  // its dock came to the front
}
