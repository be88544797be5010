// The portable firmware agent: a super-loop step on top of hal.h that speaks the tinyscope
// protocol (device_protocol/messages.h) to the desktop.
//
//   static tinyscope::agent::Agent agent(config);   // config: see AgentConfig
//   hal::init();
//   agent.begin();
//   for (;;) if (!agent.poll()) hal::waitForInterrupt();   // or agent.run()
//
// poll() does one bounded step: pushes the pending frame further into hal::write(),
// decodes received bytes and answers requests (Hello, streams, inference, model slots),
// sends queued Log/Error messages, and turns due sensor samples into SensorWindows. It
// never blocks, except RunInference, which runs the model to completion and paces its
// TensorChunks by the link (giving up after AgentConfig::stallTimeoutUs without progress).
// Requests are answered one at a time: while a reply is still going out, received bytes
// wait in the hal RX ring (the link's own flow control).
//
// Ownership: everything AgentConfig points to belongs to the port and must outlive the
// agent. Threading: main only (never from an ISR or the SampleHook). Memory: no heap; the
// Agent object holds the RX/TX frame buffers, stream windows and the interpreter state
// (about 9 KiB, see sizeof(Agent)); the tensor arena and sample history are the port's.
// Errors go to the desktop: Nack for a refused request (Malformed with the request id
// when the header was readable; WrongVersion with the version the device expects), Error
// for device-side trouble (StreamOverrun, RxOverflow, TxOverflow, Internal), Log for
// information. A model that cannot run (UnsupportedOp, ArenaTooSmall, ModelInvalid,
// KernelFailed) is logged when it is loaded and again, with the request id and before the
// reply, to every RunInference or InputChunk it refuses: the text names the op and field.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/frame_codec.h"
#include "device_protocol/messages.h"
#include "firmware_agent/core/frame_writer.h"
#include "firmware_agent/core/inference_engine.h"
#include "firmware_agent/core/model_slots.h"
#include "firmware_agent/core/sensor_source.h"
#include "firmware_agent/core/sensor_streams.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::agent {

class Agent;

struct AgentConfig {
  const char* firmwareVersion = "0";             // HelloReply.firmwareVersion (<= 32 chars)
  proto::ConstByteSpan deviceId;                 // HelloReply.deviceId (<= 16 bytes)
  const runner::OpResolver* resolver = nullptr;  // required: the kernels this build has
  proto::ByteSpan arena;                         // tensor arena (static; 16-byte alignment best)
  proto::ByteSpan sampleHistory;  // newest samples per stream (for LatestWindow runs); may be empty
  // RunPipeline: `pipeline` = &Agent::frontEndPipeline links the pipeline's code into the image
  // (null: RunPipeline is refused with Nack UnsupportedType, and a small image stays small), and
  // `pipelineBuffer` holds the front-end outputs stacked into the model's input 0 (e.g. 1960
  // bytes for micro_speech's 49x40 features).
  void (*pipeline)(Agent& agent, const proto::Header& h,
                   const proto::RunPipeline& request) = nullptr;
  proto::ByteSpan pipelineBuffer;
  SensorSource* sensors = nullptr;         // may be null: no sensors
  SlotMetadataStore* slotStore = nullptr;  // may be null: active slot and names in RAM only
  uint8_t preferredSlot = 0;               // active at boot when valid and the store has no choice
  uint64_t stallTimeoutUs = 2000000;   // blocking sends give up after this long without progress
  uint32_t reportIntervalUs = 100000;  // spacing of repeated Error reports of one kind
};

struct AgentCounters {
  uint32_t requests = 0;  // decoded requests handled
  uint32_t nacks = 0;
  uint32_t logsDropped = 0;  // log() calls refused because the queue was full
  proto::FrameCounters rx;   // the frame decoder's counters
  TxCounters tx;
  StreamCounters streams;
  InferenceCounters inference;
};

class Agent {
 public:
  // Queued Log messages waiting for the link.
  static constexpr size_t kLogQueue = 4;
  // Request frames decoded per poll() (keeps streams flowing under a burst of requests).
  static constexpr size_t kRequestsPerPoll = 4;
  // Sensor windows emitted per lane per poll().
  static constexpr size_t kWindowsPerPoll = 8;
  // Largest request the agent accepts (HelloReply.maxFrameSize).
  static constexpr size_t kMaxRequestSize = proto::kMaxHostToDeviceMessageSize;

  explicit Agent(const AgentConfig& config);
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Boot: scans the model slots, prepares the active model, queues a Log saying what runs.
  // Call once after hal::init().
  void begin();

  // One super-loop step (see above). True when it did something; false means idle (the
  // caller may sleep in hal::waitForInterrupt()).
  bool poll();

  // poll() forever, sleeping when idle.
  [[noreturn]] void run();

