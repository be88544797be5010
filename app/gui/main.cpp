// tinyscope: the desktop workbench.
//   tinyscope [--device URI] [--model PATH] [--no-connect] [--continuous] [--dataset DIR]
//             [--raise DOCK] [--replay FILE.tsl] [--flash MODEL] [--listen]
// With no options it opens the bundled demo model and connects to the simulated device.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include "app/core/version.h"
#include "app/gui/main_window.h"

namespace {

QString bundledModel() {
  const QStringList candidates = {
      QApplication::applicationDirPath() +
          QStringLiteral("/../share/tinyscope/models/imu_gesture_demo.tflite"),
      QStringLiteral(TINYSCOPE_RESOURCE_DIR "/models/imu_gesture_demo.tflite"),
  };
  for (const QString& c : candidates)
    if (QFileInfo::exists(c)) return c;
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("tinyscope"));
  QApplication::setApplicationVersion(QString::fromLatin1(tinyscope::kVersion));
  QApplication::setOrganizationName(QStringLiteral("tinyscope"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("tinyscope, the TinyML workbench."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption device(
      QStringLiteral("device"),
      QStringLiteral("Device address to connect to (default sim:?sensor=imu)."),
      QStringLiteral("URI"), QStringLiteral("sim:?sensor=imu"));
  const QCommandLineOption model(QStringLiteral("model"),
                                 QStringLiteral("Model to open (default: the bundled demo model)."),
                                 QStringLiteral("PATH"));
  const QCommandLineOption noConnect(QStringLiteral("no-connect"),
                                     QStringLiteral("Start without connecting to a device."));
  const QCommandLineOption continuous(
      QStringLiteral("continuous"),
      QStringLiteral("Run inference on the device continuously once connected."));
  const QCommandLineOption datasetDir(
      QStringLiteral("dataset"),
      QStringLiteral("Dataset folder to show and record into (this run only)."),
      QStringLiteral("DIR"));
  const QCommandLineOption raise(QStringLiteral("raise"),
                                 QStringLiteral("Dock to show in front: device, dataset, model, "
                                                "profiler, compare, flash, replay or log."),
                                 QStringLiteral("DOCK"));
  const QCommandLineOption replay(QStringLiteral("replay"),
                                  QStringLiteral("Session log to replay in the Replay dock."),
                                  QStringLiteral("FILE"));
  const QCommandLineOption flash(
      QStringLiteral("flash"),
      QStringLiteral("Once the device connects, flash MODEL into its first inactive slot (test "
                     "state: confirm it in the Flash dock)."),
      QStringLiteral("MODEL"));
  const QCommandLineOption listen(
      QStringLiteral("listen"),
      QStringLiteral("Once the device streams, run the audio model's pipeline on it (Device > "
                     "Listen) and compare it with the desktop's."));
  parser.addOptions(
      {device, model, noConnect, continuous, datasetDir, raise, replay, flash, listen});
  parser.process(app);

  tinyscope::ui::MainWindow window;
  window.restoreSettings();
  const QString modelPath = parser.isSet(model) ? parser.value(model) : bundledModel();
  if (!modelPath.isEmpty()) window.openModel(modelPath);
  if (parser.isSet(datasetDir)) window.setDatasetDir(parser.value(datasetDir), false);
  if (parser.isSet(raise) && !window.raiseDock(parser.value(raise) + QStringLiteral("Dock")))
    qWarning("tinyscope: no dock named '%s'", qPrintable(parser.value(raise)));
  if (parser.isSet(replay)) window.openSessionLog(parser.value(replay));
  if (parser.isSet(flash)) window.flashOnConnect(parser.value(flash));
  if (parser.isSet(listen)) window.listenOnConnect();
  window.show();
  if (!parser.isSet(noConnect))
    window.connectDevice(parser.value(device));
  else
    window.setDeviceAddress(parser.value(device));
  if (parser.isSet(continuous)) window.setContinuousOnConnect(true);
  return app.exec();
}
