#include "app/gui/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QUuid>
#include <QVBoxLayout>

#include "app/core/device/device_list.h"
#include "app/core/device/device_text.h"
#include "app/core/device/slot_controller.h"
#include "app/core/inputs/input_recipe.h"
#include "app/core/log_model.h"
#include "app/core/spectrogram.h"
#include "app/core/version.h"
#include "app/core/workbench.h"
#include "app/gui/dataset_view.h"
#include "app/gui/flash_offer_bar.h"
#include "app/gui/flash_view.h"
#include "app/gui/model_view.h"
#include "app/gui/replay_view.h"
#include "app/gui/work_bar.h"
#include "widgets/compare_view.h"
#include "widgets/device_panel.h"
#include "widgets/log_view.h"
#include "widgets/profiler_view.h"
#include "widgets/record_bar.h"
#include "widgets/sample_timeline.h"
#include "widgets/score_strip.h"
#include "widgets/signal_plot.h"
#include "widgets/spectrogram_view.h"

namespace tinyscope::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_log(new LogModel(10000, this)),
      m_workbench(new Workbench(this)),
      m_plot(new SignalPlot),
      m_spectrogramView(new SpectrogramView),
      m_prediction(new QLabel),
      m_recordBar(new RecordBar(m_plot)),
      m_datasetView(new DatasetView),
      m_devicePanel(new DevicePanel),
      m_modelView(new ModelView(m_workbench)),
      m_profiler(new ProfilerView),
      m_compare(new CompareView),
      m_connectionLabel(new QLabel(this)),
      m_continuousTimer(new QTimer(this)) {
  setWindowTitle(QStringLiteral("tinyscope"));
  setObjectName(QStringLiteral("MainWindow"));
  resize(1280, 800);
  setDockNestingEnabled(true);

  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(4, 4, 4, 4);
  m_prediction->setObjectName(QStringLiteral("prediction"));
  m_prediction->setTextFormat(Qt::RichText);
  m_prediction->setText(tr("No inference yet."));
  // Many classes wrap and elide inside the width they get: the label never widens the window.
  m_prediction->setWordWrap(true);
  m_prediction->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_prediction->setMinimumWidth(100);
  layout->addWidget(m_recordBar);
  m_flashOffer = new FlashOfferBar;
  layout->addWidget(m_flashOffer);
  layout->addWidget(m_prediction);
  m_sessionUuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
  m_datasetDir = QSettings()
                     .value(QStringLiteral("dataset/dir"),
                            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                                QStringLiteral("/dataset"))
                     .toString();
  layout->addWidget(m_plot, 1);
  m_scores = new ScoreStrip;
  m_scores->setObjectName(QStringLiteral("scoreStrip"));
  layout->addWidget(m_scores);
  connect(m_plot, &SignalPlot::viewChanged, m_scores,
          [this] { m_scores->setTimeRange(m_plot->viewStartSeconds(), m_plot->viewEndSeconds()); });
  m_spectrogramView->setObjectName(QStringLiteral("spectrogram"));
  m_spectrogramView->hide();
  layout->addWidget(m_spectrogramView, 1);
  setCentralWidget(central);

  addPanel(tr("Device"), QStringLiteral("deviceDock"), m_devicePanel, Qt::LeftDockWidgetArea);
  m_datasetView->setObjectName(QStringLiteral("datasetView"));
  addPanel(tr("Model"), QStringLiteral("modelDock"), m_modelView, Qt::RightDockWidgetArea);
  addPanel(tr("Profiler"), QStringLiteral("profilerDock"), m_profiler, Qt::RightDockWidgetArea);
  QDockWidget* compareDock =
      addPanel(tr("Compare"), QStringLiteral("compareDock"), m_compare, Qt::BottomDockWidgetArea);
  QDockWidget* logDock =
      addPanel(tr("Log"), QStringLiteral("logDock"), new LogView(m_log), Qt::BottomDockWidgetArea);
  splitDockWidget(compareDock, logDock, Qt::Horizontal);
  // The dataset's list and timeline want width: a tab next to the comparison.
  QDockWidget* datasetDock = addPanel(tr("Dataset"), QStringLiteral("datasetDock"), m_datasetView,
                                      Qt::BottomDockWidgetArea);
  tabifyDockWidget(compareDock, datasetDock);
  // Flash and Replay: tabs beside the comparison; their long work shows in the status bar.
  m_flashView = new FlashView(m_workbench->device(), m_log);
  m_replayView = new ReplayView(m_log);
  tabifyDockWidget(compareDock, addPanel(tr("Flash"), QStringLiteral("flashDock"), m_flashView,
                                         Qt::BottomDockWidgetArea));
  tabifyDockWidget(compareDock, addPanel(tr("Replay"), QStringLiteral("replayDock"), m_replayView,
                                         Qt::BottomDockWidgetArea));
  m_workBar = new WorkBar;
  m_workBar->follow(m_flashView);
  m_workBar->follow(m_replayView);
  m_workBar->follow(m_datasetView);
  statusBar()->addPermanentWidget(m_workBar);
  // The Model view (graph, tables, heatmaps) takes the whole right side, down to the status bar;
  // it has the per-operator latency too: the profiler is a tab behind it.
  setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
  tabifyDockWidget(dock(QStringLiteral("modelDock")), dock(QStringLiteral("profilerDock")));
  dock(QStringLiteral("modelDock"))->raise();
  compareDock->raise();
  resizeDocks({dock(QStringLiteral("deviceDock")), dock(QStringLiteral("modelDock"))}, {300, 400},
              Qt::Horizontal);
  resizeDocks({compareDock, logDock}, {600, 280}, Qt::Horizontal);
  resizeDocks({compareDock}, {270}, Qt::Vertical);

  buildMenus();
  wireWorkbench();

  m_connectionLabel->setText(tr("No device"));
  statusBar()->addPermanentWidget(m_connectionLabel);
  statusBar()->showMessage(tr("Ready"));
  m_log->append(LogLevel::kInfo, QStringLiteral("tinyscope"),
                tr("tinyscope %1 started").arg(QString::fromLatin1(kVersion)));
  connect(m_datasetView, &DatasetView::errorOccurred, this, [this](const QString& e) {
    m_log->append(LogLevel::kError, QStringLiteral("dataset"), e);
    statusBar()->showMessage(e, 10000);
  });
  connect(m_datasetView, &DatasetView::messageLogged, this, [this](const QString& m) {
    m_log->append(LogLevel::kInfo, QStringLiteral("dataset"), m);
    statusBar()->showMessage(m, 10000);
  });
  connect(this, &MainWindow::datasetChanged, this, [this] {
    if (m_datasetView->dir() != m_datasetDir)
      m_datasetView->setDir(m_datasetDir);
    else
      m_datasetView->refresh();
  });
  m_datasetView->setDir(m_datasetDir);
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::addPanel(const QString& title, const QString& objectName, QWidget* content,
                                  Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(objectName);
  content->setMinimumSize(200, 100);  // docks keep a usable size whatever their neighbours do
  d->setWidget(content);
  addDockWidget(area, d);
  m_docks.append(d);
  return d;
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
  for (QDockWidget* d : m_docks)
    if (d->objectName() == objectName) return d;
  return nullptr;
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(
      tr("&Open Model…"), this,
      [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Model"), QString(), tr("TFLite models (*.tflite);;All files (*)"));
        if (!path.isEmpty()) openModel(path);
      },
      QKeySequence::Open);
  m_recentMenu = file->addMenu(tr("Open &Recent"));
  file->addAction(tr("Open &Session Log…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Session Log"), QString(),
                                                      tr("Session logs (*.tsl);;All files (*)"));
    if (!path.isEmpty()) openSessionLog(path);
  });
  rebuildRecentMenu();
  file->addSeparator();
  file->addAction(tr("&Quit"), qApp, &QApplication::quit, QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = m_datasetView->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = m_datasetView->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);

  QMenu* device = menuBar()->addMenu(tr("&Device"));
  QAction* run = device->addAction(tr("&Run Inference on Device"), this, &MainWindow::runInference,
                                   QKeySequence(Qt::Key_F5));
  m_runAction = run;
  run->setEnabled(false);
  device->addAction(tr("Choose &Input…"), this, [this] {
    QStringList patterns = {QStringLiteral("*.wav"), QStringLiteral("*.bin")};
    for (const QString& suffix : inputs::imageFileSuffixes())
      patterns << QStringLiteral("*.") + suffix;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose the Model's Input"), QString(),
        tr("Inputs (%1);;All files (*)").arg(patterns.join(QLatin1Char(' '))));
    if (path.isEmpty()) return;
    m_workbench->setInputSource(path);
    m_log->append(LogLevel::kInfo, QStringLiteral("input"), tr("next runs use %1").arg(path));
  });
  m_continuous = device->addAction(tr("Run &Continuously"));
  m_continuous->setCheckable(true);
  m_continuous->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
  connect(m_continuous, &QAction::toggled, this, [this](bool on) {
    if (on) {
      m_continuousTimer->start(1500);
      runInference();
    } else {
      m_continuousTimer->stop();
    }
  });
  connect(m_continuousTimer, &QTimer::timeout, this, [this] {
    if (!m_runPending) runInference();
  });
  device->addAction(tr("&Listen (Audio Pipeline on Device)"), this, &MainWindow::listen,
                    QKeySequence(Qt::Key_F6));
  m_disconnectAction = device->addAction(tr("&Disconnect"), this,
                                         [this] { m_workbench->device()->disconnectDevice(); });
  m_disconnectAction->setEnabled(false);

  QToolBar* tools = addToolBar(tr("Device"));
  tools->setObjectName(QStringLiteral("deviceToolBar"));
  tools->addAction(run);
  tools->addAction(m_continuous);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d : m_docks) view->addAction(d->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About tinyscope"), this, &MainWindow::showAbout);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::wireWorkbench() {
  Workbench* wb = m_workbench;
  DeviceController* dev = wb->device();

  connect(m_devicePanel, &DevicePanel::connectRequested, this, &MainWindow::connectDevice);
  connect(m_devicePanel, &DevicePanel::disconnectRequested, dev,
          &DeviceController::disconnectDevice);
  connect(m_devicePanel, &DevicePanel::runRequested, this, &MainWindow::runInference);
  connect(m_devicePanel, &DevicePanel::streamRequested, this, [this, dev](int sensorId, bool on) {
    if (on) {
      const auto& sensors = dev->info().hello.sensors;
      QStringList names;
      double rate = 1;
      for (size_t i = 0; i < sensors.size(); ++i) {
        if (sensors[i].sensorId != sensorId) continue;
        rate = sensors[i].rateMilliHz / 1000.0;
        m_streamSensor = static_cast<int>(i);
        names = dev->info().axisNames(static_cast<int>(i));
      }
      m_plot->configure(names, rate, dev->info().axisUnits(m_streamSensor).join(QLatin1Char(',')));
      m_plot->setTimeSpan(rate >= 1000 ? 0.5 : 5.0);
      // Audio-rate mono streams also get a spectrogram (512-point FFT, hop 256, 5 s shown).
      const bool audio = names.size() == 1 && rate >= 4000;
      m_spectrogram.reset(audio ? new Spectrogram(512, 256) : nullptr);
      if (audio)
        m_spectrogramView->configure(m_spectrogram->bins(), rate,
                                     static_cast<int>(5.0 * rate / 256));
      m_spectrogramView->setVisible(audio);
      quint16 window = 1;
      for (size_t i = 0; i < sensors.size(); ++i)
        if (sensors[i].sensorId == sensorId) window = defaultWindowSamples(sensors[i]);
      dev->startStream(static_cast<quint8>(sensorId), window);
    } else {
      dev->stopStream();
    }
    m_streaming = on;
    m_devicePanel->setStreaming(on);
  });

  connect(dev, &DeviceController::stateChanged, this,
          [this](ConnectionState s) { applyConnectionState(static_cast<int>(s)); });
  connect(wb, &Workbench::resultsCleared, this, &MainWindow::clearResults);
  connect(m_recordBar, &RecordBar::recordRequested, this, &MainWindow::startRecording);
  connect(m_recordBar, &RecordBar::stopRequested, dev, &DeviceController::stopRecording);
  connect(dev, &DeviceController::recordingProgress, this,
          [this](qint64 frames, qint64 samples, qint64 lost) {
            m_recordBar->showProgress(frames, samples, lost, m_plot->sampleRate());
          });
  connect(dev, &DeviceController::recordingStopped, this,
          [this](const QVector<qint64>& ids, const QString& error) {
            m_recordBar->showRecording(false);
            updateRunEnabled();
            if (!error.isEmpty()) {
              m_log->append(LogLevel::kError, QStringLiteral("record"), error);
              m_recordBar->showResult(error);
              statusBar()->showMessage(error, 10000);
              return;
            }
            const QString text = tr("Recorded %n sample(s) into %1", nullptr, ids.size())
                                     .arg(QDir::toNativeSeparators(m_datasetDir));
            m_recordBar->showResult(text);
            m_log->append(LogLevel::kInfo, QStringLiteral("record"), text);
            Q_EMIT datasetChanged();
          });
  connect(dev, &DeviceController::connected, this, [this](const DeviceInfo& info) {
    m_devicePanel->showConnected(info);
    m_devicePanel->showState(m_workbench->device()->state(), m_workbench->device()->address());
    updateRunEnabled();
    m_connectionLabel->setTextFormat(Qt::PlainText);  // the board name is the device's text
    m_connectionLabel->setText(tr("%1 · %2").arg(m_workbench->device()->address(), info.boardName));
    m_log->append(LogLevel::kInfo, m_workbench->device()->address(),
                  tr("connected: %1, firmware %2").arg(info.boardName, info.firmwareVersion));
    if (info.hello.sensors.size() > 0)  // stream the first sensor at once
      Q_EMIT m_devicePanel->streamRequested(info.hello.sensors[0].sensorId, true);
    if (m_continuousOnConnect)
      QTimer::singleShot(1500, this, [this] { m_continuous->setChecked(true); });
  });
  connect(dev, &DeviceController::errorOccurred, this, [this](const QString& message) {
    m_log->append(LogLevel::kError, m_workbench->device()->address(), message);
    statusBar()->showMessage(message, 10000);
    m_lastDeviceError = message;
    if (m_workbench->device()->state() == ConnectionState::kDisconnected)
      m_devicePanel->showDisconnected(message);
  });
  connect(dev, &DeviceController::deviceLog, this, [this](int level, const QString& text) {
    m_log->append(level >= 3   ? LogLevel::kError
                  : level == 2 ? LogLevel::kWarning
                  : level == 1 ? LogLevel::kInfo
                               : LogLevel::kDebug,
                  m_workbench->device()->address(), text);
  });
  connect(dev, &DeviceController::statusUpdated, this, [this](const LinkStatus& s) {
    m_devicePanel->showStatus(s, m_workbench->device()->droppedWindows());
  });
  connect(wb, &Workbench::framesArrived, this,
          [this](const std::vector<float>& frames, int count, int channels) {
            if (channels == m_plot->channelCount()) m_plot->appendFrames(frames.data(), count);
            m_scores->setTimeRange(m_plot->viewStartSeconds(), m_plot->viewEndSeconds());
            if (m_spectrogram && channels == 1) {
              std::vector<std::vector<float>> columns;
              m_spectrogram->push(frames.data(), count, &columns);
              m_spectrogramView->appendColumns(columns);
            }
          });
  connect(wb, &Workbench::modelChanged, this, [this] {
    m_flashView->setModelPath(m_workbench->modelPath());
    m_scores->setLabels(m_workbench->labels());
    updateRunEnabled();
  });
  connect(wb, &Workbench::runReport, this, &MainWindow::showReport);
  connect(m_modelView, &ModelView::listenRequested, this, &MainWindow::listen);
  connect(wb, &Workbench::resultsCleared, m_flashOffer, &FlashOfferBar::withdraw);
  connect(m_flashOffer, &FlashOfferBar::flashRequested, this, [this](const QString& path) {
    raiseDock(QStringLiteral("flashDock"));
    m_flashView->setModelPath(path);
    m_flashView->startFlash();
  });
  connect(wb, &Workbench::listenReport, this, [this](const ListenResult& r) {
    m_modelView->showListen(r);
    if (!r.error.isEmpty()) {
      m_log->append(LogLevel::kError, QStringLiteral("listen"), r.error);
      statusBar()->showMessage(r.error, 10000);
      return;
    }
    m_prediction->setText(tr("Heard <b>%1</b> on the device · pipeline %2")
                              .arg(r.word.toHtmlEscaped(), r.verdict.toHtmlEscaped()));
    m_log->append(r.firstDivergence.isEmpty() ? LogLevel::kInfo : LogLevel::kWarning,
                  QStringLiteral("listen"),
                  tr("heard \"%1\" (%2); pipeline %3").arg(r.word, r.heard, r.verdict));
    statusBar()->showMessage(tr("Heard \"%1\"; pipeline %2").arg(r.word, r.verdict), 10000);
  });
  connect(m_modelView, &ModelView::runOnDeviceRequested, this, &MainWindow::runInference);
  connect(m_modelView, &ModelView::runOnSampleRequested, this, [this] {
    const SampleTimeline* t = m_datasetView->timeline();
    if (!isLive(m_workbench->device()->state())) {
      statusBar()->showMessage(tr("Connect a device first."), 5000);
      return;
    }
    if (t->sampleId() == 0 || t->values().isEmpty()) {
      statusBar()->showMessage(tr("Select a sample in the Dataset view first."), 5000);
      return;
    }
    qint64 first = 0;  // the selected segment's start, else the sample's
    for (const dataset::Segment& s : t->segments())
      if (s.id == t->selectedSegment()) first = s.start;
    m_workbench->setInputSamples(
        std::vector<float>(t->values().begin(), t->values().end()), t->channels(), first,
        tr("dataset sample %1 from frame %2").arg(t->sampleId()).arg(first));
    runInference();
  });
  connect(m_modelView, &ModelView::message, this, [this](const QString& text, bool error) {
    m_log->append(error ? LogLevel::kError : LogLevel::kInfo, QStringLiteral("model"), text);
  });
}

