#include "app/gui/replay_view.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent>
#include <algorithm>
#include <functional>
#include <map>

#include "app/core/log_model.h"
#include "app/core/session/replay_list_model.h"
#include "app/core/tensor_comparison_model.h"

namespace tinyscope::ui {

using session::InferenceCheck;
using session::ReplayListModel;
using session::SessionReplay;

namespace {

double median(QVector<double> v) {
  if (v.isEmpty()) return 0;
  std::sort(v.begin(), v.end());
  const int m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

QTableView* makeTable(QAbstractItemModel* model, const QString& name) {
  auto* t = new QTableView;
  t->setObjectName(name);
  t->setModel(model);
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->setSelectionMode(QAbstractItemView::SingleSelection);
  t->verticalHeader()->hide();
  t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
  t->setTextElideMode(Qt::ElideRight);
  t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  t->horizontalHeader()->setStretchLastSection(true);
  return t;
}

// A count matrix as a heat table: the diagonal (`match`) green, the rest red, by count.
void fillMatrix(QTableWidget* t, const QStringList& rows, const QStringList& columns,
                const std::function<int(int, int)>& count,
                const std::function<bool(int, int)>& match, const QString& what) {
  t->clear();
  t->setRowCount(rows.size());
  t->setColumnCount(columns.size());
  t->setVerticalHeaderLabels(rows);
  t->setHorizontalHeaderLabels(columns);
  int most = 1;
  for (int i = 0; i < rows.size(); ++i)
    for (int j = 0; j < columns.size(); ++j) most = std::max(most, count(i, j));
  for (int i = 0; i < rows.size(); ++i)
    for (int j = 0; j < columns.size(); ++j) {
      const int n = count(i, j);
      auto* item = new QTableWidgetItem(QString::number(n));
      item->setTextAlignment(Qt::AlignCenter);
      if (n > 0) {
        const int alpha = 40 + 160 * n / most;
        item->setBackground(match(i, j) ? QColor(0x2d, 0xa4, 0x4e, alpha)
                                        : QColor(0xcf, 0x22, 0x2e, alpha));
      }
      item->setToolTip(what.arg(n).arg(rows[i], columns[j]));
      t->setItem(i, j, item);
    }
}

}  // namespace

ReplayView::ReplayView(LogModel* log, QWidget* parent)
    : QWidget(parent),
      m_log(log),
      m_list(new ReplayListModel(this)),
      m_tensors(new TensorComparisonModel(this)),
      m_open(new QPushButton(tr("Open Session Log…"))),
      m_path(new QLabel(tr("No session log open."))),
      m_progress(new QProgressBar),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_status(new QLabel),
      m_prev(new QPushButton(tr("◀ Prev"))),
      m_next(new QPushButton(tr("Next ▶"))),
      m_tabs(new QTabWidget),
      m_verdict(new QLabel),
      m_latency(new QtCharts::QChartView),
      m_summary(new QLabel),
      m_agreement(new QTableWidget),
      m_confusion(new QTableWidget),
      m_accuracy(new QtCharts::QChartView) {
  qRegisterMetaType<SessionReplay>();
  setObjectName(QStringLiteral("replayView"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);

  auto* top = new QHBoxLayout;
  m_open->setObjectName(QStringLiteral("replayOpen"));
  m_path->setObjectName(QStringLiteral("replayPath"));
  m_path->setMinimumWidth(50);
  m_path->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_progress->setObjectName(QStringLiteral("replayProgress"));
  m_progress->setMaximumWidth(160);
  m_progress->hide();
  m_cancel->setObjectName(QStringLiteral("replayCancel"));
  m_cancel->hide();
  top->addWidget(m_open);
  top->addWidget(m_path, 1);
  top->addWidget(m_progress);
  top->addWidget(m_cancel);
  layout->addLayout(top);

  m_status->setObjectName(QStringLiteral("replayStatus"));
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_status->hide();
  layout->addWidget(m_status);

  auto* split = new QSplitter(Qt::Horizontal);
  auto* left = new QWidget;
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  m_listView = makeTable(m_list, QStringLiteral("replayInferences"));
  m_listView->horizontalHeader()->setSectionResizeMode(ReplayListModel::kNoteColumn,
                                                       QHeaderView::Stretch);
  leftLayout->addWidget(m_listView, 1);
  auto* steps = new QHBoxLayout;
  m_prev->setToolTip(tr("Previous inference (P)"));
  m_next->setToolTip(tr("Next inference (N)"));
  steps->addWidget(m_prev);
  steps->addWidget(m_next);
  steps->addStretch(1);
  leftLayout->addLayout(steps);
  split->addWidget(left);

  auto* tensorsTab = new QWidget;
  auto* tensorsLayout = new QVBoxLayout(tensorsTab);
  tensorsLayout->setContentsMargins(2, 2, 2, 2);
  m_verdict->setObjectName(QStringLiteral("replayVerdict"));
  m_verdict->setWordWrap(true);
  m_verdict->setTextFormat(Qt::RichText);
  m_tensorView = makeTable(m_tensors, QStringLiteral("replayTensors"));
  tensorsLayout->addWidget(m_verdict);
  tensorsLayout->addWidget(m_tensorView, 1);
  m_tabs->addTab(tensorsTab, tr("Tensors"));

  m_latency->setObjectName(QStringLiteral("replayLatency"));
  m_latency->setRenderHint(QPainter::Antialiasing);
  m_latency->setMinimumHeight(120);
  m_tabs->addTab(m_latency, tr("Latency"));

  auto* summaryTab = new QWidget;
  auto* summaryLayout = new QVBoxLayout(summaryTab);
  summaryLayout->setContentsMargins(2, 2, 2, 2);
  m_summary->setObjectName(QStringLiteral("replaySummary"));
  m_summary->setWordWrap(true);
  m_summary->setTextFormat(Qt::RichText);
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_agreement->setObjectName(QStringLiteral("replayAgreement"));
  summaryLayout->addWidget(m_summary);
  auto* matrices = new QHBoxLayout;
  m_confusion->setObjectName(QStringLiteral("replayConfusion"));
  for (QTableWidget* t : {m_agreement, m_confusion}) {
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    matrices->addWidget(t, 1);
  }
  summaryLayout->addLayout(matrices, 1);
  m_tabs->addTab(summaryTab, tr("Summary"));
  m_accuracy->setObjectName(QStringLiteral("replayAccuracy"));
  m_accuracy->setRenderHint(QPainter::Antialiasing);
  m_tabs->addTab(m_accuracy, tr("Accuracy"));
  split->addWidget(m_tabs);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setSizes({2000, 3000});
  layout->addWidget(split, 1);

  connect(m_open, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Session Log"), QString(),
                                                      tr("Session logs (*.tsl);;All files (*)"));
    if (!path.isEmpty()) open(path);
  });
  connect(m_cancel, &QPushButton::clicked, this, &ReplayView::cancelWork);
  connect(m_prev, &QPushButton::clicked, this, &ReplayView::previous);
  connect(m_next, &QPushButton::clicked, this, &ReplayView::next);
  for (const auto& [key, slot] : {std::make_pair(Qt::Key_N, &ReplayView::next),
                                  std::make_pair(Qt::Key_P, &ReplayView::previous)}) {
    auto* s = new QShortcut(QKeySequence(key), this);
    s->setContext(Qt::WidgetWithChildrenShortcut);
    connect(s, &QShortcut::activated, this, slot);
  }
  connect(m_listView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showInference(current.row()); });
  connect(&m_watcher, &QFutureWatcher<SessionReplay>::finished, this, &ReplayView::onFinished);
  showInference(-1);
  showSummary();
}

