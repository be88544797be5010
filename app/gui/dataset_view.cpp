#include "app/gui/dataset_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/edit_commands.h"
#include "app/core/sample_list_model.h"
#include "app/gui/exchange_dialog.h"
#include "widgets/sample_timeline.h"

namespace tinyscope::ui {

namespace {

// One undo step made of the core's edit commands, done in order and undone in reverse. A
// part that fails rolls the earlier parts back, reports why, and makes the step obsolete
// (QUndoStack drops it).
class EditStep : public QUndoCommand {
 public:
  EditStep(const QString& text, std::vector<std::unique_ptr<dataset::EditCommand>> parts,
           std::function<void(const QString&)> onError)
      : QUndoCommand(text), m_parts(std::move(parts)), m_onError(std::move(onError)) {}

  void redo() override {
    QString error;
    for (size_t i = 0; i < m_parts.size(); ++i) {
      if (m_parts[i]->redo(&error)) continue;
      QString ignored;
      for (size_t k = i; k-- > 0;) m_parts[k]->undo(&ignored);
      fail(error);
      return;
    }
  }
  void undo() override {
    QString error;
    for (size_t k = m_parts.size(); k-- > 0;)
      if (!m_parts[k]->undo(&error)) return fail(error);
  }

 private:
  void fail(const QString& error) {
    setObsolete(true);
    m_onError(QObject::tr("%1: %2").arg(text(), error));
  }

  std::vector<std::unique_ptr<dataset::EditCommand>> m_parts;
  std::function<void(const QString&)> m_onError;
};

// A sample's frames as floats, read on a worker with its own store connection.
struct LoadedSample {
  qint64 id = 0;
  QVector<float> values;
  int channels = 0;
  double rateHz = 0;
  QString error;
};

LoadedSample readSample(const QString& dir, qint64 id) {
  LoadedSample out;
  out.id = id;
  std::unique_ptr<dataset::DatasetStore> store = dataset::DatasetStore::open(dir, &out.error);
  dataset::SampleRecord rec;
  QByteArray raw;
  if (!store || !store->sample(id, &rec, &out.error) || !store->readFrames(id, &raw, &out.error))
    return out;
  out.channels = rec.channels;
  out.rateHz = rec.rateHz;
  const int bytes = dataset::bytesPerValue(rec.type);
  const int n = raw.size() / bytes;
  out.values.resize(n);
  const char* p = raw.constData();
  for (int i = 0; i < n; ++i, p += bytes) {
    switch (rec.type) {
      case dataset::SampleType::kInt16: {
        qint16 v;
        std::memcpy(&v, p, sizeof v);
        out.values[i] = v;
        break;
      }
      case dataset::SampleType::kInt32: {
        qint32 v;
        std::memcpy(&v, p, sizeof v);
        out.values[i] = static_cast<float>(v);
        break;
      }
      case dataset::SampleType::kFloat32:
        std::memcpy(&out.values[i], p, sizeof(float));
        break;
    }
  }
  return out;
}

}  // namespace

DatasetView::DatasetView(QWidget* parent)
    : QWidget(parent),
      m_model(new SampleListModel(this)),
      m_undo(new QUndoStack(this)),
      m_labelFilter(new QComboBox(this)),
      m_splitFilter(new QComboBox(this)),
      m_sameSession(new QCheckBox(tr("Same session"), this)),
      m_newLabel(new QComboBox(this)),
      m_counts(new QLabel(this)),
      m_table(new QTableView(this)),
      m_timeline(new SampleTimeline(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* filters = new QHBoxLayout;
  m_labelFilter->setObjectName(QStringLiteral("labelFilter"));
  m_labelFilter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_labelFilter->setMinimumContentsLength(8);
  m_splitFilter->setObjectName(QStringLiteral("splitFilter"));
  m_splitFilter->addItem(tr("All splits"), -1);
  for (dataset::Split s :
       {dataset::Split::kTrain, dataset::Split::kTest, dataset::Split::kUnassigned})
    m_splitFilter->addItem(dataset::splitName(s), static_cast<int>(s));
  m_sameSession->setToolTip(tr("Only samples recorded in the selected sample's session"));
  filters->addWidget(m_labelFilter, 1);
  filters->addWidget(m_splitFilter);
  filters->addWidget(m_sameSession);
  filters->addSpacing(12);
  filters->addWidget(new QLabel(tr("New segments:"), this));
  m_newLabel->setObjectName(QStringLiteral("newSegmentLabel"));
  m_newLabel->setEditable(true);
  m_newLabel->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_newLabel->setMinimumContentsLength(8);
  m_newLabel->lineEdit()->setPlaceholderText(tr("label"));
  m_newLabel->setToolTip(tr("Label of segments dragged on the timeline (keys 1–9 pick one)"));
  filters->addWidget(m_newLabel, 1);
  layout->addLayout(filters);
  m_counts->setObjectName(QStringLiteral("datasetCounts"));
  m_counts->setWordWrap(true);
  m_counts->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_counts->setTextFormat(Qt::PlainText);
  layout->addWidget(m_counts);

  m_table->setModel(m_model);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
  m_table->setTextElideMode(Qt::ElideRight);
  m_table->setWordWrap(false);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  m_table->horizontalHeader()->setSectionResizeMode(SampleListModel::kName, QHeaderView::Stretch);
  m_table->horizontalHeader()->setSectionResizeMode(SampleListModel::kLabels, QHeaderView::Stretch);
  for (int c : {SampleListModel::kSplit, SampleListModel::kSeconds, SampleListModel::kSession})
    m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  m_table->setMinimumWidth(220);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(m_table);
  split->addWidget(m_timeline);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setChildrenCollapsible(false);
  layout->addWidget(split, 1);
  buildActions();

  connect(m_labelFilter, QOverload<int>::of(&QComboBox::activated), this,
          &DatasetView::applyFilter);
  connect(m_splitFilter, QOverload<int>::of(&QComboBox::activated), this,
          &DatasetView::applyFilter);
  connect(m_sameSession, &QCheckBox::toggled, this, &DatasetView::applyFilter);
  connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            const dataset::SampleRecord* r = m_model->record(current.row());
            if (!r) return;
            if (!m_sameSession->isChecked()) m_sessionId = r->sessionId;
            loadSample(r->id);
          });
  connect(m_newLabel, &QComboBox::currentTextChanged, m_timeline,
          [this](const QString& text) { m_timeline->setCurrentLabel(text.trimmed()); });
  connect(m_timeline, &SampleTimeline::currentLabelChanged, m_newLabel,
          [this](const QString& label) {
            if (m_newLabel->currentText() != label) m_newLabel->setCurrentText(label);
          });
  connect(m_undo, &QUndoStack::indexChanged, this, &DatasetView::edited);

