// Bring-up image: proves the link (UART + IRQs + rings), the clocks, the model slots,
// the sample timer and the fault path end to end, on nothing but hal.h.
//
// Wire protocol (byte commands, little-endian fields). Until the first 'U' every byte is
// ignored, so a host resends 'U' until it sees the banner (bytes sent before the UART
// receiver is enabled are lost).
//   'U'                     -> "TSBOOT <board>\n"
//   'N' n[4]                -> 'n' n[4]                        (resynchronise)
//   'E' len[2] data[len]    -> 'e' len[2] data[len]            (streamed echo)
//   'T'                     -> 'T' micros[8] ticks[8] ticksPerSecond[4]
//   'C'                     -> 'c' rxBytes[4] txBytes[4] rxStalls[4] rxOverruns[4]
//   'S'                     -> 's' count[1] then per slot: base[4] capacity[4]
//                              status[1] size[4] crc[4]       (full CRC check)
//   'W' slot[1] len[2] data -> 'w' status[1]                   (erase, write model)
//   'P' rateHz[4]           -> 'p' status[1]                   (start sample timer)
//   'Q'                     -> 'q' samples[4] elapsedMicros[8] (stop it)
//   'X' code[1]             -> semihosting exit(code); 'x' if there is no semihosting
//   'R'                     -> reboot
//   'F'                     -> hal::fatal(0x00000BAD, "requested by host")
//   'Z' ms[2]               -> 'z' after busy-waiting ms without reading the link (what a
//                              long inference does; lets a host overfill the RX ring)
//   anything else           -> '?' byte
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "semihosting.h"

namespace hal = tinyscope::agent::hal;

