#include "app/gui/model_view.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>

#include "app/core/operator_table_model.h"
#include "app/core/tensor_table_model.h"
#include "widgets/model_graph.h"
#include "widgets/tensor_heatmap.h"

namespace tinyscope::ui {

namespace rh = runner::host;
using namespace QtCharts;

namespace {

QTableView* makeTable(QAbstractItemModel* model, int nameColumn) {
  auto* view = new QTableView;
  view->setModel(model);
  view->verticalHeader()->hide();
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->setTextElideMode(Qt::ElideMiddle);
  // Numbers keep their width; the name column keeps a readable width and elides (tooltip
  // whole); a narrow dock scrolls sideways instead of squeezing names to "…".
  view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  view->horizontalHeader()->setSectionResizeMode(nameColumn, QHeaderView::Interactive);
  view->horizontalHeader()->resizeSection(nameColumn, 150);
  view->horizontalHeader()->setStretchLastSection(true);
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  return view;
}

// The kinds the editor offers, in combo order.
const inputs::InputKind kKinds[] = {inputs::InputKind::kWindow, inputs::InputKind::kAudio,
                                    inputs::InputKind::kImage, inputs::InputKind::kTensorFile};

}  // namespace

ModelView::ModelView(Workbench* workbench, QWidget* parent)
    : QWidget(parent),
      m_workbench(workbench),
      m_ops(std::make_unique<OperatorTableModel>()),
      m_tensors(std::make_unique<TensorTableModel>()),
      m_header(new QLabel),
      m_runDevice(new QPushButton(tr("Run on device"))),
      m_runDesktop(new QPushButton(tr("Run on desktop"))),
      m_runSample(new QPushButton(tr("Run on sample"))),
      m_listen(new QPushButton(tr("Listen"))),
      m_listenResult(new QLabel),
      m_split(new QSplitter(Qt::Vertical)),
      m_tabs(new QTabWidget),
      m_graph(new ModelGraph),
      m_chart(new QChart),
      m_latencyNote(new QLabel),
      m_heatmap(new TensorHeatmap),
      m_show(new QComboBox),
      m_channel(new QSpinBox) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  m_header->setWordWrap(true);
  m_header->setTextFormat(Qt::RichText);
  m_header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  layout->addWidget(m_header);
  auto* runs = new QHBoxLayout;
  m_runDevice->setToolTip(
      tr("Run on the connected device with every tensor captured, then on "
         "the desktop, and compare (F5)"));
  m_runDesktop->setToolTip(tr("Run the same input through the desktop runtime only"));
  runs->addWidget(m_runDevice);
  runs->addWidget(m_runDesktop);
  m_runSample->setToolTip(
      tr("Run on the device with the Dataset view's selected sample (from its "
         "selected segment) as the window, instead of the live stream"));
  runs->addWidget(m_runSample);
  m_listen->setToolTip(
      tr("Audio models: the device's front-end hears its audio sensor and the model classifies "
         "it there (RunPipeline); the whole pipeline is compared with the desktop's (F6)"));
  runs->addStretch(1);
  layout->addLayout(runs);
  // Listen and its result on a row of their own: the run buttons keep their width.
  auto* listenRow = new QHBoxLayout;
  listenRow->addWidget(m_listen, 0, Qt::AlignTop);
  m_listenResult->setObjectName(QStringLiteral("listenResult"));
  m_listenResult->setWordWrap(true);
  m_listenResult->setTextFormat(Qt::RichText);
  m_listenResult->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_listenResult->hide();
  listenRow->addWidget(m_listenResult, 1);
  layout->addLayout(listenRow);
  connect(m_listen, &QPushButton::clicked, this, &ModelView::listenRequested);
  connect(m_runDevice, &QPushButton::clicked, this, &ModelView::runOnDeviceRequested);
  connect(m_runDesktop, &QPushButton::clicked, this, [this] { m_workbench->runOnDesktop(); });
  connect(m_runSample, &QPushButton::clicked, this, &ModelView::runOnSampleRequested);

  m_opsView = makeTable(m_ops.get(), OperatorTableModel::kOperator);
  m_tabs->addTab(m_opsView, tr("Operators"));
  m_tensorsView = makeTable(m_tensors.get(), TensorTableModel::kName);
  m_tabs->addTab(m_tensorsView, tr("Tensors"));