  auto push = [this](const QString& text,
                     std::vector<std::unique_ptr<dataset::EditCommand>> parts) {
    m_undo->push(new EditStep(text, std::move(parts),
                              [this](const QString& e) { Q_EMIT errorOccurred(e); }));
  };
  auto labelOf = [this](qint64 segmentId, dataset::Segment* out) {
    for (const dataset::Segment& s : m_timeline->segments())
      if (s.id == segmentId) {
        *out = s;
        return true;
      }
    return false;
  };
  connect(m_timeline, &SampleTimeline::segmentCreated, this,
          [this, push](qint64 start, qint64 end, const QString& label) {
            if (!m_store) return;
            std::vector<std::unique_ptr<dataset::EditCommand>> parts;
            parts.push_back(dataset::edits::addSegment(m_store.get(), m_timeline->sampleId(), label,
                                                       start, end));
            selectAfterReload(label, start, end);
            push(tr("Label %1").arg(label), std::move(parts));
          });
  connect(m_timeline, &SampleTimeline::segmentResized, this,
          [this, push, labelOf](qint64 id, qint64 start, qint64 end) {
            dataset::Segment old;
            if (!m_store || !labelOf(id, &old)) return;
            std::vector<std::unique_ptr<dataset::EditCommand>> parts;
            parts.push_back(dataset::edits::removeSegment(m_store.get(), id));
            parts.push_back(dataset::edits::addSegment(m_store.get(), m_timeline->sampleId(),
                                                       old.label, start, end));
            selectAfterReload(old.label, start, end);
            push(tr("Resize %1").arg(old.label), std::move(parts));
          });
  connect(m_timeline, &SampleTimeline::segmentRelabeled, this,
          [this, push, labelOf](qint64 id, const QString& label) {
            dataset::Segment old;
            if (!m_store || !labelOf(id, &old)) return;
            std::vector<std::unique_ptr<dataset::EditCommand>> parts;
            parts.push_back(dataset::edits::removeSegment(m_store.get(), id));
            parts.push_back(dataset::edits::addSegment(m_store.get(), m_timeline->sampleId(), label,
                                                       old.start, old.end));
            selectAfterReload(label, old.start, old.end);
            push(tr("Relabel %1 as %2").arg(old.label, label), std::move(parts));
          });
  connect(m_timeline, &SampleTimeline::segmentRemoved, this, [this, push, labelOf](qint64 id) {
    dataset::Segment old;
    if (!m_store || !labelOf(id, &old)) return;
    std::vector<std::unique_ptr<dataset::EditCommand>> parts;
    parts.push_back(dataset::edits::removeSegment(m_store.get(), id));
    push(tr("Remove %1").arg(old.label), std::move(parts));
  });
  setDir(QString());
}