void MainWindow::applyConnectionState(int stateValue) {
  const auto state = static_cast<ConnectionState>(stateValue);
  DeviceController* dev = m_workbench->device();
  m_devicePanel->showState(state, dev->address());
  m_disconnectAction->setEnabled(state != ConnectionState::kDisconnected);
  switch (state) {
    case ConnectionState::kDisconnected:
      m_devicePanel->showDisconnected(m_lastDeviceError);
      m_connectionLabel->setText(tr("No device"));
      break;
    case ConnectionState::kConnecting:
      m_connectionLabel->setText(tr("Connecting…"));
      break;
    case ConnectionState::kLost:
      m_log->append(LogLevel::kWarning, dev->address(),
                    tr("the device went away; retrying once a second"));
      m_connectionLabel->setText(tr("%1 · lost").arg(dev->address()));
      break;
    case ConnectionState::kReconnecting:
      m_connectionLabel->setText(tr("%1 · reconnecting…").arg(dev->address()));
      break;
    case ConnectionState::kConnected:
    case ConnectionState::kStreaming:
      break;
  }
  if (!isLive(state)) {
    m_streaming = false;
    if (m_continuous) m_continuous->setChecked(false);
  }
  updateRunEnabled();
}

void MainWindow::updateRunEnabled() {
  DeviceController* dev = m_workbench->device();
  const bool agent = dev->info().hello.chosenVersion != 0;
  const bool live = isLive(dev->state());
  const bool model = !m_workbench->modelPath().isEmpty();
  const bool enabled = live && agent && model;
  m_devicePanel->setRunEnabled(enabled, !live    ? tr("Connect a device first.")
                                        : !agent ? tr("A text-mode board runs no agent.")
                                        : !model ? tr("Open a model first (File > Open Model).")
                                                 : QString());
  if (m_runAction) m_runAction->setEnabled(enabled);
  const bool streaming = dev->state() == ConnectionState::kStreaming;
  m_recordBar->setRecordEnabled(streaming && agent,
                                !streaming ? tr("Start a stream first.")
                                           : tr("A text-mode board cannot be recorded here yet: "
                                                "use tinyscope-cli stream --csv."));
  if (m_continuous) m_continuous->setEnabled(enabled);
}

