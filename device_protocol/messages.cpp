#include "device_protocol/messages.h"

#include "device_protocol/wire_reader.h"
#include "device_protocol/wire_writer.h"

#include <cfloat>

namespace tinyscope::proto {

// ---- Enumerations ------------------------------------------------------------------------

bool isValid(MessageType v) {
  switch (v) {
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize) case MessageType::k##Name:
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
    return true;
  }
  return false;
}

bool isHostToDevice(MessageType v) {
  return isValid(v) && directionOf(v) == Direction::kHostToDevice;
}

const char* messageTypeName(MessageType v) {
  switch (v) {
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize) \
  case MessageType::k##Name:                                \
    return #Name;
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
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
    case ElementType::kUInt32:
      return 4;
    case ElementType::kUInt64:
      return 8;
  }
  return 0;
}

bool isValid(SlotState v) {
  return static_cast<uint8_t>(v) <= static_cast<uint8_t>(SlotState::kTesting);
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
         static_cast<uint8_t>(v) <= static_cast<uint8_t>(NackCode::kHashMismatch);
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
// A struct's wire order is written once, in Schema<T>::visit(io, m...), and serves three
// walks: IO = WireWriter with one `const T` (encode), WireReader with one `T` (decode), and
// FieldCompare with two `const T` (equality, field by field). Every wire shape below has
// one overload per IO; WireWriter and WireReader bring the scalars (u8 ... f32).

// The equality walk: sees each field of both structs together.
class FieldCompare {
 public:
  template <class V>
  void same(const V& a, const V& b) {
    m_equal = m_equal && a == b;
  }
  void same(const ConstByteSpan& a, const ConstByteSpan& b) {
    m_equal = m_equal && sameBytes(a, b);
  }
  template <class V>
  void u8(const V& a, const V& b) {
    same(a, b);
  }
  template <class V>
  void u16(const V& a, const V& b) {
    same(a, b);
  }
  template <class V>
  void u32(const V& a, const V& b) {
    same(a, b);
  }
  template <class V>
  void u64(const V& a, const V& b) {
    same(a, b);
  }
  template <class V>
  void i32(const V& a, const V& b) {
    same(a, b);
  }
  template <class V>
  void f32(const V& a, const V& b) {
    same(a, b);
  }
  bool equal() const { return m_equal; }

 private:
  bool m_equal = true;
};

template <class T>
struct Schema;

// Counts and lengths: 8- or 16-bit by the type the caller names.
void count(WireWriter& w, uint8_t v) {
  w.u8(v);
}
void count(WireWriter& w, uint16_t v) {
  w.u16(v);
}
void count(WireReader& r, uint8_t& v) {
  r.u8(v);
}
void count(WireReader& r, uint16_t& v) {
  r.u16(v);
}

// An enumeration as a Raw-sized integer that must name one of its values.
template <class Raw, class E>
void enumAs(WireWriter& w, const E& v) {
  if (!isValid(v)) {
    w.fail(Status::kInvalidEnum);
  }
  count(w, static_cast<Raw>(v));
}
template <class Raw, class E>
void enumAs(WireReader& r, E& v) {
  Raw raw = 0;
  count(r, raw);
  v = static_cast<E>(raw);
  if (r.ok() && !isValid(v)) {
    r.fail(Status::kInvalidEnum);
  }
}
template <class Raw, class E>
void enumAs(FieldCompare& c, const E& a, const E& b) {
  c.same(a, b);
}

// A BoundedString or BoundedBytes: 8-bit length, then the bytes (strings refuse NUL).
template <class B>
void short8(WireWriter& w, const B& b) {
  w.u8(static_cast<uint8_t>(b.size()));
  w.bytes(b.bytes());
}
template <class B>
void short8(WireReader& r, B& b) {
  uint8_t len = 0;
  r.u8(len);
  if (r.ok() && len > B::kCapacity) {
    r.fail(Status::kStringTooLong);
  }
  ConstByteSpan raw;
  r.bytes(len, raw);
  if (r.ok() && !b.assign(raw)) {
    r.fail(Status::kInvalidString);
  }
}
template <class B>
void short8(FieldCompare& c, const B& a, const B& b) {
  c.same(a, b);
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
void data16(FieldCompare& c, const ConstByteSpan& a, const ConstByteSpan& b) {
  c.same(a, b);
}

// A BoundedArray: a Count-sized element count (checked against the bound before any
// element is read), then the elements in their own Schema.
template <class Count, class T, size_t N>
void arrayOf(WireWriter& w, const BoundedArray<T, N>& a) {
  static_assert(N <= static_cast<Count>(~Count{0}), "the bound fits the count's width");
  count(w, static_cast<Count>(a.size()));
  for (const T& item : a) {
    Schema<T>::visit(w, item);
  }
}
template <class Count, class T, size_t N>
void arrayOf(WireReader& r, BoundedArray<T, N>& a) {
  Count n = 0;
  count(r, n);
  if (!r.ok()) {
    return;
  }
  if (!a.resize(n)) {
    r.fail(Status::kCountTooLarge);
    return;
  }
  for (size_t i = 0; i < a.size() && r.ok(); ++i) {
    Schema<T>::visit(r, a[i]);
  }
}
template <class Count, class A>
void arrayOf(FieldCompare& c, const A& a, const A& b) {
  c.same(a, b);
}

// ---- Schema: the wire order of every struct, in one place ----------------------------
// visit(io, m...): `m` is one struct for WireWriter/WireReader and two for FieldCompare.

template <>
struct Schema<uint16_t> {
  template <class IO, class... M>
  static void visit(IO& io, M&... v) {
    io.u16(v...);
  }
};
template <>
struct Schema<int32_t> {
  template <class IO, class... M>
  static void visit(IO& io, M&... v) {
    io.i32(v...);
  }
};
template <>
struct Schema<Header> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.version...);
    enumAs<uint8_t>(io, m.type...);
    io.u16(m.sequence...);
    io.u16(m.requestId...);
  }
};
template <>
struct Schema<SensorInfo> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.sensorId...);
    short8(io, m.name...);
    io.u8(m.axes...);
    short8(io, m.units...);
    enumAs<uint8_t>(io, m.sampleType...);
    io.u32(m.rateMilliHz...);
    io.u32(m.maxRateMilliHz...);
  }
};
template <>
struct Schema<TensorDesc> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    enumAs<uint8_t>(io, m.type...);
    arrayOf<uint8_t>(io, m.dims...);
    io.f32(m.scale...);
    io.i32(m.zeroPoint...);
  }
};
template <>
struct Schema<OpTiming> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u16(m.opIndex...);
    io.u16(m.opCode...);
    io.u32(m.ticks...);
    io.u32(m.micros...);
  }
};
template <>
struct Schema<OutputTensor> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    Schema<TensorDesc>::visit(io, m.desc...);
    data16(io, m.data...);
  }
};
template <>
struct Schema<Hello> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.minVersion...);
    io.u8(m.maxVersion...);
    short8(io, m.hostName...);
  }
};
template <>
struct Schema<SlotInfo> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.slot...);
    enumAs<uint8_t>(io, m.state...);
    io.u32(m.capacity...);
    io.u32(m.modelSize...);
    io.u32(m.modelCrc...);
    io.u32(m.receivedBytes...);
    short8(io, m.modelName...);
  }
};
template <>
struct Schema<HelloReply> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.minVersion...);
    io.u8(m.maxVersion...);
    io.u8(m.chosenVersion...);
    short8(io, m.deviceId...);
    short8(io, m.firmwareVersion...);
    short8(io, m.boardName...);
    io.u32(m.arenaBytes...);
    io.u16(m.maxFrameSize...);
    io.u32(m.tickHz...);
    arrayOf<uint8_t>(io, m.sensors...);
    arrayOf<uint8_t>(io, m.slots...);
    arrayOf<uint16_t>(io, m.opCodes...);
  }
};
template <>
struct Schema<StartStream> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.streamId...);
    io.u8(m.sensorId...);
    io.u32(m.rateMilliHz...);
    io.u16(m.windowSamples...);
  }
};
template <>
struct Schema<StopStream> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.streamId...);
  }
};
template <>
struct Schema<SetRate> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.streamId...);
    io.u32(m.rateMilliHz...);
  }
};
template <>
struct Schema<SensorWindow> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.streamId...);
    io.u32(m.sequence...);
    io.u64(m.timestampUs...);
    enumAs<uint8_t>(io, m.sampleType...);
    io.u8(m.channels...);
    io.u16(m.sampleCount...);
    data16(io, m.payload...);
  }
};
template <>
struct Schema<InputChunk> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.inputIndex...);
    io.u32(m.totalBytes...);
    io.u32(m.offset...);
    data16(io, m.data...);
  }
};
template <>
struct Schema<RunInference> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.slot...);
    enumAs<uint8_t>(io, m.source...);
    io.u8(m.streamId...);
    enumAs<uint8_t>(io, m.capture...);
    arrayOf<uint8_t>(io, m.captureOps...);
  }
};
template <>
struct Schema<RunPipeline> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.frontEndSlot...);
    io.u8(m.slot...);
    io.u8(m.streamId...);
    io.u16(m.strideSamples...);
    enumAs<uint8_t>(io, m.capture...);
  }
};
template <>
struct Schema<InferenceResult> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    enumAs<uint8_t>(io, m.status...);
    io.u32(m.totalTicks...);
    io.u32(m.totalMicros...);
    arrayOf<uint16_t>(io, m.ops...);
    arrayOf<uint8_t>(io, m.outputs...);
  }
};
template <>
struct Schema<TensorChunk> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u16(m.opIndex...);
    io.u8(m.tensorIndex...);
    Schema<TensorDesc>::visit(io, m.desc...);
    io.u32(m.totalBytes...);
    io.u32(m.offset...);
    data16(io, m.data...);
  }
};
template <>
struct Schema<FlashBegin> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.slot...);
    io.u32(m.size...);
    io.u32(m.crc32...);
    short8(io, m.modelName...);
    short8(io, m.imageSha256...);
    io.u32(m.resumeOffset...);
    short8(io, m.prefixSha256...);
  }
};
template <>
struct Schema<FlashChunk> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.slot...);
    io.u32(m.offset...);
    data16(io, m.data...);
  }
};
// One-byte slot commands share a layout.
struct SlotOnlySchema {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.slot...);
  }
};
template <>
struct Schema<SlotInfoRequest> : SlotOnlySchema {};
template <>
struct Schema<FlashEnd> : SlotOnlySchema {};
template <>
struct Schema<VerifySlot> : SlotOnlySchema {};
template <>
struct Schema<Activate> : SlotOnlySchema {};
// Empty bodies share a layout.
struct EmptySchema {
  template <class IO, class... M>
  static void visit(IO&, M&...) {}
};
template <>
struct Schema<Rollback> : EmptySchema {};
template <>
struct Schema<Confirm> : EmptySchema {};
template <>
struct Schema<Reset> : EmptySchema {};
template <>
struct Schema<Ack> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    enumAs<uint8_t>(io, m.ackedType...);
    io.u32(m.value...);
  }
};
template <>
struct Schema<Nack> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    io.u8(m.nackedType...);
    enumAs<uint8_t>(io, m.code...);
    io.u32(m.value...);
  }
};
template <>
struct Schema<Log> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    enumAs<uint8_t>(io, m.level...);
    io.u64(m.timestampUs...);
    short8(io, m.text...);
  }
};
template <>
struct Schema<Error> {
  template <class IO, class... M>
  static void visit(IO& io, M&... m) {
    enumAs<uint16_t>(io, m.code...);
    short8(io, m.text...);
  }
};