ReplayView::~ReplayView() {
  if (m_cancelFlag) m_cancelFlag->store(true);
  m_watcher.waitForFinished();
}

bool ReplayView::running() const {
  return m_watcher.isRunning();
}

QString ReplayView::statusText() const {
  return m_status->text();
}

QString ReplayView::summaryText() const {
  return m_summary->text();
}

QString ReplayView::verdictText() const {
  return m_verdict->text();
}

int ReplayView::currentRow() const {
  return m_listView->currentIndex().row();
}

void ReplayView::selectRow(int row) {
  if (row < 0 || row >= m_list->rowCount()) return;
  m_listView->setCurrentIndex(m_list->index(row, 0));
  m_listView->scrollTo(m_list->index(row, 0));
}

void ReplayView::next() {
  selectRow(std::min(currentRow() + 1, m_list->rowCount() - 1));
}

void ReplayView::previous() {
  selectRow(std::max(currentRow() - 1, 0));
}

void ReplayView::showStatus(const QString& text, int level) {
  m_status->setVisible(!text.isEmpty());
  m_status->setStyleSheet(level >= 3   ? QStringLiteral("color:#cf222e")
                          : level == 2 ? QStringLiteral("color:#9a6700")
                                       : QString());
  m_status->setText(text);
  if (m_log && !text.isEmpty())
    m_log->append(level >= 3   ? LogLevel::kError
                  : level == 2 ? LogLevel::kWarning
                               : LogLevel::kInfo,
                  QStringLiteral("replay"), text);
}