void MainWindow::setDatasetDir(const QString& dir, bool remember) {
  m_datasetDir = dir;
  if (remember) QSettings().setValue(QStringLiteral("dataset/dir"), dir);
  Q_EMIT datasetChanged();
}

bool MainWindow::raiseDock(const QString& objectName) {
  QDockWidget* d = dock(objectName);
  if (!d) return false;
  d->show();
  d->raise();
  return true;
}

void MainWindow::startRecording(const QString& label) {
  DeviceController* dev = m_workbench->device();
  const DeviceInfo& info = dev->info();
  if (m_streamSensor < 0 || static_cast<size_t>(m_streamSensor) >= info.hello.sensors.size())
    return;
  const proto::SensorInfo& si = info.hello.sensors[static_cast<size_t>(m_streamSensor)];
  RecorderOptions opt;
  opt.spec.sensor = info.sensorNames.value(m_streamSensor);
  opt.spec.name = label.isEmpty() ? opt.spec.sensor : label;
  opt.spec.axes = info.axisNames(m_streamSensor);
  opt.spec.units = info.axisUnits(m_streamSensor);
  opt.spec.rateHz = si.rateMilliHz / 1000.0;
  opt.spec.type = storedSampleType(si.sampleType);
  opt.spec.deviceName = info.boardName;
  opt.spec.deviceUri = dev->address();
  opt.spec.sessionUuid = m_sessionUuid;
  opt.spec.sessionStartedMs = QDateTime::currentMSecsSinceEpoch();
  if (!label.isEmpty()) opt.spec.labels << label;
  opt.spec.metadata.insert(QStringLiteral("device_id"), info.deviceIdHex());
  opt.spec.metadata.insert(QStringLiteral("firmware"), info.firmwareVersion);
  opt.sampleSeconds = 10;
  opt.chunkSeconds = 2;
  m_recordBar->showRecording(true);
  m_log->append(
      LogLevel::kInfo, QStringLiteral("record"),
      tr("recording %1 into %2").arg(label.isEmpty() ? tr("(no label)") : label, m_datasetDir));
  dev->startRecording(m_datasetDir, opt);
}