template <class T>
bool sameFields(const T& a, const T& b) {
  FieldCompare c;
  Schema<T>::visit(c, a, b);
  return c.equal();
}

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

Status validate(const RunPipeline& m) {
  if (!isValid(m.capture)) {
    return Status::kInvalidEnum;
  }
  if (m.capture == CaptureMode::kSelectedOps || m.strideSamples == 0) {
    return Status::kOutOfRange;  // the front-end's ops are captured all or none
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
  if (m.imageSha256.size() != kSha256Size || m.prefixSha256.size() != kSha256Size) {
    return Status::kLengthMismatch;
  }
  return (m.size >= 1 && m.resumeOffset <= m.size) ? Status::kOk : Status::kOutOfRange;
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
Status validate(const Confirm&) {
  return Status::kOk;
}
Status validate(const Reset&) {
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

// ---- encode / decode / equality, one set per catalogue entry ----------------------------

#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize)                       \
  static_assert(Name::kType == MessageType::k##Name, #Name " has its own kType"); \
  EncodeResult encodeMessage(const Header& header, const Name& m, ByteSpan out) { \
    return encodeImpl(header, m, out);                                            \
  }                                                                               \
  Status decodeMessage(ConstByteSpan message, Name& m) {                          \
    return decodeImpl(message, m);                                                \
  }                                                                               \
  bool operator==(const Name& a, const Name& b) {                                 \
    return sameFields(a, b);                                                      \
  }
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE

bool operator==(const Header& a, const Header& b) {
  return sameFields(a, b);
}
bool operator==(const SensorInfo& a, const SensorInfo& b) {
  return sameFields(a, b);
}
bool operator==(const TensorDesc& a, const TensorDesc& b) {
  return sameFields(a, b);
}
bool operator==(const OpTiming& a, const OpTiming& b) {
  return sameFields(a, b);
}
bool operator==(const OutputTensor& a, const OutputTensor& b) {
  return sameFields(a, b);
}

}  // namespace tinyscope::proto