void ReplayView::open(const QString& path) {
  if (m_watcher.isRunning()) {  // overtaken: stop the old replay before starting this one
    m_cancelFlag->store(true);
    m_watcher.waitForFinished();
  }
  const quint64 job = ++m_job;
  m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
  m_list->clear();
  m_opMedianUs.clear();
  showInference(-1);
  showSummary();
  m_path->setText(QFileInfo(path).fileName());
  m_path->setToolTip(path);
  showStatus(QString(), 0);
  m_progress->setRange(0, 0);
  m_progress->show();
  m_cancel->setEnabled(true);
  m_cancel->show();
  const QString title = tr("Replaying %1").arg(QFileInfo(path).fileName());
  if (m_log) m_log->append(LogLevel::kInfo, QStringLiteral("replay"), tr("replaying %1").arg(path));
  Q_EMIT workStarted(title);
  auto cancel = m_cancelFlag;
  m_watcher.setFuture(QtConcurrent::run([this, job, path, cancel] {
    int shownPercent = -1;
    return session::replaySessionLog(path, cancel.get(), [&](int done, int total) {
      const int percent = total ? 100 * done / total : 0;
      if (percent == shownPercent) return;
      shownPercent = percent;
      QMetaObject::invokeMethod(
          this,
          [this, job, done, total] {
            if (job != m_job) return;
            m_progress->setRange(0, total);
            m_progress->setValue(done);
            Q_EMIT workProgress(done, total);
          },
          Qt::QueuedConnection);
    });
  }));
}

void ReplayView::cancelWork() {
  if (!m_watcher.isRunning() || !m_cancelFlag) return;
  m_cancelFlag->store(true);
  m_cancel->setEnabled(false);
}

void ReplayView::onFinished() {
  SessionReplay r = m_watcher.result();
  m_progress->hide();
  m_cancel->hide();
  Q_EMIT workEnded();
  if (!r.error.isEmpty()) {
    showStatus(r.error, 3);
    m_path->setText(tr("%1 — not replayed").arg(QFileInfo(r.path).fileName()));
    Q_EMIT finished();
    return;
  }
  // The session's median device time per operator, for the latency chart.
  QVector<QVector<double>> perOp;
  for (const InferenceCheck& c : r.checks) {
    if (c.deviceOpMicros.size() > perOp.size()) perOp.resize(c.deviceOpMicros.size());
    for (int i = 0; i < c.deviceOpMicros.size(); ++i) perOp[i].append(c.deviceOpMicros[i]);
  }
  for (const QVector<double>& v : perOp) m_opMedianUs.append(median(v));
  const QString warning = r.warning;
  const bool cancelled = r.cancelled;
  const size_t checked = r.checks.size();
  m_list->setReplay(std::move(r));
  showSummary();
  if (cancelled)
    showStatus(tr("Replay cancelled after %n inference(s): the list shows those.", nullptr,
                  static_cast<int>(checked)),
               2);
  else if (!warning.isEmpty())
    showStatus(warning, 2);
  else if (m_log)
    m_log->append(LogLevel::kInfo, QStringLiteral("replay"),
                  tr("%1: %2 inferences checked").arg(m_list->replay().path).arg(checked));
  // The first failure, else the first inference that was checked, else the first.
  int row = -1, checkedRow = -1;
  for (int i = 0; i < m_list->rowCount() && row < 0; ++i) {
    const InferenceCheck::Outcome o = m_list->check(i)->outcome;
    if (o == InferenceCheck::Outcome::kFail) row = i;
    if (o == InferenceCheck::Outcome::kPass && checkedRow < 0) checkedRow = i;
  }
  if (row < 0) row = std::max(checkedRow, 0);
  selectRow(row);
  Q_EMIT finished();
}