void MainWindow::clearResults() {
  m_runPending = false;
  m_prediction->setText(tr("No inference yet."));
  m_profiler->showProfile({}, tr("No profile yet: run an inference on the device (F5)."));
  m_compare->showMessage(tr("No comparison yet: run an inference on the device (F5)."));
  m_plot->clear();
  m_scores->clear();
  if (m_spectrogram) {
    m_spectrogram.reset();
    m_spectrogramView->hide();
  }
}

QString MainWindow::predictionText() const {
  return m_prediction->text();
}

namespace {
constexpr int kRecent = 8;
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  m_recentModels = settings.value(QStringLiteral("models/recent")).toStringList().mid(0, kRecent);
  m_recentDevices = settings.value(QStringLiteral("devices/recent")).toStringList().mid(0, kRecent);
  rebuildRecentMenu();
}

void MainWindow::saveSettings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  QMainWindow::closeEvent(event);
}

void MainWindow::rememberRecent(QStringList* list, const QString& key, const QString& item) {
  list->removeAll(item);
  list->prepend(item);
  while (list->size() > kRecent) list->removeLast();
  QSettings().setValue(key, *list);
}

void MainWindow::rebuildRecentMenu() {
  if (!m_recentMenu) return;
  m_recentMenu->clear();
  for (const QString& path : m_recentModels)
    m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openModel(path); })
        ->setToolTip(path);
  m_recentMenu->setEnabled(!m_recentModels.isEmpty());
}