DatasetView::~DatasetView() {
  if (m_work) {
    m_cancel->store(true);
    m_work->disconnect(this);
    m_work->waitForFinished();
  }
  m_undo->clear();  // its commands point at the store
}

void DatasetView::setDir(const QString& dir) {
  m_undo->clear();
  m_model->setStore(nullptr);
  m_store.reset();
  m_dir = dir;
  ++m_loadJob;
  QString error;
  if (!dir.isEmpty() &&
      QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(dataset::kIndexFile))))
    m_store = dataset::DatasetStore::open(dir, &error);
  if (!error.isEmpty()) Q_EMIT errorOccurred(error);
  m_model->setStore(m_store.get());
  m_timeline->clearSample(m_store ? tr("Select a sample to see its signal and label segments.")
                          : dir.isEmpty()
                              ? tr("No dataset folder.")
                              : tr("No dataset in %1 yet: ● Record on the Live view creates it.")
                                    .arg(QDir::toNativeSeparators(dir)));
  applyFilter();
  updateActions();
}

void DatasetView::refresh() {
  if (!m_store) return setDir(m_dir);
  m_model->refresh();
  // New samples (a recording, an import) are listed at once, not only once the list scrolls.
  if (m_model->canFetchMore({})) m_model->fetchMore({});
  updateCounts();
  reloadSegments();
}

void DatasetView::applyFilter() {
  dataset::SampleFilter f;
  const QVariant label = m_labelFilter->currentData();
  if (label.toInt() == 1)
    f.unlabeled = true;
  else if (label.toInt() == 2)
    f.labels << m_labelFilter->currentText();
  const int split = m_splitFilter->currentData().toInt();
  if (split >= 0) {
    f.hasSplit = true;
    f.split = static_cast<dataset::Split>(split);
  }
  if (m_sameSession->isChecked()) f.sessionId = std::max<qint64>(1, m_sessionId);
  m_model->setFilter(f);
  if (m_model->canFetchMore({})) m_model->fetchMore({});
  updateCounts();
  // Something to look at at once: the first sample.
  if (!m_table->currentIndex().isValid() && m_model->rowCount() > 0)
    m_table->setCurrentIndex(m_model->index(0, 0));
}

void DatasetView::updateCounts() {
  QStringList names;
  QString error;
  if (m_store) names = m_store->labelNames(&error);
  // The label filter and the new-segment labels follow the dataset's labels.
  const QString chosen = m_labelFilter->currentText();
  m_labelFilter->clear();
  m_labelFilter->addItem(tr("All labels"), 0);
  m_labelFilter->addItem(tr("Unlabeled"), 1);
  for (const QString& n : names) m_labelFilter->addItem(n, 2);
  m_labelFilter->setCurrentIndex(std::max(0, m_labelFilter->findText(chosen)));
  const QString current = m_timeline->currentLabel();
  {
    const QSignalBlocker block(m_newLabel);
    m_newLabel->clear();
    m_newLabel->addItems(names);
    m_newLabel->setCurrentText(current);
  }
  m_timeline->setLabels(names);
  if (!current.isEmpty()) m_timeline->setCurrentLabel(current);

  dataset::DatasetSummary s;
  if (!m_store || !m_store->summary(&s, &error)) {
    m_counts->setText(m_store ? error : tr("No dataset."));
    return;
  }
  QStringList labels;
  for (const auto& l : s.labels) labels << QStringLiteral("%1 %2").arg(l.first).arg(l.second);
  labels << tr("unlabeled %1").arg(s.unlabeled);
  m_counts->setText(tr("%1 of %2 samples shown · %3 · train %4 · test %5 · unassigned %6")
                        .arg(m_model->totalCount())
                        .arg(s.samples)
                        .arg(labels.join(QStringLiteral(" · ")))
                        .arg(s.train)
                        .arg(s.test)
                        .arg(s.unassigned));
  m_counts->setToolTip(m_counts->text());
}

