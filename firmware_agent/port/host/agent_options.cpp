#include "agent_options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace tinyscope::agent::host {

namespace {
bool toUnsigned(const std::string& text, uint64_t max, uint64_t* out) {
  if (text.empty() || text[0] == '-' || text[0] == '+') return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return false;
  *out = v;
  return true;
}
bool toSize(const std::string& text, uint64_t max, uint64_t* out) {
  // Accepts a K/M suffix (KiB/MiB).
  if (!text.empty() && (text.back() == 'K' || text.back() == 'M')) {
    uint64_t v = 0;
    if (!toUnsigned(text.substr(0, text.size() - 1), max, &v)) return false;
    v <<= text.back() == 'K' ? 10 : 20;
    if (v > max) return false;
    *out = v;
    return true;
  }
  return toUnsigned(text, max, out);
}
bool toProbability(const std::string& text, double* out) {
  char* end = nullptr;
  const double p = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(p) || p < 0 || p > 1) return false;
  *out = p;
  return true;
}
}  // namespace

std::string agentUsage() {
  return "usage: tinyscope-agent [options]\n"
         "The tinyscope firmware agent as a host process: the same agent core as on the\n"
         "microcontroller, on a host link, with synthetic or recorded sensors.\n"
         "\n"
         "Link (default: binary frames on stdin/stdout, diagnostics on stderr):\n"
         "  --pty               create a pseudo-terminal; prints 'PTY /dev/pts/N' on stdout first\n"
         "  --tcp PORT          listen on 127.0.0.1:PORT (0 = any); prints 'TCP 127.0.0.1:PORT'\n"
         "  --baud N            pace the bytes written and read to N baud, 8N1 (N/10 bytes/s),\n"
         "                      like a UART (e.g. 115200, 921600); default unlimited\n"
         "  --byte-error-rate P flip one bit of each byte with probability P (0..1), both ways\n"
         "  --drop-rate P       drop each frame whole with probability P (0..1), both ways\n"
         "  --stall-ms MS       the link goes silent for MS ms when a frame starts, with\n"
         "                      probability --stall-rate P (default 0.01)\n"
         "  --link-seed N       seed of the faults above (default 1): same seed, same faults\n"
         "  --tx-buffer BYTES   transmit ring size (default 64K); a small ring makes overruns "
         "early\n"
         "Sensors (sensor ids in the order given; default: one sine sensor):\n"
         "  --sensor KIND       synthetic sensor: sine (100 Hz), imu (3-axis, 50 Hz, the demo "
         "gestures),\n"
         "                      audio (tone + noise, 16 kHz); may be repeated\n"
         "  --wav FILE          play a 16-bit PCM WAV file (its own rate and channels), looped;\n"
         "                      after --sensor audio, the audio sensor hears FILE instead of\n"
         "                      the tone: once from StartStream, then silence (16 kHz mono)\n"
         "  --csv FILE          play a CSV file (one sample per line, columns = channels; a\n"
         "                      header naming column 0 a time, as stream --csv writes, skips it),\n"
         "                      looped\n"
         "  --rate HZ           sample rate of every sensor (WAV: overrides the file's rate)\n"
         "  --channels N        channels of the synthetic sensors, 1..8\n"
         "Model slots:\n"
         "  --model PATH        load this .tflite into slot 0 and make it active\n"
         "  --front-end PATH    load this .tflite (an audio front-end for RunPipeline) into\n"
         "                      the last slot, beside the active model\n"
         "  --no-model          do not load the bundled demo model into an empty slot 0\n"
         "  --slots DIR         keep slot files in DIR so flashing survives a restart\n"
         "                      (default: a temporary directory removed at exit)\n"
         "  --slot-count N      number of slots, 1..4 (default 2)\n"
         "  --slot-size BYTES   bytes per slot including its 32-byte header (default 4M)\n"
         "  --power-cut-at N    tests: flash write N (4 KiB sector erase or 256-byte page\n"
         "                      program, counted from start) stops half-way and the agent\n"
         "                      exits with code 75, as if the power went\n"
         "MLPerf Tiny:\n"
         "  --dut               DUT mode: answer the MLPerf Tiny benchmark runner (name%, "
         "profile%,\n"
         "                      db load N%, db HEX%, infer N W%, results%) with the model of the\n"
         "                      active slot, instead of tinyscope's binary protocol\n"
         "  --dut-buffer BYTES  size of the DUT mode's `db load` buffer (default 27648, the\n"
         "                      reference firmware's 96*96*3)\n"
         "Other:\n"
         "  --arena BYTES       tensor arena the agent offers (K/M suffix; default and maximum\n"
         "                      8M), e.g. 96K to act like a small board\n"
         "  --fault-op NAME     a faulty kernel for testing: operator NAME (e.g. CONV_2D) flips "
         "the\n"
         "                      lowest bit of its first output byte\n"
         "  --quiet             no diagnostics on stderr except errors\n"
         "  --version           print the firmware version and exit\n"
         "  -h, --help          this text\n"
         "\n"
         "Exit codes: 0 stopped normally (signal, or the stdio host closed stdin), 1 runtime\n"
         "failure, 2 bad usage or unreadable input file, 75 --power-cut-at reached.\n";
}

