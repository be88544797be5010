// Frames on the wire: COBS( payload || CRC-32(payload) little-endian ) followed by 0x00.
//
//   payload  : one encoded message (see messages.h), 0..N bytes
//   CRC-32   : crc32.h over the payload only, 4 bytes, least significant byte first
//   COBS     : cobs_encoder.h, removes every 0x00 from payload+CRC
//   0x00     : frame delimiter; a sender may also send a lone 0x00 at any time (for
//              example when a link opens) to flush a receiver's half-received frame.
//
// FrameEncoder turns one payload into one frame in a caller buffer (also in place, so an
// MCU needs a single transmit buffer). FrameDecoder takes received bytes in any chunking
// and hands out checked payloads; bad frames are counted, dropped, and the decoder starts
// over at the next delimiter. Neither allocates; neither is thread-safe (one owner each).
#pragma once

#include "device_protocol/cobs_encoder.h"
#include "device_protocol/span.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

constexpr size_t kFrameCrcSize = 4;

// Most bytes on the wire for a payload of `payloadSize` bytes, delimiter included.
constexpr size_t frameWireSize(size_t payloadSize) {
  return cobsMaxEncodedSize(payloadSize + kFrameCrcSize) + 1;
}

// Decoder buffer that holds any frame whose payload is at most `maxPayload` bytes.
constexpr size_t frameDecodeBufferSize(size_t maxPayload) {
  return maxPayload + kFrameCrcSize;
}

struct FrameEncodeResult {
  bool ok;      // false: `out` was too small, nothing usable was written
  size_t size;  // bytes of the frame in `out`, delimiter included
};

class FrameEncoder {
 public:
  // Encodes `payload` into `out`. `payload` may lie inside `out` provided it starts at
  // out.data() + inPlaceOffset(payload.size()) or later; then only one buffer is needed.
  static FrameEncodeResult encode(ConstByteSpan payload, ByteSpan out);

  // For in-place encoding: place a payload of up to `maxPayload` bytes at this offset of
  // a buffer of frameWireSize(maxPayload) bytes; the frame then overwrites it from the
  // start. (COBS writes at most 1 + i/254 bytes ahead of input byte i.)
  static constexpr size_t inPlaceOffset(size_t maxPayload) { return 2 + maxPayload / 254; }
};

enum class FrameStatus : uint8_t {
  kNeedMore,    // all offered bytes consumed (or none offered), no frame completed
  kFrameReady,  // frame() holds a checked payload until the next feed()/reset()
  kCrcError,    // frame dropped: CRC-32 mismatch
  kCobsError,   // frame dropped: delimiter arrived inside a COBS block (truncated frame)
  kTooShort,    // frame dropped: fewer than 4 bytes after unstuffing (no room for the CRC)
  kOverflow,    // frame dropped: longer than the buffer; bytes up to the next 0x00 skipped
};

const char* frameStatusMessage(FrameStatus status);

// Counters only grow (until resetCounters()); they wrap at 2^32.
struct FrameCounters {
  uint32_t framesOk = 0;
  uint32_t crcErrors = 0;
  uint32_t cobsErrors = 0;
  uint32_t tooShort = 0;
  uint32_t overflows = 0;
  // Times the decoder got back in step: a good frame that follows one or more dropped
  // frames. A burst of damage that costs three frames counts three errors, one resync.
  uint32_t resyncs = 0;
  // Encoded bytes (delimiters excluded) of every dropped frame, including the part of an
  // overflowing frame skipped while waiting for its delimiter.
  uint32_t bytesDiscarded = 0;
  // Empty frames (0x00 right after 0x00): legal keep-alive/flush, not an error.
  uint32_t emptyFrames = 0;
};

struct FrameDecodeResult {
  FrameStatus status;
  size_t consumed;  // bytes of the input used; feed the rest in the next call
};

class FrameDecoder {
 public:
  // `buffer` receives the unstuffed payload + CRC; it must outlive the decoder. Size it
  // with frameDecodeBufferSize(max payload); frames that do not fit are Overflow.
  explicit FrameDecoder(ByteSpan buffer);

  // Consumes bytes until a frame completes (FrameReady), a frame is dropped (an error
  // status, counted in counters()), or the input is used up (NeedMore). Stops right
  // after the event so the caller can act on it, then call again with the rest:
  //
  //   while (!in.empty()) {
  //       FrameDecodeResult r = decoder.feed(in);
  //       in = in.subspan(r.consumed);
  //       if (r.status == FrameStatus::kFrameReady) handle(decoder.frame());
  //   }
  FrameDecodeResult feed(ConstByteSpan bytes);

  // Payload of the last FrameReady (CRC stripped); empty otherwise. Points into the
  // caller's buffer: valid until the next feed() or reset().
  ConstByteSpan frame() const { return m_frame; }

  const FrameCounters& counters() const { return m_counters; }
  void resetCounters() { m_counters = FrameCounters(); }

  // Forgets a half-received frame (for example after reopening a port). Counters stay.
  void reset();

  // True while the decoder holds part of a frame.
  bool inFrame() const { return m_encodedLen != 0 || m_skipping; }

 private:
  FrameStatus finishFrame();
  FrameStatus overflow();
  FrameStatus drop(FrameStatus why, uint32_t& counter);
  void clearFrame();

  ByteSpan m_buffer;
  ConstByteSpan m_frame;
  FrameCounters m_counters;
  size_t m_len = 0;            // unstuffed bytes in m_buffer
  uint32_t m_encodedLen = 0;   // encoded bytes of the current frame seen so far
  uint8_t m_remaining = 0;     // data bytes left in the current COBS block
  bool m_zeroPending = false;  // the current block ended with an implied zero
  bool m_blockFull = false;    // the current block has code 0xFF (no implied zero)
  bool m_skipping = false;     // overflowed: discard until the next delimiter
  bool m_lastDropped = false;  // the previous frame was dropped (for resyncs)
};

}  // namespace tinyscope::proto