QString DatasetView::countsText() const {
  return m_counts->text();
}

bool DatasetView::selectSample(qint64 sampleId) {
  int row = m_model->rowOf(sampleId);
  while (row < 0 && m_model->canFetchMore({})) {
    m_model->fetchMore({});
    row = m_model->rowOf(sampleId);
  }
  if (row < 0) return false;
  m_table->setCurrentIndex(m_model->index(row, 0));
  return true;
}

void DatasetView::loadSample(qint64 sampleId) {
  const quint64 job = ++m_loadJob;
  m_timeline->clearSample(tr("Loading…"));
  auto* watcher = new QFutureWatcher<LoadedSample>(this);
  connect(watcher, &QFutureWatcher<LoadedSample>::finished, this, [this, watcher, job] {
    const LoadedSample s = watcher->result();
    watcher->deleteLater();
    if (job != m_loadJob) return;  // another sample was selected since
    if (!s.error.isEmpty()) {
      m_timeline->clearSample(s.error);
      Q_EMIT errorOccurred(s.error);
      return;
    }
    m_timeline->setSample(s.id, s.values, s.channels, s.rateHz);
    reloadSegments();
    Q_EMIT sampleLoaded(s.id);
  });
  watcher->setFuture(
      QtConcurrent::run([dir = m_dir, sampleId] { return readSample(dir, sampleId); }));
}

void DatasetView::selectAfterReload(const QString& label, qint64 start, qint64 end) {
  m_selectLabel = label;
  m_selectStart = start;
  m_selectEnd = end;
}

void DatasetView::reloadSegments() {
  if (!m_store || m_timeline->sampleId() == 0) return;
  QString error;
  const QVector<dataset::Segment> segments = m_store->segments(m_timeline->sampleId(), &error);
  if (!error.isEmpty()) Q_EMIT errorOccurred(error);
  const qint64 selected = m_timeline->selectedSegment();
  m_timeline->setSegments(segments);
  qint64 select = selected;
  for (const dataset::Segment& s : segments)
    if (s.label == m_selectLabel && s.start == m_selectStart && s.end == m_selectEnd) select = s.id;
  m_selectLabel.clear();
  m_timeline->selectSegment(select);
}

void DatasetView::edited() {
  const qint64 sample = m_timeline->sampleId();
  const QVector<qint64> selected = selectedIds();
  m_model->refresh();
  updateCounts();
  reloadSegments();
  // Keep the edited sample current and the selection selected (their columns changed).
  QItemSelectionModel* sm = m_table->selectionModel();
  const int row = m_model->rowOf(sample);
  if (row >= 0) {
    const QSignalBlocker block(sm);
    sm->setCurrentIndex(m_model->index(row, 0), QItemSelectionModel::NoUpdate);
  }
  QItemSelection selection;
  for (qint64 id : selected) {
    const int r = m_model->rowOf(id);
    if (r >= 0)
      selection.select(m_model->index(r, 0), m_model->index(r, m_model->columnCount() - 1));
  }
  sm->select(selection, QItemSelectionModel::ClearAndSelect);
  updateActions();
}