bool parseAgentOptions(const std::vector<std::string>& args, AgentOptions* o, std::string* error) {
  bool linkSet = false;
  bool stallRateSet = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) {
        *error = a + " needs a value (see --help)";
        return false;
      }
      *v = args[++i];
      return true;
    };
    std::string v;
    uint64_t n = 0;
    if (a == "-h" || a == "--help") {
      o->help = true;
    } else if (a == "--version") {
      o->version = true;
    } else if (a == "--quiet") {
      o->quiet = true;
    } else if (a == "--pty" || a == "--tcp") {
      if (linkSet) {
        *error = "choose one link: --pty or --tcp (default stdio)";
        return false;
      }
      linkSet = true;
      if (a == "--pty") {
        o->link.kind = LinkKind::kPty;
      } else {
        if (!value(&v)) return false;
        if (!toUnsigned(v, 65535, &n)) {
          *error = "--tcp: '" + v + "' is not a port number (0..65535)";
          return false;
        }
        o->link.kind = LinkKind::kTcp;
        o->link.tcpPort = uint16_t(n);
      }
    } else if (a == "--baud") {
      if (!value(&v)) return false;
      if (!toUnsigned(v, 100000000, &n) || n < 10) {
        *error = "--baud: '" + v + "' is not a baud rate (10..100000000)";
        return false;
      }
      o->link.bytesPerSecond = uint32_t(n / 10);
    } else if (a == "--byte-error-rate" || a == "--drop-rate" || a == "--stall-rate") {
      if (!value(&v)) return false;
      double p = 0;
      if (!toProbability(v, &p)) {
        *error = a + ": '" + v + "' is not a probability (0..1)";
        return false;
      }
      double* field = a == "--byte-error-rate" ? &o->link.faults.byteErrorRate
                      : a == "--drop-rate"     ? &o->link.faults.dropRate
                                               : &o->link.faults.stallRate;
      *field = p;
      if (a == "--stall-rate") stallRateSet = true;
    } else if (a == "--stall-ms") {
      if (!value(&v)) return false;
      if (!toUnsigned(v, 60000, &n)) {
        *error = "--stall-ms: '" + v + "' is not a duration in ms (0..60000)";
        return false;
      }
      o->link.faults.stallMs = uint32_t(n);
    } else if (a == "--link-seed") {
      if (!value(&v)) return false;
      if (!toUnsigned(v, UINT64_MAX, &n)) {
        *error = "--link-seed: '" + v + "' is not a seed (0..2^64-1)";
        return false;
      }
      o->link.faults.seed = n;
    } else if (a == "--tx-buffer") {
      if (!value(&v)) return false;
      if (!toSize(v, 256u << 20, &n) || n < 1024) {
        *error = "--tx-buffer: '" + v + "' is not a size of at least 1024 bytes";
        return false;
      }
      o->link.txRingBytes = size_t(n);
    } else if (a == "--sensor") {
      if (!value(&v)) return false;
      AgentOptions::SensorArg arg;
      if (v == "sine") {
        arg.kind = SensorKind::kSine;
      } else if (v == "imu") {
        arg.kind = SensorKind::kImu;
      } else if (v == "audio") {
        arg.kind = SensorKind::kAudio;
      } else {
        *error = "--sensor: unknown kind '" + v + "' (sine, imu or audio)";
        return false;
      }
      o->sensorArgs.push_back(arg);
    } else if (a == "--wav" && !o->sensorArgs.empty() &&
               o->sensorArgs.back().kind == SensorKind::kAudio &&
               o->sensorArgs.back().file.empty()) {
      if (!value(&o->sensorArgs.back().file)) return false;  // the audio sensor hears the file
      o->sensorArgs.back().wav = true;
    } else if (a == "--wav" || a == "--csv") {
      AgentOptions::SensorArg arg;
      if (!value(&arg.file)) return false;
      arg.kind = SensorKind::kSamples;
      arg.wav = a == "--wav";
      o->sensorArgs.push_back(arg);
    } else if (a == "--rate") {
      if (!value(&v)) return false;
      char* end = nullptr;
      const double hz = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !std::isfinite(hz) || hz < 0.001 || hz > 200000.0) {
        *error = "--rate: '" + v + "' is not a rate in Hz (0.001..200000)";
        return false;
      }
      o->rateHz = hz;
    } else if (a == "--channels") {
      if (!value(&v)) return false;
      if (!toUnsigned(v, 8, &n) || n < 1) {
        *error = "--channels: '" + v + "' is not a channel count (1..8)";
        return false;
      }
      o->channels = uint8_t(n);
    } else if (a == "--model") {
      if (!value(&o->modelPath)) return false;
    } else if (a == "--front-end") {
      if (!value(&o->frontEndPath)) return false;
    } else if (a == "--fault-op") {
      if (!value(&o->faultOp)) return false;
    } else if (a == "--dut") {
      o->dut = true;
    } else if (a == "--dut-buffer") {
      if (!value(&v)) return false;
      if (!toSize(v, 64u << 20, &n) || n < 1) {
        *error = "--dut-buffer: '" + v + "' is not a size of 1 byte .. 64M";
        return false;
      }
      o->dutBufferBytes = uint32_t(n);
    } else if (a == "--no-model") {
      o->noModel = true;
    } else if (a == "--slots") {
      if (!value(&o->slotsDir)) return false;
    } else if (a == "--slot-count") {
      if (!value(&v)) return false;
      if (!toUnsigned(v, 4, &n) || n < 1) {
        *error = "--slot-count: '" + v + "' is not a slot count (1..4)";
        return false;
      }
      o->slotCount = uint32_t(n);
    } else if (a == "--slot-size") {
      if (!value(&v)) return false;
      if (!toSize(v, 1u << 30, &n) || n < 64) {
        *error = "--slot-size: '" + v + "' is not a size of 64 bytes .. 1G";
        return false;
      }
      o->slotSize = uint32_t(n);
    } else if (a == "--arena") {
      if (!value(&v)) return false;
      if (!toSize(v, kMaxArenaBytes, &n) || n < 1024) {
        *error = "--arena: '" + v + "' is not a size of 1K .. 8M";
        return false;
      }
      o->arenaBytes = n;
    } else if (a == "--power-cut-at") {
      if (!value(&v)) return false;
      if (!toUnsigned(v, 1u << 30, &n) || n < 1) {
        *error = "--power-cut-at: '" + v + "' is not a write number (1..2^30)";
        return false;
      }
      o->powerCutAt = n;
    } else {
      *error = "unknown option '" + a + "' (see --help)";
      return false;
    }
  }
  if (o->link.faults.stallMs != 0 && !stallRateSet) o->link.faults.stallRate = 0.01;
  if (!o->modelPath.empty() && o->noModel) {
    *error = "--model and --no-model contradict each other";
    return false;
  }
  if (o->sensorArgs.size() > 8) {
    *error = "at most 8 sensors";
    return false;
  }
  return true;
}

}  // namespace tinyscope::agent::host