void MainWindow::setDeviceAddress(const QString& address) {
  QStringList known = m_recentDevices;
  for (const DeviceCandidate& d : listDevices())
    if (!known.contains(d.address)) known << d.address;
  if (!known.contains(address)) known.prepend(address);
  m_devicePanel->setAddresses(known, address);
}

bool MainWindow::openModel(const QString& path) {
  QString error;
  if (!m_workbench->loadModel(path, &error)) {
    m_log->append(LogLevel::kError, QStringLiteral("model"), error);
    statusBar()->showMessage(error, 10000);
    m_modelView->showMessage(error);
    return false;
  }
  m_log->append(LogLevel::kInfo, QStringLiteral("model"),
                tr("opened %1").arg(m_workbench->modelPath()));
  rememberRecent(&m_recentModels, QStringLiteral("models/recent"), m_workbench->modelPath());
  rebuildRecentMenu();
  if (m_workbench->device()->state() != ConnectionState::kDisconnected) {
    if (m_workbench->deviceRunsModel())
      m_log->append(LogLevel::kInfo, m_workbench->device()->address(),
                    tr("the simulated device restarts with %1").arg(m_workbench->modelName()));
    else
      m_log->append(LogLevel::kWarning, m_workbench->device()->address(),
                    tr("the device keeps its own model: flash %1 to it (tinyscope-cli flash) "
                       "before comparing")
                        .arg(m_workbench->modelName()));
    const DeviceInfo& info = m_workbench->device()->info();
    if (!m_workbench->deviceRunsModel() && info.hello.chosenVersion != 0 &&
        !info.hello.slots.empty()) {
      const std::vector<uint8_t>& bytes = m_workbench->modelFile().bytes;
      m_flashOffer->offer(
          m_workbench->modelPath(),
          QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size())),
          m_workbench->device()->address(), info);
    }
  }
  setWindowTitle(tr("tinyscope — %1").arg(m_workbench->modelName()));
  return true;
}

