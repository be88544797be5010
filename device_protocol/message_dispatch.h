// From a received payload to a typed struct in one call: reads the header, decodes the
// body into the struct the header names and calls visitor(header, message).
//
//   dispatchMessage(decoder.frame(), [&](const Header& h, const auto& m) { handle(h, m); });
//
// The visitor must accept every message type (a generic lambda or an overload set). It is
// called only when decoding succeeded; the return value is the decode status. The struct
// lives on the caller's stack for the duration of the call and its bulk views point into
// `message`. Stack cost: dispatchMessage needs room for the largest struct
// (InferenceResult, ~1.8 KB); dispatchHostToDevice, for the agent, only instantiates the
// host -> device messages (largest: RunInference, ~80 bytes) and answers a device -> host
// type with UnknownMessageType.
#pragma once

#include "device_protocol/messages.h"

namespace tinyscope::proto {

namespace detail {
template <class T, class Visitor>
Status decodeAndVisit(ConstByteSpan message, const Header& header, Visitor& visitor) {
  T decoded;
  const Status status = decodeMessage(message, decoded);
  if (status == Status::kOk) {
    visitor(header, static_cast<const T&>(decoded));
  }
  return status;
}
}  // namespace detail

template <class Visitor>
Status dispatchHostToDevice(ConstByteSpan message, Visitor&& visitor) {
  Header header;
  const Status status = decodeHeader(message, header);
  if (status != Status::kOk) {
    return status;
  }
  switch (header.type) {
    case MessageType::kHello:
      return detail::decodeAndVisit<Hello>(message, header, visitor);
    case MessageType::kStartStream:
      return detail::decodeAndVisit<StartStream>(message, header, visitor);
    case MessageType::kStopStream:
      return detail::decodeAndVisit<StopStream>(message, header, visitor);
    case MessageType::kSetRate:
      return detail::decodeAndVisit<SetRate>(message, header, visitor);
    case MessageType::kInputChunk:
      return detail::decodeAndVisit<InputChunk>(message, header, visitor);
    case MessageType::kRunInference:
      return detail::decodeAndVisit<RunInference>(message, header, visitor);
    case MessageType::kSlotInfoRequest:
      return detail::decodeAndVisit<SlotInfoRequest>(message, header, visitor);
    case MessageType::kFlashBegin:
      return detail::decodeAndVisit<FlashBegin>(message, header, visitor);
    case MessageType::kFlashChunk:
      return detail::decodeAndVisit<FlashChunk>(message, header, visitor);
    case MessageType::kFlashEnd:
      return detail::decodeAndVisit<FlashEnd>(message, header, visitor);
    case MessageType::kVerifySlot:
      return detail::decodeAndVisit<VerifySlot>(message, header, visitor);
    case MessageType::kActivate:
      return detail::decodeAndVisit<Activate>(message, header, visitor);
    case MessageType::kRollback:
      return detail::decodeAndVisit<Rollback>(message, header, visitor);
    default:
      return Status::kUnknownMessageType;
  }
}

template <class Visitor>
Status dispatchMessage(ConstByteSpan message, Visitor&& visitor) {
  Header header;
  const Status status = decodeHeader(message, header);
  if (status != Status::kOk) {
    return status;
  }
  if (isHostToDevice(header.type)) {
    return dispatchHostToDevice(message, visitor);
  }
  switch (header.type) {
    case MessageType::kHelloReply:
      return detail::decodeAndVisit<HelloReply>(message, header, visitor);
    case MessageType::kSensorWindow:
      return detail::decodeAndVisit<SensorWindow>(message, header, visitor);
    case MessageType::kInferenceResult:
      return detail::decodeAndVisit<InferenceResult>(message, header, visitor);
    case MessageType::kTensorChunk:
      return detail::decodeAndVisit<TensorChunk>(message, header, visitor);
    case MessageType::kSlotInfo:
      return detail::decodeAndVisit<SlotInfo>(message, header, visitor);
    case MessageType::kAck:
      return detail::decodeAndVisit<Ack>(message, header, visitor);
    case MessageType::kNack:
      return detail::decodeAndVisit<Nack>(message, header, visitor);
    case MessageType::kLog:
      return detail::decodeAndVisit<Log>(message, header, visitor);
    case MessageType::kError:
      return detail::decodeAndVisit<Error>(message, header, visitor);
    default:
      return Status::kUnknownMessageType;
  }
}

}  // namespace tinyscope::proto
