// On-device inference for the agent: keeps one model_runner Interpreter (placement-built in
// static storage) over the model of a slot, read in place, and runs it for RunInference:
// input from InputChunk uploads or from a stream's latest samples, per-operator ticks and
// microseconds from the interpreter's observer, and tensor capture (none / all ops /
// selected ops) streamed as TensorChunk messages, <= kMaxChunk bytes each, paced by the
// link (FrameWriter::drain) so nothing is dropped.
//
// A run sends, in order: TensorChunks of the model inputs (when capturing), TensorChunks of
// each captured op's outputs (during the op's observer call, while the tensor is live),
// TensorChunks of the model outputs (only when they do not fit inline), and finally one
// InferenceResult, which closes the run. Every message echoes the request id.
//
// Ownership: the resolver and the arena belong to the port and must outlive the engine; so
// must the slot memory of the loaded model. Threading: main only; run() blocks until the
// run's last message is queued (or the link stalled for the stall timeout). Memory: the
// Interpreter object and one InferenceResult (about 2 KiB) inline; tensors in the arena.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/messages.h"
#include "firmware_agent/core/frame_writer.h"
#include "firmware_agent/core/model_slots.h"
#include "model_runner/interpreter.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::agent {

struct InferenceCounters {
  uint32_t runs = 0;           // InferenceResults sent (any status)
  uint32_t tensorChunks = 0;   // TensorChunk messages sent
  uint32_t tensorBytes = 0;    // tensor payload bytes in them
  uint32_t captureAborts = 0;  // runs whose capture stopped because the link stalled
};

// Element type of a runtime tensor on the wire; false when the protocol has none for it.
bool toElementType(runner::TensorType type, proto::ElementType* out);

class InferenceEngine {
 public:
  InferenceEngine(const runner::OpResolver& resolver, proto::ByteSpan arena);
  ~InferenceEngine();
  InferenceEngine(const InferenceEngine&) = delete;
  InferenceEngine& operator=(const InferenceEngine&) = delete;

  // Makes the model at `model` (size bytes, in slot `slot`) the loaded one: verify, allocate.
  // Does nothing when that slot is loaded already under the same `generation`. Returns Ok,
  // NoModel (model == nullptr), ModelInvalid, UnsupportedOp, ArenaTooSmall or KernelFailed
  // (an operator's prepare refused it); error() says where.
  proto::InferenceStatus load(int32_t slot, const uint8_t* model, uint32_t size,
                              uint32_t generation);
  void unload();
  // The activation self-test: every input set to zero bytes, one invoke() without capture.
  // The loaded status when nothing is loaded, else Ok or KernelFailed. Clears uploads.
  proto::InferenceStatus selfTest();
  // True when `slot` under `generation` is what load() last loaded (load would do nothing).
  bool holds(int32_t slot, uint32_t generation) const {
    return m_constructed && slot == m_slot && generation == m_generation;
  }
  proto::InferenceStatus status() const { return m_status; }
  int32_t loadedSlot() const { return m_slot; }
  const runner::ErrorDetail& error() const { return m_error; }
  // Null unless status() == Ok.
  runner::Interpreter* interpreter() {
    return m_status == proto::InferenceStatus::kOk ? interp() : nullptr;
  }
  size_t arenaBytes() const { return m_arena.size(); }

  // Copies an InputChunk into input tensor `inputIndex`. Ack value: bytes of that input
  // received so far (contiguously). Nack InvalidArgument (no such input, or a gap: value =
  // the offset expected), InputTooLarge (totalBytes differs from the tensor: value = its size).
  SlotReply acceptInput(const proto::InputChunk& chunk);

  // Fills input 0 from the newest samples of a stream: `older` then `newer` (a ring's two
  // halves, in time order) hold at least the bytes needed; only the newest count. With
  // `unitsPerCount` > 0 and a quantized input, each sample is quantized to the input
  // (q = round(count * unitsPerCount / scale) + zeroPoint, saturated); otherwise the sample
  // and input types must match and bytes are copied. InputMissing when there are too few
  // samples, InputSizeMismatch when no conversion applies.
  proto::InferenceStatus fillInputFromSamples(proto::ElementType sampleType, float unitsPerCount,
                                              proto::ConstByteSpan older,
                                              proto::ConstByteSpan newer);

  // Copies `bytes` into input 0; InputSizeMismatch unless they are exactly its size.
  proto::InferenceStatus setInput(proto::ConstByteSpan bytes);

  // One front-end window of a RunPipeline: `input` into input 0, one invoke, output 0 into
  // `output` (both exactly the tensors' sizes, else InputSizeMismatch; KernelFailed when an
  // operator fails). With `capture`, every op's outputs go out as TensorChunks with
  // opIndex = proto::frontEndOpIndex(window, op) and request id `requestId`; no
  // InferenceResult (the pipeline's model run sends it). The model's state carries over to
  // the next window until it is loaded again.
  proto::InferenceStatus runStage(proto::ConstByteSpan input, proto::ByteSpan output,
                                  uint16_t window, bool capture, uint16_t requestId,
                                  FrameWriter& writer, uint64_t stallTimeoutUs);
  // Sends `samples` (int16, little-endian) as the TensorChunks of (kPipelineSamplesOp, 0);
  // false when the link stalled.
  bool sendSamples(proto::ConstByteSpan samples, uint16_t requestId, FrameWriter& writer,
                   uint64_t stallTimeoutUs);

  // True when every input has been completely uploaded since the last run.
  bool uploadComplete();

  // Runs the loaded model on the current input and sends the run's messages (see above).
  // `status` != Ok sends just an InferenceResult with that status (for failures found by
  // the caller, e.g. InputMissing). Uploaded input is consumed either way.
  void run(const proto::RunInference& request, proto::InferenceStatus status, uint16_t requestId,
           FrameWriter& writer, uint64_t stallTimeoutUs);

  const InferenceCounters& counters() const { return m_counters; }

 private:
  static void onOp(const runner::OpEvent& event, void* context);
  static uint64_t clock(void* context);
  void handleOp(const runner::OpEvent& event);
  bool wantsCapture(uint16_t opIndex) const;
  // Sends one tensor as TensorChunks; false when the link stalled (capture then stops).
  bool sendTensor(uint16_t opIndex, uint8_t tensorIndex, const runner::TensorView& view);
  void sendResult();
  runner::Interpreter* interp() { return reinterpret_cast<runner::Interpreter*>(m_storage); }

  const runner::OpResolver& m_resolver;
  proto::ByteSpan m_arena;
  alignas(runner::Interpreter) uint8_t m_storage[sizeof(runner::Interpreter)];
  bool m_constructed = false;
  proto::InferenceStatus m_status = proto::InferenceStatus::kNoModel;
  int32_t m_slot = -1;
  uint32_t m_generation = 0;
  runner::ErrorDetail m_error;
  uint32_t m_received[proto::kMaxInputs] = {};

  // State of the run in progress (valid inside run()).
  const proto::RunInference* m_request = nullptr;
  FrameWriter* m_writer = nullptr;
  uint16_t m_requestId = 0;
  uint64_t m_stallTimeoutUs = 0;
  bool m_captureStalled = false;
  bool m_stageCapture = false;  // runStage: capture every op (no RunInference in flight)
  uint16_t m_opBase = 0;        // added to op indices in TensorChunks (front-end windows)
  uint32_t m_tickHz = 1;
  proto::InferenceResult m_result;
  InferenceCounters m_counters;
};

}  // namespace tinyscope::agent