  auto* latency = new QWidget;
  auto* latencyLayout = new QVBoxLayout(latency);
  latencyLayout->setContentsMargins(0, 0, 0, 0);
  m_latencyNote->setWordWrap(true);
  latencyLayout->addWidget(m_latencyNote);
  m_chart->legend()->setAlignment(Qt::AlignTop);
  m_chart->setMargins(QMargins(2, 2, 2, 2));
  auto* chartView = new QChartView(m_chart);
  chartView->setRenderHint(QPainter::Antialiasing);
  chartView->setObjectName(QStringLiteral("latencyChart"));
  auto* chartScroll = new QScrollArea;
  chartScroll->setWidgetResizable(true);
  chartScroll->setWidget(chartView);
  latencyLayout->addWidget(chartScroll, 1);
  m_tabs->addTab(latency, tr("Latency"));

  auto* values = new QWidget;
  auto* valuesLayout = new QVBoxLayout(values);
  valuesLayout->setContentsMargins(0, 0, 0, 0);
  auto* valueControls = new QHBoxLayout;
  m_show->addItems({tr("Device"), tr("Desktop"), tr("Difference")});
  m_channel->setPrefix(tr("channel "));
  m_channel->setEnabled(false);
  valueControls->addWidget(m_show);
  valueControls->addWidget(m_channel);
  valueControls->addStretch(1);
  valuesLayout->addLayout(valueControls);
  valuesLayout->addWidget(m_heatmap, 1);
  m_tabs->addTab(values, tr("Values"));
  m_tabs->addTab(buildRecipeEditor(), tr("Input"));
  // The graph stays in sight next to (wide) or above (tall) the tables and charts.
  m_split->addWidget(m_graph);
  m_split->addWidget(m_tabs);
  m_split->setChildrenCollapsible(false);
  m_split->setStretchFactor(0, 2);
  m_split->setStretchFactor(1, 3);
  layout->addWidget(m_split, 1);
  // The tab last looked at comes back (QSettings "model/tab").
  m_tabs->setCurrentIndex(QSettings().value(QStringLiteral("model/tab"), 0).toInt());
  connect(m_tabs, &QTabWidget::currentChanged, this,
          [](int tab) { QSettings().setValue(QStringLiteral("model/tab"), tab); });

  connect(m_show, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { m_heatmap->setShow(static_cast<TensorHeatmap::Show>(i)); });
  connect(m_channel, qOverload<int>(&QSpinBox::valueChanged), m_heatmap,
          &TensorHeatmap::setChannel);
  // Selecting an operator (graph or table) shows its first output; a tensor row shows itself.
  const auto showOp = [this](int op) {
    const auto& ops = m_workbench->modelSummary().operators;
    if (op < 0 || static_cast<size_t>(op) >= ops.size()) return;
    m_graph->setSelectedOp(op);
    m_opsView->selectRow(op);
    if (!ops[static_cast<size_t>(op)].outputs.empty())
      selectTensor(ops[static_cast<size_t>(op)].outputs[0]);
  };
  connect(m_graph, &ModelGraph::opClicked, this, showOp);
  connect(m_opsView, &QTableView::clicked, this,
          [showOp](const QModelIndex& index) { showOp(index.row()); });
  connect(m_opsView, &QTableView::doubleClicked, this,
          [this] { m_tabs->setCurrentIndex(m_tabs->indexOf(m_heatmap->parentWidget())); });
  connect(m_tensorsView, &QTableView::clicked, this,
          [this](const QModelIndex& index) { selectTensor(m_tensors->tensorAt(index.row())); });
  connect(m_tensorsView, &QTableView::doubleClicked, this,
          [this] { m_tabs->setCurrentIndex(m_tabs->indexOf(m_heatmap->parentWidget())); });

  connect(m_workbench, &Workbench::modelChanged, this, &ModelView::showModel);
  connect(m_workbench, &Workbench::resultsCleared, this, &ModelView::clearResults);
  connect(m_workbench, &Workbench::runReport, this, &ModelView::showReport);
  showMessage(tr("No model loaded."));
}

ModelView::~ModelView() = default;

