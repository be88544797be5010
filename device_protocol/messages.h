// The one message definition shared by the firmware agent and the desktop. Which messages
// exist (id, name, direction, bound) is declared in the catalogue messages.def; this header
// holds their structs and generates the rest from the catalogue.
//
// A message is a 6-byte header followed by a body; each message travels as the payload of
// one frame (frame_codec.h). All integers are little-endian, strings and byte strings are
// an 8-bit length + bytes (no NUL), bulk data is a 16-bit length + bytes, arrays are an
// 8- or 16-bit count + elements. Bounds (kMax*) are part of the definition: a decoder
// rejects anything larger, so an MCU can size every buffer at compile time.
// docs/PROTOCOL.md is the byte-level reference and the place for flows and rules.
//
// Encoding writes into a caller span; decoding fills a caller struct. Bulk data fields
// (ConstByteSpan) are views: after decodeMessage they point into the decoded message
// bytes (usually FrameDecoder's buffer) and are valid as long as those bytes are; before
// encodeMessage the sender points them at its own data. Everything else is copied.
// All functions are reentrant; they never allocate.
//
// Errors: every function returns a Status (status.h). Decoding validates lengths, enum
// ranges, counts against bounds and cross-field consistency (validate()), so a decoded
// struct can be used without further checks. Encoding runs the same validate() first, so
// neither side ever emits what the other would reject.
#pragma once

#include "device_protocol/bounded.h"
#include "device_protocol/sha256.h"
#include "device_protocol/span.h"
#include "device_protocol/status.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

// ---- Versions -------------------------------------------------------------------------

// Protocol versions this build speaks. Hello/HelloReply keep their v1 layout forever
// (later versions may only append fields), so any two builds can negotiate.
//   1  first version
//   2  flashing sends model images: FlashBegin carries the image's SHA-256, a resume offset
//      and the prefix's SHA-256 (a version-1 FlashBegin does not decode as one); Reset;
//      Nack HashMismatch. Every other message is unchanged, so a version-1 peer still
//      streams and infers (and version-1 session logs still decode); flashing needs 2.
//   3  windowed flashing: the desktop may send up to kMaxFlashWindow FlashChunks before their
//      answers; the device handles them one at a time in arrival order and answers each (an
//      out-of-order one: Nack FlashOffsetMismatch with its offset). No message changes; with
//      a version-2 device the desktop keeps one chunk in flight.
constexpr uint8_t kMinProtocolVersion = 1;
constexpr uint8_t kMaxProtocolVersion = 3;
// The lowest version whose flashing messages carry model images: what a model image asks
// of a device (ModelImageHeader::minProtocolVersion), checked before a byte is sent.
constexpr uint8_t kFlashingProtocolVersion = 2;
// The lowest version that takes a window of FlashChunks, and the most chunks in flight.
constexpr uint8_t kWindowedFlashingProtocolVersion = 3;
constexpr uint32_t kMaxFlashWindow = 8;

// Highest version both ranges contain, or 0 when they do not overlap.
constexpr uint8_t negotiateVersion(uint8_t aMin, uint8_t aMax, uint8_t bMin, uint8_t bMax) {
  const uint8_t lo = aMin > bMin ? aMin : bMin;
  const uint8_t hi = aMax < bMax ? aMax : bMax;
  return (lo <= hi && lo != 0) ? hi : 0;
}

// ---- Bounds -----------------------------------------------------------------------------

