// End-to-end streaming over a real pseudo-terminal: tinyscope-agent (8 int16 channels)
// -> pty -> DeviceLink -> DeviceSession, as `tinyscope-cli stream` and the GUI receive it.
// Ramps the sample rate and reports the highest rate with zero sequence gaps, zero frame
// errors and no overruns; optionally soaks at one rate for a long time.
//   stream_bench [--agent PATH] [--step-seconds S] [--soak SECONDS] [--soak-rate HZ]
//                [--session DIR]
// With --session every frame is also written to a session log in DIR (what `stream --session`
// and `record` do), so the figures say what logging costs. Prints figures; asserts nothing.
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <cstdio>

#include "app/core/device/device_session.h"
#include "app/core/device/device_transport.h"
#include "app/core/session/session_recording.h"

using namespace tinyscope;

namespace {

struct StepResult {
  double rateHz = 0;
  double measuredHz = 0;
  quint64 samples = 0, gaps = 0, frameErrors = 0, overruns = 0, lost = 0, lostSamples = 0;
  double mbps = 0;
  qint64 logBytes = -1;  // the session log's size, when one was written
  bool lossless() const {
    return samples > 0 && gaps == 0 && frameErrors == 0 && overruns == 0 && lost == 0 &&
           lostSamples == 0;
  }
};

StepResult runStep(const QString& agent, double rateHz, double seconds, const QString& logDir) {
  StepResult r;
  r.rateHz = rateHz;
  QProcess proc;
  proc.start(agent, {"--pty", "--quiet", "--sensor", "sine", "--channels", "8", "--rate",
                     QString::number(rateHz)});
  if (!proc.waitForStarted(5000)) return r;
  for (int i = 0; i < 50 && !proc.canReadLine(); ++i) proc.waitForReadyRead(100);
  const QString line = QString::fromUtf8(proc.readLine()).trimmed();
  if (!line.startsWith("PTY ")) return r;
  QString error;
  auto link = openDeviceLink("serial:" + line.mid(4) + "?baud=921600", &error);
  if (!link) return r;
  DeviceSession device(std::move(link));
  const QString logPath = logDir.isEmpty()
                              ? QString()
                              : QDir(logDir).filePath(QStringLiteral("stream-%1.tsl").arg(rateHz));
  std::unique_ptr<session::SessionRecording> log;
  if (!logPath.isEmpty()) log = std::make_unique<session::SessionRecording>(&device, logPath);
  if (!device.connectBlocking(10000, &error) ||
      (log && !log->begin(nullptr, session::ModelStore(logDir), &error))) {
    std::fprintf(stderr, "stream_bench: %s\n", qPrintable(error));
    return r;
  }
  device.startStream(0, 0, static_cast<quint32>(rateHz * 1000),
                     32);  // 32 samples × 8 ch × 2 B = 512 B
  device.spin(static_cast<int>(seconds * 1000));
  device.stopStream(0);
  device.spin(200);
  if (log) {
    if (!log->finish(&error)) std::fprintf(stderr, "stream_bench: %s\n", qPrintable(error));
    r.logBytes = QFileInfo(logPath).size();
  }
  const StreamStats st = device.streams().value(0);
  const auto& c = device.counters();
  r.measuredHz = st.measuredRateHz();
  r.samples = st.samples;
  r.gaps = st.missingWindows;
  r.overruns = st.overrunsReported;
  r.lost = c.lostMessages + c.malformedMessages;
  r.lostSamples = st.lostSamples;
  r.frameErrors = c.frames.crcErrors + c.frames.cobsErrors + c.frames.tooShort + c.frames.overflows;
  r.mbps = static_cast<double>(c.bytesReceived) / seconds / 1e6;
  proc.terminate();
  proc.waitForFinished(3000);
  return r;
}

void print(const StepResult& r) {
  std::printf(
      "%10.0f Hz x 8 ch  measured %10.1f Hz  %9llu samples  gaps %llu  frame errors %llu  overruns "
      "%llu  lost messages %llu  lost samples %llu  %6.2f MB/s  %s\n",
      r.rateHz, r.measuredHz, static_cast<unsigned long long>(r.samples),
      static_cast<unsigned long long>(r.gaps), static_cast<unsigned long long>(r.frameErrors),
      static_cast<unsigned long long>(r.overruns), static_cast<unsigned long long>(r.lost),
      static_cast<unsigned long long>(r.lostSamples), r.mbps, r.lossless() ? "lossless" : "LOSS");
  if (r.logBytes >= 0)
    std::printf("%10s session log %.2f MB\n", "", static_cast<double>(r.logBytes) / 1e6);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QStringList args = app.arguments().mid(1);
  QString agent = QStringLiteral(TINYSCOPE_AGENT);
  double stepSeconds = 3, soakSeconds = 0, soakRate = 16000;
  QString logDir;
  for (int i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--agent")
      agent = args[i + 1];
    else if (args[i] == "--step-seconds")
      stepSeconds = args[i + 1].toDouble();
    else if (args[i] == "--soak")
      soakSeconds = args[i + 1].toDouble();
    else if (args[i] == "--soak-rate")
      soakRate = args[i + 1].toDouble();
    else if (args[i] == "--session")
      logDir = args[i + 1];
  }
  std::printf(
      "End-to-end streaming over a pty, tinyscope-agent -> tinyscope, 8 int16 channels, %g s per "
      "step%s\n",
      stepSeconds, logDir.isEmpty() ? "" : ", every frame written to a session log");
  if (!logDir.isEmpty()) QDir().mkpath(logDir);
  double best = 0;
  for (double rate : {8000.0, 16000.0, 32000.0, 64000.0, 96000.0, 128000.0, 160000.0, 200000.0}) {
    const StepResult r = runStep(agent, rate, stepSeconds, logDir);
    print(r);
    if (!r.lossless()) break;
    best = rate;
  }
  std::printf("highest lossless rate: %.0f samples/s per channel (%.0f int16 samples/s in all)\n",
              best, best * 8);
  if (soakSeconds > 0) {
    std::printf("soak: %.0f Hz x 8 ch for %.0f s\n", soakRate, soakSeconds);
    print(runStep(agent, soakRate, soakSeconds, logDir));
  }
  return 0;
}
