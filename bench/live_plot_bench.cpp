// Frame time of the Live view's drawing: each display tick (30 Hz) appends what a stream
// delivered since the last one and renders the plot, as the window does. Streams: 8 channels
// at 16 kHz (the plot at the default 0.5 s span and zoomed out to 10 s with the 60 s history
// full), and 16 kHz mono with its spectrogram (512-point FFT, hop 256), also with the class-score
// strip under it full (ScoreStrip::kMaxPoints results of 12 classes, redrawn every tick).
// Offscreen, one thread; prints the median, 99th percentile and worst frame in ms (wall) and the
// median CPU time of the thread (what the frame costs when the machine is shared). The target is
// every frame < 16 ms.
//   live_plot_bench [--frames N]
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "app/core/spectrogram.h"
#include "bench/frame_clock.h"
#include "widgets/score_strip.h"
#include "widgets/signal_plot.h"
#include "widgets/spectrogram_view.h"

using tinyscope::Spectrogram;
using tinyscope::ui::ScoreStrip;
using tinyscope::ui::SignalPlot;
using tinyscope::ui::SpectrogramView;

namespace {

constexpr double kRate = 16000;
constexpr double kTickHz = 30;

struct Stats {
  double median, p99, worst, cpuMedian;
};

struct FrameTimer {
  QElapsedTimer wall;
  double cpu0 = threadCpuMs();
  FrameTimer() { wall.start(); }
};

Stats summarize(std::vector<double> ms, std::vector<double> cpu) {
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  const size_t n = ms.size();
  return {ms[n / 2], ms[std::min(n - 1, static_cast<size_t>(0.99 * static_cast<double>(n)))],
          ms.back(), cpu[n / 2]};
}

// A stream of `channels` channels: a chirp per channel plus noise, `frames` frames from `first`.
void synth(int channels, long first, int frames, std::vector<float>* out) {
  out->resize(static_cast<size_t>(channels * frames));
  for (int f = 0; f < frames; ++f) {
    const double t = static_cast<double>(first + f) / kRate;
    for (int c = 0; c < channels; ++c)
      (*out)[static_cast<size_t>(f * channels + c)] =
          static_cast<float>(3000 * std::sin(2 * M_PI * (200 + 100 * c) * t * (1 + 0.1 * t)) +
                             300 * std::sin(2 * M_PI * 3100 * t + c));
  }
}

Stats runPlot(int frames, int channels, double span, bool fillHistory) {
  SignalPlot plot;
  plot.resize(960, 420);
  QStringList names;
  for (int c = 0; c < channels; ++c) names << QStringLiteral("ch%1").arg(c);
  plot.configure(names, kRate, QStringLiteral("counts"));
  plot.setTimeSpan(span);
  std::vector<float> block;
  long next = 0;
  if (fillHistory) {
    const int second = static_cast<int>(kRate);
    for (int s = 0; s < 60; ++s, next += second) {
      synth(channels, next, second, &block);
      plot.appendFrames(block.data(), second);
    }
  }
  QImage image(plot.size(), QImage::Format_ARGB32_Premultiplied);
  const int perTick = static_cast<int>(kRate / kTickHz);
  std::vector<double> ms, cpu;
  for (int i = 0; i < frames; ++i, next += perTick) {
    synth(channels, next, perTick, &block);
    FrameTimer timer;
    plot.appendFrames(block.data(), perTick);
    plot.render(&image);
    ms.push_back(static_cast<double>(timer.wall.nsecsElapsed()) / 1e6);
    cpu.push_back(threadCpuMs() - timer.cpu0);
  }
  return summarize(ms, cpu);
}

Stats runSpectrogram(int frames, bool withScores) {
  SignalPlot plot;
  plot.resize(960, 300);
  plot.configure({QStringLiteral("mic")}, kRate, QStringLiteral("counts"));
  plot.setTimeSpan(0.5);
  SpectrogramView view;
  view.resize(960, 300);
  Spectrogram spectrogram(512, 256);
  view.configure(spectrogram.bins(), kRate, static_cast<int>(5.0 * kRate / 256));
  QImage a(plot.size(), QImage::Format_ARGB32_Premultiplied);
  QImage b(view.size(), QImage::Format_ARGB32_Premultiplied);
  ScoreStrip strip;
  strip.resize(960, 90);
  QImage c(strip.size(), QImage::Format_ARGB32_Premultiplied);
  if (withScores)  // the worst case: the strip's most results, all inside the 30 s it shows
    for (int k = 0; k < ScoreStrip::kMaxPoints; ++k) {
      QVector<double> scores(12);
      for (int j = 0; j < 12; ++j) scores[j] = 0.5 + 0.5 * std::sin(0.1 * k + j);
      strip.addScores(0.01 * k, scores);
    }
  const int perTick = static_cast<int>(kRate / kTickHz);
  std::vector<float> block;
  std::vector<double> ms, cpu;
  long next = 0;
  for (int i = 0; i < frames; ++i, next += perTick) {
    synth(1, next, perTick, &block);
    FrameTimer timer;
    plot.appendFrames(block.data(), perTick);
    std::vector<std::vector<float>> columns;
    spectrogram.push(block.data(), perTick, &columns);
    view.appendColumns(columns);
    plot.render(&a);
    view.render(&b);
    if (withScores) {
      strip.setTimeRange(plot.viewStartSeconds(), plot.viewEndSeconds());
      strip.render(&c);
    }
    ms.push_back(static_cast<double>(timer.wall.nsecsElapsed()) / 1e6);
    cpu.push_back(threadCpuMs() - timer.cpu0);
  }
  return summarize(ms, cpu);
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  int frames = 300;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--frames") == 0) frames = std::max(10, std::atoi(argv[i + 1]));

  std::printf("Live view frame time, %d frames at 30 Hz, 960 px wide plot, offscreen\n", frames);
  std::printf(
      "| stream | view | median ms | p99 ms | worst ms | median CPU ms |\n"
      "| --- | --- | --- | --- | --- | --- |\n");
  auto row = [](const char* stream, const char* view, Stats s) {
    std::printf("| %s | %s | %.2f | %.2f | %.2f | %.2f |\n", stream, view, s.median, s.p99, s.worst,
                s.cpuMedian);
  };
  row("8 ch × 16 kHz", "0.5 s span", runPlot(frames, 8, 0.5, false));
  row("8 ch × 16 kHz", "10 s span, 60 s history full", runPlot(frames, 8, 10, true));
  row("1 ch × 16 kHz", "0.5 s span + spectrogram", runSpectrogram(frames, false));
  row("1 ch × 16 kHz", "0.5 s span + spectrogram + score strip (1000 results, 12 classes)",
      runSpectrogram(frames, true));
  return 0;
}