QVector<qint64> DatasetView::selectedIds() const {
  QVector<qint64> out;
  QModelIndexList rows = m_table->selectionModel()->selectedRows();
  std::sort(rows.begin(), rows.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  for (const QModelIndex& i : rows)
    if (const dataset::SampleRecord* r = m_model->record(i.row())) out << r->id;
  return out;
}

void DatasetView::buildActions() {
  auto action = [this](const QString& text, const QString& name, const QString& tip) {
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setToolTip(tip);
    return a;
  };
  m_relabelAction = action(tr("Relabel…"), QStringLiteral("relabelSelected"),
                           tr("Give the selected samples one whole-sample label"));
  m_renameAction = action(tr("Rename label…"), QStringLiteral("renameLabel"),
                          tr("Rename a label, or merge it into an existing one"));
  m_autoSplitAction =
      action(tr("Train/test split…"), QStringLiteral("autoSplit"),
             tr("Deterministic train/test split of the listed samples, stratified by label"));
  m_importAction = action(tr("Import…"), QStringLiteral("importSamples"),
                          tr("Import Edge Impulse JSON/CBOR/folders, CSV or WAV files"));
  m_exportAction = action(tr("Export…"), QStringLiteral("exportSamples"),
                          tr("Export to Edge Impulse, CSV, WAV, Audacity or TextGrid"));
  connect(m_relabelAction, &QAction::triggered, this, &DatasetView::relabelDialog);
  connect(m_renameAction, &QAction::triggered, this, &DatasetView::renameDialog);
  connect(m_autoSplitAction, &QAction::triggered, this, &DatasetView::autoSplitDialog);
  connect(m_importAction, &QAction::triggered, this, &DatasetView::importDialog);
  connect(m_exportAction, &QAction::triggered, this, &DatasetView::exportDialog);
  auto* splitMenu = new QMenu(this);
  for (dataset::Split s :
       {dataset::Split::kTrain, dataset::Split::kTest, dataset::Split::kUnassigned}) {
    QAction* a = splitMenu->addAction(tr("Selected → %1").arg(dataset::splitName(s)));
    a->setObjectName(QStringLiteral("splitSelected_") + dataset::splitName(s));
    connect(a, &QAction::triggered, this, [this, s] { setSelectedSplit(s); });
    m_splitActions << a;
  }
  splitMenu->addSeparator();
  splitMenu->addAction(m_autoSplitAction);

  auto* bar = new QHBoxLayout;
  auto button = [this, bar](QAction* a) {
    auto* b = new QToolButton(this);
    b->setDefaultAction(a);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addWidget(b);
    return b;
  };
  button(m_relabelAction);
  QToolButton* splitButton = button(new QAction(tr("Split"), this));
  splitButton->setObjectName(QStringLiteral("splitButton"));
  splitButton->setMenu(splitMenu);
  splitButton->setPopupMode(QToolButton::InstantPopup);
  button(m_renameAction);
  bar->addStretch(1);
  button(m_importAction);
  button(m_exportAction);
  // Below the filters and counts, above the list.
  static_cast<QVBoxLayout*>(layout())->insertLayout(2, bar);

  m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
  m_table->addAction(m_relabelAction);
  for (QAction* a : m_splitActions) m_table->addAction(a);
  m_table->addAction(m_autoSplitAction);
  m_table->addAction(m_renameAction);
  connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &DatasetView::updateActions);
  connect(m_model, &QAbstractItemModel::modelReset, this, &DatasetView::updateActions);
}

void DatasetView::updateActions() {
  const bool open = m_store != nullptr;
  const bool any = open && m_table->selectionModel()->hasSelection();
  m_relabelAction->setEnabled(any);
  for (QAction* a : m_splitActions) a->setEnabled(any);
  m_autoSplitAction->setEnabled(open);
  m_renameAction->setEnabled(open);
  m_importAction->setEnabled(!m_dir.isEmpty() && !m_work);
  m_exportAction->setEnabled(open && !m_work);
}

void DatasetView::pushEdit(const QString& text, std::unique_ptr<dataset::EditCommand> command) {
  std::vector<std::unique_ptr<dataset::EditCommand>> parts;
  parts.push_back(std::move(command));
  m_undo->push(
      new EditStep(text, std::move(parts), [this](const QString& e) { Q_EMIT errorOccurred(e); }));
}

bool DatasetView::relabelSelected(const QString& label) {
  const QVector<qint64> ids = selectedIds();
  if (!m_store || ids.isEmpty() || label.trimmed().isEmpty()) return false;
  dataset::SampleFilter f;
  f.ids = ids;
  const int before = m_undo->count();
  pushEdit(tr("Relabel %n sample(s) as %1", nullptr, ids.size()).arg(label.trimmed()),
           dataset::edits::relabel(m_store.get(), f, QString(), label.trimmed()));
  return m_undo->count() > before;
}

