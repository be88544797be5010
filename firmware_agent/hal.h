// The one platform boundary of the tinyscope firmware agent.
//
// Everything above this header (agent core, device_protocol, model_runner) is portable;
// everything below it (port/cortex_m/, port/host/) is one implementation per platform.
// Plain functions over fixed-width types and pointers: no classes, no templates, no heap,
// no exceptions, so a C shim is one extern "C" wrapper per function away.
//
// Execution model (every port honours it):
// - One foreground context ("main"): the agent's super-loop. No RTOS, no threads.
// - Interrupts belong to the port. The only agent code that runs in interrupt context is
//   the SampleHook given to startSampling().
// - Function by function it says who may call it: "main only" means never from an ISR
//   or the SampleHook; "any context" means main, ISRs and the SampleHook alike.
// - Memory: the port owns every buffer below this line (rings, slot storage), statically
//   allocated; nothing here allocates, nothing here takes ownership of caller memory.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tinyscope::agent::hal {

// --- Status ---------------------------------------------------------------------------

enum class Status : uint8_t {
  kOk = 0,
  kBadSlot,      // slot index >= slotCount()
  kOutOfRange,   // offset/size outside the slot, or a rate outside what the port can do
  kNotErased,    // write over bytes that are not in the erased state (0xFF)
  kReadOnly,     // the port cannot change this storage at run time (preload only)
  kUnsupported,  // the port does not implement this feature
  kBadHeader,    // slot holds no valid model (magic/version/size/CRC check failed)
};

// One short sentence per Status, static storage. Any context. Portable (inline below).
inline const char* statusMessage(Status status);

// --- Lifecycle --------------------------------------------------------------------------

// Brings up the link, clocks and interrupts. Call once from main before any other hal
// function. Bytes that arrive on the link before init() returns are lost: hosts shake
// hands first (they resend until the agent answers).
void init();

// Human-readable board name ("mps2-an386", "netduinoplus2", "host"), static storage.
const char* boardName();

// Sleeps until an interrupt has been handled since the previous call (returns at once if
// one already was), so a check-then-sleep loop never misses a wake-up: WFI on Cortex-M,
// a short wait on the host. Main only. The super-loop calls it when it has nothing to do.
void waitForInterrupt();

// --- Link: the byte stream to the desktop (UART, pty, socket) ---------------------------
// A transmit ring and a receive ring, both owned by the port and drained/filled under
// interrupt. main is the single producer of TX and the single consumer of RX; none of
// these may be called from an ISR or the SampleHook.

// Copies up to `size` bytes into the TX ring; returns how many were accepted (0 when the
// ring is full). Never blocks. Bytes accepted are sent in order, none dropped.
size_t write(const uint8_t* data, size_t size);

// Free space in the TX ring: a write() of this many bytes is accepted whole.
size_t writeSpace();

// Bytes accepted by write() not yet handed to the wire (0 = everything sent).
size_t txPending();

// Copies up to `capacity` received bytes out of the RX ring; returns the count (0 when
// nothing is there). Never blocks.
size_t read(uint8_t* out, size_t capacity);

// Received bytes waiting in the RX ring.
size_t available();

// Link health counters since init(); monotonic, wrap at 2^32. Main only.
struct LinkCounters {
  uint32_t rxBytes;     // bytes moved from the wire into the RX ring
  uint32_t txBytes;     // bytes moved from the TX ring onto the wire
  uint32_t rxStalls;    // times the RX ring was full and the receiver was throttled
  uint32_t rxOverruns;  // bytes the hardware lost (arrived while its holding register was full)
};
LinkCounters linkCounters();

// --- Time ---------------------------------------------------------------------------------
// Both clocks start at 0 in init(), are monotonic, never wrap in practice (64 bit), and
// may be read from any context.

// Microseconds since init().
uint64_t micros();

// A free-running counter for op timing, the finest the port has (core clock on
// Cortex-M: 25 MHz on mps2-an386). Convert with ticksPerSecond().
uint64_t ticks();
uint32_t ticksPerSecond();