void MainWindow::connectDevice(const QString& address) {
  setDeviceAddress(address);
  m_lastDeviceError.clear();
  const QString resolved = m_workbench->resolveAddress(address);
  m_devicePanel->showConnecting(resolved);
  m_log->append(LogLevel::kInfo, resolved, tr("connecting"));
  rememberRecent(&m_recentDevices, QStringLiteral("devices/recent"), address);
  m_workbench->connectTo(address);
}

void MainWindow::openSessionLog(const QString& path) {
  raiseDock(QStringLiteral("replayDock"));
  // The list, the tensor table and the charts want room: half the window's height.
  resizeDocks({dock(QStringLiteral("replayDock"))}, {std::max(360, height() / 2)}, Qt::Vertical);
  m_replayView->open(path);
}

void MainWindow::flashOnConnect(const QString& model) {
  raiseDock(QStringLiteral("flashDock"));
  auto once = std::make_shared<QMetaObject::Connection>();
  *once = connect(m_flashView->slotController(), &SlotController::slotsChanged, this,
                  [this, model, once] {
                    if (!m_flashView->slotController()->deviceReady()) return;
                    disconnect(*once);
                    m_flashView->setModelPath(model);
                    m_flashView->startFlash();
                  });
}

void MainWindow::listen() {
  QString why;
  if (!m_workbench->listen(&why)) {
    statusBar()->showMessage(why, 8000);
    m_log->append(LogLevel::kWarning, QStringLiteral("listen"), why);
    return;
  }
  raiseDock(QStringLiteral("modelDock"));
  m_modelView->showListening();
  statusBar()->showMessage(tr("Listening on the device…"));
}