bool DatasetView::setSelectedSplit(dataset::Split split) {
  const QVector<qint64> ids = selectedIds();
  if (!m_store || ids.isEmpty()) return false;
  dataset::SampleFilter f;
  f.ids = ids;
  const int before = m_undo->count();
  pushEdit(tr("Put %n sample(s) in %1", nullptr, ids.size()).arg(dataset::splitName(split)),
           dataset::edits::setSplit(m_store.get(), f, split));
  return m_undo->count() > before;
}

bool DatasetView::assignTestSplit(double testRatio, bool reassign) {
  if (!m_store) return false;
  const int before = m_undo->count();
  pushEdit(tr("Train/test split (%1% test)").arg(testRatio * 100, 0, 'g', 3),
           dataset::edits::assignSplit(m_store.get(), m_model->filter(), testRatio, reassign));
  return m_undo->count() > before;
}

bool DatasetView::renameLabel(const QString& from, const QString& to) {
  const QString target = to.trimmed();
  if (!m_store || from.isEmpty() || target.isEmpty() || from == target) return false;
  QString error;
  const bool exists = m_store->labelNames(&error).contains(target);
  const int before = m_undo->count();
  if (exists)
    pushEdit(tr("Merge %1 into %2").arg(from, target),
             dataset::edits::mergeLabels(m_store.get(), from, target));
  else
    pushEdit(tr("Rename %1 to %2").arg(from, target),
             dataset::edits::renameLabel(m_store.get(), from, target));
  return m_undo->count() > before;
}

void DatasetView::relabelDialog() {
  const int n = selectedIds().size();
  if (!m_store || n == 0) return;
  QString error;
  bool ok = false;
  const QString label = QInputDialog::getItem(
      this, tr("Relabel"), tr("Whole-sample label of the %n selected sample(s):", nullptr, n),
      m_store->labelNames(&error), 0, true, &ok);
  if (ok) relabelSelected(label);
}

void DatasetView::renameDialog() {
  if (!m_store) return;
  QString error;
  const QStringList names = m_store->labelNames(&error);
  if (names.isEmpty()) return Q_EMIT errorOccurred(tr("The dataset has no labels to rename."));
  QDialog d(this);
  d.setWindowTitle(tr("Rename or merge a label"));
  auto* form = new QFormLayout(&d);
  auto* from = new QComboBox(&d);
  from->addItems(names);
  auto* to = new QComboBox(&d);
  to->setEditable(true);
  to->addItems(names);
  to->setCurrentText(QString());
  to->setToolTip(tr("An existing label merges the first into it"));
  form->addRow(tr("Label:"), from);
  form->addRow(tr("New name:"), to);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &d);
  connect(buttons, &QDialogButtonBox::accepted, &d, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &d, &QDialog::reject);
  form->addRow(buttons);
  if (d.exec() == QDialog::Accepted) renameLabel(from->currentText(), to->currentText());
}

void DatasetView::autoSplitDialog() {
  if (!m_store) return;
  QDialog d(this);
  d.setWindowTitle(tr("Train/test split"));
  auto* form = new QFormLayout(&d);
  auto* ratio = new QDoubleSpinBox(&d);
  ratio->setRange(0, 100);
  ratio->setDecimals(1);
  ratio->setSuffix(QStringLiteral(" %"));
  ratio->setValue(20);
  auto* reassign = new QCheckBox(tr("Also redo samples already in train or test"), &d);
  form->addRow(tr("Test share per label:"), ratio);
  form->addRow(reassign);
  form->addRow(new QLabel(tr("Of the %n listed sample(s); the choice is a hash of each sample's "
                             "content, so it is the same every time and stable as samples are "
                             "added.",
                             nullptr, int(m_model->totalCount())),
                          &d));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &d);
  connect(buttons, &QDialogButtonBox::accepted, &d, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &d, &QDialog::reject);
  form->addRow(buttons);
  if (d.exec() == QDialog::Accepted) assignTestSplit(ratio->value() / 100.0, reassign->isChecked());
}

void DatasetView::importDialog() {
  if (m_dir.isEmpty() || m_work) return;
  QString error;
  ExchangeDialog d(ExchangeDialog::Mode::kImport,
                   m_store ? m_store->labelNames(&error) : QStringList(), 0, this);
  if (d.exec() == QDialog::Accepted) startImport(d.paths(), d.importOptions());
}