// --- Model slots ------------------------------------------------------------------------
// Fixed regions of non-volatile (or, under QEMU, preloaded RAM) storage, each holding at
// most one model. The model is read in place through slotData(): it is memory-mapped,
// stays valid and unmoved until the slot is erased, and is never copied by the port.
// Erased bytes read 0xFF; a write may only target erased bytes (kNotErased otherwise),
// the subset of NOR-flash rules every port can honour. Main only; not reentrant.

uint32_t slotCount();

// Start of slot `slot` (nullptr for a bad index). Alignment: at least 16 bytes.
const uint8_t* slotData(uint32_t slot);

// Size of slot `slot` in bytes (0 for a bad index). Includes the 32-byte header below.
uint32_t slotCapacity(uint32_t slot);

// Sets the whole slot to 0xFF. kBadSlot, kReadOnly.
Status slotErase(uint32_t slot);

// Copies `size` bytes to slot offset `offset`. kBadSlot, kOutOfRange, kNotErased,
// kReadOnly. On an error nothing is written.
Status slotWrite(uint32_t slot, uint32_t offset, const uint8_t* data, uint32_t size);

// Slot layout (one definition, used by the agent, the desktop's flasher and
// scripts/qemu_run.sh --model). All fields little-endian, 32-byte header at offset 0,
// the .tflite payload right after it at offset 32 (16-byte aligned):
//
//   off size field
//    0   4   magic          kSlotMagic ("TSMS" in memory)
//    4   2   version        kSlotVersion
//    6   2   headerSize     kSlotHeaderSize (payload offset)
//    8   4   payloadSize    bytes of .tflite, > 0, <= capacity - headerSize
//   12   4   payloadCrc32   CRC-32/IEEE (zlib's crc32) of the payload
//   16  12   reserved       0
//   28   4   headerCrc32    CRC-32/IEEE of bytes 0..27
//
// Writers store the payload first and the header last, so a torn write reads as
// "no model" (an erased header has magic 0xFFFFFFFF).
constexpr uint32_t kSlotMagic = 0x534D5354u;  // 'T' 'S' 'M' 'S'
constexpr uint16_t kSlotVersion = 1;
constexpr uint16_t kSlotHeaderSize = 32;

struct SlotModel {
  const uint8_t* data;  // first byte of the .tflite, inside the slot
  uint32_t size;        // payload bytes
  uint32_t crc32;       // payload CRC-32 as stored (and verified)
};

// CRC-32/IEEE (reflected, poly 0xEDB88320, init and xorout 0xFFFFFFFF). Pass the
// previous result as `crc` to continue over split buffers (start with 0). Any context.
inline uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

// Checks the header of slot `slot` and, when `verifyPayload`, the payload CRC (a full
// pass over the model: ~40 ms per MB on mps2-an386 under QEMU). Fills *out on kOk.
// kBadSlot, kBadHeader. Main only. Portable: inline below, on top of slotData().
inline Status slotModel(uint32_t slot, bool verifyPayload, SlotModel* out);

// Fills `header` (kSlotHeaderSize bytes) for a payload of `size` bytes with CRC `crc`.
// Any context. Portable.
inline void makeSlotHeader(uint32_t size, uint32_t crc, uint8_t* header);

// --- Sampling -----------------------------------------------------------------------------
// The port owns the periodic timer; the agent core owns what a sample is (it reads the
// sensor, or synthesises one where there is none, and queues it for main).

// Called `rateHz` times a second in interrupt context with the given context pointer.
// The number of calls tracks micros() exactly (call n is due at n/rateHz s after
// startSampling); if the timer interrupt runs late, the missed calls are made back to
// back, so timestamps may jitter but no sample goes missing. Keep it short; it may call
// micros()/ticks() and touch lock-free queues, nothing else from this header.
using SampleHook = void (*)(void* context);

