// tinyscope-agent: the firmware agent core on a host link (see agent_options.cpp --help).
#include <dirent.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "agent_options.h"
#include "firmware_agent/core/agent.h"
#include "firmware_agent/core/device_id.h"
#include "firmware_agent/core/dut_mode.h"
#include "hal.h"
#include "host_platform.h"
#include "host_sensors.h"
#include "model_runner/host/file_io.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/op_context.h"
#include "model_runner/tflite_schema.h"
#include "wav_file.h"

#ifndef TINYSCOPE_AGENT_VERSION
#define TINYSCOPE_AGENT_VERSION "0.0.0"
#endif
#ifndef TINYSCOPE_DEMO_MODEL_DIR
#define TINYSCOPE_DEMO_MODEL_DIR ""
#endif

namespace {
using namespace tinyscope::agent;
using namespace tinyscope::agent::host;

// Compile-time sizes of this port (the MCU port picks much smaller ones).
constexpr size_t kArenaBytes = kMaxArenaBytes;    // fits every model in ../shared/models
constexpr size_t kSampleHistoryBytes = 4u << 20;  // 1 MiB per stream: > 2 s of 16 kHz x 8 ch
constexpr size_t kPipelineBytes = 64u << 10;      // RunPipeline's stacked front-end outputs
alignas(16) uint8_t g_arena[kArenaBytes];
alignas(16) uint8_t g_pipeline[kPipelineBytes];
alignas(16) uint8_t g_history[kSampleHistoryBytes];
tinyscope::runner::AllOpsResolver g_resolver;

volatile std::sig_atomic_t g_signal = 0;
void onSignal(int sig) {
  g_signal = sig;
}

void diag(bool quiet, const std::string& text) {
  if (!quiet) std::fprintf(stderr, "tinyscope-agent: %s\n", text.c_str());
}

// --fault-op: the registration it wraps, and the wrapper's invoke.
tinyscope::runner::OpRegistration g_faultyOriginal;
void faultyInvoke(const tinyscope::runner::OpContext& ctx) {
  g_faultyOriginal.invoke(ctx);
  auto* out = ctx.outputData<uint8_t>(0);
  if (out != nullptr && ctx.output(0).bytes > 0) out[0] ^= 1u;
}

// Replaces operator `name`'s kernel with one whose first output byte is off by one bit.
bool injectFault(tinyscope::runner::OpResolver& resolver, const std::string& name) {
  for (uint32_t i = 0; i < resolver.size(); ++i) {
    const tinyscope::runner::OpRegistration& r = resolver.at(i);
    if (r.customName != nullptr ||
        name != tinyscope::runner::schema::builtinOperatorName(r.builtinCode))
      continue;
    g_faultyOriginal = r;
    tinyscope::runner::OpRegistration faulty = r;
    faulty.invoke = faultyInvoke;
    return resolver.add(faulty) == tinyscope::runner::Status::kOk;
  }
  return false;
}

int fail(int code, const std::string& text) {
  std::fprintf(stderr, "tinyscope-agent: %s\n", text.c_str());
  return code;
}

// The bundled demo model: the first .tflite (by name) in resources/models/, "" if none.
std::string demoModelPath() {
  const std::string dir = TINYSCOPE_DEMO_MODEL_DIR;
  if (dir.empty()) return std::string();
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return std::string();
  std::string best;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".tflite") == 0 &&
        (best.empty() || name < best)) {
      best = name;
    }
  }
  closedir(d);
  return best.empty() ? std::string() : dir + "/" + best;
}

std::string baseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 7 && name.compare(name.size() - 7, 7, ".tflite") == 0)
    name.resize(name.size() - 7);
  return name;
}