void MainWindow::listenOnConnect() {
  auto once = std::make_shared<QMetaObject::Connection>();
  *once = connect(m_workbench->device(), &DeviceController::stateChanged, this,
                  [this, once](ConnectionState s) {
                    if (s != ConnectionState::kStreaming) return;
                    disconnect(*once);
                    listen();
                  });
}

void MainWindow::runInference() {
  if (!isLive(m_workbench->device()->state())) {
    statusBar()->showMessage(tr("Connect a device first."), 5000);
    return;
  }
  if (!m_workbench->runOnDevice()) return;  // no input: the report said why; nothing was sent
  m_runPending = true;
  statusBar()->showMessage(tr("Running inference on the device…"));
}

void MainWindow::showReport(const RunReport& r) {
  m_runPending = false;
  if (!r.error.isEmpty()) {
    m_log->append(LogLevel::kError, QStringLiteral("inference"), r.error);
    m_compare->showMessage(r.error);
    statusBar()->showMessage(r.error, 10000);
    return;
  }
  if (r.desktopOnly) {  // the Model view shows it; nothing here compares or predicts for the device
    m_log->append(
        LogLevel::kInfo, QStringLiteral("inference"),
        tr("desktop run: %1 µs, input: %2").arg(r.desktopTotalUs, 0, 'f', 1).arg(r.input));
    statusBar()->showMessage(tr("Desktop run done. Input: %1.").arg(r.input), 8000);
    return;
  }
  QVector<ProfileRow> rows;
  for (int i = 0; i < r.ops.size(); ++i)
    rows.append(ProfileRow{i, r.ops[i].first, r.ops[i].second,
                           i < r.desktopOpUs.size() ? r.desktopOpUs[i] : -1});
  m_profiler->showProfile(
      rows, tr("Device: %1 µs in %2 operators · desktop runtime: %3 µs, arena %4 bytes")
                .arg(r.deviceTotalUs, 0, 'f', 0)
                .arg(r.ops.size())
                .arg(r.desktopTotalUs, 0, 'f', 1)
                .arg(r.desktopArenaBytes));
  m_compare->showComparison(r.comparison, tr("Device vs desktop"));
  m_log->append(LogLevel::kInfo, QStringLiteral("inference"), tr("input: %1").arg(r.input));
  if (r.topClass >= 0) {
    QStringList parts;
    for (int k = 0; k < r.probabilities.size(); ++k) {
      const QString name = r.labels.value(k, QStringLiteral("class %1").arg(k));
      parts << (k == r.topClass ? QStringLiteral("<b>%1 %2%</b>") : QStringLiteral("%1 %2%"))
                   .arg(name.toHtmlEscaped())
                   .arg(100 * r.probabilities[k], 0, 'f', 0);
    }
    m_prediction->setText(tr("Device says: %1").arg(parts.join(QStringLiteral(" · "))));
    m_prediction->setToolTip(tr("%1 (input: %2)").arg(m_prediction->text(), r.input));
    m_scores->addScores(m_plot->newestSeconds(), r.probabilities);
  }
  statusBar()->showMessage(
      (r.comparison.identical()
           ? tr("Inference done: device and desktop agree on every tensor.")
           : tr("Inference done: device and desktop DIFFER (first at operator #%1).")
                 .arg(r.comparison.firstDivergingOp)) +
          tr(" Input: %1.").arg(r.input),
      8000);
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About tinyscope"),
      tr("<b>tinyscope %1</b><p>A workbench for TinyML engineers: connect to a device, stream "
         "and plot its sensors, run the same int8 runtime on the device and the desktop, "
         "compare them tensor by tensor, profile every operator and flash models.</p>"
         "<p>Built with Qt %2.</p>")
          .arg(QString::fromLatin1(kVersion), QString::fromLatin1(QT_VERSION_STR)));
}

}  // namespace tinyscope::ui