  // Queues a Log message (text cut at kMaxTextLen). False when the queue is full (counted).
  bool log(proto::LogLevel level, const char* text);

  // AgentConfig::pipeline for ports that run RunPipeline: the samples, the front-end windows,
  // then the model on their outputs, answered like RunInference. A failure is explained to the
  // request (a Log naming the slot, stream or tensor) before its InferenceResult.
  static void frontEndPipeline(Agent& agent, const proto::Header& h,
                               const proto::RunPipeline& request);

  bool negotiated() const { return m_version != 0; }
  const ModelSlots& slots() const { return m_slots; }
  AgentCounters counters() const;

 private:
  bool pumpRx();
  // Checks the header (negotiation, version) and hands the request to its handler through
  // the catalogue's dispatchHostToDevice; a body that does not decode gets Nack Malformed.
  void receive(proto::ConstByteSpan message);
  bool sendReports();
  // Loads the active slot's model when it changed; a load that fails is logged once.
  void ensureModel();
  // Sends a Log (level Error) with `requestId` saying why the model of `slot` cannot run
  // or was refused (`what`, then op index and name, table.field, the runtime's sentence),
  // blocking until the link takes it: it goes out before the reply that closes the request.
  void explain(uint16_t requestId, int32_t slot, const char* what, const runner::ErrorDetail& e);
  void explainLoadedModel(uint16_t requestId);
  // Sends `text` as a Log (level Error) with `requestId`, before the request's reply.
  void explainRequest(uint16_t requestId, const char* text);
  // Loads `slot`'s model (kActiveSlot: the active one) into the engine; its status.
  proto::InferenceStatus loadSlot(uint8_t slot);
  void runPipeline(const proto::Header& h, const proto::RunPipeline& m);
  // The samples, the front-end windows and the model loaded with their outputs as input 0.
  proto::InferenceStatus preparePipeline(uint16_t requestId, const proto::RunPipeline& m);

  // One handler per host -> device message (device -> host types never reach them).
  // Defined in agent.cpp and called only from receive(); `inline` lets the compiler fold
  // the small ones into it (about 250 bytes of flash on Cortex-M4).
  inline void handle(const proto::Header& h, const proto::Hello& m);
  inline void handle(const proto::Header& h, const proto::StartStream& m);
  inline void handle(const proto::Header& h, const proto::StopStream& m);
  inline void handle(const proto::Header& h, const proto::SetRate& m);
  inline void handle(const proto::Header& h, const proto::InputChunk& m);
  inline void handle(const proto::Header& h, const proto::RunInference& m);
  inline void handle(const proto::Header& h, const proto::RunPipeline& m);
  inline void handle(const proto::Header& h, const proto::SlotInfoRequest& m);
  inline void handle(const proto::Header& h, const proto::FlashBegin& m);
  inline void handle(const proto::Header& h, const proto::FlashChunk& m);
  inline void handle(const proto::Header& h, const proto::FlashEnd& m);
  inline void handle(const proto::Header& h, const proto::VerifySlot& m);
  inline void handle(const proto::Header& h, const proto::Activate& m);
  inline void handle(const proto::Header& h, const proto::Rollback& m);
  inline void handle(const proto::Header& h, const proto::Confirm& m);
  inline void handle(const proto::Header& h, const proto::Reset& m);

  void reply(const proto::Header& h, const SlotReply& result);
  // reply(), preceded by explain() when the image in `slot` failed its check.
  void replyForImage(const proto::Header& h, uint8_t slot, const SlotReply& result);
  void nack(uint8_t type, uint16_t requestId, proto::NackCode code, uint32_t value = 0);
  bool sendError(proto::ErrorCode code, const char* text);

  AgentConfig m_config;
  FrameWriter m_writer;
  uint8_t m_rxFrame[proto::frameDecodeBufferSize(kMaxRequestSize)];
  proto::FrameDecoder m_decoder;
  uint8_t m_rxBytes[64];
  size_t m_rxPos = 0;
  size_t m_rxLen = 0;
  uint8_t m_version = 0;  // negotiated protocol version, 0 before a successful Hello
  ModelSlots m_slots;
  SensorStreams m_streams;
  InferenceEngine m_engine;
  proto::Log m_logs[kLogQueue];
  size_t m_logHead = 0;
  size_t m_logCount = 0;
  uint32_t m_requests = 0;
  uint32_t m_nacks = 0;
  uint32_t m_logsDropped = 0;
  uint32_t m_rxDropsReported = 0;
  uint32_t m_txStallsReported = 0;
  static constexpr uint64_t kNever = ~uint64_t{0};
  uint64_t m_lastOverrunReportUs = kNever;  // the first report of each kind goes out at once
  uint64_t m_lastRxReportUs = kNever;
};

}  // namespace tinyscope::agent