void ReplayView::showInference(int row) {
  const InferenceCheck* c = m_list->check(row);
  m_prev->setEnabled(c && row > 0);
  m_next->setEnabled(c && row + 1 < m_list->rowCount());
  auto* chart = new QtCharts::QChart;
  chart->setMargins(QMargins(2, 2, 2, 2));
  chart->legend()->setAlignment(Qt::AlignBottom);
  if (!c) {
    m_tensors->clear();
    m_verdict->setText(m_list->rowCount() ? tr("Select an inference.")
                                          : tr("Open a session log (.tsl) to replay it."));
    chart->setTitle(tr("No inference selected"));
    m_latency->setChart(chart);  // the view owns the chart and deletes the one it showed
    return;
  }
  const SessionReplay& r = m_list->replay();
  m_tensors->setComparison(c->tensors, c->firstDivergentTensor);
  const QString when = tr("Inference %1 at %2 s").arg(c->index).arg(c->sessionSeconds, 0, 'f', 3);
  switch (c->outcome) {
    case InferenceCheck::Outcome::kPass:
      m_verdict->setText(
          c->tensorsCompared
              ? tr("<b style='color:#1a7f37'>%1: device and desktop agree on all %2 tensors.</b>")
                    .arg(when)
                    .arg(c->comparedTensors)
              : tr("<b style='color:#1a7f37'>%1: the top class agrees (outputs only).</b>")
                    .arg(when));
      break;
    case InferenceCheck::Outcome::kFail:
      m_verdict->setText(
          tr("<b style='color:#cf222e'>%1: %2</b>").arg(when, c->message.toHtmlEscaped()));
      break;
    case InferenceCheck::Outcome::kSkipped:
      m_verdict->setText(tr("<b>%1: not checked — %2</b>").arg(when, c->message.toHtmlEscaped()));
      break;
  }
  m_verdict->setToolTip(c->message);
  if (m_tensors->firstDivergentRow() >= 0)
    m_tensorView->scrollTo(m_tensors->index(m_tensors->firstDivergentRow(), 0));

  // Per-operator device time: this inference against the session's median.
  auto* mine = new QtCharts::QBarSet(tr("this inference"));
  auto* typical = new QtCharts::QBarSet(tr("session median"));
  QStringList categories;
  double top = 1;
  // Drawn bottom-up: the first operator at the top, as in the tensor table.
  for (int i = c->deviceOpMicros.size() - 1; i >= 0; --i) {
    categories << QStringLiteral("%1 %2").arg(i).arg(r.opNames.value(i, QStringLiteral("op")));
    *mine << c->deviceOpMicros[i];
    const double m = m_opMedianUs.value(i);
    *typical << m;
    top = std::max({top, static_cast<double>(c->deviceOpMicros[i]), m});
  }
  auto* series = new QtCharts::QHorizontalBarSeries;
  series->append(typical);
  series->append(mine);
  chart->addSeries(series);
  auto* ops = new QtCharts::QBarCategoryAxis;
  ops->append(categories);
  auto* us = new QtCharts::QValueAxis;
  us->setRange(0, top * 1.1);
  us->setTitleText(tr("device µs"));
  us->setLabelFormat(QStringLiteral("%.0f"));
  chart->addAxis(ops, Qt::AlignLeft);
  chart->addAxis(us, Qt::AlignBottom);
  series->attachAxis(ops);
  series->attachAxis(us);
  chart->setTitle(c->deviceOpMicros.isEmpty()
                      ? tr("The device sent no per-operator times for this inference.")
                      : tr("Device time per operator: %1 µs in all").arg(c->deviceMicros));
  m_latency->setChart(chart);
}

