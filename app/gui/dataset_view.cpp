#include "app/gui/dataset_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cstring>
#include <functional>
#include <vector>

#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/edit_commands.h"
#include "app/core/sample_list_model.h"
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
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
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
}

void DatasetView::refresh() {
  if (!m_store) return setDir(m_dir);
  m_model->refresh();
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
  m_model->refresh();
  updateCounts();
  reloadSegments();
  // Keep the edited sample selected in the list (its labels column changed).
  const int row = m_model->rowOf(sample);
  if (row >= 0) {
    const QSignalBlocker block(m_table->selectionModel());
    m_table->setCurrentIndex(m_model->index(row, 0));
  }
}

}  // namespace tinyscope::ui
