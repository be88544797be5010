#include "device_protocol/frame_codec.h"

#include "device_protocol/crc32.h"

#include <cstring>

namespace tinyscope::proto {

FrameEncodeResult FrameEncoder::encode(ConstByteSpan payload, ByteSpan out) {
  // The payload is read strictly ahead of where the encoder writes, so in-place works.
  CobsEncoder cobs(out);
  Crc32 crc;
  for (uint8_t byte : payload) {
    crc.update(byte);
    cobs.put(byte);
  }
  const uint32_t check = crc.value();
  for (int shift = 0; shift < 32; shift += 8) {
    cobs.put(static_cast<uint8_t>(check >> shift));
  }
  const size_t size = cobs.finish();
  if (size == 0 || size >= out.size()) {
    return {false, 0};
  }
  out[size] = 0x00;
  return {true, size + 1};
}

const char* frameStatusMessage(FrameStatus status) {
  switch (status) {
    case FrameStatus::kNeedMore:
      return "need more bytes";
    case FrameStatus::kFrameReady:
      return "frame ready";
    case FrameStatus::kCrcError:
      return "frame dropped: CRC-32 mismatch";
    case FrameStatus::kCobsError:
      return "frame dropped: delimiter inside a COBS block (truncated frame)";
    case FrameStatus::kTooShort:
      return "frame dropped: shorter than its 4-byte CRC";
    case FrameStatus::kOverflow:
      return "frame dropped: longer than the receive buffer";
  }
  return "unknown frame status";
}

FrameDecoder::FrameDecoder(ByteSpan buffer) : m_buffer(buffer) {}

void FrameDecoder::clearFrame() {
  m_len = 0;
  m_encodedLen = 0;
  m_remaining = 0;
  m_zeroPending = false;
  m_blockFull = false;
}

void FrameDecoder::reset() {
  m_frame = ConstByteSpan();
  clearFrame();
  m_skipping = false;
}

FrameStatus FrameDecoder::drop(FrameStatus why, uint32_t& counter) {
  ++counter;
  m_counters.bytesDiscarded += m_encodedLen;
  m_lastDropped = true;
  return why;
}

FrameStatus FrameDecoder::finishFrame() {
  // Called on a delimiter that ends a non-empty, non-overflowed frame.
  FrameStatus status;
  if (m_remaining != 0) {
    status = drop(FrameStatus::kCobsError, m_counters.cobsErrors);
  } else if (m_len < kFrameCrcSize) {
    status = drop(FrameStatus::kTooShort, m_counters.tooShort);
  } else {
    const size_t payloadLen = m_len - kFrameCrcSize;
    const uint8_t* tail = m_buffer.data() + payloadLen;
    const uint32_t received =
        static_cast<uint32_t>(tail[0]) | (static_cast<uint32_t>(tail[1]) << 8) |
        (static_cast<uint32_t>(tail[2]) << 16) | (static_cast<uint32_t>(tail[3]) << 24);
    if (crc32(ConstByteSpan(m_buffer.data(), payloadLen)) != received) {
      status = drop(FrameStatus::kCrcError, m_counters.crcErrors);
    } else {
      ++m_counters.framesOk;
      if (m_lastDropped) {
        ++m_counters.resyncs;
        m_lastDropped = false;
      }
      m_frame = ConstByteSpan(m_buffer.data(), payloadLen);
      status = FrameStatus::kFrameReady;
    }
  }
  clearFrame();
  return status;
}

FrameStatus FrameDecoder::overflow() {
  const FrameStatus status = drop(FrameStatus::kOverflow, m_counters.overflows);
  clearFrame();
  m_skipping = true;
  return status;
}

FrameDecodeResult FrameDecoder::feed(ConstByteSpan bytes) {
  m_frame = ConstByteSpan();
  const uint8_t* const in = bytes.data();
  const size_t n = bytes.size();
  uint8_t* const buf = m_buffer.data();
  const size_t cap = m_buffer.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t byte = in[i++];
    if (m_skipping) {
      if (byte == 0) {
        m_skipping = false;
      } else {
        ++m_counters.bytesDiscarded;
      }
      continue;
    }
    if (byte == 0) {
      if (m_encodedLen == 0) {
        ++m_counters.emptyFrames;
        continue;
      }
      return {finishFrame(), i};
    }
    ++m_encodedLen;
    if (m_remaining == 0) {
      // A code byte: emit the zero the previous block implied, then open the next block.
      if (m_zeroPending) {
        if (m_len == cap) {
          return {overflow(), i};
        }
        buf[m_len++] = 0;
      }
      m_blockFull = (byte == 0xFF);
      m_remaining = static_cast<uint8_t>(byte - 1);
      m_zeroPending = (m_remaining == 0);  // 0x01: an empty block, then a zero
      continue;
    }
    if (m_len == cap) {
      return {overflow(), i};
    }
    buf[m_len++] = byte;
    --m_remaining;
    // Fast path: copy the rest of the block's run without going round the state machine.
    size_t run = m_remaining;
    if (run > n - i) {
      run = n - i;
    }
    if (run > cap - m_len) {
      run = cap - m_len;
    }
    // A delimiter inside the run ends the frame early; copy only what precedes it.
    const void* zero = run != 0 ? std::memchr(in + i, 0, run) : nullptr;
    const size_t copied =
        zero ? static_cast<size_t>(static_cast<const uint8_t*>(zero) - (in + i)) : run;
    if (copied != 0) {
      std::memcpy(buf + m_len, in + i, copied);
    }
    i += copied;
    m_len += copied;
    m_encodedLen += static_cast<uint32_t>(copied);
    m_remaining = static_cast<uint8_t>(m_remaining - copied);
    if (m_remaining == 0) {
      m_zeroPending = !m_blockFull;
    }
  }
  return {FrameStatus::kNeedMore, i};
}

}  // namespace tinyscope::proto
