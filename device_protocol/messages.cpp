#include "device_protocol/messages.h"

#include "device_protocol/wire_reader.h"
#include "device_protocol/wire_writer.h"

#include <cfloat>

namespace tinyscope::proto {

// ---- Enumerations ------------------------------------------------------------------------

bool isValid(MessageType v) {
  switch (v) {
    case MessageType::kHello:
    case MessageType::kHelloReply:
    case MessageType::kStartStream:
    case MessageType::kStopStream:
    case MessageType::kSetRate:
    case MessageType::kSensorWindow:
    case MessageType::kInputChunk:
    case MessageType::kRunInference:
    case MessageType::kInferenceResult:
    case MessageType::kTensorChunk:
    case MessageType::kSlotInfoRequest:
    case MessageType::kSlotInfo:
    case MessageType::kFlashBegin:
    case MessageType::kFlashChunk:
    case MessageType::kFlashEnd:
    case MessageType::kVerifySlot:
    case MessageType::kActivate:
    case MessageType::kRollback:
    case MessageType::kAck:
    case MessageType::kNack:
    case MessageType::kLog:
    case MessageType::kError:
      return true;
  }
  return false;
}

bool isHostToDevice(MessageType v) {
  switch (v) {
    case MessageType::kHello:
    case MessageType::kStartStream:
    case MessageType::kStopStream:
    case MessageType::kSetRate:
    case MessageType::kInputChunk:
    case MessageType::kRunInference:
    case MessageType::kSlotInfoRequest:
    case MessageType::kFlashBegin:
    case MessageType::kFlashChunk:
    case MessageType::kFlashEnd:
    case MessageType::kVerifySlot:
    case MessageType::kActivate:
    case MessageType::kRollback:
      return true;
    default:
      return false;
  }
}

const char* messageTypeName(MessageType v) {
  switch (v) {
    case MessageType::kHello:
      return "Hello";
    case MessageType::kHelloReply:
      return "HelloReply";
    case MessageType::kStartStream:
      return "StartStream";
    case MessageType::kStopStream:
      return "StopStream";
    case MessageType::kSetRate:
      return "SetRate";
    case MessageType::kSensorWindow:
      return "SensorWindow";
    case MessageType::kInputChunk:
      return "InputChunk";
    case MessageType::kRunInference:
      return "RunInference";
    case MessageType::kInferenceResult:
      return "InferenceResult";
    case MessageType::kTensorChunk:
      return "TensorChunk";
    case MessageType::kSlotInfoRequest:
      return "SlotInfoRequest";
    case MessageType::kSlotInfo:
      return "SlotInfo";
    case MessageType::kFlashBegin:
      return "FlashBegin";
    case MessageType::kFlashChunk:
      return "FlashChunk";
    case MessageType::kFlashEnd:
      return "FlashEnd";
    case MessageType::kVerifySlot:
      return "VerifySlot";
    case MessageType::kActivate:
      return "Activate";
    case MessageType::kRollback:
      return "Rollback";
    case MessageType::kAck:
      return "Ack";
    case MessageType::kNack:
      return "Nack";
    case MessageType::kLog:
      return "Log";
    case MessageType::kError:
      return "Error";
  }
  return "?";
}

bool isValid(ElementType v) {
  return elementSize(v) != 0;
}

size_t elementSize(ElementType v) {
  switch (v) {
    case ElementType::kInt8:
    case ElementType::kUInt8:
      return 1;
    case ElementType::kInt16:
    case ElementType::kUInt16:
      return 2;
    case ElementType::kInt32:
    case ElementType::kFloat32:
      return 4;
  }
  return 0;
}

bool isValid(SlotState v) {
  return static_cast<uint8_t>(v) <= static_cast<uint8_t>(SlotState::kInvalid);
}
bool isValid(InputSource v) {
  return static_cast<uint8_t>(v) <= static_cast<uint8_t>(InputSource::kUploaded);
}
bool isValid(CaptureMode v) {
  return static_cast<uint8_t>(v) <= static_cast<uint8_t>(CaptureMode::kSelectedOps);
}
bool isValid(InferenceStatus v) {
  return static_cast<uint8_t>(v) <= static_cast<uint8_t>(InferenceStatus::kBusy);
}
bool isValid(NackCode v) {
  return v >= NackCode::kMalformed &&
         static_cast<uint8_t>(v) <= static_cast<uint8_t>(NackCode::kInputTooLarge);
}
bool isValid(LogLevel v) {
  return static_cast<uint8_t>(v) <= static_cast<uint8_t>(LogLevel::kError);
}
bool isValid(ErrorCode v) {
  return v >= ErrorCode::kInternal && v <= ErrorCode::kStorageFault;
}

const char* statusMessage(Status status) {
  switch (status) {
    case Status::kOk:
      return "ok";
    case Status::kBufferTooSmall:
      return "the output buffer is too small for the message";
    case Status::kTruncated:
      return "the message ends before its last field";
    case Status::kTrailingBytes:
      return "the message has bytes after its last field";
    case Status::kUnknownMessageType:
      return "the message type is not defined by this protocol version";
    case Status::kUnsupportedVersion:
      return "the protocol version in the header is not supported";
    case Status::kWrongMessageType:
      return "the header names a different message type";
    case Status::kInvalidEnum:
      return "an enumerated field holds an undefined value";
    case Status::kCountTooLarge:
      return "an array holds more elements than its bound";
    case Status::kStringTooLong:
      return "a string is longer than its bound";
    case Status::kInvalidString:
      return "a string contains a NUL byte";
    case Status::kChunkTooLarge:
      return "bulk data is larger than its bound";
    case Status::kLengthMismatch:
      return "bulk data length disagrees with its declared shape";
    case Status::kOutOfRange:
      return "a field is outside its documented range";
  }
  return "unknown status";
}

uint32_t tensorByteSize(const TensorDesc& d) {
  uint64_t bytes = elementSize(d.type);
  for (int32_t dim : d.dims) {
    if (dim < 1) {
      return 0;
    }
    bytes *= static_cast<uint64_t>(dim);
    if (bytes > 0xFFFFFFFFu) {
      return 0;
    }
  }
  return static_cast<uint32_t>(bytes);
}

namespace {

// ---- Field codecs ----------------------------------------------------------------------
// Each wire shape has a writer overload (const value) and a reader overload (reference),
// so one schema function per struct serves both directions and they cannot drift apart.

template <class E>
void enum8(WireWriter& w, const E& v) {
  if (!isValid(v)) {
    w.fail(Status::kInvalidEnum);
  }
  w.u8(static_cast<uint8_t>(v));
}
template <class E>
void enum8(WireReader& r, E& v) {
  uint8_t raw = 0;
  r.u8(raw);
  const E e = static_cast<E>(raw);
  if (r.ok() && !isValid(e)) {
    r.fail(Status::kInvalidEnum);
  }
  v = e;
}

template <class E>
void enum16(WireWriter& w, const E& v) {
  if (!isValid(v)) {
    w.fail(Status::kInvalidEnum);
  }
  w.u16(static_cast<uint16_t>(v));
}
template <class E>
void enum16(WireReader& r, E& v) {
  uint16_t raw = 0;
  r.u16(raw);
  const E e = static_cast<E>(raw);
  if (r.ok() && !isValid(e)) {
    r.fail(Status::kInvalidEnum);
  }
  v = e;
}

template <size_t N>
void str(WireWriter& w, const BoundedString<N>& s) {
  w.u8(static_cast<uint8_t>(s.size()));
  w.bytes(s.bytes());
}
template <size_t N>
void str(WireReader& r, BoundedString<N>& s) {
  uint8_t len = 0;
  r.u8(len);
  if (r.ok() && len > N) {
    r.fail(Status::kStringTooLong);
  }
  ConstByteSpan raw;
  r.bytes(len, raw);
  if (r.ok() && !s.assign(reinterpret_cast<const char*>(raw.data()), raw.size())) {
    r.fail(Status::kInvalidString);
  }
}

template <size_t N>
void blob8(WireWriter& w, const BoundedBytes<N>& b) {
  w.u8(static_cast<uint8_t>(b.size()));
  w.bytes(b.bytes());
}
template <size_t N>
void blob8(WireReader& r, BoundedBytes<N>& b) {
  uint8_t len = 0;
  r.u8(len);
  if (r.ok() && len > N) {
    r.fail(Status::kStringTooLong);
  }
  ConstByteSpan raw;
  r.bytes(len, raw);
  if (r.ok()) {
    b.assign(raw);
  }
}

// Bulk data: 16-bit length, then the bytes; decoded as a view into the message.
void data16(WireWriter& w, const ConstByteSpan& v) {
  if (v.size() > 0xFFFFu) {
    w.fail(Status::kChunkTooLarge);
  }
  w.u16(static_cast<uint16_t>(v.size()));
  w.bytes(v);
}
void data16(WireReader& r, ConstByteSpan& v) {
  uint16_t len = 0;
  r.u16(len);
  r.bytes(len, v);
}

template <class T>
struct Schema;

template <class T, size_t N>
void array8(WireWriter& w, const BoundedArray<T, N>& a) {
  static_assert(N <= 0xFF, "8-bit count");
  w.u8(static_cast<uint8_t>(a.size()));
  for (const T& item : a) {
    Schema<T>::visit(w, item);
  }
}
template <class T, size_t N>
void array8(WireReader& r, BoundedArray<T, N>& a) {
  uint8_t count = 0;
  r.u8(count);
  if (!r.ok()) {
    return;
  }
  if (!a.resize(count)) {
    r.fail(Status::kCountTooLarge);
    return;
  }
  for (size_t i = 0; i < a.size() && r.ok(); ++i) {
    Schema<T>::visit(r, a[i]);
  }
}

template <class T, size_t N>
void array16(WireWriter& w, const BoundedArray<T, N>& a) {
  static_assert(N <= 0xFFFF, "16-bit count");
  w.u16(static_cast<uint16_t>(a.size()));
  for (const T& item : a) {
    Schema<T>::visit(w, item);
  }
}
template <class T, size_t N>
void array16(WireReader& r, BoundedArray<T, N>& a) {
  uint16_t count = 0;
  r.u16(count);
  if (!r.ok()) {
    return;
  }
  if (!a.resize(count)) {
    r.fail(Status::kCountTooLarge);
    return;
  }
  for (size_t i = 0; i < a.size() && r.ok(); ++i) {
    Schema<T>::visit(r, a[i]);
  }
}

// ---- Schema: the wire order of every struct, in one place ----------------------------
// IO is WireWriter or WireReader; M is `const T` or `T` accordingly.

template <>
struct Schema<uint16_t> {
  template <class IO, class M>
  static void visit(IO& io, M& v) {
    io.u16(v);
  }
};
template <>
struct Schema<int32_t> {
  template <class IO, class M>
  static void visit(IO& io, M& v) {
    io.i32(v);
  }
};
template <>
struct Schema<Header> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.version);
    enum8(io, m.type);
    io.u16(m.sequence);
    io.u16(m.requestId);
  }
};
template <>
struct Schema<SensorInfo> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.sensorId);
    str(io, m.name);
    io.u8(m.axes);
    str(io, m.units);
    enum8(io, m.sampleType);
    io.u32(m.rateMilliHz);
    io.u32(m.maxRateMilliHz);
  }
};
template <>
struct Schema<TensorDesc> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    enum8(io, m.type);
    array8(io, m.dims);
    io.f32(m.scale);
    io.i32(m.zeroPoint);
  }
};
template <>
struct Schema<OpTiming> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u16(m.opIndex);
    io.u16(m.opCode);
    io.u32(m.ticks);
    io.u32(m.micros);
  }
};
template <>
struct Schema<OutputTensor> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    Schema<TensorDesc>::visit(io, m.desc);
    data16(io, m.data);
  }
};
template <>
struct Schema<Hello> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.minVersion);
    io.u8(m.maxVersion);
    str(io, m.hostName);
  }
};
template <>
struct Schema<SlotInfo> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.slot);
    enum8(io, m.state);
    io.u32(m.capacity);
    io.u32(m.modelSize);
    io.u32(m.modelCrc);
    io.u32(m.receivedBytes);
    str(io, m.modelName);
  }
};
template <>
struct Schema<HelloReply> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.minVersion);
    io.u8(m.maxVersion);
    io.u8(m.chosenVersion);
    blob8(io, m.deviceId);
    str(io, m.firmwareVersion);
    str(io, m.boardName);
    io.u32(m.arenaBytes);
    io.u16(m.maxFrameSize);
    io.u32(m.tickHz);
    array8(io, m.sensors);
    array8(io, m.slots);
    array16(io, m.opCodes);
  }
};
template <>
struct Schema<StartStream> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.streamId);
    io.u8(m.sensorId);
    io.u32(m.rateMilliHz);
    io.u16(m.windowSamples);
  }
};
template <>
struct Schema<StopStream> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.streamId);
  }
};
template <>
struct Schema<SetRate> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.streamId);
    io.u32(m.rateMilliHz);
  }
};
template <>
struct Schema<SensorWindow> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.streamId);
    io.u32(m.sequence);
    io.u64(m.timestampUs);
    enum8(io, m.sampleType);
    io.u8(m.channels);
    io.u16(m.sampleCount);
    data16(io, m.payload);
  }
};
template <>
struct Schema<InputChunk> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.inputIndex);
    io.u32(m.totalBytes);
    io.u32(m.offset);
    data16(io, m.data);
  }
};
template <>
struct Schema<RunInference> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.slot);
    enum8(io, m.source);
    io.u8(m.streamId);
    enum8(io, m.capture);
    array8(io, m.captureOps);
  }
};
template <>
struct Schema<InferenceResult> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    enum8(io, m.status);
    io.u32(m.totalTicks);
    io.u32(m.totalMicros);
    array16(io, m.ops);
    array8(io, m.outputs);
  }
};
template <>
struct Schema<TensorChunk> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u16(m.opIndex);
    io.u8(m.tensorIndex);
    Schema<TensorDesc>::visit(io, m.desc);
    io.u32(m.totalBytes);
    io.u32(m.offset);
    data16(io, m.data);
  }
};
template <>
struct Schema<FlashBegin> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.slot);
    io.u32(m.size);
    io.u32(m.crc32);
    str(io, m.modelName);
  }
};
template <>
struct Schema<FlashChunk> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.slot);
    io.u32(m.offset);
    data16(io, m.data);
  }
};
// One-byte slot commands share a layout.
template <class T>
struct SlotOnlySchema {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.slot);
  }
};
template <>
struct Schema<SlotInfoRequest> : SlotOnlySchema<SlotInfoRequest> {};
template <>
struct Schema<FlashEnd> : SlotOnlySchema<FlashEnd> {};
template <>
struct Schema<VerifySlot> : SlotOnlySchema<VerifySlot> {};
template <>
struct Schema<Activate> : SlotOnlySchema<Activate> {};
template <>
struct Schema<Rollback> {
  template <class IO, class M>
  static void visit(IO&, M&) {}
};
template <>
struct Schema<Ack> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    enum8(io, m.ackedType);
    io.u32(m.value);
  }
};
template <>
struct Schema<Nack> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    io.u8(m.nackedType);
    enum8(io, m.code);
    io.u32(m.value);
  }
};
template <>
struct Schema<Log> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    enum8(io, m.level);
    io.u64(m.timestampUs);
    str(io, m.text);
  }
};
template <>
struct Schema<Error> {
  template <class IO, class M>
  static void visit(IO& io, M& m) {
    enum16(io, m.code);
    str(io, m.text);
  }
};