void DatasetView::exportDialog() {
  if (!m_store || m_work) return;
  QString error;
  const QVector<qint64> ids = selectedIds();
  ExchangeDialog d(ExchangeDialog::Mode::kExport, m_store->labelNames(&error), ids.size(), this);
  if (d.exec() != QDialog::Accepted || d.paths().isEmpty()) return;
  dataset::SampleFilter f;
  if (d.scope() == ExchangeDialog::Scope::kSelected)
    f.ids = ids;
  else if (d.scope() == ExchangeDialog::Scope::kListed)
    f = m_model->filter();
  startExport(d.paths().first(), f, d.exportOptions());
}

bool DatasetView::startImport(const QStringList& paths, const dataset::ImportOptions& options) {
  if (m_dir.isEmpty() || m_work || paths.isEmpty()) return false;
  const QString dir = QDir::toNativeSeparators(m_dir);
  runWork(tr("Importing %n item(s)", nullptr, paths.size()),
          tr("Import cancelled; the dataset is unchanged."),
          [dir, paths, options](dataset::DatasetStore* store, const Progress& progress) {
            WorkResult r;
            dataset::ImportOptions o = options;
            o.progress = progress;
            dataset::ImportReport report;
            r.ok = dataset::importFiles(store, paths, o, &report, &r.message);
            r.message = r.ok ? tr("Imported %n sample(s) (%1 frames) into %2", nullptr,
                                  report.sampleIds.size())
                                   .arg(report.frames)
                                   .arg(dir)
                             : tr("Import refused, nothing imported: %1").arg(r.message);
            return r;
          });
  return true;
}

bool DatasetView::startExport(const QString& outDir, const dataset::SampleFilter& filter,
                              const dataset::ExportOptions& options) {
  if (!m_store || m_work || outDir.isEmpty()) return false;
  const QString out = QDir::toNativeSeparators(outDir);
  runWork(tr("Exporting (%1)").arg(dataset::exchangeFormatName(options.format)),
          tr("Export cancelled; nothing was added to %1.").arg(out),
          [out, outDir, filter, options](dataset::DatasetStore* store, const Progress& progress) {
            WorkResult r;
            dataset::ExportOptions o = options;
            o.progress = progress;
            dataset::ExportReport report;
            r.ok = dataset::exportSamples(*store, filter, outDir, o, &report, &r.message);
            r.message =
                r.ok ? tr("Exported %n sample(s) as %1 files into %2", nullptr, report.samples)
                           .arg(report.files.size())
                           .arg(out)
                     : tr("Export failed, nothing written: %1").arg(r.message);
            return r;
          });
  return true;
}

void DatasetView::runWork(const QString& title, const QString& cancelledMessage,
                          std::function<WorkResult(dataset::DatasetStore*, const Progress&)> job) {
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  m_cancel = cancel;
  m_work = new QFutureWatcher<WorkResult>(this);
  connect(m_work, &QFutureWatcher<WorkResult>::finished, this, [this, cancel, cancelledMessage] {
    const WorkResult r = m_work->result();
    m_work->deleteLater();
    m_work = nullptr;
    Q_EMIT workEnded();
    if (r.ok)
      Q_EMIT messageLogged(r.message);
    else if (cancel->load())
      Q_EMIT messageLogged(cancelledMessage);  // asked for: not an error
    else
      Q_EMIT errorOccurred(r.message);
    refresh();
    updateActions();
    Q_EMIT workFinished(r.ok);
  });
  Q_EMIT workStarted(title);
  Q_EMIT workProgress(0, 0);
  // The core calls this on the worker: the signal crosses to the GUI thread queued.
  Progress progress = [this, cancel](qint64 done, qint64 total) {
    Q_EMIT workProgress(done, total);
    return !cancel->load();
  };
  // The worker's own store connection; an import into a folder without a dataset creates it.
  m_work->setFuture(QtConcurrent::run([dir = m_dir, job = std::move(job), progress] {
    WorkResult r;
    std::unique_ptr<dataset::DatasetStore> store =
        dataset::DatasetStore::openOrCreate(dir, &r.message);
    return store ? job(store.get(), progress) : r;
  }));
  updateActions();
}

void DatasetView::cancelWork() {
  if (m_cancel) m_cancel->store(true);
}

}  // namespace tinyscope::ui
