// Frame time of the Live view with the device link and the model running: the real host agent
// on a pty streams 8 int16 channels at 16 kHz (sine sensor) while kws_ref_model runs on it back
// to back with every tensor captured (Workbench::runOnDevice on its golden input: upload, device
// run, every tensor sent back over the same link, the desktop re-run and the comparison on a
// worker). Each display tick (Workbench::framesArrived, 30 Hz) is one frame, drawn as the window
// draws it: the 8-channel plot (960 px, 0.5 s span), the spectrogram of channel 0 (512-point
// FFT, hop 256) and the class-score strip fed by the reports. Offscreen, on the GUI thread; the
// device I/O runs on the DeviceController's thread as in the window. Prints the frame time
// median / p99 / worst (wall and thread CPU), the samples and inferences that went through, and
// the GUI thread's longest gap between ticks. The target is every frame < 16 ms.
//   live_device_bench [--seconds S] [--no-model]   (default 20 s; needs TINYSCOPE_SHARED_DIR's
//   kws_ref_model; --no-model streams only, to see what the model's runs cost the frames)
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "app/core/spectrogram.h"
#include "app/core/workbench.h"
#include "bench/frame_clock.h"
#include "widgets/score_strip.h"
#include "widgets/signal_plot.h"
#include "widgets/spectrogram_view.h"

using namespace tinyscope;
using tinyscope::ui::ScoreStrip;
using tinyscope::ui::SignalPlot;
using tinyscope::ui::SpectrogramView;

namespace {

constexpr int kChannels = 8;
constexpr double kRate = 16000;

double at(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  double seconds = 20;
  bool runModel = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
      seconds = std::max(3.0, std::atof(argv[i + 1]));
    if (std::strcmp(argv[i], "--no-model") == 0) runModel = false;
  }
  const QString shared = QStringLiteral(TINYSCOPE_SHARED_DIR);
  const QString model = shared + "/models/kws_ref_model.tflite";
  const QString input = shared + "/golden/kws_ref_model/seed1/input.bin";
  if (!QFile::exists(model) || !QFile::exists(input)) {
    std::printf("live_device_bench: %s is absent (set TINYSCOPE_SHARED_DIR); nothing measured\n",
                qPrintable(model));
    return 0;
  }
  // The model in a folder of its own (no sidecar): its input is the golden tensor file.
  QTemporaryDir dir;
  const QString link = dir.filePath("kws_ref_model.tflite");
  QFile::link(model, link);

  QProcess agent;
  agent.start(QStringLiteral(TINYSCOPE_AGENT),
              {"--pty", "--quiet", "--sensor", "sine", "--channels", QString::number(kChannels),
               "--rate", QString::number(kRate), "--model", model});
  if (!agent.waitForStarted(5000)) return 1;
  for (int i = 0; i < 50 && !agent.canReadLine(); ++i) agent.waitForReadyRead(100);
  const QString line = QString::fromUtf8(agent.readLine()).trimmed();
  if (!line.startsWith("PTY ")) {
    std::printf("live_device_bench: the agent did not start a pty (%s)\n", qPrintable(line));
    return 1;
  }

  Workbench wb;
  QString error;
  if (!wb.loadModel(link, &error)) {
    std::printf("live_device_bench: %s\n", qPrintable(error));
    return 1;
  }
  wb.setInputSource(input);

  SignalPlot plot;
  plot.resize(960, 420);
  QStringList names;
  for (int c = 0; c < kChannels; ++c) names << QStringLiteral("ch%1").arg(c);
  plot.configure(names, kRate, QStringLiteral("counts"));
  plot.setTimeSpan(0.5);
  SpectrogramView spectrogramView;
  spectrogramView.resize(960, 300);
  Spectrogram spectrogram(512, 256);
  spectrogramView.configure(spectrogram.bins(), kRate, static_cast<int>(5.0 * kRate / 256));
  ScoreStrip strip;
  strip.resize(960, 90);
  QImage plotImage(plot.size(), QImage::Format_ARGB32_Premultiplied);
  QImage spectrogramImage(spectrogramView.size(), QImage::Format_ARGB32_Premultiplied);
  QImage stripImage(strip.size(), QImage::Format_ARGB32_Premultiplied);