void removeTree(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") ::unlink((dir + "/" + name).c_str());
    }
    closedir(d);
  }
  ::rmdir(dir.c_str());
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  AgentOptions opt;
  std::string error;
  if (!parseAgentOptions(args, &opt, &error)) return fail(2, error);
  if (opt.help) {
    std::fputs(agentUsage().c_str(), stdout);
    return 0;
  }
  if (opt.version) {
    std::printf("tinyscope-agent %s (host)\n", TINYSCOPE_AGENT_VERSION);
    return 0;
  }

  // Sensors.
  if (opt.sensorArgs.empty()) opt.sensorArgs.push_back(AgentOptions::SensorArg());
  std::vector<SensorSpec> specs;
  for (const AgentOptions::SensorArg& arg : opt.sensorArgs) {
    SensorSpec spec;
    spec.kind = arg.kind;
    if (arg.kind == SensorKind::kSamples) {
      uint16_t channels = 0;
      if (arg.wav) {
        WavData wav;
        if (!readWavFile(arg.file, &wav, &error)) return fail(2, error);
        channels = wav.channels;
        spec.samples = std::move(wav.samples);
        spec.rateMilliHz = wav.sampleRate * 1000u;
      } else if (!readCsvFile(arg.file, &channels, &spec.samples, &error)) {
        return fail(2, error);
      }
      spec.channels = uint8_t(channels);
      spec.name = (arg.wav ? "wav:" : "csv:") + baseName(arg.file);
    } else if (arg.kind == SensorKind::kAudio && !arg.file.empty()) {
      // A microphone hearing the file once: 16 kHz mono, as the audio sensor's rate says.
      WavData wav;
      if (!readWavFile(arg.file, &wav, &error)) return fail(2, error);
      if (wav.sampleRate != 16000 || wav.channels != 1)
        return fail(2, arg.file + ": the audio sensor hears 16 kHz mono; the file is " +
                           std::to_string(wav.sampleRate) + " Hz with " +
                           std::to_string(wav.channels) + " channel(s)");
      spec.samples = std::move(wav.samples);
      spec.heard = true;
    } else if (opt.channels != 0) {
      spec.channels = opt.channels;
    }
    if (opt.rateHz > 0) spec.rateMilliHz = uint32_t(opt.rateHz * 1000.0 + 0.5);
    specs.push_back(withDefaults(spec));
  }
  static HostSensors sensors(specs);

  // Model slots.
  HostPlatform& p = platform();
  p.argv.assign(argv, argv + argc);
  bool tempSlots = false;
  std::string slotsDir = opt.slotsDir;
  if (slotsDir.empty()) {
    char pattern[] = "/tmp/tinyscope-agent-XXXXXX";
    if (mkdtemp(pattern) == nullptr)
      return fail(1,
                  std::string("cannot create a temporary slot directory: ") + std::strerror(errno));
    slotsDir = pattern;
    tempSlots = true;
  }
  if (!p.slots.open(slotsDir, opt.slotCount, opt.slotSize)) return fail(2, p.slots.error());
  std::string modelPath = opt.modelPath;
  const bool explicitModel = !modelPath.empty();
  if (!explicitModel && !opt.noModel) {
    hal::SlotModel existing{};
    hal::init();  // slotModel() reads through hal
    if (hal::slotModel(0, false, &existing) != hal::Status::kOk) modelPath = demoModelPath();
  }
  if (!modelPath.empty()) {
    std::vector<uint8_t> model;
    std::string readError;
    if (!tinyscope::runner::host::readBinaryFile(modelPath, &model, &readError))
      return fail(2, readError);
    if (!p.slots.install(0, model, baseName(modelPath)))
      return fail(2, modelPath + ": " + p.slots.error());
    if (explicitModel) p.slots.saveActiveSlot(0);
    diag(opt.quiet, "slot 0: " + modelPath + " (" + std::to_string(model.size()) + " bytes)");
  } else if (!explicitModel && !opt.noModel) {
    hal::SlotModel existing{};
    if (hal::slotModel(0, false, &existing) != hal::Status::kOk) {
      diag(opt.quiet, "no bundled demo model in " + std::string(TINYSCOPE_DEMO_MODEL_DIR) +
                          ": slot 0 starts empty");
    }
  }

  if (!opt.frontEndPath.empty()) {
    const uint32_t slot = opt.slotCount - 1;
    std::vector<uint8_t> model;
    std::string readError;
    if (slot == 0) return fail(2, "--front-end needs a second slot (--slot-count 2 or more)");
    if (!tinyscope::runner::host::readBinaryFile(opt.frontEndPath, &model, &readError))
      return fail(2, readError);
    if (!p.slots.install(slot, model, baseName(opt.frontEndPath)))
      return fail(2, opt.frontEndPath + ": " + p.slots.error());
    diag(opt.quiet, "slot " + std::to_string(slot) + ": front-end " + opt.frontEndPath + " (" +
                        std::to_string(model.size()) + " bytes)");
  }

  // Link.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  if (!p.link.open(opt.link)) return fail(1, p.link.error());
  const std::string announce = p.link.announcement();
  if (!announce.empty()) {
    std::printf("%s\n", announce.c_str());
    std::fflush(stdout);
  }

  // Agent.
  tinyscope::runner::kernels::addAllOps(
      g_resolver);  // every tier: the desktop side of sim: runs anything the runtime can
  if (!opt.faultOp.empty() && !injectFault(g_resolver, opt.faultOp))
    return fail(2, "--fault-op: no operator named '" + opt.faultOp + "' in the op table");
  if (opt.dut) {
    hal::init();
    std::vector<uint8_t> dbBuffer(opt.dutBufferBytes);
    DutConfig dutConfig;
    dutConfig.resolver = &g_resolver;
    dutConfig.arena = tinyscope::proto::ByteSpan(g_arena, sizeof g_arena);
    dutConfig.dbBuffer = tinyscope::proto::ByteSpan(dbBuffer.data(), dbBuffer.size());
    dutConfig.vendor = "tinyscope host";
    dutConfig.slotStore = p.slots.store();
    static DutMode dut(dutConfig);
    dut.begin();
    diag(opt.quiet, std::string("MLPerf Tiny DUT mode, model ") + dutModelName(dut.model()) +
                        (announce.empty() ? std::string(", link on stdio") : ", " + announce));
    while (g_signal == 0 && !p.quit) {
      if (!dut.poll()) hal::waitForInterrupt();
    }
    diag(opt.quiet, "stopped: " + std::to_string(dut.counters().commands) + " commands, " +
                        std::to_string(dut.counters().inferences) + " inferences");
    p.link.close();
    p.slots.close();
    if (tempSlots) removeTree(slotsDir);
    return 0;
  }
  uint8_t deviceId[kDeviceIdBytes];  // stable for one set of slots
  deviceIdFromName(slotsDir.c_str(), deviceId);
  AgentConfig config;
  config.firmwareVersion = TINYSCOPE_AGENT_VERSION "-host";
  config.deviceId = tinyscope::proto::ConstByteSpan(deviceId, sizeof deviceId);
  config.resolver = &g_resolver;
  config.arena = tinyscope::proto::ByteSpan(
      g_arena, opt.arenaBytes != 0 ? size_t(opt.arenaBytes) : sizeof g_arena);
  config.sampleHistory = tinyscope::proto::ByteSpan(g_history, sizeof g_history);
  config.pipeline = &Agent::frontEndPipeline;
  config.pipelineBuffer = tinyscope::proto::ByteSpan(g_pipeline, sizeof g_pipeline);
  config.sensors = &sensors;
  config.slotStore = p.slots.store();
  p.slots.setPowerCutAt(opt.powerCutAt);
  hal::init();
  static Agent agent(config);
  agent.begin();
  diag(opt.quiet, "ready: " + std::to_string(specs.size()) + " sensor(s), " +
                      std::to_string(opt.slotCount) + " slot(s) in " + slotsDir +
                      (announce.empty() ? std::string(", link on stdio") : ", " + announce));

  while (g_signal == 0 && !p.quit) {
    if (!agent.poll()) hal::waitForInterrupt();
  }

  const AgentCounters c = agent.counters();
  diag(opt.quiet, "stopped: " + std::to_string(c.requests) + " requests, " +
                      std::to_string(c.tx.frames) + " frames / " + std::to_string(c.tx.bytes) +
                      " bytes sent, windows " + std::to_string(c.streams.windowsSent) + " sent / " +
                      std::to_string(c.streams.windowsLost) + " lost, " +
                      std::to_string(c.streams.samplesLost) +
                      " samples dropped by the sensor FIFO, " +
                      std::to_string(c.rx.crcErrors + c.rx.cobsErrors + c.rx.overflows) +
                      " bad frames received");
  p.link.close();
  p.slots.close();
  if (tempSlots) removeTree(slotsDir);
  return 0;
}