// Starts (or restarts at another rate) the sample timer. kOutOfRange if the port cannot
// make `rateHz` (0 or above its limit), kUnsupported if it has no timer. Main only.
Status startSampling(uint32_t rateHz, SampleHook hook, void* context);

// Stops the timer; when it returns, the hook is not running and will not run. Main only.
void stopSampling();

// --- Reset and failure ----------------------------------------------------------------------

// Resets the whole device (SYSRESETREQ on Cortex-M, re-exec on the host). Bytes still in
// the TX ring are flushed first (bounded wait). Main only.
[[noreturn]] void reboot();

// Unrecoverable error: masks interrupts, writes "FATAL <code> <message>\n" straight to
// the link (bypassing the rings), then stops: under a debugger/emulator with semihosting
// it exits with `code`, otherwise it halts for inspection. Any context; also what the
// port's own fault handlers call.
[[noreturn]] void fatal(uint32_t code, const char* message);

// --- Portable helpers: one definition for every port ---------------------------------

namespace detail {
inline uint32_t loadLe32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline void storeLe32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}
}  // namespace detail

inline const char* statusMessage(Status status) {
  switch (status) {
    case Status::kOk:
      return "ok";
    case Status::kBadSlot:
      return "no such model slot";
    case Status::kOutOfRange:
      return "offset, size or rate out of range";
    case Status::kNotErased:
      return "target bytes are not erased";
    case Status::kReadOnly:
      return "storage is read-only on this port";
    case Status::kUnsupported:
      return "not supported on this port";
    case Status::kBadHeader:
      return "slot holds no valid model";
  }
  return "unknown status";
}

inline uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc) {
  // Half-byte table: 64 bytes of .rodata, two lookups per byte.
  static constexpr uint32_t kTable[16] = {0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
                                          0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
                                          0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
                                          0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    crc = (crc >> 4) ^ kTable[crc & 0xFu];
    crc = (crc >> 4) ^ kTable[crc & 0xFu];
  }
  return ~crc;
}

inline void makeSlotHeader(uint32_t size, uint32_t crc, uint8_t* header) {
  for (uint32_t i = 0; i < kSlotHeaderSize; ++i) header[i] = 0;
  detail::storeLe32(header + 0, kSlotMagic);
  header[4] = uint8_t(kSlotVersion);
  header[5] = uint8_t(kSlotVersion >> 8);
  header[6] = uint8_t(kSlotHeaderSize);
  header[7] = uint8_t(kSlotHeaderSize >> 8);
  detail::storeLe32(header + 8, size);
  detail::storeLe32(header + 12, crc);
  detail::storeLe32(header + 28, crc32(header, 28));
}

inline Status slotModel(uint32_t slot, bool verifyPayload, SlotModel* out) {
  const uint8_t* base = slotData(slot);
  const uint32_t capacity = slotCapacity(slot);
  if (base == nullptr || capacity < kSlotHeaderSize) return Status::kBadSlot;
  if (detail::loadLe32(base) != kSlotMagic) return Status::kBadHeader;
  if (detail::loadLe32(base + 28) != crc32(base, 28)) return Status::kBadHeader;
  const uint32_t version = uint32_t(base[4]) | uint32_t(base[5]) << 8;
  const uint32_t headerSize = uint32_t(base[6]) | uint32_t(base[7]) << 8;
  const uint32_t size = detail::loadLe32(base + 8);
  const uint32_t crc = detail::loadLe32(base + 12);
  if (version != kSlotVersion || headerSize != kSlotHeaderSize) return Status::kBadHeader;
  if (size == 0 || size > capacity - kSlotHeaderSize) return Status::kBadHeader;
  if (verifyPayload && crc32(base + kSlotHeaderSize, size) != crc) return Status::kBadHeader;
  out->data = base + kSlotHeaderSize;
  out->size = size;
  out->crc32 = crc;
  return Status::kOk;
}

}  // namespace tinyscope::agent::hal