constexpr size_t kMaxNameLen = 24;      // sensor, slot/model, board, host names
constexpr size_t kMaxUnitsLen = 8;      // "m/s^2", "dps", "uT", "Pa"
constexpr size_t kMaxVersionLen = 32;   // firmware version string
constexpr size_t kMaxDeviceIdLen = 16;  // unique device id bytes (e.g. 96-bit STM32 UID)
constexpr size_t kMaxTextLen = 120;     // log and error text
constexpr size_t kMaxSensors = 8;
constexpr size_t kMaxAxes = 16;                // channels per sensor / per window
constexpr size_t kMaxSlots = 4;                // model slots
constexpr size_t kMaxOps = 128;                // op codes in HelloReply, op timings per result
constexpr size_t kMaxCaptureOps = 32;          // explicitly selected ops for tensor capture
constexpr size_t kMaxInputs = 4;               // model inputs addressable by InputChunk
constexpr size_t kMaxOutputs = 4;              // output tensors in an InferenceResult
constexpr size_t kMaxRank = 6;                 // tensor dimensions
constexpr size_t kMaxChunk = 512;              // bulk bytes in one SensorWindow/*Chunk message
constexpr size_t kMaxInlineOutputBytes = 256;  // output bytes carried inside InferenceResult
constexpr uint16_t kMinDeviceFrameSize = 64;   // smallest maxFrameSize a device may announce

constexpr uint8_t kActiveSlot = 0xFF;        // RunInference.slot: the active model
constexpr uint16_t kModelInputOp = 0xFFFE;   // TensorChunk.opIndex: a model input
constexpr uint16_t kModelOutputOp = 0xFFFF;  // TensorChunk.opIndex: a model output
// RunPipeline's TensorChunks: the samples it heard (int16 [n]), and front-end window w's op o
// as kFrontEndOpFlag | w << 8 | o (w < kMaxPipelineWindows, o < 255).
constexpr uint16_t kPipelineSamplesOp = 0xFFFD;
constexpr uint16_t kFrontEndOpFlag = 0x8000;
constexpr size_t kMaxPipelineWindows = 127;
constexpr uint16_t frontEndOpIndex(uint16_t window, uint16_t op) {
  return static_cast<uint16_t>(kFrontEndOpFlag | (window << 8) | op);
}
constexpr bool isFrontEndOp(uint16_t opIndex) {
  return opIndex >= kFrontEndOpFlag && opIndex < frontEndOpIndex(kMaxPipelineWindows, 0);
}

// ---- The catalogue (messages.def): types, directions, bounds ----------------------------

// Part sizes the catalogue's bounds are built from (the wire shapes in docs/PROTOCOL.md).
constexpr size_t kSensorInfoMaxSize = 1 + (1 + kMaxNameLen) + 1 + (1 + kMaxUnitsLen) + 1 + 4 + 4;
constexpr size_t kTensorDescMaxSize = 1 + (1 + kMaxRank * 4) + 4 + 4;
constexpr size_t kOpTimingSize = 2 + 2 + 4 + 4;
constexpr size_t kSlotInfoMaxSize = 1 + 1 + 4 * 4 + (1 + kMaxNameLen);

// Every message, from the catalogue (messages.def): MessageType::kHello = 0x01, ...
enum class MessageType : uint8_t {
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize) k##Name = id,
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
};
bool isValid(MessageType v);
bool isHostToDevice(MessageType v);
const char* messageTypeName(MessageType v);  // "HelloReply"; "?" when invalid

enum class Direction : uint8_t { kHostToDevice, kDeviceToHost };

// The catalogue's bound for a message type's body (0 for an invalid type).
constexpr size_t maxBodySize(MessageType type) {
  switch (type) {
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize) \
  case MessageType::k##Name:                                \
    return (maxBodySize);
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
  }
  return 0;
}

constexpr Direction directionOf(MessageType type) {
  switch (type) {
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize) \
  case MessageType::k##Name:                                \
    return Direction::k##direction;
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
  }
  return Direction::kDeviceToHost;
}

// Base of every message struct: its catalogue entry as compile-time constants.
template <MessageType Type>
struct MessageOf {
  static constexpr MessageType kType = Type;
  static constexpr Direction kDirection = directionOf(Type);
  static constexpr size_t kMaxBodySize = maxBodySize(Type);
};

// ---- Other enumerations (all 8-bit on the wire, except ErrorCode) ----------------------

enum class ElementType : uint8_t {
  kInt8 = 1,
  kUInt8 = 2,
  kInt16 = 3,
  kUInt16 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kUInt32 = 7,  // e.g. the audio front-end's energies and filter-bank channels
  kUInt64 = 8,
};
bool isValid(ElementType v);
size_t elementSize(ElementType v);  // 0 when invalid

