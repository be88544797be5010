#include "app/gui/main_window.h"

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include "app/core/log_model.h"
#include "app/core/version.h"
#include "widgets/log_view.h"

namespace tinyscope::ui {

namespace {

// A dock's content before its feature has data: says what will appear and how to get it.
QWidget* hint(const QString& text) {
  auto* label = new QLabel(text);
  label->setAlignment(Qt::AlignCenter);
  label->setWordWrap(true);
  label->setMargin(12);
  label->setEnabled(false);
  return label;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_log(new LogModel(10000, this)), m_connectionLabel(new QLabel(this)) {
  setWindowTitle(QStringLiteral("tinyscope"));
  setObjectName(QStringLiteral("MainWindow"));
  resize(1280, 800);
  setDockNestingEnabled(true);

  setCentralWidget(hint(tr("Live signals appear here once a device streams sensor windows.")));

  addPanel(tr("Device"), QStringLiteral("deviceDock"),
           hint(tr("Connect to a device by address: sim:, serial:/dev/ttyACM0, tcp:127.0.0.1:5555, ble:…")),
           Qt::LeftDockWidgetArea);
  addPanel(tr("Dataset"), QStringLiteral("datasetDock"), hint(tr("Labelled samples of the open dataset.")),
           Qt::LeftDockWidgetArea);
  addPanel(tr("Model"), QStringLiteral("modelDock"), hint(tr("Operators and tensors of the loaded model.")),
           Qt::RightDockWidgetArea);
  addPanel(tr("Profiler"), QStringLiteral("profilerDock"),
           hint(tr("Per-operator latency and arena memory of the last inference.")), Qt::RightDockWidgetArea);
  addPanel(tr("Compare"), QStringLiteral("compareDock"),
           hint(tr("Device and desktop tensors side by side; the first diverging operator is named.")),
           Qt::BottomDockWidgetArea);
  QDockWidget* logDock = addPanel(tr("Log"), QStringLiteral("logDock"), new LogView(m_log), Qt::BottomDockWidgetArea);
  tabifyDockWidget(m_docks.at(4), logDock);
  logDock->raise();

  buildMenus();

  m_connectionLabel->setText(tr("No device"));
  statusBar()->addPermanentWidget(m_connectionLabel);
  statusBar()->showMessage(tr("Ready"));
  m_log->append(LogLevel::Info, QStringLiteral("tinyscope"),
                tr("tinyscope %1 started").arg(QString::fromLatin1(kVersion)));
}

QDockWidget* MainWindow::addPanel(const QString& title, const QString& objectName, QWidget* content,
                                  Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(objectName);
  dock->setWidget(content);
  addDockWidget(area, dock);
  m_docks.append(dock);
  return dock;
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
  for (QDockWidget* d : m_docks)
    if (d->objectName() == objectName) return d;
  return nullptr;
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Quit"), qApp, &QApplication::quit, QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d : m_docks) view->addAction(d->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About tinyscope"), this, &MainWindow::showAbout);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About tinyscope"),
                     tr("<b>tinyscope %1</b><p>A workbench for TinyML engineers: connect, stream, label, "
                        "compare tensors between device and desktop, profile, flash and replay.</p>"
                        "<p>Built with Qt %2.</p>")
                         .arg(QString::fromLatin1(kVersion), QString::fromLatin1(QT_VERSION_STR)));
}

}  // namespace tinyscope::ui
