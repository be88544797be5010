// MLPerf Tiny DUT mode: the agent answers the MLPerf Tiny benchmark runner (mlcommons/tiny,
// benchmark/runner) instead of the tinyscope protocol, on the same link, model slots and runtime.
//
//   static tinyscope::agent::DutMode dut(config);   // config: see DutConfig
//   hal::init();
//   dut.begin();                                     // boot banner
//   for (;;) if (!dut.poll()) hal::waitForInterrupt();
//
// Grammar (the runner's, see docs/FIRMWARE.md "MLPerf Tiny DUT mode"): ASCII commands ending in
// '%', at most kMaxCommand characters, tokens split by spaces; every reply line ends "\r\n"
// and every command is closed by "m-ready". name, profile, help, timestamp, db load N,
// db HEX..., db print [N [OFFSET]], infer [N [W]], results. Errors are "e-[...]" lines worded
// as the reference firmware words them. '\r' and '\n' between commands are ignored.
//
// The model is the active slot's (ModelSlots, read in place). Its MLPerf identity (kws01,
// vww01, ic01, ad01, else "custom") comes from its input and output shapes and fixes how the
// loaded bytes become the input tensor and how results are printed, as in the reference
// submissions: kws01 int8 features copied, vww01/ic01 uint8 pixels minus 128, ad01 float32
// features quantized with the input's scale/zero point; kws01 prints 12 scores as "0.%d%d%d"
// (truncated), vww01/ic01 "%0.3f" per class, ad01 the mean squared error between the
// dequantized output and the float input, "custom" models their dequantized output 0.
//
// Ownership: everything DutConfig points to belongs to the port and must outlive the object.
// Threading: main only. Memory: no heap; the object holds the command line, the interpreter
// and the slot state (840 bytes on Cortex-M4, sizeof(DutMode)); the arena and the db
// buffer are the port's. Errors: to the host as "e-[...]" lines; a model that cannot run is
// reported by profile and infer.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/messages.h"
#include "firmware_agent/core/model_slots.h"
#include "model_runner/interpreter.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::agent {

// The MLPerf model a loaded model is recognised as (from its tensor shapes).
enum class DutModel : uint8_t { kNone, kKws01, kVww01, kIc01, kAd01, kCustom };

// "kws01", "vww01", "ic01", "ad01", "custom" or "none"; static storage.
const char* dutModelName(DutModel model);

// printf("%.3f", value) without printf: the float's exact value times 1000, rounded half to
// even as glibc and Python print it, into `out` (NUL-terminated, at most kFixed3Chars + 1
// bytes); returns the length. Values beyond 2^64 print saturated. Any context.
constexpr size_t kFixed3Chars = 26;
size_t formatFixed3(float value, char* out);

struct DutConfig {
  const runner::OpResolver* resolver = nullptr;  // required
  proto::ByteSpan arena;                         // tensor arena
  // The `db load` buffer. The reference firmware's is 96 * 96 * 3 bytes (kReferenceDbBytes);
  // it must hold the active model's input (float32 inputs: 4 bytes per element).
  proto::ByteSpan dbBuffer;
  const char* vendor = "tinyscope";        // inside "m-name-dut-[...]" (no ']')
  SlotMetadataStore* slotStore = nullptr;  // may be null
  uint8_t preferredSlot = 0;
  uint64_t stallTimeoutUs = 2000000;  // a reply is dropped after this long without link progress
};

struct DutCounters {
  uint32_t commands = 0;    // commands handled (each closed by m-ready)
  uint32_t errors = 0;      // e-[...] lines sent
  uint32_t inferences = 0;  // timed inferences run (warm-ups not counted)
  uint32_t bytesLost = 0;   // reply bytes dropped because the link stalled
};

class DutMode {
 public:
  static constexpr size_t kMaxCommand = 80;  // EE_CMD_SIZE: longer commands are refused
  static constexpr size_t kReferenceDbBytes = 96 * 96 * 3;  // MAX_DB_INPUT_SIZE
  static constexpr size_t kMaxTokens = 8;

  explicit DutMode(const DutConfig& config);
  ~DutMode();
  DutMode(const DutMode&) = delete;
  DutMode& operator=(const DutMode&) = delete;

  // Reads the slots, loads the active model and prints the boot banner
  // (m-timestamp-mode-performance, m-lap-us-T, m-init-done, m-ready). Call once after
  // hal::init().
  void begin();
  // Reads received bytes and runs every complete command (an infer runs to completion).
  // True when it did something.
  bool poll();
  [[noreturn]] void run();

  DutModel model() const { return m_model; }
  const DutCounters& counters() const { return m_counters; }

 private:
  void loadModel();
  void execute();
  void commandDb(char** tokens, size_t count);
  void commandInfer(char** tokens, size_t count);
  void printResults();
  // Stages the loaded bytes as input 0 wants them (see dut_mode.cpp); false (after an e-[]
  // line) when the db does not hold a whole input. copyInput() writes the staged input into
  // the input tensor (before every run).
  bool loadInput();
  void copyInput();
  size_t expectedDbBytes() const;
  // db buffer bytes after the loaded ones that hold the staged input (ad01's quantized floats).
  size_t stagingBytes() const;
  size_t dbElementBytes() const;

  // Reply output: blocking on the link, with the stall timeout.
  void put(const char* text);
  void putChar(char c);
  void putNumber(uint64_t value);
  void putSigned(int64_t value);
  void putFixed3(float value);
  void putScoreKws(float value);
  void endLine();
  // Waits until the link has sent everything written (or stalled for the timeout).
  void drain();
  void error(const char* text);
  void lap();

  DutConfig m_config;
  ModelSlots m_slots;
  alignas(runner::Interpreter) uint8_t m_storage[sizeof(runner::Interpreter)];
  runner::Interpreter* m_interpreter = nullptr;       // constructed in m_storage, or null
  bool m_ready = false;                               // allocated and runnable
  runner::Status m_loadStatus = runner::Status::kOk;  // why it is not, when it is not
  DutModel m_model = DutModel::kNone;
  char m_command[kMaxCommand + 1] = {};
  size_t m_length = 0;
  bool m_tooLong = false;
  size_t m_dbSize = 0;               // announced by db load (0: none)
  size_t m_dbReceived = 0;           // bytes stored so far
  const uint8_t* m_stage = nullptr;  // the staged input (in the db buffer)
  uint8_t m_stageXor = 0;            // applied to each staged byte (0x80: uint8 -> int8)
  bool m_haveResults = false;
  float m_anomalyScore = 0.0f;  // ad01: mean squared error of the last inference
  bool m_linkStalled = false;   // a reply was dropped; cleared when the link takes bytes again
  DutCounters m_counters;
};

}  // namespace tinyscope::agent