enum class SlotState : uint8_t {
  kEmpty = 0,
  kReceiving = 1,
  kValid = 2,
  kActive = 3,
  kInvalid = 4,
  kTesting = 5,  // active since Activate, not yet confirmed: a reset reverts it
};
bool isValid(SlotState v);

enum class InputSource : uint8_t {
  kLatestWindow = 0,  // the newest window of RunInference.streamId
  kUploaded = 1,      // what InputChunk messages delivered since the last run
};
bool isValid(InputSource v);

enum class CaptureMode : uint8_t { kNone = 0, kAllOps = 1, kSelectedOps = 2 };
bool isValid(CaptureMode v);

enum class InferenceStatus : uint8_t {
  kOk = 0,
  kNoModel = 1,
  kModelInvalid = 2,
  kInputMissing = 3,
  kInputSizeMismatch = 4,
  kArenaTooSmall = 5,
  kUnsupportedOp = 6,
  kKernelFailed = 7,
  kBusy = 8,
};
bool isValid(InferenceStatus v);

enum class NackCode : uint8_t {
  kMalformed = 1,        // the request did not decode (its Status is lost on purpose)
  kUnsupportedType = 2,  // a valid type this device does not implement
  kNotNegotiated = 3,    // request before a successful Hello
  kWrongVersion = 4,     // header version differs from the negotiated one
  kInvalidArgument = 5,
  kBusy = 6,
  kNoSuchSensor = 7,
  kNoSuchStream = 8,
  kRateUnsupported = 9,
  kWindowTooLarge = 10,
  kNoSuchSlot = 11,
  kSlotTooSmall = 12,
  kFlashOffsetMismatch = 13,  // Nack.value = the offset the device expects
  kFlashWriteFailed = 14,
  kCrcMismatch = 15,  // Nack.value = the CRC-32 the device computed
  kSlotNotValid = 16,
  kNoRollbackTarget = 17,
  kInputTooLarge = 18,
  kHashMismatch = 19,  // Nack.value = first 4 bytes (LE) of the SHA-256 the device computed
};
bool isValid(NackCode v);