namespace {

// Blocking send on top of the non-blocking ring: sleeps while the ring is full.
void send(const uint8_t* data, size_t size) {
  while (size != 0) {
    const size_t n = hal::write(data, size);
    data += n;
    size -= n;
    if (size != 0) hal::waitForInterrupt();
  }
}

void send(const char* text) {
  size_t size = 0;
  while (text[size] != '\0') ++size;
  send(reinterpret_cast<const uint8_t*>(text), size);
}

// Blocking receive of exactly `size` bytes.
void receive(uint8_t* out, size_t size) {
  while (size != 0) {
    const size_t n = hal::read(out, size);
    out += n;
    size -= n;
    if (size != 0) hal::waitForInterrupt();
  }
}

uint8_t receiveByte() {
  uint8_t b = 0;
  receive(&b, 1);
  return b;
}

void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
void put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

void banner() {
  send("TSBOOT ");
  send(hal::boardName());
  send("\n");
}

// Streams `length` bytes from RX to TX without holding them: only ring space limits the
// chunk, so payloads far larger than either ring pass through.
void echo() {
  uint8_t header[3] = {'e', 0, 0};
  receive(header + 1, 2);
  uint32_t remaining = uint32_t(header[1]) | uint32_t(header[2]) << 8;
  send(header, sizeof header);
  uint8_t chunk[256];
  while (remaining != 0) {
    size_t want = remaining < sizeof chunk ? remaining : sizeof chunk;
    const size_t space = hal::writeSpace();
    if (want > space) want = space;
    const size_t got = want == 0 ? 0 : hal::read(chunk, want);
    if (got == 0) {
      hal::waitForInterrupt();
      continue;
    }
    send(chunk, got);
    remaining -= uint32_t(got);
  }
}

void timeReport() {
  uint8_t reply[21] = {'T'};
  put64(reply + 1, hal::micros());
  put64(reply + 9, hal::ticks());
  put32(reply + 17, hal::ticksPerSecond());
  send(reply, sizeof reply);
}

void counters() {
  const hal::LinkCounters c = hal::linkCounters();
  uint8_t reply[17] = {'c'};
  put32(reply + 1, c.rxBytes);
  put32(reply + 5, c.txBytes);
  put32(reply + 9, c.rxStalls);
  put32(reply + 13, c.rxOverruns);
  send(reply, sizeof reply);
}

void slots() {
  const uint32_t count = hal::slotCount();
  const uint8_t head[2] = {'s', uint8_t(count)};
  send(head, sizeof head);
  for (uint32_t i = 0; i < count; ++i) {
    hal::SlotModel model{nullptr, 0, 0};
    const hal::Status status = hal::slotModel(i, true, &model);
    uint8_t entry[17];
    put32(entry, uint32_t(reinterpret_cast<uintptr_t>(hal::slotData(i))));
    put32(entry + 4, hal::slotCapacity(i));
    entry[8] = uint8_t(status);
    put32(entry + 9, model.size);
    put32(entry + 13, model.crc32);
    send(entry, sizeof entry);
  }
}

// Receives a model of `length` bytes straight into the slot (erase, payload, header).
void writeSlot() {
  uint8_t args[3];
  receive(args, sizeof args);
  const uint32_t slot = args[0];
  const uint32_t length = uint32_t(args[1]) | uint32_t(args[2]) << 8;
  hal::Status status = hal::slotErase(slot);
  uint32_t crc = 0;
  uint8_t chunk[128];
  for (uint32_t done = 0; done < length;) {
    const uint32_t n = length - done < sizeof chunk ? length - done : uint32_t(sizeof chunk);
    receive(chunk, n);  // always drain the payload, even after an error
    if (status == hal::Status::kOk) {
      status = hal::slotWrite(slot, hal::kSlotHeaderSize + done, chunk, n);
      crc = hal::crc32(chunk, n, crc);
    }
    done += n;
  }
  if (status == hal::Status::kOk) {
    uint8_t header[hal::kSlotHeaderSize];
    hal::makeSlotHeader(length, crc, header);
    status = hal::slotWrite(slot, 0, header, sizeof header);
  }
  const uint8_t reply[2] = {'w', uint8_t(status)};
  send(reply, sizeof reply);
}

volatile uint32_t g_samples = 0;
uint64_t g_samplingSince = 0;

void onSample(void*) {
  g_samples = g_samples + 1;
}

void startSampling() {
  uint8_t rate[4];
  receive(rate, sizeof rate);
  const uint32_t hz = uint32_t(rate[0]) | uint32_t(rate[1]) << 8 | uint32_t(rate[2]) << 16 |
                      uint32_t(rate[3]) << 24;
  g_samples = 0;
  g_samplingSince = hal::micros();
  const hal::Status status = hal::startSampling(hz, onSample, nullptr);
  const uint8_t reply[2] = {'p', uint8_t(status)};
  send(reply, sizeof reply);
}

void stopSampling() {
  hal::stopSampling();
  uint8_t reply[13] = {'q'};
  put32(reply + 1, g_samples);
  put64(reply + 5, hal::micros() - g_samplingSince);
  send(reply, sizeof reply);
}

}  // namespace

int main() {
  hal::init();

  while (receiveByte() != 'U') {}
  banner();

  for (;;) {
    const uint8_t command = receiveByte();
    switch (command) {
      case 'U':
        banner();
        break;
      case 'N': {
        uint8_t reply[5] = {'n'};
        receive(reply + 1, 4);
        send(reply, sizeof reply);
        break;
      }
      case 'E':
        echo();
        break;
      case 'T':
        timeReport();
        break;
      case 'C':
        counters();
        break;
      case 'S':
        slots();
        break;
      case 'W':
        writeSlot();
        break;
      case 'P':
        startSampling();
        break;
      case 'Q':
        stopSampling();
        break;
      case 'X': {
        const uint8_t code = receiveByte();
        while (hal::txPending() != 0) hal::waitForInterrupt();
        tinyscope::agent::cortex_m::semihostingExit(code);
        send("x");
        break;
      }
      case 'Z': {
        uint8_t ms[2];
        receive(ms, sizeof ms);
        const uint64_t until = hal::micros() + 1000u * (uint32_t(ms[0]) | uint32_t(ms[1]) << 8);
        while (hal::micros() < until) {}
        send("z");
        break;
      }
      case 'R':
        hal::reboot();
      case 'F':
        hal::fatal(0x00000BADu, "requested by host");
      default: {
        const uint8_t reply[2] = {'?', command};
        send(reply, sizeof reply);
        break;
      }
    }
  }
}