QWidget* ModelView::buildRecipeEditor() {
  auto* page = new QWidget;
  auto* form = new QFormLayout(page);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  m_kind = new QComboBox;
  m_kind->addItems({tr("Sensor window (live stream)"), tr("Audio through a front-end model"),
                    tr("Image file"), tr("Tensor file (raw bytes)")});
  form->addRow(tr("Input"), m_kind);
  m_source = new QLineEdit;
  m_source->setPlaceholderText(tr("file (empty: the live stream for a window)"));
  auto* browse = new QPushButton(tr("…"));
  browse->setFixedWidth(32);
  auto* sourceRow = new QHBoxLayout;
  sourceRow->addWidget(m_source, 1);
  sourceRow->addWidget(browse);
  form->addRow(tr("Source"), sourceRow);
  connect(browse, &QPushButton::clicked, this, [this] {
    QStringList images;
    for (const QString& s : inputs::imageFileSuffixes()) images << QStringLiteral("*.") + s;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Input Source"), QFileInfo(m_workbench->modelPath()).absolutePath(),
        tr("Inputs (*.wav *.bin %1);;All files (*)").arg(images.join(QLatin1Char(' '))));
    if (!path.isEmpty()) m_source->setText(path);
  });

  m_kindPages = new QStackedWidget;
  const auto formPage = [](QFormLayout** fields) {  // one page of kind-specific fields
    auto* kindPage = new QWidget;
    *fields = new QFormLayout(kindPage);
    (*fields)->setContentsMargins(0, 0, 0, 0);
    return kindPage;
  };
  // Window.
  QFormLayout* wf = nullptr;
  QWidget* window = formPage(&wf);
  m_windowLength = new QSpinBox;
  m_windowLength->setRange(1, 1 << 20);
  m_axes = new QLineEdit;
  m_axes->setPlaceholderText(tr("ax, ay, az"));
  m_rawPerUnit = new QDoubleSpinBox;
  m_rawPerUnit->setRange(1e-6, 1e9);
  m_rawPerUnit->setDecimals(4);
  wf->addRow(tr("Window samples"), m_windowLength);
  wf->addRow(tr("Axes"), m_axes);
  wf->addRow(tr("Raw counts per unit"), m_rawPerUnit);
  // Audio.
  QFormLayout* af = nullptr;
  QWidget* audio = formPage(&af);
  m_frontEnd = new QLineEdit;
  m_frontEnd->setPlaceholderText(tr("audio_preprocessor_int8.tflite"));
  const auto spin = [](int low, int high, const QString& suffix) {
    auto* box = new QSpinBox;
    box->setRange(low, high);
    box->setSuffix(suffix);
    return box;
  };
  m_rate = spin(1000, 192000, tr(" Hz"));  // the ranges parseRecipe() accepts
  m_windowMs = spin(1, 1000, tr(" ms"));
  m_strideMs = spin(1, 1000, tr(" ms"));
  af->addRow(tr("Front-end model"), m_frontEnd);
  af->addRow(tr("Sample rate"), m_rate);
  af->addRow(tr("Window"), m_windowMs);
  af->addRow(tr("Stride"), m_strideMs);
  // Image.
  QFormLayout* imf = nullptr;
  QWidget* image = formPage(&imf);
  m_pixelMin = new QDoubleSpinBox;
  m_pixelMax = new QDoubleSpinBox;
  for (QDoubleSpinBox* s : {m_pixelMin, m_pixelMax}) {
    s->setRange(-1e6, 1e6);
    s->setDecimals(4);
  }
  imf->addRow(tr("Pixel 0 is"), m_pixelMin);
  imf->addRow(tr("Pixel 255 is"), m_pixelMax);
  m_kindPages->addWidget(window);
  m_kindPages->addWidget(audio);
  m_kindPages->addWidget(image);
  m_kindPages->addWidget(new QWidget);  // a tensor file needs nothing more
  form->addRow(m_kindPages);
  connect(m_kind, qOverload<int>(&QComboBox::currentIndexChanged), m_kindPages,
          &QStackedWidget::setCurrentIndex);

  auto* save = new QPushButton(tr("Save to sidecar"));
  save->setToolTip(tr("Writes the recipe into NAME.json beside the model; the next runs use it"));
  connect(save, &QPushButton::clicked, this, &ModelView::saveRecipe);
  form->addRow(save);
  m_recipeStatus = new QLabel;
  m_recipeStatus->setWordWrap(true);
  form->addRow(m_recipeStatus);

  auto* scroll = new QScrollArea;
  scroll->setWidgetResizable(true);
  scroll->setWidget(page);
  return scroll;
}

