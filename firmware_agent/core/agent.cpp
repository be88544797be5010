#include "firmware_agent/core/agent.h"

#include "device_protocol/message_dispatch.h"
#include "firmware_agent/core/text_builder.h"
#include "hal.h"
#include "model_runner/status.h"

namespace tinyscope::agent {

namespace {
using proto::MessageType;
using proto::NackCode;

uint16_t loadLe16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

const char* inferenceStatusText(proto::InferenceStatus s) {
  switch (s) {
    case proto::InferenceStatus::kOk:
      return "ready";
    case proto::InferenceStatus::kNoModel:
      return "no model";
    case proto::InferenceStatus::kModelInvalid:
      return "model invalid";
    case proto::InferenceStatus::kArenaTooSmall:
      return "arena too small";
    case proto::InferenceStatus::kUnsupportedOp:
      return "unsupported operator";
    case proto::InferenceStatus::kKernelFailed:
      return "operator refused the model";
    default:
      return "not runnable";
  }
}

// Why a model cannot run, in one line, most specific first so a cut at kMaxTextLen loses
// the least: "slot 0: unsupported operator at op 0 FULLY_CONNECTED (Operator.opcode_index =
// 9): <the runtime's sentence>".
void describeModelProblem(int32_t slot, const char* what, const runner::ErrorDetail& e,
                          TextBuilder<proto::kMaxTextLen>& text) {
  text.add("slot ").add(static_cast<uint32_t>(slot)).add(": ").add(what);
  if (e.opIndex >= 0) {
    text.add(" at op ").add(static_cast<uint32_t>(e.opIndex));
    if (e.opName != nullptr) text.add(" ").add(e.opName);
  }
  if (e.table != nullptr || e.field != nullptr) {
    text.add(" (").add(e.table);
    if (e.field != nullptr) text.add(e.table != nullptr ? "." : "").add(e.field);
    if (e.hasValue && e.value >= 0) text.add(" = ").add(static_cast<uint32_t>(e.value));
    text.add(")");
  }
  text.add(": ").add(runner::statusMessage(e.status));
}
}  // namespace

Agent::Agent(const AgentConfig& config)
    : m_config(config),
      m_decoder(proto::ByteSpan(m_rxFrame)),
      m_engine(*config.resolver, config.arena) {}

void Agent::begin() {
  m_slots.begin(m_config.slotStore, m_config.preferredSlot);
  m_streams.begin(m_config.sensors, m_config.sampleHistory);
  ensureModel();
  TextBuilder<proto::kMaxTextLen> text;
  if (m_slots.active() < 0) {
    text.add("no model in any of ").add(m_slots.count()).add(" slots: flash one and activate it");
    log(proto::LogLevel::kWarning, text.c_str());
  } else {
    text.add("slot ")
        .add(static_cast<uint32_t>(m_slots.active()))
        .add(" active: ")
        .add(inferenceStatusText(m_engine.status()));
    if (m_engine.status() == proto::InferenceStatus::kOk) {
      text.add(", arena ")
          .add(static_cast<uint32_t>(m_engine.interpreter()->arenaUsedBytes()))
          .add(" of ")
          .add(static_cast<uint32_t>(m_config.arena.size()))
          .add(" bytes");
    }
    log(m_engine.status() == proto::InferenceStatus::kOk ? proto::LogLevel::kInfo
                                                         : proto::LogLevel::kError,
        text.c_str());
  }
}

void Agent::run() {
  for (;;) {
    if (!poll()) hal::waitForInterrupt();
  }
}

AgentCounters Agent::counters() const {
  AgentCounters c;
  c.requests = m_requests;
  c.nacks = m_nacks;
  c.logsDropped = m_logsDropped;
  c.rx = m_decoder.counters();
  c.tx = m_writer.counters();
  c.streams = m_streams.counters();
  c.inference = m_engine.counters();
  return c;
}

bool Agent::log(proto::LogLevel level, const char* text) {
  if (m_logCount == kLogQueue) {
    ++m_logsDropped;
    return false;
  }
  proto::Log& entry = m_logs[(m_logHead + m_logCount) % kLogQueue];
  entry.level = level;
  entry.timestampUs = hal::micros();
  size_t len = 0;
  while (text[len] != '\0' && len < proto::kMaxTextLen) ++len;
  entry.text.assign(text, len);
  ++m_logCount;
  return true;
}

bool Agent::poll() {
  bool worked = false;
  m_writer.flush();
  for (size_t i = 0; i < kRequestsPerPoll && m_writer.idle(); ++i) {
    if (!pumpRx()) break;
    worked = true;
  }
  if (m_writer.idle() && sendReports()) worked = true;
  if (m_streams.service(m_writer, kWindowsPerPoll)) worked = true;
  return worked;
}

bool Agent::pumpRx() {
  bool consumed = false;
  for (;;) {
    if (m_rxPos == m_rxLen) {
      m_rxPos = 0;
      m_rxLen = hal::read(m_rxBytes, sizeof m_rxBytes);
      if (m_rxLen == 0) return consumed;
    }
    const proto::FrameDecodeResult r =
        m_decoder.feed(proto::ConstByteSpan(m_rxBytes + m_rxPos, m_rxLen - m_rxPos));
    m_rxPos += r.consumed;
    consumed = true;
    if (r.status == proto::FrameStatus::kFrameReady) {
      receive(m_decoder.frame());
      return true;
    }
  }
}

void Agent::receive(proto::ConstByteSpan message) {
  const uint8_t rawType = message.size() > 1 ? message[1] : 0;
  const uint16_t requestId =
      message.size() >= proto::kHeaderSize ? loadLe16(message.data() + 4) : 0;
  proto::Header header;
  const proto::Status hs = proto::decodeHeader(message, header);
  if (hs == proto::Status::kUnsupportedVersion) {
    nack(rawType, requestId, NackCode::kWrongVersion,
         negotiated() ? m_version : proto::kMaxProtocolVersion);
    return;
  }
  if (hs != proto::Status::kOk) {
    const NackCode code = hs == proto::Status::kUnknownMessageType ? NackCode::kUnsupportedType
                                                                   : NackCode::kMalformed;
    nack(rawType, requestId, code, static_cast<uint32_t>(hs));
    return;
  }
  ++m_requests;
  if (!proto::isHostToDevice(header.type)) {
    nack(rawType, requestId, NackCode::kUnsupportedType);
    return;
  }
  if (header.type != MessageType::kHello) {
    if (!negotiated()) {
      nack(rawType, requestId, NackCode::kNotNegotiated);
      return;
    }
    if (header.version != m_version) {
      nack(rawType, requestId, NackCode::kWrongVersion, m_version);
      return;
    }
  }
  const proto::Status s = proto::dispatchHostToDevice(
      message, [this](const proto::Header& h, const auto& m) { handle(h, m); });
  if (s != proto::Status::kOk) {
    nack(rawType, requestId, NackCode::kMalformed, static_cast<uint32_t>(s));
  }
}

void Agent::handle(const proto::Header& h, const proto::StartStream& m) {
  reply(h, m_streams.start(m));
}

void Agent::handle(const proto::Header& h, const proto::StopStream& m) {
  reply(h, m_streams.stop(m.streamId));
}

void Agent::handle(const proto::Header& h, const proto::SetRate& m) {
  reply(h, m_streams.setRate(m));
}

void Agent::handle(const proto::Header& h, const proto::InputChunk& m) {
  ensureModel();
  if (m_engine.status() != proto::InferenceStatus::kOk &&
      m_engine.status() != proto::InferenceStatus::kNoModel) {
    explainLoadedModel(h.requestId);
  }
  reply(h, m_engine.acceptInput(m));
}

void Agent::handle(const proto::Header& h, const proto::SlotInfoRequest& m) {
  if (m.slot >= m_slots.count()) {
    nack(static_cast<uint8_t>(h.type), h.requestId, NackCode::kNoSuchSlot, m_slots.count());
    return;
  }
  m_writer.send(m_slots.info(m.slot), h.requestId);
}

void Agent::handle(const proto::Header& h, const proto::FlashBegin& m) {
  // The interpreter must never read a slot that is being rewritten.
  if (m_engine.loadedSlot() == static_cast<int32_t>(m.slot) &&
      m_slots.active() != static_cast<int32_t>(m.slot)) {
    m_engine.unload();
  }
  reply(h, m_slots.flashBegin(m));
}

void Agent::handle(const proto::Header& h, const proto::FlashChunk& m) {
  reply(h, m_slots.flashChunk(m));
}

void Agent::handle(const proto::Header& h, const proto::FlashEnd& m) {
  reply(h, m_slots.flashEnd(m));
}

void Agent::handle(const proto::Header& h, const proto::VerifySlot& m) {
  replyForImage(h, m.slot, m_slots.verify(m.slot));
}

void Agent::handle(const proto::Header& h, const proto::Activate& m) {
  SlotReply result = m_slots.activate(m.slot);
  if (!result.ok) return replyForImage(h, m.slot, result);
  ensureModel();
  if (m_slots.testing()) {
    // Self-test: the model loads, prepares and runs once on zeros, or the previous one returns.
    const proto::InferenceStatus test = m_engine.selfTest();
    if (test != proto::InferenceStatus::kOk) {
      explain(h.requestId, m.slot, "self-test failed", m_engine.error());
      m_slots.revertTest();
      ensureModel();
      result = SlotReply::nack(NackCode::kSlotNotValid, static_cast<uint32_t>(test));
    }
  }
  reply(h, result);
}

void Agent::handle(const proto::Header& h, const proto::Confirm&) {
  reply(h, m_slots.confirm());
}

void Agent::handle(const proto::Header& h, const proto::Reset&) {
  reply(h, SlotReply::ack(0));
  m_writer.drain(m_config.stallTimeoutUs);  // the Ack goes out before the link drops
  hal::reboot();
}

void Agent::replyForImage(const proto::Header& h, uint8_t slot, const SlotReply& result) {
  if (!result.ok && result.code == NackCode::kSlotNotValid && result.value != 0) {
    explain(h.requestId, slot, "image refused", m_slots.modelError());
  }
  reply(h, result);
}

void Agent::handle(const proto::Header& h, const proto::Rollback&) {
  const SlotReply result = m_slots.rollback();
  if (result.ok) ensureModel();
  reply(h, result);
}

void Agent::reply(const proto::Header& h, const SlotReply& result) {
  if (!result.ok) {
    nack(static_cast<uint8_t>(h.type), h.requestId, result.code, result.value);
    return;
  }
  proto::Ack ack;
  ack.ackedType = h.type;
  ack.value = result.value;
  m_writer.send(ack, h.requestId);
}

void Agent::nack(uint8_t type, uint16_t requestId, NackCode code, uint32_t value) {
  ++m_nacks;
  proto::Nack n;
  n.nackedType = type;
  n.code = code;
  n.value = value;
  m_writer.send(n, requestId);
}

void Agent::ensureModel() {
  const int32_t active = m_slots.active();
  const bool fresh = !m_engine.holds(active, m_slots.generation());
  hal::SlotModel sm{};
  if (active >= 0 && m_slots.model(static_cast<uint8_t>(active), &sm)) {
    m_engine.load(active, sm.data, sm.size, m_slots.generation());
  } else {
    m_engine.load(-1, nullptr, 0, m_slots.generation());
  }
  if (fresh && m_engine.status() != proto::InferenceStatus::kOk &&
      m_engine.status() != proto::InferenceStatus::kNoModel) {
    TextBuilder<proto::kMaxTextLen> text;
    describeModelProblem(active, inferenceStatusText(m_engine.status()), m_engine.error(), text);
    log(proto::LogLevel::kError, text.c_str());
  }
}

void Agent::explain(uint16_t requestId, int32_t slot, const char* what,
                    const runner::ErrorDetail& e) {
  TextBuilder<proto::kMaxTextLen> text;
  describeModelProblem(slot, what, e, text);
  explainRequest(requestId, text.c_str());
}

void Agent::explainLoadedModel(uint16_t requestId) {
  explain(requestId, m_engine.loadedSlot(), inferenceStatusText(m_engine.status()),
          m_engine.error());
}

void Agent::handle(const proto::Header& h, const proto::Hello& hello) {
  m_streams.stopAll();  // each Hello opens a fresh session: streams stop
  m_version = proto::negotiateVersion(hello.minVersion, hello.maxVersion,
                                      proto::kMinProtocolVersion, proto::kMaxProtocolVersion);
  m_writer.setVersion(m_version != 0 ? m_version : proto::kMaxProtocolVersion);
  ensureModel();

  proto::HelloReply rep;
  rep.chosenVersion = m_version;
  rep.deviceId.assign(m_config.deviceId.first(proto::kMaxDeviceIdLen));
  if (!rep.firmwareVersion.assign(m_config.firmwareVersion)) rep.firmwareVersion.assign("?");
  if (!rep.boardName.assign(hal::boardName()))
    rep.boardName.assign(hal::boardName(), proto::kMaxNameLen);
  rep.arenaBytes = static_cast<uint32_t>(m_config.arena.size());
  rep.maxFrameSize = static_cast<uint16_t>(kMaxRequestSize);
  rep.tickHz = hal::ticksPerSecond() != 0 ? hal::ticksPerSecond() : 1;
  SensorSource* source = m_streams.source();
  for (uint8_t i = 0; source != nullptr && i < source->count() && i < proto::kMaxSensors; ++i) {
    proto::SensorInfo info;
    if (source->describe(i, info)) rep.sensors.push(info);
  }
  for (uint8_t s = 0; s < m_slots.count(); ++s) rep.slots.push(m_slots.info(s));
  const runner::OpResolver& resolver = *m_config.resolver;
  for (uint32_t i = 0; i < resolver.size(); ++i) {
    const uint16_t code = static_cast<uint16_t>(resolver.at(i).builtinCode);
    bool seen = false;
    for (uint16_t c : rep.opCodes) seen = seen || c == code;
    if (!seen) rep.opCodes.push(code);
  }
  if (m_writer.send(rep, h.requestId) != proto::Status::kOk) {
    sendError(proto::ErrorCode::kInternal, "HelloReply did not encode");
  }
}

proto::InferenceStatus Agent::loadSlot(uint8_t slot) {
  if (slot == proto::kActiveSlot || static_cast<int32_t>(slot) == m_slots.active()) {
    ensureModel();
    return m_engine.status();
  }
  hal::SlotModel sm{};
  if (m_slots.model(slot, &sm)) {
    return m_engine.load(slot, sm.data, sm.size, m_slots.generation());
  }
  return m_engine.load(-1, nullptr, 0, m_slots.generation());
}

void Agent::handle(const proto::Header& h, const proto::RunInference& run) {
  proto::InferenceStatus status = proto::InferenceStatus::kOk;
  if (run.slot != proto::kActiveSlot && run.slot >= m_slots.count()) {
    nack(static_cast<uint8_t>(h.type), h.requestId, NackCode::kNoSuchSlot, m_slots.count());
    return;
  }
  loadSlot(run.slot);
  if (m_engine.status() != proto::InferenceStatus::kOk) {
    status = m_engine.status();
    if (status != proto::InferenceStatus::kNoModel) explainLoadedModel(h.requestId);
  } else if (run.source == proto::InputSource::kUploaded) {
    if (!m_engine.uploadComplete()) status = proto::InferenceStatus::kInputMissing;
  } else {
    proto::ElementType type;
    float unitsPerCount = 0.0f;
    proto::ConstByteSpan older;
    proto::ConstByteSpan newer;
    if (!m_streams.latest(run.streamId, &type, &unitsPerCount, &older, &newer)) {
      status = proto::InferenceStatus::kInputMissing;
    } else {
      status = m_engine.fillInputFromSamples(type, unitsPerCount, older, newer);
    }
  }
  m_engine.run(run, status, h.requestId, m_writer, m_config.stallTimeoutUs);
}

void Agent::handle(const proto::Header& h, const proto::RunPipeline& m) {
  if (m_config.pipeline == nullptr) {
    nack(static_cast<uint8_t>(h.type), h.requestId, NackCode::kUnsupportedType);
    return;
  }
  m_config.pipeline(*this, h, m);
}

void Agent::frontEndPipeline(Agent& agent, const proto::Header& h, const proto::RunPipeline& m) {
  agent.runPipeline(h, m);
}

void Agent::runPipeline(const proto::Header& h, const proto::RunPipeline& m) {
  if ((m.slot != proto::kActiveSlot && m.slot >= m_slots.count()) ||
      m.frontEndSlot >= m_slots.count()) {
    nack(static_cast<uint8_t>(h.type), h.requestId, NackCode::kNoSuchSlot, m_slots.count());
    return;
  }
  proto::RunInference run;  // the pipeline's model run: its capture, its reply
  run.slot = m.slot;
  run.source = proto::InputSource::kUploaded;
  run.capture = m.capture;
  const proto::InferenceStatus status = preparePipeline(h.requestId, m);
  m_engine.run(run, status, h.requestId, m_writer, m_config.stallTimeoutUs);
}

proto::InferenceStatus Agent::preparePipeline(uint16_t requestId, const proto::RunPipeline& m) {
  using proto::InferenceStatus;
  TextBuilder<proto::kMaxTextLen> text;
  // The model first: its input 0 is what the front-end outputs must fill.
  InferenceStatus status = loadSlot(m.slot);
  if (status != InferenceStatus::kOk) {
    if (status != InferenceStatus::kNoModel) explainLoadedModel(requestId);
    return status;
  }
  const runner::TensorView target = m_engine.interpreter()->input(0);
  const size_t targetBytes = target.bytes;
  if (targetBytes == 0 || targetBytes > m_config.pipelineBuffer.size()) {
    text.add("pipeline: the model's input 0 has ")
        .add(static_cast<uint32_t>(targetBytes))
        .add(" bytes; this firmware stacks at most ")
        .add(static_cast<uint32_t>(m_config.pipelineBuffer.size()));
    explainRequest(requestId, text.c_str());
    return InferenceStatus::kInputSizeMismatch;
  }
  // The front-end, loaded afresh so its state (noise estimates) starts where the desktop's does.
  m_engine.unload();
  hal::SlotModel front{};
  if (!m_slots.model(m.frontEndSlot, &front)) {
    text.add("pipeline: slot ").add(m.frontEndSlot).add(" holds no front-end model");
    explainRequest(requestId, text.c_str());
    return InferenceStatus::kNoModel;
  }
  status = m_engine.load(m.frontEndSlot, front.data, front.size, m_slots.generation());
  if (status != InferenceStatus::kOk) {
    explainLoadedModel(requestId);
    return status;
  }
  runner::Interpreter* fe = m_engine.interpreter();
  const runner::TensorView feIn = fe->input(0);
  const size_t feOut = fe->outputsSize() != 0 ? fe->output(0).bytes : 0;
  const size_t windows = feOut != 0 ? targetBytes / feOut : 0;
  if (fe->inputsSize() != 1 || feIn.type != runner::TensorType::kInt16 || feOut == 0 ||
      targetBytes % feOut != 0 || windows > proto::kMaxPipelineWindows) {
    text.add("pipeline: the front-end in slot ")
        .add(m.frontEndSlot)
        .add(" needs one int16 input and an output that tiles the model's ")
        .add(static_cast<uint32_t>(targetBytes))
        .add("-byte input");
    explainRequest(requestId, text.c_str());
    return InferenceStatus::kInputSizeMismatch;
  }
  // The samples: the first ones the stream heard since StartStream.
  proto::ElementType type;
  float unitsPerCount = 0.0f;
  proto::ConstByteSpan older;
  proto::ConstByteSpan newer;
  const size_t windowBytes = feIn.bytes;
  const size_t need = windowBytes + (windows - 1) * size_t{m.strideSamples} * 2;
  if (!m_streams.latest(m.streamId, &type, &unitsPerCount, &older, &newer) ||
      type != proto::ElementType::kInt16 || !older.empty() || newer.size() < need) {
    text.add("pipeline: stream ").add(m.streamId);
    if (!m_streams.latest(m.streamId, &type, &unitsPerCount, &older, &newer))
      text.add(" is not running");
    else if (type != proto::ElementType::kInt16)
      text.add(" does not carry int16 samples");
    else if (!older.empty())
      text.add(" outran its history since StartStream: start it again");
    else
      text.add(" has ")
          .add(static_cast<uint32_t>(newer.size() / 2))
          .add(" of the ")
          .add(static_cast<uint32_t>(need / 2))
          .add(" samples the pipeline needs");
    explainRequest(requestId, text.c_str());
    return InferenceStatus::kInputMissing;
  }
  const proto::ConstByteSpan samples = newer.first(need);
  const bool capture = m.capture != proto::CaptureMode::kNone;
  if (capture) m_engine.sendSamples(samples, requestId, m_writer, m_config.stallTimeoutUs);
  for (size_t w = 0; w < windows; ++w) {
    status = m_engine.runStage(samples.subspan(w * m.strideSamples * 2, windowBytes),
                               m_config.pipelineBuffer.subspan(w * feOut, feOut),
                               static_cast<uint16_t>(w), capture, requestId, m_writer,
                               m_config.stallTimeoutUs);
    if (status != InferenceStatus::kOk) {
      explain(requestId, m.frontEndSlot, "front-end failed", m_engine.error());
      return status;
    }
  }
  // The model again, its input the stacked outputs.
  m_engine.unload();
  status = loadSlot(m.slot);
  if (status != InferenceStatus::kOk) return status;
  return m_engine.setInput(m_config.pipelineBuffer.first(targetBytes));
}

void Agent::explainRequest(uint16_t requestId, const char* text) {
  proto::Log entry;
  entry.level = proto::LogLevel::kError;
  entry.timestampUs = hal::micros();
  size_t len = 0;
  while (text[len] != '\0' && len < proto::kMaxTextLen) ++len;
  entry.text.assign(text, len);
  if (m_writer.drain(m_config.stallTimeoutUs)) m_writer.send(entry, requestId);
  m_writer.drain(m_config.stallTimeoutUs);
}

bool Agent::sendError(proto::ErrorCode code, const char* text) {
  proto::Error e;
  e.code = code;
  size_t len = 0;
  while (text[len] != '\0' && len < proto::kMaxTextLen) ++len;
  e.text.assign(text, len);
  return m_writer.send(e, 0) == proto::Status::kOk;
}

bool Agent::sendReports() {
  if (m_logCount != 0) {
    m_writer.send(m_logs[m_logHead], 0);
    m_logHead = (m_logHead + 1) % kLogQueue;
    --m_logCount;
    return true;
  }
  const uint64_t now = hal::micros();
  const proto::FrameCounters& rx = m_decoder.counters();
  const uint32_t dropped = rx.crcErrors + rx.cobsErrors + rx.tooShort + rx.overflows;
  if (dropped != m_rxDropsReported &&
      (m_lastRxReportUs == kNever || now - m_lastRxReportUs >= m_config.reportIntervalUs)) {
    TextBuilder<proto::kMaxTextLen> text;
    text.add(dropped - m_rxDropsReported)
        .add(" received frames dropped (crc ")
        .add(rx.crcErrors)
        .add(", cobs ")
        .add(rx.cobsErrors)
        .add(", short ")
        .add(rx.tooShort)
        .add(", overflow ")
        .add(rx.overflows)
        .add(" in total)");
    m_rxDropsReported = dropped;
    m_lastRxReportUs = now;
    return sendError(proto::ErrorCode::kRxOverflow, text.c_str());
  }
  if (m_lastOverrunReportUs == kNever || now - m_lastOverrunReportUs >= m_config.reportIntervalUs) {
    TextBuilder<proto::kMaxTextLen> text;
    if (m_streams.takeLossReport(text)) {
      m_lastOverrunReportUs = now;
      return sendError(proto::ErrorCode::kStreamOverrun, text.c_str());
    }
  }
  const uint32_t stalls = m_writer.counters().stalls;
  if (stalls != m_txStallsReported) {
    TextBuilder<proto::kMaxTextLen> text;
    text.add("link stalled ")
        .add(stalls - m_txStallsReported)
        .add(" time(s): tensor capture cut short");
    m_txStallsReported = stalls;
    return sendError(proto::ErrorCode::kTxOverflow, text.c_str());
  }
  return false;
}

}  // namespace tinyscope::agent
