// From a received payload to a typed struct in one call: reads the header, decodes the
// body into the struct the header names and calls visitor(header, message).
//
//   dispatchMessage(decoder.frame(), [&](const Header& h, const auto& m) { handle(h, m); });
//
// The visitor must accept every message type it can be given (a generic lambda or an
// overload set). It is called only when decoding succeeded; the return value is the decode
// status. The struct lives on the caller's stack for the duration of the call and its bulk
// views point into `message`. The cases come from the catalogue (messages.def).
// Stack cost: dispatchMessage needs room for the largest struct (InferenceResult, ~1.8 KB);
// dispatchHostToDevice, for the agent, only instantiates the host -> device messages
// (largest: RunInference, ~80 bytes) and answers a device -> host type with
// UnknownMessageType, so its visitor needs overloads for host -> device messages only.
#pragma once

#include "device_protocol/messages.h"

namespace tinyscope::proto {

namespace detail {
template <class T, bool kHostToDeviceOnly, class Visitor>
Status decodeAndVisit(ConstByteSpan message, const Header& header, Visitor& visitor) {
  if constexpr (kHostToDeviceOnly && T::kDirection != Direction::kHostToDevice) {
    (void)message;
    (void)header;
    (void)visitor;
    return Status::kUnknownMessageType;
  } else {
    T decoded;
    const Status status = decodeMessage(message, decoded);
    if (status == Status::kOk) {
      visitor(header, static_cast<const T&>(decoded));
    }
    return status;
  }
}

template <bool kHostToDeviceOnly, class Visitor>
Status dispatch(ConstByteSpan message, Visitor& visitor) {
  Header header;
  const Status status = decodeHeader(message, header);
  if (status != Status::kOk) {
    return status;
  }
  switch (header.type) {
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBodySize) \
  case MessageType::k##Name:                                \
    return decodeAndVisit<Name, kHostToDeviceOnly>(message, header, visitor);
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
  }
  return Status::kUnknownMessageType;
}
}  // namespace detail

template <class Visitor>
Status dispatchMessage(ConstByteSpan message, Visitor&& visitor) {
  return detail::dispatch<false>(message, visitor);
}

template <class Visitor>
Status dispatchHostToDevice(ConstByteSpan message, Visitor&& visitor) {
  return detail::dispatch<true>(message, visitor);
}

}  // namespace tinyscope::proto