inputs::InputRecipe ModelView::editedRecipe() const {
  inputs::InputRecipe r;
  r.kind = kKinds[std::clamp(m_kind->currentIndex(), 0, 3)];
  r.source = m_source->text().trimmed();
  r.windowLength = m_windowLength->value();
  for (const QString& a : m_axes->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
    r.axes << a.trimmed();
  r.rawPerUnit = m_rawPerUnit->value();
  r.pixelMin = m_pixelMin->value();
  r.pixelMax = m_pixelMax->value();
  r.frontEndModel = m_frontEnd->text().trimmed();
  r.sampleRateHz = m_rate->value();
  r.windowMs = m_windowMs->value();
  r.strideMs = m_strideMs->value();
  // Relative paths are relative to the model's folder, as in the sidecar.
  const QString dir = QFileInfo(m_workbench->modelPath()).absolutePath();
  for (QString* path : {&r.source, &r.frontEndModel})
    if (!path->isEmpty() && QFileInfo(*path).isRelative()) *path = dir + QLatin1Char('/') + *path;
  return r;
}

void ModelView::editRecipe(const inputs::InputRecipe& r) {
  for (int i = 0; i < 4; ++i)
    if (kKinds[i] == r.kind) m_kind->setCurrentIndex(i);
  m_kindPages->setCurrentIndex(m_kind->currentIndex());
  m_source->setText(r.source);
  m_windowLength->setValue(std::max(1, r.windowLength));
  m_axes->setText(r.axes.join(QStringLiteral(", ")));
  m_rawPerUnit->setValue(r.rawPerUnit);
  m_pixelMin->setValue(r.pixelMin);
  m_pixelMax->setValue(r.pixelMax);
  m_frontEnd->setText(r.frontEndModel);
  m_rate->setValue(r.sampleRateHz);
  m_windowMs->setValue(r.windowMs);
  m_strideMs->setValue(r.strideMs);
}

bool ModelView::saveRecipe() {
  QString error;
  if (!m_workbench->saveRecipe(editedRecipe(), &error)) {
    m_recipeStatus->setText(
        tr("<span style='color:#cf222e'>Not saved: %1</span>").arg(error.toHtmlEscaped()));
    Q_EMIT message(tr("recipe not saved: %1").arg(error), true);
    return false;
  }
  editRecipe(m_workbench->recipe());  // what the file now says, paths resolved
  m_recipeStatus->setText(
      tr("Saved: the next runs use this %1 recipe.")
          .arg(QLatin1String(inputs::inputKindName(m_workbench->recipe().kind))));
  Q_EMIT message(tr("input recipe of %1 saved").arg(m_workbench->modelName()), false);
  return true;
}

void ModelView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  const Qt::Orientation o =
      event->size().width() > event->size().height() ? Qt::Horizontal : Qt::Vertical;
  if (m_split->orientation() != o) m_split->setOrientation(o);
}

QString ModelView::header() const {
  return m_header->text();
}

QString ModelView::recipeStatus() const {
  return m_recipeStatus->text();
}

int ModelView::operatorCount() const {
  return m_ops->rowCount();
}

void ModelView::showMessage(const QString& message) {
  m_header->setText(message.toHtmlEscaped());
  m_ops->setModel(rh::ModelSummary());
  m_tensors->setModel(rh::ModelSummary());
  m_graph->clear();
  m_runDevice->setEnabled(false);
  m_runDesktop->setEnabled(false);
  m_runSample->setEnabled(false);
  m_listen->setEnabled(false);
  clearResults();
}

void ModelView::showModel() {
  const rh::ModelSummary& s = m_workbench->modelSummary();
  const QString arena = s.runnable
                            ? tr("planned arena %1 bytes (%2 persistent)")
                                  .arg(s.arenaBytes)
                                  .arg(s.arenaPersistentBytes)
                            : tr("not runnable: %1").arg(QString::fromStdString(s.allocateError));
  m_header->setText(tr("<b>%1</b> · %2 operators, %3 tensors, %4 MACs · %5 bytes (%6 of "
                       "constants) · %7")
                        .arg(m_workbench->modelName().toHtmlEscaped())
                        .arg(s.operators.size())
                        .arg(s.tensors.size())
                        .arg(QLocale().toString(static_cast<qulonglong>(s.totalMacs)))
                        .arg(s.modelBytes)
                        .arg(s.constantBytes)
                        .arg(arena.toHtmlEscaped()));
  m_header->setToolTip(m_workbench->modelPath());
  m_ops->setModel(s);
  m_tensors->setModel(s);
  m_graph->setGraph(s);
  m_runDevice->setEnabled(true);
  m_runDesktop->setEnabled(s.runnable);
  m_runSample->setEnabled(m_workbench->hasRecipe() &&
                          m_workbench->recipe().kind == inputs::InputKind::kWindow);
  m_listen->setEnabled(m_workbench->hasRecipe() &&
                       m_workbench->recipe().kind == inputs::InputKind::kAudio);
  if (m_workbench->hasRecipe()) {
    editRecipe(m_workbench->recipe());
    m_recipeStatus->setText(tr("From the sidecar."));
  } else {
    inputs::InputRecipe blank;
    blank.kind = inputs::InputKind::kTensorFile;
    editRecipe(blank);
    m_recipeStatus->setText(tr("%1: choose a source and save.").arg(m_workbench->recipeError()));
  }
  clearResults();
}

