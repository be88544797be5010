#include "app/gui/main_window.h"

#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include "app/core/device/device_list.h"
#include "app/core/device/device_text.h"
#include "app/core/log_model.h"
#include "app/core/spectrogram.h"
#include "app/core/version.h"
#include "app/core/workbench.h"
#include "widgets/compare_view.h"
#include "widgets/device_panel.h"
#include "widgets/log_view.h"
#include "widgets/model_view.h"
#include "widgets/profiler_view.h"
#include "widgets/signal_plot.h"
#include "widgets/spectrogram_view.h"

namespace tinyscope::ui {

namespace {

QWidget* hint(const QString& text) {
  auto* label = new QLabel(text);
  label->setAlignment(Qt::AlignCenter);
  label->setWordWrap(true);
  label->setMargin(12);
  label->setEnabled(false);
  return label;
}

QString sensorUnits(const DeviceInfo& info, int sensorId) {
  for (size_t i = 0; i < info.hello.sensors.size(); ++i)
    if (info.hello.sensors[i].sensorId == sensorId)
      return info.sensorUnits.value(static_cast<int>(i));
  return {};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_log(new LogModel(10000, this)),
      m_workbench(new Workbench(this)),
      m_plot(new SignalPlot),
      m_spectrogramView(new SpectrogramView),
      m_prediction(new QLabel),
      m_devicePanel(new DevicePanel),
      m_modelView(new ModelView),
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
  layout->addWidget(m_prediction);
  layout->addWidget(m_plot, 1);
  m_spectrogramView->setObjectName(QStringLiteral("spectrogram"));
  m_spectrogramView->hide();
  layout->addWidget(m_spectrogramView, 1);
  setCentralWidget(central);

  addPanel(tr("Device"), QStringLiteral("deviceDock"), m_devicePanel, Qt::LeftDockWidgetArea);
  addPanel(tr("Dataset"), QStringLiteral("datasetDock"),
           hint(tr("Labelled samples of the open dataset appear here.")), Qt::LeftDockWidgetArea);
  addPanel(tr("Model"), QStringLiteral("modelDock"), m_modelView, Qt::RightDockWidgetArea);
  addPanel(tr("Profiler"), QStringLiteral("profilerDock"), m_profiler, Qt::RightDockWidgetArea);
  QDockWidget* compareDock =
      addPanel(tr("Compare"), QStringLiteral("compareDock"), m_compare, Qt::BottomDockWidgetArea);
  QDockWidget* logDock =
      addPanel(tr("Log"), QStringLiteral("logDock"), new LogView(m_log), Qt::BottomDockWidgetArea);
  splitDockWidget(compareDock, logDock, Qt::Horizontal);
  resizeDocks({dock(QStringLiteral("deviceDock")), dock(QStringLiteral("modelDock"))}, {300, 360},
              Qt::Horizontal);
  resizeDocks({compareDock}, {230}, Qt::Vertical);

  buildMenus();
  wireWorkbench();

  m_connectionLabel->setText(tr("No device"));
  statusBar()->addPermanentWidget(m_connectionLabel);
  statusBar()->showMessage(tr("Ready"));
  m_log->append(LogLevel::kInfo, QStringLiteral("tinyscope"),
                tr("tinyscope %1 started").arg(QString::fromLatin1(kVersion)));
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::addPanel(const QString& title, const QString& objectName, QWidget* content,
                                  Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(objectName);
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
  file->addSeparator();
  file->addAction(tr("&Quit"), qApp, &QApplication::quit, QKeySequence::Quit);

  QMenu* device = menuBar()->addMenu(tr("&Device"));
  QAction* run = device->addAction(tr("&Run Inference on Device"), this, &MainWindow::runInference,
                                   QKeySequence(Qt::Key_F5));
  m_runAction = run;
  run->setEnabled(false);
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
        const QString base = sanitizeDeviceText(sensors[i].name);
        for (int a = 0; a < sensors[i].axes; ++a)
          names << (sensors[i].axes == 1 ? base : QStringLiteral("%1.%2").arg(base).arg(a));
      }
      m_plot->configure(names, rate, sensorUnits(dev->info(), sensorId));
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
            if (m_spectrogram && channels == 1) {
              std::vector<std::vector<float>> columns;
              m_spectrogram->push(frames.data(), count, &columns);
              m_spectrogramView->appendColumns(columns);
            }
          });
  connect(wb, &Workbench::modelChanged, this, [this] {
    m_modelView->showModel(m_workbench->modelName(), m_workbench->modelSummary());
    updateRunEnabled();
  });
  connect(wb, &Workbench::runReport, this, &MainWindow::showReport);
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
  if (m_continuous) m_continuous->setEnabled(enabled);
}

void MainWindow::clearResults() {
  m_runPending = false;
  m_prediction->setText(tr("No inference yet."));
  m_profiler->showProfile({}, tr("No profile yet: run an inference on the device (F5)."));
  m_compare->showMessage(tr("No comparison yet: run an inference on the device (F5)."));
  m_plot->clear();
  if (m_spectrogram) {
    m_spectrogram.reset();
    m_spectrogramView->hide();
  }
}

QString MainWindow::predictionText() const {
  return m_prediction->text();
}

void MainWindow::setDeviceAddress(const QString& address) {
  QStringList known;
  for (const DeviceCandidate& d : listDevices()) known << d.address;
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
  if (m_workbench->device()->state() != ConnectionState::kDisconnected) {
    if (m_workbench->deviceRunsModel())
      m_log->append(LogLevel::kInfo, m_workbench->device()->address(),
                    tr("the simulated device restarts with %1").arg(m_workbench->modelName()));
    else
      m_log->append(LogLevel::kWarning, m_workbench->device()->address(),
                    tr("the device keeps its own model: flash %1 to it (tinyscope-cli flash) "
                       "before comparing")
                        .arg(m_workbench->modelName()));
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
  m_workbench->connectTo(address);
}

void MainWindow::runInference() {
  if (!isLive(m_workbench->device()->state())) {
    statusBar()->showMessage(tr("Connect a device first."), 5000);
    return;
  }
  m_runPending = true;
  m_workbench->runOnDevice();
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
  if (r.topClass >= 0) {
    QStringList parts;
    for (int k = 0; k < r.probabilities.size(); ++k) {
      const QString name = r.labels.value(k, QStringLiteral("class %1").arg(k));
      parts << (k == r.topClass ? QStringLiteral("<b>%1 %2%</b>") : QStringLiteral("%1 %2%"))
                   .arg(name.toHtmlEscaped())
                   .arg(100 * r.probabilities[k], 0, 'f', 0);
    }
    m_prediction->setText(tr("Device says: %1").arg(parts.join(QStringLiteral(" · "))));
  }
  statusBar()->showMessage(
      r.comparison.identical()
          ? tr("Inference done: device and desktop agree on every tensor.")
          : tr("Inference done: device and desktop DIFFER (first at operator #%1).")
                .arg(r.comparison.firstDivergingOp),
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