void ReplayView::showSummary() {
  const SessionReplay& r = m_list->replay();
  m_agreement->clear();
  m_agreement->setRowCount(0);
  m_agreement->setColumnCount(0);
  if (r.path.isEmpty()) {
    m_summary->setText(tr("No session log replayed yet."));
    m_confusion->clear();
    m_confusion->hide();
    auto* empty = new QtCharts::QChart;
    empty->setTitle(tr("No session log replayed yet."));
    m_accuracy->setChart(empty);
    return;
  }
  quint64 compared = 0, agree = 0;
  std::map<int, std::map<int, int>> counts;  // device top -> desktop top -> inferences
  QList<int> classes;
  for (const InferenceCheck& c : r.checks) {
    if (c.outcome == InferenceCheck::Outcome::kSkipped || c.deviceTop < 0 || c.desktopTop < 0)
      continue;
    ++compared;
    if (c.deviceTop == c.desktopTop) ++agree;
    ++counts[c.deviceTop][c.desktopTop];
    for (int k : {c.deviceTop, c.desktopTop})
      if (!classes.contains(k)) classes << k;
  }
  std::sort(classes.begin(), classes.end());
  const QDateTime started = QDateTime::fromMSecsSinceEpoch(r.header.startedUtcMs, Qt::UTC);
  QString text =
      tr("<b>%1</b> · %2, firmware %3 · model <b>%4</b> (%5 kernels) · recorded %6 UTC<br>")
          .arg(QFileInfo(r.path).fileName().toHtmlEscaped(),
               (r.boardName.isEmpty() ? r.header.deviceName : r.boardName).toHtmlEscaped(),
               r.header.firmwareVersion.toHtmlEscaped(), r.header.modelName.toHtmlEscaped(),
               r.header.kernels.toHtmlEscaped(),
               started.toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")));
  text += tr("%1 inferences recorded: <span style='color:#1a7f37'>%2 passed</span>, "
             "<span style='color:#cf222e'>%3 failed</span>, %4 skipped.")
              .arg(r.checks.size())
              .arg(r.passed)
              .arg(r.failed)
              .arg(r.skipped);
  if (compared)
    text += tr(" Top class: the device agrees with the desktop on %1 of %2 (%3%).")
                .arg(agree)
                .arg(compared)
                .arg(100.0 * static_cast<double>(agree) / static_cast<double>(compared), 0, 'f', 1);
  if (compared) text += tr(" Left: rows are the device's top class, columns the desktop's.");
  m_summary->setText(text);
  m_summary->setToolTip(r.path);

  QStringList names;
  for (int k : classes) names << r.className(k);
  fillMatrix(
      m_agreement, names, names,
      [&](int i, int j) {
        const auto row = counts.find(classes[i]);
        if (row == counts.end()) return 0;
        const auto cell = row->second.find(classes[j]);
        return cell == row->second.end() ? 0 : cell->second;
      },
      [](int i, int j) { return i == j; }, tr("%1 inference(s): device %2, desktop %3"));

  // The model on the dataset's labelled samples.
  const session::ClassScore& score = r.labelled;
  m_confusion->setVisible(score.scored > 0);
  auto* chart = new QtCharts::QChart;
  chart->setMargins(QMargins(2, 2, 2, 2));
  if (score.scored == 0) {
    chart->setTitle(
        r.cancelled ? tr("No accuracy: the replay was cancelled.")
        : r.datasetDir.isEmpty()
            ? tr("No accuracy: the session log is not in a dataset's sessions folder.")
            : tr("No accuracy: the dataset %1 has no labelled samples.").arg(r.datasetDir));
    m_accuracy->setChart(chart);
    return;
  }
  m_summary->setText(
      m_summary->text() +
      tr("<br>On the dataset's %1 labelled samples (%2): accuracy <b>%3%</b>%4 — right: rows are "
         "the labels, columns the model's classes.")
          .arg(score.scored)
          .arg(r.datasetDir.toHtmlEscaped())
          .arg(100.0 * score.accuracy(), 0, 'f', 1)
          .arg(r.labelledSkipped ? tr(", %1 skipped").arg(r.labelledSkipped) : QString()));
  fillMatrix(
      m_confusion, score.trueLabels, score.classes,
      [&](int i, int j) { return score.confusion[i].value(j); },
      [&](int i, int j) { return score.trueLabels[i] == score.classes[j]; },
      tr("%1 sample(s) labelled %2 taken for %3"));
  // Accuracy per label (the share of its samples the model gets right), then overall.
  auto* right = new QtCharts::QBarSet(tr("right %"));
  QStringList categories;
  for (int i = score.trueLabels.size() - 1; i >= 0; --i) {
    int total = 0, hits = 0;
    for (int j = 0; j < score.confusion[i].size(); ++j) {
      total += score.confusion[i][j];
      if (score.classes[j] == score.trueLabels[i]) hits += score.confusion[i][j];
    }
    categories << tr("%1 (%2)").arg(score.trueLabels[i]).arg(total);
    *right << (total ? 100.0 * hits / total : 0.0);
  }
  auto* series = new QtCharts::QHorizontalBarSeries;
  series->append(right);
  chart->addSeries(series);
  auto* labels = new QtCharts::QBarCategoryAxis;
  labels->append(categories);
  auto* percent = new QtCharts::QValueAxis;
  percent->setRange(0, 100);
  percent->setLabelFormat(QStringLiteral("%.0f"));
  percent->setTitleText(tr("% of the label's samples classified right"));
  chart->addAxis(labels, Qt::AlignLeft);
  chart->addAxis(percent, Qt::AlignBottom);
  series->attachAxis(labels);
  series->attachAxis(percent);
  chart->legend()->hide();
  chart->setTitle(tr("%1 on %2 labelled samples: %3% right")
                      .arg(r.header.modelName)
                      .arg(score.scored)
                      .arg(100.0 * score.accuracy(), 0, 'f', 1));
  m_accuracy->setChart(chart);
}

}  // namespace tinyscope::ui