void ModelView::showListening() {
  m_listenResult->setText(tr("Listening on the device…"));
  m_listenResult->setToolTip(QString());
  m_listenResult->show();
}

void ModelView::showListen(const ListenResult& r) {
  QString text;
  if (!r.error.isEmpty()) {
    text = tr("<span style='color:#b00'>Listen failed: %1</span>").arg(r.error.toHtmlEscaped());
  } else {
    const QString colour =
        r.firstDivergence.isEmpty() ? QStringLiteral("#070") : QStringLiteral("#b00");
    text = tr("Heard <b style='font-size:large'>%1</b> · %2 µs on the device<br>"
              "<span style='color:%3'>Pipeline %4</span>")
               .arg(r.word.toHtmlEscaped())
               .arg(r.deviceMicros)
               .arg(colour, r.verdict.toHtmlEscaped());
  }
  m_listenResult->setText(text);
  m_listenResult->setToolTip(r.heard);
  m_listenResult->show();
}

QString ModelView::listenText() const {
  return m_listenResult->text();
}

void ModelView::clearResults() {
  m_listenResult->hide();
  m_listenResult->clear();
  m_report = RunReport();
  m_selectedTensor = -1;
  m_ops->clearReport();
  m_tensors->clearComparison();
  m_graph->setOpStates({});
  m_graph->setHighlightedOp(-1);
  m_heatmap->showMessage(tr("Run the model, then select a tensor to see its values."));
  m_chart->removeAllSeries();
  for (QAbstractAxis* axis : m_chart->axes()) {
    m_chart->removeAxis(axis);  // the chart hands the axis back: ours to delete
    delete axis;
  }
  m_latencyNote->setText(tr("Run the model to see per-operator latency."));
}

void ModelView::showReport(const RunReport& r) {
  if (!r.error.isEmpty()) return;  // the window's log and status bar say it
  m_report = r;
  m_ops->setReport(r);
  if (r.desktopOnly) {
    m_tensors->clearComparison();
    m_graph->setOpStates({});
    m_graph->setHighlightedOp(-1);
  } else {
    m_tensors->setComparison(r.comparison);
    QVector<ModelGraph::OpState> states;
    for (int i = 0; i < m_ops->rowCount(); ++i) {
      const auto m = m_ops->opMatch(i);
      states << (m == OperatorTableModel::Match::kDiffers     ? ModelGraph::OpState::kDiffers
                 : m == OperatorTableModel::Match::kIdentical ? ModelGraph::OpState::kIdentical
                                                              : ModelGraph::OpState::kUnknown);
    }
    m_graph->setOpStates(states);
    const int first = r.comparison.firstDivergingOp;
    m_graph->setHighlightedOp(first);
    if (first >= 0) m_opsView->scrollTo(m_ops->index(first, 0));
  }
  showLatency(r);
  // Show the first diverging tensor, else keep the selection, else the model's output.
  int tensor = m_selectedTensor;
  if (!r.desktopOnly && r.comparison.firstDivergingTensor >= 0)
    tensor = r.comparison.firstDivergingTensor;
  if (tensor < 0 && !m_workbench->modelSummary().outputs.empty())
    tensor = m_workbench->modelSummary().outputs[0];
  selectTensor(tensor);
  if (!r.desktopOnly && r.comparison.firstDivergingTensor >= 0)
    m_show->setCurrentIndex(static_cast<int>(TensorHeatmap::Show::kDifference));
}