enum class LogLevel : uint8_t { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
bool isValid(LogLevel v);

enum class ErrorCode : uint16_t {
  kInternal = 1,
  kRxOverflow = 2,  // the device dropped received frames (its decoder counters grew)
  kTxOverflow = 3,  // the device dropped messages it could not send in time
  kSensorFault = 4,
  kStreamOverrun = 5,  // windows were lost; SensorWindow.sequence shows the gap
  kWatchdog = 6,       // the device rebooted after a watchdog reset
  kStorageFault = 7,
};
bool isValid(ErrorCode v);

// ---- Header -------------------------------------------------------------------------------

constexpr size_t kHeaderSize = 6;

struct Header {
  uint8_t version = kMaxProtocolVersion;  // negotiated version (Hello: sender's highest)
  MessageType type = MessageType::kHello;
  uint16_t sequence = 0;   // per sender, +1 per message, wraps; gaps = lost frames
  uint16_t requestId = 0;  // requests: chosen by the host; replies echo it; 0 = unsolicited
};

// ---- Shared parts -----------------------------------------------------------------------

struct SensorInfo {
  uint8_t sensorId = 0;
  BoundedString<kMaxNameLen> name;
  uint8_t axes = 1;  // 1..kMaxAxes
  BoundedString<kMaxUnitsLen> units;
  ElementType sampleType = ElementType::kInt16;
  uint32_t rateMilliHz = 0;  // default rate (1..maxRateMilliHz), 1/1000 Hz
  uint32_t maxRateMilliHz = 0;
};

struct TensorDesc {
  ElementType type = ElementType::kInt8;
  BoundedArray<int32_t, kMaxRank> dims;  // each >= 1; rank 0 = scalar
  float scale = 0.0f;                    // finite, >= 0; 0 = not quantized
  int32_t zeroPoint = 0;
};
// Bytes of a tensor described by `d`, or 0 when it would not fit in 32 bits.
uint32_t tensorByteSize(const TensorDesc& d);

struct OpTiming {
  uint16_t opIndex = 0;  // position in the model's execution order
  uint16_t opCode = 0;   // TFLite BuiltinOperator (32 = CUSTOM)
  uint32_t ticks = 0;    // device timer ticks (HelloReply.tickHz per second)
  uint32_t micros = 0;
};

struct OutputTensor {
  TensorDesc desc;
  ConstByteSpan data;  // empty (sent as TensorChunk with kModelOutputOp) or all bytes
};

// ---- Messages (declared in messages.def; MessageOf gives kType, kDirection, kMaxBodySize) ---

struct Hello : MessageOf<MessageType::kHello> {
  uint8_t minVersion = kMinProtocolVersion;
  uint8_t maxVersion = kMaxProtocolVersion;
  BoundedString<kMaxNameLen> hostName;
};

struct SlotInfo : MessageOf<MessageType::kSlotInfo> {
  uint8_t slot = 0;
  SlotState state = SlotState::kEmpty;
  uint32_t capacity = 0;       // bytes the slot can hold
  uint32_t modelSize = 0;      // <= capacity; announced size while Receiving
  uint32_t modelCrc = 0;       // CRC-32 of the model image
  uint32_t receivedBytes = 0;  // <= modelSize; resume point while Receiving
  BoundedString<kMaxNameLen> modelName;
};

struct HelloReply : MessageOf<MessageType::kHelloReply> {
  uint8_t minVersion = kMinProtocolVersion;
  uint8_t maxVersion = kMaxProtocolVersion;
  uint8_t chosenVersion = 0;  // negotiateVersion(host, device); 0 = incompatible
  BoundedBytes<kMaxDeviceIdLen> deviceId;
  BoundedString<kMaxVersionLen> firmwareVersion;
  BoundedString<kMaxNameLen> boardName;
  uint32_t arenaBytes = 0;                      // tensor arena available to models
  uint16_t maxFrameSize = kMinDeviceFrameSize;  // largest message (header+body) the device accepts
  uint32_t tickHz = 1000000;                    // OpTiming.ticks per second (> 0)
  BoundedArray<SensorInfo, kMaxSensors> sensors;
  BoundedArray<SlotInfo, kMaxSlots> slots;
  BoundedArray<uint16_t, kMaxOps> opCodes;  // supported TFLite BuiltinOperator codes
};

struct StartStream : MessageOf<MessageType::kStartStream> {
  uint8_t streamId = 0;
  uint8_t sensorId = 0;
  uint32_t rateMilliHz = 0;    // 0 = the sensor's default rate
  uint16_t windowSamples = 1;  // samples per SensorWindow (>= 1)
};

struct StopStream : MessageOf<MessageType::kStopStream> {
  uint8_t streamId = 0;
};

struct SetRate : MessageOf<MessageType::kSetRate> {
  uint8_t streamId = 0;
  uint32_t rateMilliHz = 1;  // > 0
};

struct SensorWindow : MessageOf<MessageType::kSensorWindow> {
  uint8_t streamId = 0;
  uint32_t sequence = 0;     // per stream, +1 per window from 0 at StartStream
  uint64_t timestampUs = 0;  // device time of the first sample
  ElementType sampleType = ElementType::kInt16;
  uint8_t channels = 1;      // 1..kMaxAxes
  uint16_t sampleCount = 1;  // >= 1, samples per channel
  ConstByteSpan payload;     // interleaved samples, LE; channels*sampleCount*size <= kMaxChunk
};

struct InputChunk : MessageOf<MessageType::kInputChunk> {
  uint8_t inputIndex = 0;   // < kMaxInputs
  uint32_t totalBytes = 0;  // size of the whole input tensor
  uint32_t offset = 0;      // offset + data.size() <= totalBytes
  ConstByteSpan data;       // <= kMaxChunk
};

struct RunInference : MessageOf<MessageType::kRunInference> {
  uint8_t slot = kActiveSlot;
  InputSource source = InputSource::kLatestWindow;
  uint8_t streamId = 0;  // for LatestWindow
  CaptureMode capture = CaptureMode::kNone;
  BoundedArray<uint16_t, kMaxCaptureOps> captureOps;  // op indices; non-empty iff SelectedOps
};

// The input of `slot`'s model built on the device: the front-end model in `frontEndSlot` runs
// once per window over the first samples of stream `streamId` since its StartStream (windows
// of the front-end's input length, `strideSamples` apart, as many as the model's input 0
// holds front-end outputs), its output 0 of each window stacked into that input. Answered like
// RunInference: with capture, TensorChunks of the samples (kPipelineSamplesOp), of each
// window's front-end ops (frontEndOpIndex) and of the model's ops, then one InferenceResult.
struct RunPipeline : MessageOf<MessageType::kRunPipeline> {
  uint8_t frontEndSlot = 0;
  uint8_t slot = kActiveSlot;
  uint8_t streamId = 0;
  uint16_t strideSamples = 1;                // >= 1
  CaptureMode capture = CaptureMode::kNone;  // None or AllOps
};

struct InferenceResult : MessageOf<MessageType::kInferenceResult> {
  InferenceStatus status = InferenceStatus::kOk;
  uint32_t totalTicks = 0;
  uint32_t totalMicros = 0;
  BoundedArray<OpTiming, kMaxOps> ops;
  BoundedArray<OutputTensor, kMaxOutputs> outputs;  // inline data <= kMaxInlineOutputBytes in all
};

struct TensorChunk : MessageOf<MessageType::kTensorChunk> {
  uint16_t opIndex = 0;     // op whose output this is, or kModelInputOp / kModelOutputOp
  uint8_t tensorIndex = 0;  // which output of the op (which input/output of the model)
  TensorDesc desc;
  uint32_t totalBytes = 0;  // == tensorByteSize(desc)
  uint32_t offset = 0;      // offset + data.size() <= totalBytes
  ConstByteSpan data;       // <= kMaxChunk
};

struct SlotInfoRequest : MessageOf<MessageType::kSlotInfoRequest> {
  uint8_t slot = 0;
};

struct FlashBegin : MessageOf<MessageType::kFlashBegin> {
  uint8_t slot = 0;
  uint32_t size = 1;   // model image bytes, >= 1
  uint32_t crc32 = 0;  // CRC-32 of the whole image
  BoundedString<kMaxNameLen> modelName;
  // SHA-256 of the whole image: FlashEnd refuses a slot whose bytes hash otherwise.
  BoundedBytes<kSha256Size> imageSha256;  // exactly kSha256Size bytes
  // Resume request: continue at resumeOffset only if the device holds a transfer of the
  // same image (size, CRC, name, imageSha256) with exactly resumeOffset bytes whose SHA-256
  // is prefixSha256; otherwise (and always when resumeOffset is 0) it erases and starts at 0.
  uint32_t resumeOffset = 0;               // <= size
  BoundedBytes<kSha256Size> prefixSha256;  // exactly kSha256Size bytes
};

struct FlashChunk : MessageOf<MessageType::kFlashChunk> {
  uint8_t slot = 0;
  uint32_t offset = 0;
  ConstByteSpan data;  // 1..kMaxChunk bytes
};

struct FlashEnd : MessageOf<MessageType::kFlashEnd> {
  uint8_t slot = 0;
};

struct VerifySlot : MessageOf<MessageType::kVerifySlot> {
  uint8_t slot = 0;
};

struct Activate : MessageOf<MessageType::kActivate> {
  uint8_t slot = 0;
};

struct Rollback : MessageOf<MessageType::kRollback> {};

// Makes the model Activate put in test state (SlotState::kTesting) permanent. Ack value:
// the active slot. Without it, a reset returns to the model active before.
struct Confirm : MessageOf<MessageType::kConfirm> {};

// Reboots the device (hal::reboot()) after acknowledging; the link drops and the desktop
// shakes hands again. What the slot journal holds decides the model after the reset.
struct Reset : MessageOf<MessageType::kReset> {};

struct Ack : MessageOf<MessageType::kAck> {
  MessageType ackedType = MessageType::kHello;
  uint32_t value = 0;  // FlashBegin/FlashChunk: next offset; FlashEnd/VerifySlot: CRC-32
};

struct Nack : MessageOf<MessageType::kNack> {
  uint8_t nackedType = 0;  // raw: the refused type may be unknown to the device
  NackCode code = NackCode::kMalformed;
  uint32_t value = 0;  // code-specific detail (see NackCode)
};

struct Log : MessageOf<MessageType::kLog> {
  LogLevel level = LogLevel::kInfo;
  uint64_t timestampUs = 0;
  BoundedString<kMaxTextLen> text;
};

struct Error : MessageOf<MessageType::kError> {
  ErrorCode code = ErrorCode::kInternal;
  BoundedString<kMaxTextLen> text;
};

// Largest message (header + body) in each direction and overall, from the catalogue.
constexpr size_t maxMessageSize(Direction direction) {
  size_t body = 0;
#define TINYSCOPE_MESSAGE(Name, id, dir, maxBody) \
  if (Direction::k##dir == direction && Name::kMaxBodySize > body) body = Name::kMaxBodySize;
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
  return kHeaderSize + body;
}
constexpr size_t kMaxHostToDeviceMessageSize = maxMessageSize(Direction::kHostToDevice);
constexpr size_t kMaxDeviceToHostMessageSize = maxMessageSize(Direction::kDeviceToHost);
constexpr size_t kMaxMessageSize = kMaxHostToDeviceMessageSize > kMaxDeviceToHostMessageSize
                                       ? kMaxHostToDeviceMessageSize
                                       : kMaxDeviceToHostMessageSize;

// ---- Encoding and decoding --------------------------------------------------------------

struct EncodeResult {
  Status status;
  size_t size;  // bytes written to `out` (header + body) when status == Ok
};

// Header of a message of type T, at this build's highest version.
template <class T>
constexpr Header makeHeader(uint16_t sequence, uint16_t requestId = 0) {
  Header h;
  h.version = kMaxProtocolVersion;
  h.type = T::kType;
  h.sequence = sequence;
  h.requestId = requestId;
  return h;
}

// Reads and checks the header: Truncated, UnknownMessageType, UnsupportedVersion (a
// version outside kMin..kMaxProtocolVersion; Hello/HelloReply accept any version >= 1).
Status decodeHeader(ConstByteSpan message, Header& header);

// One overload of each per message struct T (generated from the catalogue):
//
//   Status validate(const T& m);
//     Semantic checks shared by encode and decode (OutOfRange, LengthMismatch, ChunkTooLarge).
//   EncodeResult encodeMessage(const Header& header, const T& m, ByteSpan out);
//     Encodes header + body into `out`. WrongMessageType when header.type != T::kType,
//     BufferTooSmall when `out` is short, else what validate() or the field encoders report.
//   Status decodeMessage(ConstByteSpan message, T& m);
//     Decodes a whole message (header included) into `m`. WrongMessageType when the header
//     names another type; TrailingBytes when bytes follow the last field (except for
//     Hello/HelloReply, which later versions may extend); else the first problem found.
//     On failure `m` holds unspecified (but safe) values.
//   bool operator==(const T& a, const T& b);
//     Field-by-field equality (bulk views compare by content); also for the shared parts.
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize)                      \
  Status validate(const Name& m);                                                \
  EncodeResult encodeMessage(const Header& header, const Name& m, ByteSpan out); \
  Status decodeMessage(ConstByteSpan message, Name& m);                          \
  bool operator==(const Name& a, const Name& b);
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE

bool operator==(const Header& a, const Header& b);
bool operator==(const SensorInfo& a, const SensorInfo& b);
bool operator==(const TensorDesc& a, const TensorDesc& b);
bool operator==(const OpTiming& a, const OpTiming& b);
bool operator==(const OutputTensor& a, const OutputTensor& b);

}  // namespace tinyscope::proto
