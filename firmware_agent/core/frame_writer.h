// The agent's non-blocking transmit path: one message at a time is encoded and framed into
// a single static buffer, then handed to hal::write() over as many poll() steps as the
// link needs. Nothing is ever dropped once send() accepted it.
//
// Ownership: owns its frame buffer (frameWireSize(kMaxDeviceToHostMessageSize) bytes,
// about 2 KiB, inline). Threading: main only. Errors: send() returns the encode Status;
// Busy-ness is the caller's to check with idle() first.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/message_frame.h"
#include "device_protocol/messages.h"

namespace tinyscope::agent {

struct TxCounters {
  uint32_t frames = 0;        // frames fully handed to hal::write()
  uint32_t bytes = 0;         // wire bytes handed to hal::write()
  uint32_t encodeErrors = 0;  // send() refused by the encoder (a bug, reported as Error Internal)
  uint32_t stalls = 0;        // drain() gave up: the link made no progress for the timeout
};

class FrameWriter {
 public:
  static constexpr size_t kBufferSize = proto::frameWireSize(proto::kMaxDeviceToHostMessageSize);

  // True when no frame is pending: send() may be called.
  bool idle() const { return m_pos == m_len; }

  // Encodes `message` (header: next sequence, `requestId`, negotiated version) into the
  // frame buffer and starts sending it. Requires idle(); returns Status::kBufferTooSmall
  // without touching anything when busy.
  template <class T>
  proto::Status send(const T& message, uint16_t requestId) {
    if (!idle()) return proto::Status::kBufferTooSmall;
    proto::Header header = proto::makeHeader<T>(m_sequence, requestId);
    header.version = m_version;
    const proto::EncodeResult r = proto::encodeFrame(header, message, proto::ByteSpan(m_buffer));
    if (r.status != proto::Status::kOk) {
      ++m_counters.encodeErrors;
      return r.status;
    }
    ++m_sequence;
    m_len = r.size;
    m_pos = 0;
    flush();
    return proto::Status::kOk;
  }

  // Hands as much of the pending frame to hal::write() as it accepts. True when idle after.
  bool flush();

  // Flushes, sleeping in hal::waitForInterrupt() between attempts, until idle() (true) or
  // until the link accepted nothing for `stallTimeoutUs` (false, counted in stalls).
  bool drain(uint64_t stallTimeoutUs);

  // Version stamped into headers (the negotiated one once Hello succeeded).
  void setVersion(uint8_t version) { m_version = version; }
  const TxCounters& counters() const { return m_counters; }

 private:
  uint8_t m_buffer[kBufferSize];
  size_t m_len = 0;
  size_t m_pos = 0;
  uint16_t m_sequence = 0;
  uint8_t m_version = proto::kMaxProtocolVersion;
  TxCounters m_counters;
};

}  // namespace tinyscope::agent