void ModelView::showLatency(const RunReport& r) {
  m_chart->removeAllSeries();
  for (QAbstractAxis* axis : m_chart->axes()) {
    m_chart->removeAxis(axis);  // the chart hands the axis back: ours to delete
    delete axis;
  }
  auto* device = new QBarSet(tr("Device µs"));
  auto* desktop = new QBarSet(tr("Desktop µs"));
  device->setColor(QColor(31, 119, 180));
  desktop->setColor(QColor(255, 127, 14));
  QStringList categories;
  double top = 0;
  const int n = std::max(r.ops.size(), r.desktopOpUs.size());
  for (int i = 0; i < n; ++i) {
    const double dev = i < r.ops.size() ? std::max(0.0, r.ops[i].second) : 0.0;
    const double desk = i < r.desktopOpUs.size() ? r.desktopOpUs[i] : 0.0;
    *device << dev;
    *desktop << desk;
    top = std::max({top, dev, desk});
    const QString name = i < r.ops.size() ? r.ops[i].first : QStringLiteral("op");
    categories << QStringLiteral("#%1 %2").arg(i).arg(name);
  }
  auto* series = new QHorizontalBarSeries;
  if (!r.desktopOnly)
    series->append(device);
  else
    delete device;
  series->append(desktop);
  m_chart->addSeries(series);
  auto* ops = new QBarCategoryAxis;
  ops->append(categories);
  ops->setReverse(true);  // operator 0 at the top, like the graph
  auto* us = new QValueAxis;
  us->setRange(0, top > 0 ? top * 1.05 : 1);
  us->setTitleText(tr("µs"));
  us->setLabelFormat(QStringLiteral("%.0f"));
  m_chart->addAxis(ops, Qt::AlignLeft);
  m_chart->addAxis(us, Qt::AlignBottom);
  series->attachAxis(ops);
  series->attachAxis(us);
  for (QChartView* view : findChildren<QChartView*>()) view->setMinimumHeight(60 + 26 * n);
  m_latencyNote->setText(
      r.desktopOnly
          ? tr("Desktop runtime: %1 µs in %2 operators, arena %3 bytes.")
                .arg(r.desktopTotalUs, 0, 'f', 1)
                .arg(n)
                .arg(r.desktopArenaBytes)
          : tr("Device: %1 µs · desktop: %2 µs (%3 operators; device times in its own clock).")
                .arg(r.deviceTotalUs, 0, 'f', 0)
                .arg(r.desktopTotalUs, 0, 'f', 1)
                .arg(n));
}

void ModelView::selectTensor(int index) {
  m_selectedTensor = index;
  const rh::ModelSummary& s = m_workbench->modelSummary();
  if (index < 0 || static_cast<size_t>(index) >= s.tensors.size()) return;
  const int row = m_tensors->rowOfTensor(index);
  if (row >= 0) {
    m_tensorsView->selectRow(row);
    m_tensorsView->scrollTo(m_tensors->index(row, 0));
  }
  showTensorValues();
}

void ModelView::showTensorValues() {
  const rh::ModelSummary& s = m_workbench->modelSummary();
  const int index = m_selectedTensor;
  if (index < 0 || static_cast<size_t>(index) >= s.tensors.size()) return;
  const rh::GraphTensor& t = s.tensors[static_cast<size_t>(index)];
  const auto side = [index](const std::shared_ptr<const rh::TensorDump>& dump) {
    if (!dump) return std::vector<uint8_t>();
    const auto it = dump->data.find(index);
    return it == dump->data.end() ? std::vector<uint8_t>() : it->second;
  };
  std::vector<uint8_t> device = side(m_report.deviceTensors);
  std::vector<uint8_t> desktop = side(m_report.desktopTensors);
  if (device.empty() && desktop.empty()) {
    m_heatmap->showMessage(
        t.isConstant
            ? tr("Tensor %1 is a constant (weights): runs capture activations only.").arg(index)
            : tr("No values of tensor %1 yet: run the model.").arg(index));
    m_channel->setEnabled(false);
    return;
  }
  m_heatmap->setTensor(t, std::move(device), std::move(desktop));
  m_show->setCurrentIndex(static_cast<int>(m_heatmap->show()));
  m_channel->setRange(0, std::max(0, m_heatmap->channelCount() - 1));
  m_channel->setEnabled(m_heatmap->channelCount() > 1);
  m_channel->setSuffix(tr(" of %1").arg(m_heatmap->channelCount()));
}

}  // namespace tinyscope::ui
