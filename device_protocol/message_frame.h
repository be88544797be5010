// One call from a message struct to a ready-to-send frame, using a single buffer: the
// message is encoded near the start of `out` and then framed in place.
//
// Size `out` with frameWireSize(kMaxDeviceToHostMessageSize) (agent) or
// frameWireSize(kMaxHostToDeviceMessageSize) (desktop). Returns the encodeMessage status,
// or BufferTooSmall when the frame does not fit. Reentrant; no allocation.
#pragma once

#include "device_protocol/frame_codec.h"
#include "device_protocol/messages.h"

namespace tinyscope::proto {

template <class T>
EncodeResult encodeFrame(const Header& header, const T& message, ByteSpan out) {
  const size_t offset = FrameEncoder::inPlaceOffset(out.size());
  if (offset >= out.size()) {
    return {Status::kBufferTooSmall, 0};
  }
  const EncodeResult encoded = encodeMessage(header, message, out.subspan(offset));
  if (encoded.status != Status::kOk) {
    return encoded;
  }
  const FrameEncodeResult framed =
      FrameEncoder::encode(ConstByteSpan(out.data() + offset, encoded.size), out);
  if (!framed.ok) {
    return {Status::kBufferTooSmall, 0};
  }
  return {Status::kOk, framed.size};
}

}  // namespace tinyscope::proto