// Hello and HelloReply are the version-independent handshake: later versions may append
// fields, which an older decoder skips.
template <class T>
constexpr bool kExtensible =
    T::kType == MessageType::kHello || T::kType == MessageType::kHelloReply;

bool headerVersionOk(const Header& h) {
  if (h.type == MessageType::kHello || h.type == MessageType::kHelloReply) {
    return h.version >= 1;
  }
  return h.version >= kMinProtocolVersion && h.version <= kMaxProtocolVersion;
}

template <class T>
EncodeResult encodeImpl(const Header& header, const T& m, ByteSpan out) {
  if (header.type != T::kType) {
    return {Status::kWrongMessageType, 0};
  }
  if (!headerVersionOk(header)) {
    return {Status::kUnsupportedVersion, 0};
  }
  const Status valid = validate(m);
  if (valid != Status::kOk) {
    return {valid, 0};
  }
  WireWriter w(out);
  Schema<Header>::visit(w, header);
  Schema<T>::visit(w, m);
  if (!w.ok()) {
    return {w.status(), 0};
  }
  return {Status::kOk, w.size()};
}

template <class T>
Status decodeImpl(ConstByteSpan message, T& m) {
  Header header;
  const Status headerStatus = decodeHeader(message, header);
  if (headerStatus != Status::kOk) {
    return headerStatus;
  }
  if (header.type != T::kType) {
    return Status::kWrongMessageType;
  }
  WireReader r(message.subspan(kHeaderSize));
  Schema<T>::visit(r, m);
  if (!r.ok()) {
    return r.status();
  }
  if (r.remaining() != 0 && !kExtensible<T>) {
    return Status::kTrailingBytes;
  }
  return validate(m);
}

