#include "firmware_agent/core/inference_engine.h"

#include <new>

#include "firmware_agent/core/window_input.h"
#include "hal.h"

namespace tinyscope::agent {

namespace {
using proto::InferenceStatus;
using runner::Status;

InferenceStatus fromRunnerStatus(Status s) {
  switch (s) {
    case Status::kOk:
      return InferenceStatus::kOk;
    case Status::kUnsupportedOp:
    case Status::kUnsupportedOpType:
    case Status::kUnsupportedTensorType:
      return InferenceStatus::kUnsupportedOp;
    case Status::kArenaTooSmall:
      return InferenceStatus::kArenaTooSmall;
    case Status::kBadOpParams:
    case Status::kBadOpArity:
    case Status::kShapeMismatch:
      return InferenceStatus::kKernelFailed;
    default:
      return InferenceStatus::kModelInvalid;
  }
}

bool toDesc(const runner::TensorView& view, proto::TensorDesc* out) {
  if (!toElementType(view.type, &out->type)) return false;
  out->dims.clear();
  for (uint8_t d = 0; d < view.rank && d < proto::kMaxRank; ++d) out->dims.push(view.dims[d]);
  out->scale = view.scale;
  out->zeroPoint = view.zeroPoint;
  return view.data != nullptr && view.bytes != 0 && proto::tensorByteSize(*out) == view.bytes;
}
}  // namespace

bool toElementType(runner::TensorType type, proto::ElementType* out) {
  switch (type) {
    case runner::TensorType::kInt8:
      *out = proto::ElementType::kInt8;
      return true;
    case runner::TensorType::kUInt8:
      *out = proto::ElementType::kUInt8;
      return true;
    case runner::TensorType::kInt16:
      *out = proto::ElementType::kInt16;
      return true;
    case runner::TensorType::kUInt16:
      *out = proto::ElementType::kUInt16;
      return true;
    case runner::TensorType::kInt32:
      *out = proto::ElementType::kInt32;
      return true;
    case runner::TensorType::kFloat32:
      *out = proto::ElementType::kFloat32;
      return true;
    case runner::TensorType::kUInt32:
      *out = proto::ElementType::kUInt32;
      return true;
    case runner::TensorType::kUInt64:
      *out = proto::ElementType::kUInt64;
      return true;
    default:
      return false;
  }
}

InferenceEngine::InferenceEngine(const runner::OpResolver& resolver, proto::ByteSpan arena)
    : m_resolver(resolver), m_arena(arena) {}

InferenceEngine::~InferenceEngine() {
  unload();
}

void InferenceEngine::unload() {
  if (m_constructed) interp()->~Interpreter();
  m_constructed = false;
  m_status = InferenceStatus::kNoModel;
  m_slot = -1;
  m_error = runner::ErrorDetail();
  for (uint32_t& r : m_received) r = 0;
}

InferenceStatus InferenceEngine::load(int32_t slot, const uint8_t* model, uint32_t size,
                                      uint32_t generation) {
  if (holds(slot, generation)) return m_status;
  unload();
  m_slot = slot;
  m_generation = generation;
  if (model == nullptr || size == 0) return m_status = InferenceStatus::kNoModel;
  runner::Interpreter* in =
      new (m_storage) runner::Interpreter(model, size, m_resolver, m_arena.data(), m_arena.size());
  m_constructed = true;
  if (in->status() != Status::kOk) {
    m_error = in->model().error();
    return m_status =
               fromRunnerStatus(m_error.status == Status::kOk ? in->status() : m_error.status);
  }
  const Status allocated = in->allocate();
  if (allocated != Status::kOk) {
    m_error = in->error();
    return m_status = fromRunnerStatus(allocated);
  }
  in->setClock(&InferenceEngine::clock, nullptr);
  in->setObserver(&InferenceEngine::onOp, this);
  return m_status = InferenceStatus::kOk;
}

proto::InferenceStatus InferenceEngine::selfTest() {
  runner::Interpreter* in = interpreter();
  if (in == nullptr) return m_status;
  for (uint32_t i = 0; i < in->inputsSize(); ++i) {
    const runner::TensorView v = in->input(i);
    if (v.data != nullptr) {
      uint8_t* p = static_cast<uint8_t*>(v.data);
      for (size_t b = 0; b < v.bytes; ++b) p[b] = 0;
    }
    if (i < proto::kMaxInputs) m_received[i] = 0;
  }
  in->setObserver(nullptr, nullptr);  // no run in progress: nothing to time or capture
  const runner::Status s = in->invoke();
  in->setObserver(&InferenceEngine::onOp, this);
  return s == runner::Status::kOk ? InferenceStatus::kOk : InferenceStatus::kKernelFailed;
}

SlotReply InferenceEngine::acceptInput(const proto::InputChunk& chunk) {
  runner::Interpreter* in = interpreter();
  if (in == nullptr)
    return SlotReply::nack(proto::NackCode::kSlotNotValid, static_cast<uint32_t>(m_status));
  if (chunk.inputIndex >= in->inputsSize())
    return SlotReply::nack(proto::NackCode::kInvalidArgument, in->inputsSize());
  const runner::TensorView view = in->input(chunk.inputIndex);
  if (view.data == nullptr || chunk.totalBytes != view.bytes) {
    return SlotReply::nack(proto::NackCode::kInputTooLarge, static_cast<uint32_t>(view.bytes));
  }
  uint32_t& received = m_received[chunk.inputIndex];
  if (chunk.offset > received) return SlotReply::nack(proto::NackCode::kInvalidArgument, received);
  uint8_t* dst = static_cast<uint8_t*>(view.data) + chunk.offset;
  for (size_t i = 0; i < chunk.data.size(); ++i) dst[i] = chunk.data[i];
  const uint32_t end = chunk.offset + static_cast<uint32_t>(chunk.data.size());
  if (end > received) received = end;
  return SlotReply::ack(received);
}

bool InferenceEngine::uploadComplete() {
  runner::Interpreter* in = interpreter();
  if (in == nullptr) return false;
  for (uint32_t i = 0; i < in->inputsSize() && i < proto::kMaxInputs; ++i) {
    if (m_received[i] != in->input(i).bytes) return false;
  }
  return in->inputsSize() <= proto::kMaxInputs;
}

InferenceStatus InferenceEngine::fillInputFromSamples(proto::ElementType sampleType,
                                                      float unitsPerCount,
                                                      proto::ConstByteSpan older,
                                                      proto::ConstByteSpan newer) {
  runner::Interpreter* in = interpreter();
  if (in == nullptr) return m_status;
  const runner::TensorView view = in->input(0);  // no storage when the model has no input
  WindowInputTensor input;
  if (!toElementType(view.type, &input.type) || view.data == nullptr)
    return InferenceStatus::kInputSizeMismatch;
  input.scale = view.scale;
  input.zeroPoint = view.zeroPoint;
  input.bytes = proto::ByteSpan(static_cast<uint8_t*>(view.data), view.bytes);
  return samplesToInput(sampleType, unitsPerCount, older, newer, input);
}

InferenceStatus InferenceEngine::setInput(proto::ConstByteSpan bytes) {
  runner::Interpreter* in = interpreter();
  if (in == nullptr) return m_status;
  if (in->inputsSize() == 0) return InferenceStatus::kInputSizeMismatch;
  const runner::TensorView view = in->input(0);
  if (view.data == nullptr || view.bytes != bytes.size())
    return InferenceStatus::kInputSizeMismatch;
  uint8_t* dst = static_cast<uint8_t*>(view.data);
  for (size_t i = 0; i < bytes.size(); ++i) dst[i] = bytes[i];
  return InferenceStatus::kOk;
}

InferenceStatus InferenceEngine::runStage(proto::ConstByteSpan input, proto::ByteSpan output,
                                          uint16_t window, bool capture, uint16_t requestId,
                                          FrameWriter& writer, uint64_t stallTimeoutUs) {
  runner::Interpreter* in = interpreter();
  if (in == nullptr) return m_status;
  if (in->outputsSize() == 0 || window >= proto::kMaxPipelineWindows)
    return InferenceStatus::kInputSizeMismatch;
  const runner::TensorView out = in->output(0);
  if (out.data == nullptr || out.bytes != output.size()) return InferenceStatus::kInputSizeMismatch;
  const InferenceStatus filled = setInput(input);
  if (filled != InferenceStatus::kOk) return filled;
  m_request = nullptr;
  m_writer = &writer;
  m_requestId = requestId;
  m_stallTimeoutUs = stallTimeoutUs;
  m_stageCapture = capture;
  m_opBase = proto::frontEndOpIndex(window, 0);
  m_tickHz = hal::ticksPerSecond() != 0 ? hal::ticksPerSecond() : 1;
  m_result = proto::InferenceResult();
  const runner::Status s = in->invoke();
  m_stageCapture = false;
  m_opBase = 0;
  if (s != runner::Status::kOk) {
    m_error = in->error();
    return InferenceStatus::kKernelFailed;
  }
  const uint8_t* src = static_cast<const uint8_t*>(out.data);
  for (size_t i = 0; i < output.size(); ++i) output[i] = src[i];
  return InferenceStatus::kOk;
}

bool InferenceEngine::sendSamples(proto::ConstByteSpan samples, uint16_t requestId,
                                  FrameWriter& writer, uint64_t stallTimeoutUs) {
  runner::TensorView view;
  view.type = runner::TensorType::kInt16;
  view.rank = 1;
  view.dims[0] = static_cast<int32_t>(samples.size() / 2);
  view.bytes = samples.size() / 2 * 2;
  view.data = const_cast<uint8_t*>(samples.data());  // only read
  m_writer = &writer;
  m_requestId = requestId;
  m_stallTimeoutUs = stallTimeoutUs;
  m_captureStalled = false;
  return sendTensor(proto::kPipelineSamplesOp, 0, view);
}

uint64_t InferenceEngine::clock(void*) {
  return hal::ticks();
}

void InferenceEngine::onOp(const runner::OpEvent& event, void* context) {
  static_cast<InferenceEngine*>(context)->handleOp(event);
}

bool InferenceEngine::wantsCapture(uint16_t opIndex) const {
  if (m_request == nullptr) return m_stageCapture && opIndex < 255;
  switch (m_request->capture) {
    case proto::CaptureMode::kNone:
      return false;
    case proto::CaptureMode::kAllOps:
      return true;
    case proto::CaptureMode::kSelectedOps:
      for (uint16_t op : m_request->captureOps) {
        if (op == opIndex) return true;
      }
      return false;
  }
  return false;
}

void InferenceEngine::handleOp(const runner::OpEvent& event) {
  const uint16_t opIndex = static_cast<uint16_t>(event.opIndex);
  runner::Interpreter* in = interp();
  const runner::OperatorDesc op = in->model().op(static_cast<uint32_t>(event.opIndex));
  const uint32_t ticks =
      event.elapsedTicks > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(event.elapsedTicks);
  proto::OpTiming timing;
  timing.opIndex = opIndex;
  timing.opCode = static_cast<uint16_t>(op.builtinCode);
  timing.ticks = ticks;
  timing.micros = static_cast<uint32_t>(event.elapsedTicks * 1000000u / m_tickHz);
  m_result.ops.push(timing);  // models with more than kMaxOps ops: the tail is not timed
  m_result.totalTicks += ticks;
  m_result.totalMicros += timing.micros;
  if (m_captureStalled || !wantsCapture(opIndex)) return;
  for (uint32_t k = 0; k < op.outputs.size() && k < 255; ++k) {
    const int32_t t = op.outputs.i32(k);
    if (t < 0) continue;
    if (!sendTensor(static_cast<uint16_t>(m_opBase | opIndex), static_cast<uint8_t>(k),
                    in->tensor(static_cast<uint32_t>(t))))
      return;
  }
}

bool InferenceEngine::sendTensor(uint16_t opIndex, uint8_t tensorIndex,
                                 const runner::TensorView& view) {
  proto::TensorChunk chunk;
  if (!toDesc(view, &chunk.desc)) return true;  // no wire form (e.g. int64, no storage): skipped
  chunk.opIndex = opIndex;
  chunk.tensorIndex = tensorIndex;
  chunk.totalBytes = static_cast<uint32_t>(view.bytes);
  const uint8_t* data = static_cast<const uint8_t*>(view.data);
  uint32_t offset = 0;
  do {
    const uint32_t left = chunk.totalBytes - offset;
    const uint32_t n = left < proto::kMaxChunk ? left : static_cast<uint32_t>(proto::kMaxChunk);
    if (!m_writer->drain(m_stallTimeoutUs)) {
      m_captureStalled = true;
      ++m_counters.captureAborts;
      return false;
    }
    chunk.offset = offset;
    chunk.data = proto::ConstByteSpan(data + offset, n);
    if (m_writer->send(chunk, m_requestId) != proto::Status::kOk) return true;
    ++m_counters.tensorChunks;
    m_counters.tensorBytes += n;
    offset += n;
  } while (offset < chunk.totalBytes);
  return true;
}

void InferenceEngine::sendResult() {
  if (!m_writer->drain(m_stallTimeoutUs)) {
    // The link is stuck; the result still goes out once it moves again.
    if (!m_writer->drain(m_stallTimeoutUs * 4)) return;
  }
  m_writer->send(m_result, m_requestId);
  ++m_counters.runs;
}

void InferenceEngine::run(const proto::RunInference& request, InferenceStatus status,
                          uint16_t requestId, FrameWriter& writer, uint64_t stallTimeoutUs) {
  m_request = &request;
  m_writer = &writer;
  m_requestId = requestId;
  m_stallTimeoutUs = stallTimeoutUs;
  m_captureStalled = false;
  m_tickHz = hal::ticksPerSecond() != 0 ? hal::ticksPerSecond() : 1;
  m_result = proto::InferenceResult();
  for (uint32_t& r : m_received) r = 0;

  runner::Interpreter* in = interpreter();
  if (status == InferenceStatus::kOk && in == nullptr) status = m_status;
  if (status != InferenceStatus::kOk) {
    m_result.status = status;
    sendResult();
    return;
  }
  if (request.capture != proto::CaptureMode::kNone) {
    for (uint32_t i = 0; i < in->inputsSize() && i < 255 && !m_captureStalled; ++i) {
      sendTensor(proto::kModelInputOp, static_cast<uint8_t>(i), in->input(i));
    }
  }
  in->invoke();

  size_t outputBytes = 0;
  for (uint32_t i = 0; i < in->outputsSize(); ++i) outputBytes += in->output(i).bytes;
  const bool inlineOutputs = outputBytes <= proto::kMaxInlineOutputBytes;
  for (uint32_t i = 0; i < in->outputsSize() && i < proto::kMaxOutputs; ++i) {
    const runner::TensorView view = in->output(i);
    proto::OutputTensor out;
    if (!toDesc(view, &out.desc)) continue;
    if (inlineOutputs) {
      out.data = proto::ConstByteSpan(static_cast<const uint8_t*>(view.data), view.bytes);
    } else if (!m_captureStalled) {
      sendTensor(proto::kModelOutputOp, static_cast<uint8_t>(i), view);
    }
    m_result.outputs.push(out);
  }
  m_result.status = InferenceStatus::kOk;
  sendResult();
  m_request = nullptr;
}

}  // namespace tinyscope::agent
