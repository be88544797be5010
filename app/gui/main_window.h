#pragma once
// MainWindow: the tinyscope workbench. The central area plots the live signal with the
// latest prediction; docks hold the device connection, the model, the per-operator
// profiler, the device-vs-desktop tensor comparison, the dataset and the log.
// GUI thread only. Owns its Workbench.
#include <QMainWindow>
#include <memory>

class QAction;
class QCloseEvent;
class QMenu;
class QLabel;
class QDockWidget;
class QTimer;

namespace tinyscope {
class LogModel;
class Spectrogram;
class Workbench;
struct RunReport;
}  // namespace tinyscope

namespace tinyscope::ui {

class CompareView;
class DatasetView;
class DevicePanel;
class FlashOfferBar;
class FlashView;
class ReplayView;
class WorkBar;
class ModelView;
class ProfilerView;
class RecordBar;
class ScoreStrip;
class SignalPlot;
class SpectrogramView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  LogModel* logModel() const { return m_log; }
  Workbench* workbench() const { return m_workbench; }
  QDockWidget* dock(const QString& objectName) const;
  SignalPlot* plot() const { return m_plot; }
  SpectrogramView* spectrogramView() const { return m_spectrogramView; }
  CompareView* compareView() const { return m_compare; }
  ProfilerView* profilerView() const { return m_profiler; }
  ModelView* modelView() const { return m_modelView; }
  ScoreStrip* scoreStrip() const { return m_scores; }

  // Opens a model; errors go to the log and the status bar. Returns success.
  bool openModel(const QString& path);
  void connectDevice(const QString& address);
  // Replays a session log (.tsl) in the Replay dock, in front.
  void openSessionLog(const QString& path);
  // Flashes `model` from the Flash dock (in front) once a device that runs the agent is ready.
  void flashOnConnect(const QString& model);
  // Device ▸ Listen (F6): the open audio model's pipeline on the device (Workbench::listen); the
  // word goes to the prediction line, the verdict to the Model view and the log.
  void listen();
  // Listens once, when the device first streams (--listen).
  void listenOnConnect();
  // Puts an address in the device panel without connecting (--device with --no-connect).
  void setDeviceAddress(const QString& address);
  DevicePanel* devicePanel() const { return m_devicePanel; }
  RecordBar* recordBar() const { return m_recordBar; }
  DatasetView* datasetView() const { return m_datasetView; }
  FlashView* flashView() const { return m_flashView; }
  ReplayView* replayView() const { return m_replayView; }
  WorkBar* workBar() const { return m_workBar; }
  FlashOfferBar* flashOffer() const { return m_flashOffer; }
  // The dataset Record writes into and the Dataset view shows (QSettings "dataset/dir",
  // by default <app data>/dataset); `remember` stores it for the next start.
  void setDatasetDir(const QString& dir, bool remember = true);
  // Window geometry and dock layout, recent models and devices (QSettings). main() restores
  // them at start; closing the window saves them.
  void restoreSettings();
  void saveSettings() const;
  QStringList recentModels() const { return m_recentModels; }
  QStringList recentDevices() const { return m_recentDevices; }
  // Shows a dock in front of the docks it shares a tab with ("datasetDock", ...).
  bool raiseDock(const QString& objectName);
  QString datasetDir() const { return m_datasetDir; }
  QString predictionText() const;
  // Sensor 0 streams as soon as a device connects. This starts "Run Continuously" once the device
  // connects and has streamed a model window.
  void setContinuousOnConnect(bool on) { m_continuousOnConnect = on; }

 Q_SIGNALS:
  // The dataset folder changed or gained samples (a recording ended).
  void datasetChanged();

 public Q_SLOTS:
  void showAbout();
  void runInference();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void rememberRecent(QStringList* list, const QString& key, const QString& item);
  void rebuildRecentMenu();
  QDockWidget* addPanel(const QString& title, const QString& objectName, QWidget* content,
                        Qt::DockWidgetArea area);
  void buildMenus();
  void wireWorkbench();
  void showReport(const RunReport& report);
  // Every view follows the device's connection state.
  void applyConnectionState(int state);
  void clearResults();
  void updateRunEnabled();
  void startRecording(const QString& label);

  LogModel* m_log;
  Workbench* m_workbench;
  SignalPlot* m_plot;
  SpectrogramView* m_spectrogramView;  // shown for audio-rate single-channel streams
  std::unique_ptr<Spectrogram> m_spectrogram;
  QLabel* m_prediction;
  RecordBar* m_recordBar;
  DatasetView* m_datasetView;
  FlashView* m_flashView = nullptr;
  ReplayView* m_replayView = nullptr;
  WorkBar* m_workBar = nullptr;
  QString m_datasetDir;
  QString m_sessionUuid;    // groups this window's recordings
  int m_streamSensor = -1;  // index in the handshake's sensors of the stream shown
  DevicePanel* m_devicePanel;
  ModelView* m_modelView;
  ProfilerView* m_profiler;
  CompareView* m_compare;
  QLabel* m_connectionLabel;
  QAction* m_continuous = nullptr;
  QAction* m_runAction = nullptr;
  QAction* m_disconnectAction = nullptr;
  QString m_lastDeviceError;  // shown in the device panel once the connection ends
  QStringList m_recentModels, m_recentDevices;  // newest first, at most kRecent
  QMenu* m_recentMenu = nullptr;
  QTimer* m_continuousTimer;
  QList<QDockWidget*> m_docks;
  FlashOfferBar* m_flashOffer = nullptr;
  bool m_continuousOnConnect = false;
  bool m_streaming = false;
  bool m_runPending = false;
  ScoreStrip* m_scores = nullptr;  // class scores over time, under the signal plot
};

}  // namespace tinyscope::ui