Status validateDesc(const TensorDesc& d) {
  if (!isValid(d.type)) {
    return Status::kInvalidEnum;
  }
  // Rejects NaN, infinities and negative scales.
  if (!(d.scale >= 0.0f && d.scale <= FLT_MAX)) {
    return Status::kOutOfRange;
  }
  if (tensorByteSize(d) == 0) {
    return Status::kOutOfRange;  // a dimension < 1, or more than 4 GiB
  }
  return Status::kOk;
}

// offset + size <= total without overflowing.
bool fitsIn(uint32_t offset, size_t size, uint32_t total) {
  return offset <= total && size <= total - offset;
}

template <class T, size_t N>
bool allDistinct(const BoundedArray<T, N>& a, uint8_t T::*key) {
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = i + 1; j < a.size(); ++j) {
      if (a[i].*key == a[j].*key) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

Status decodeHeader(ConstByteSpan message, Header& header) {
  if (message.size() < kHeaderSize) {
    return Status::kTruncated;
  }
  WireReader r(message);
  r.u8(header.version);
  uint8_t type = 0;
  r.u8(type);
  r.u16(header.sequence);
  r.u16(header.requestId);
  header.type = static_cast<MessageType>(type);
  if (!isValid(header.type)) {
    return Status::kUnknownMessageType;
  }
  if (!headerVersionOk(header)) {
    return Status::kUnsupportedVersion;
  }
  return Status::kOk;
}

// ---- validate ----------------------------------------------------------------------------

Status validate(const Hello& m) {
  if (m.minVersion < 1 || m.minVersion > m.maxVersion) {
    return Status::kOutOfRange;
  }
  return Status::kOk;
}

Status validate(const SlotInfo& m) {
  if (!isValid(m.state)) {
    return Status::kInvalidEnum;
  }
  if (m.modelSize > m.capacity || m.receivedBytes > m.modelSize) {
    return Status::kOutOfRange;
  }
  return Status::kOk;
}

Status validate(const HelloReply& m) {
  if (m.minVersion < 1 || m.minVersion > m.maxVersion) {
    return Status::kOutOfRange;
  }
  if (m.chosenVersion != 0 && (m.chosenVersion < m.minVersion || m.chosenVersion > m.maxVersion)) {
    return Status::kOutOfRange;
  }
  if (m.maxFrameSize < kMinDeviceFrameSize || m.tickHz == 0) {
    return Status::kOutOfRange;
  }
  for (const SensorInfo& s : m.sensors) {
    if (!isValid(s.sampleType)) {
      return Status::kInvalidEnum;
    }
    if (s.axes < 1 || s.axes > kMaxAxes || s.rateMilliHz == 0 || s.rateMilliHz > s.maxRateMilliHz) {
      return Status::kOutOfRange;
    }
  }
  for (const SlotInfo& slot : m.slots) {
    const Status s = validate(slot);
    if (s != Status::kOk) {
      return s;
    }
  }
  if (!allDistinct(m.sensors, &SensorInfo::sensorId) || !allDistinct(m.slots, &SlotInfo::slot)) {
    return Status::kOutOfRange;
  }
  return Status::kOk;
}

Status validate(const StartStream& m) {
  return m.windowSamples >= 1 ? Status::kOk : Status::kOutOfRange;
}

Status validate(const StopStream&) {
  return Status::kOk;
}

Status validate(const SetRate& m) {
  return m.rateMilliHz >= 1 ? Status::kOk : Status::kOutOfRange;
}

Status validate(const SensorWindow& m) {
  if (!isValid(m.sampleType)) {
    return Status::kInvalidEnum;
  }
  if (m.channels < 1 || m.channels > kMaxAxes || m.sampleCount < 1) {
    return Status::kOutOfRange;
  }
  if (m.payload.size() > kMaxChunk) {
    return Status::kChunkTooLarge;
  }
  if (m.payload.size() != size_t{m.channels} * m.sampleCount * elementSize(m.sampleType)) {
    return Status::kLengthMismatch;
  }
  return Status::kOk;
}

Status validate(const InputChunk& m) {
  if (m.data.size() > kMaxChunk) {
    return Status::kChunkTooLarge;
  }
  if (m.inputIndex >= kMaxInputs || !fitsIn(m.offset, m.data.size(), m.totalBytes)) {
    return Status::kOutOfRange;
  }
  return Status::kOk;
}

Status validate(const RunInference& m) {
  if (!isValid(m.source) || !isValid(m.capture)) {
    return Status::kInvalidEnum;
  }
  if ((m.capture == CaptureMode::kSelectedOps) == m.captureOps.empty()) {
    return Status::kOutOfRange;  // a selection needs ops; other modes take none
  }
  return Status::kOk;
}

Status validate(const InferenceResult& m) {
  if (!isValid(m.status)) {
    return Status::kInvalidEnum;
  }
  size_t inlineBytes = 0;
  for (const OutputTensor& out : m.outputs) {
    const Status s = validateDesc(out.desc);
    if (s != Status::kOk) {
      return s;
    }
    if (!out.data.empty() && out.data.size() != tensorByteSize(out.desc)) {
      return Status::kLengthMismatch;
    }
    inlineBytes += out.data.size();
  }
  if (inlineBytes > kMaxInlineOutputBytes) {
    return Status::kChunkTooLarge;
  }
  return Status::kOk;
}

Status validate(const TensorChunk& m) {
  const Status s = validateDesc(m.desc);
  if (s != Status::kOk) {
    return s;
  }
  if (m.totalBytes != tensorByteSize(m.desc)) {
    return Status::kLengthMismatch;
  }
  if (m.data.size() > kMaxChunk) {
    return Status::kChunkTooLarge;
  }
  if (!fitsIn(m.offset, m.data.size(), m.totalBytes)) {
    return Status::kOutOfRange;
  }
  return Status::kOk;
}

Status validate(const SlotInfoRequest&) {
  return Status::kOk;
}

Status validate(const FlashBegin& m) {
  return m.size >= 1 ? Status::kOk : Status::kOutOfRange;
}

Status validate(const FlashChunk& m) {
  if (m.data.size() > kMaxChunk) {
    return Status::kChunkTooLarge;
  }
  if (m.data.empty() || !fitsIn(m.offset, m.data.size(), 0xFFFFFFFFu)) {
    return Status::kOutOfRange;
  }
  return Status::kOk;
}

Status validate(const FlashEnd&) {
  return Status::kOk;
}
Status validate(const VerifySlot&) {
  return Status::kOk;
}
Status validate(const Activate&) {
  return Status::kOk;
}
Status validate(const Rollback&) {
  return Status::kOk;
}

Status validate(const Ack& m) {
  return isValid(m.ackedType) ? Status::kOk : Status::kInvalidEnum;
}
Status validate(const Nack& m) {
  return isValid(m.code) ? Status::kOk : Status::kInvalidEnum;
}
Status validate(const Log& m) {
  return isValid(m.level) ? Status::kOk : Status::kInvalidEnum;
}
Status validate(const Error& m) {
  return isValid(m.code) ? Status::kOk : Status::kInvalidEnum;
}

// ---- encode / decode ---------------------------------------------------------------------

#define TINYSCOPE_PROTO_CODEC(T)                                               \
  EncodeResult encodeMessage(const Header& header, const T& m, ByteSpan out) { \
    return encodeImpl(header, m, out);                                         \
  }                                                                            \
  Status decodeMessage(ConstByteSpan message, T& m) {                          \
    return decodeImpl(message, m);                                             \
  }

TINYSCOPE_PROTO_CODEC(Hello)
TINYSCOPE_PROTO_CODEC(HelloReply)
TINYSCOPE_PROTO_CODEC(StartStream)
TINYSCOPE_PROTO_CODEC(StopStream)
TINYSCOPE_PROTO_CODEC(SetRate)
TINYSCOPE_PROTO_CODEC(SensorWindow)
TINYSCOPE_PROTO_CODEC(InputChunk)
TINYSCOPE_PROTO_CODEC(RunInference)
TINYSCOPE_PROTO_CODEC(InferenceResult)
TINYSCOPE_PROTO_CODEC(TensorChunk)
TINYSCOPE_PROTO_CODEC(SlotInfoRequest)
TINYSCOPE_PROTO_CODEC(SlotInfo)
TINYSCOPE_PROTO_CODEC(FlashBegin)
TINYSCOPE_PROTO_CODEC(FlashChunk)
TINYSCOPE_PROTO_CODEC(FlashEnd)
TINYSCOPE_PROTO_CODEC(VerifySlot)
TINYSCOPE_PROTO_CODEC(Activate)
TINYSCOPE_PROTO_CODEC(Rollback)
TINYSCOPE_PROTO_CODEC(Ack)
TINYSCOPE_PROTO_CODEC(Nack)
TINYSCOPE_PROTO_CODEC(Log)
TINYSCOPE_PROTO_CODEC(Error)

#undef TINYSCOPE_PROTO_CODEC

// ---- equality ----------------------------------------------------------------------------

bool operator==(const Header& a, const Header& b) {
  return a.version == b.version && a.type == b.type && a.sequence == b.sequence &&
         a.requestId == b.requestId;
}
bool operator==(const SensorInfo& a, const SensorInfo& b) {
  return a.sensorId == b.sensorId && a.name == b.name && a.axes == b.axes && a.units == b.units &&
         a.sampleType == b.sampleType && a.rateMilliHz == b.rateMilliHz &&
         a.maxRateMilliHz == b.maxRateMilliHz;
}
bool operator==(const TensorDesc& a, const TensorDesc& b) {
  return a.type == b.type && a.dims == b.dims && a.scale == b.scale && a.zeroPoint == b.zeroPoint;
}
bool operator==(const OpTiming& a, const OpTiming& b) {
  return a.opIndex == b.opIndex && a.opCode == b.opCode && a.ticks == b.ticks &&
         a.micros == b.micros;
}
bool operator==(const OutputTensor& a, const OutputTensor& b) {
  return a.desc == b.desc && sameBytes(a.data, b.data);
}
bool operator==(const Hello& a, const Hello& b) {
  return a.minVersion == b.minVersion && a.maxVersion == b.maxVersion && a.hostName == b.hostName;
}
bool operator==(const HelloReply& a, const HelloReply& b) {
  return a.minVersion == b.minVersion && a.maxVersion == b.maxVersion &&
         a.chosenVersion == b.chosenVersion && a.deviceId == b.deviceId &&
         a.firmwareVersion == b.firmwareVersion && a.boardName == b.boardName &&
         a.arenaBytes == b.arenaBytes && a.maxFrameSize == b.maxFrameSize && a.tickHz == b.tickHz &&
         a.sensors == b.sensors && a.slots == b.slots && a.opCodes == b.opCodes;
}
bool operator==(const StartStream& a, const StartStream& b) {
  return a.streamId == b.streamId && a.sensorId == b.sensorId && a.rateMilliHz == b.rateMilliHz &&
         a.windowSamples == b.windowSamples;
}
bool operator==(const StopStream& a, const StopStream& b) {
  return a.streamId == b.streamId;
}
bool operator==(const SetRate& a, const SetRate& b) {
  return a.streamId == b.streamId && a.rateMilliHz == b.rateMilliHz;
}
bool operator==(const SensorWindow& a, const SensorWindow& b) {
  return a.streamId == b.streamId && a.sequence == b.sequence && a.timestampUs == b.timestampUs &&
         a.sampleType == b.sampleType && a.channels == b.channels &&
         a.sampleCount == b.sampleCount && sameBytes(a.payload, b.payload);
}
bool operator==(const InputChunk& a, const InputChunk& b) {
  return a.inputIndex == b.inputIndex && a.totalBytes == b.totalBytes && a.offset == b.offset &&
         sameBytes(a.data, b.data);
}
bool operator==(const RunInference& a, const RunInference& b) {
  return a.slot == b.slot && a.source == b.source && a.streamId == b.streamId &&
         a.capture == b.capture && a.captureOps == b.captureOps;
}
bool operator==(const InferenceResult& a, const InferenceResult& b) {
  return a.status == b.status && a.totalTicks == b.totalTicks && a.totalMicros == b.totalMicros &&
         a.ops == b.ops && a.outputs == b.outputs;
}
bool operator==(const TensorChunk& a, const TensorChunk& b) {
  return a.opIndex == b.opIndex && a.tensorIndex == b.tensorIndex && a.desc == b.desc &&
         a.totalBytes == b.totalBytes && a.offset == b.offset && sameBytes(a.data, b.data);
}
bool operator==(const SlotInfoRequest& a, const SlotInfoRequest& b) {
  return a.slot == b.slot;
}
bool operator==(const SlotInfo& a, const SlotInfo& b) {
  return a.slot == b.slot && a.state == b.state && a.capacity == b.capacity &&
         a.modelSize == b.modelSize && a.modelCrc == b.modelCrc &&
         a.receivedBytes == b.receivedBytes && a.modelName == b.modelName;
}
bool operator==(const FlashBegin& a, const FlashBegin& b) {
  return a.slot == b.slot && a.size == b.size && a.crc32 == b.crc32 && a.modelName == b.modelName;
}
bool operator==(const FlashChunk& a, const FlashChunk& b) {
  return a.slot == b.slot && a.offset == b.offset && sameBytes(a.data, b.data);
}
bool operator==(const FlashEnd& a, const FlashEnd& b) {
  return a.slot == b.slot;
}
bool operator==(const VerifySlot& a, const VerifySlot& b) {
  return a.slot == b.slot;
}
bool operator==(const Activate& a, const Activate& b) {
  return a.slot == b.slot;
}
bool operator==(const Rollback&, const Rollback&) {
  return true;
}
bool operator==(const Ack& a, const Ack& b) {
  return a.ackedType == b.ackedType && a.value == b.value;
}
bool operator==(const Nack& a, const Nack& b) {
  return a.nackedType == b.nackedType && a.code == b.code && a.value == b.value;
}
bool operator==(const Log& a, const Log& b) {
  return a.level == b.level && a.timestampUs == b.timestampUs && a.text == b.text;
}
bool operator==(const Error& a, const Error& b) {
  return a.code == b.code && a.text == b.text;
}

}  // namespace tinyscope::proto