  std::vector<double> wall, cpu, gaps;
  qint64 samples = 0;
  int inferences = 0, failures = 0;
  bool measuring = false;
  QElapsedTimer clock, sinceTick;
  clock.start();
  std::vector<float> mono;
  QObject::connect(&wb, &Workbench::framesArrived,
                   [&](const std::vector<float>& frames, int count, int channels) {
                     if (channels != kChannels) return;
                     if (measuring && sinceTick.isValid())
                       gaps.push_back(static_cast<double>(sinceTick.nsecsElapsed()) / 1e6);
                     sinceTick.start();
                     QElapsedTimer frame;
                     frame.start();
                     const double cpu0 = threadCpuMs();
                     plot.appendFrames(frames.data(), count);
                     mono.resize(static_cast<size_t>(count));
                     for (int f = 0; f < count; ++f)
                       mono[static_cast<size_t>(f)] = frames[static_cast<size_t>(f * channels)];
                     std::vector<std::vector<float>> columns;
                     spectrogram.push(mono.data(), count, &columns);
                     spectrogramView.appendColumns(columns);
                     plot.render(&plotImage);
                     spectrogramView.render(&spectrogramImage);
                     strip.setTimeRange(plot.viewStartSeconds(), plot.viewEndSeconds());
                     strip.render(&stripImage);
                     if (!measuring) return;
                     wall.push_back(static_cast<double>(frame.nsecsElapsed()) / 1e6);
                     cpu.push_back(threadCpuMs() - cpu0);
                     samples += count;
                   });
  QObject::connect(&wb, &Workbench::runReport, [&](const RunReport& r) {
    if (!r.error.isEmpty()) ++failures;
    if (measuring) ++inferences;
    if (!r.probabilities.isEmpty())
      strip.addScores(plot.viewEndSeconds(), QVector<double>(r.probabilities));
    QTimer::singleShot(0, &wb, [&wb] { wb.runOnDevice(); });  // back to back
  });
  QObject::connect(wb.device(), &DeviceController::connected, [&](const DeviceInfo& info) {
    if (info.hello.sensors.empty()) return;
    wb.device()->startStream(info.hello.sensors[0].sensorId,
                             defaultWindowSamples(info.hello.sensors[0]));
    // Let the stream settle, then measure with the model running.
    QTimer::singleShot(1000, &wb, [&] {
      measuring = true;
      clock.restart();
      if (runModel) wb.runOnDevice();
    });
  });
  wb.connectTo("serial:" + line.mid(4));
  QTimer::singleShot(static_cast<int>((seconds + 1) * 1000) + 1000, &app, &QApplication::quit);
  app.exec();
  const double elapsed = static_cast<double>(clock.elapsed()) / 1000.0;
  wb.device()->disconnectDevice();
  agent.terminate();
  agent.waitForFinished(3000);
  if (wall.empty()) {
    std::printf("live_device_bench: no frames arrived from %s\n", qPrintable(line));
    return 1;
  }
  std::printf(
      "Live view with the device link and the model running: host agent on a pty, %d ch x %.0f "
      "Hz int16, %s; plot 960 px + spectrogram of ch0 + score strip, offscreen, %.1f s\n",
      kChannels, kRate,
      runModel ? "kws_ref_model back to back with every tensor captured" : "no model running",
      elapsed);
  std::printf(
      "| frames | median ms | p99 ms | worst ms | median CPU ms | worst tick gap ms | samples/s "
      "per channel | inferences/s | failed runs |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  std::printf("| %zu | %.2f | %.2f | %.2f | %.2f | %.1f | %.0f | %.1f | %d |\n", wall.size(),
              at(wall, 0.5), at(wall, 0.99), at(wall, 1.0), at(cpu, 0.5), at(gaps, 1.0),
              static_cast<double>(samples) / elapsed, inferences / elapsed, failures);
  return 0;
}
