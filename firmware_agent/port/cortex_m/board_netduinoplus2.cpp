// Board support for QEMU's netduinoplus2 (STM32F405RG: Cortex-M4F, 1 MiB flash,
// 128 KiB SRAM + 64 KiB CCM): the footprint target, the memory a real TinyML MCU has.
// Link: USART1 at 0x40011000 (IRQ 37, TX on PA9 / RX on PA10, AF7), interrupt driven.
// Clock: assumes SYSCLK = 168 MHz, which QEMU models from reset; on silicon a PLL set-up
// would have to run first (not done yet, see docs/FIRMWARE.md).
// Model slots: flash, preload-only (QEMU has no flash controller model).
// Sample timer: not yet (hal::startSampling returns kUnsupported).
#include "board.h"
#include "cortex_m.h"
#include "hal.h"
#include "spsc_ring.h"
#include "vector_table.h"

namespace tinyscope::agent::board {
namespace {

using cortex_m::reg;

constexpr uint32_t kCoreClockHz = 168000000;
constexpr uint32_t kApb2ClockHz = kCoreClockHz / 2;
constexpr uint32_t kBaud = 921600;

constexpr uintptr_t kRccAhb1Enr = 0x40023830;
constexpr uintptr_t kRccApb2Enr = 0x40023844;
constexpr uintptr_t kGpioAModer = 0x40020000;
constexpr uintptr_t kGpioAAfrh = 0x40020024;

// STM32F4 USART (RM0090 §30.6).
constexpr uintptr_t kUsart = 0x40011000;
constexpr uintptr_t kSr = kUsart + 0x00;
constexpr uintptr_t kDr = kUsart + 0x04;
constexpr uintptr_t kBrr = kUsart + 0x08;
constexpr uintptr_t kCr1 = kUsart + 0x0C;
constexpr uint32_t kSrOre = 1u << 3;
constexpr uint32_t kSrRxne = 1u << 5;
constexpr uint32_t kSrTxe = 1u << 7;
constexpr uint32_t kCr1Re = 1u << 2;
constexpr uint32_t kCr1Te = 1u << 3;
constexpr uint32_t kCr1RxneIe = 1u << 5;
constexpr uint32_t kCr1TxeIe = 1u << 7;
constexpr uint32_t kCr1Ue = 1u << 13;
constexpr uint32_t kUsartIrq = 37;
constexpr uint8_t kPrioUart = 1;

// 512 B each way: the footprint board spends its SRAM on the model arena.
cortex_m::SpscRing<512> g_rx;
cortex_m::SpscRing<512> g_tx;
volatile bool g_rxThrottled = false;
volatile uint32_t g_rxBytes = 0;
volatile uint32_t g_txBytes = 0;
volatile uint32_t g_rxStalls = 0;
volatile uint32_t g_rxOverruns = 0;

void setupPinsAndClock() {
  reg(kRccAhb1Enr) = reg(kRccAhb1Enr) | 1u << 0;  // GPIOA
  reg(kRccApb2Enr) = reg(kRccApb2Enr) | 1u << 4;  // USART1
  // PA9, PA10: alternate function 7.
  reg(kGpioAModer) = (reg(kGpioAModer) & ~(0xFu << 18)) | (0xAu << 18);
  reg(kGpioAAfrh) = (reg(kGpioAAfrh) & ~(0xFFu << 4)) | (0x77u << 4);
  reg(kBrr) = (kApb2ClockHz + kBaud / 2) / kBaud;
}

}  // namespace

const char* name() {
  return "netduinoplus2";
}
uint32_t coreClockHz() {
  return kCoreClockHz;
}
bool slotsWritable() {
  return false;
}

void linkInit() {
  g_rx.reset();
  g_tx.reset();
  g_rxThrottled = false;
  setupPinsAndClock();
  cortex_m::setIrqPriority(kUsartIrq, kPrioUart);
  cortex_m::clearPendingIrq(kUsartIrq);
  cortex_m::enableIrq(kUsartIrq);
  reg(kCr1) = kCr1Ue | kCr1Te | kCr1Re | kCr1RxneIe;
}

void linkWritePolled(const char* text) {
  if ((reg(kCr1) & kCr1Ue) == 0) {
    setupPinsAndClock();
    reg(kCr1) = kCr1Ue | kCr1Te;
  }
  reg(kCr1) = reg(kCr1) & ~(kCr1TxeIe | kCr1RxneIe);
  for (; *text != '\0'; ++text) {
    while ((reg(kSr) & kSrTxe) == 0) {}
    reg(kDr) = uint8_t(*text);
  }
}

hal::Status sampleTimerStart(uint32_t) {
  return hal::Status::kUnsupported;
}
void sampleTimerStop() {}

}  // namespace tinyscope::agent::board

namespace board = tinyscope::agent::board;
namespace cm = tinyscope::agent::cortex_m;

// One vector for RX and TX. RX back-pressure as on mps2: with the ring full, RXNEIE goes
// off and the byte stays in DR (QEMU then stops reading the pty; silicon would overrun,
// which is counted). TX: TXEIE is on exactly while the ring holds bytes.
extern "C" void USART1_Handler() {
  using namespace board;
  // Loop until SR shows no more data. Besides draining, the SR read after each DR read
  // matters under QEMU: its USART model only re-polls the pty on SR/DR accesses, and an
  // SR read with RXNE already clear is what reliably lets the next byte in.
  for (uint32_t sr = reg(kSr); (reg(kCr1) & kCr1RxneIe) != 0 && (sr & (kSrRxne | kSrOre)) != 0;
       sr = reg(kSr)) {
    if ((sr & kSrOre) != 0) g_rxOverruns = g_rxOverruns + 1;  // cleared by the DR read
    if (g_rx.full()) {
      reg(kCr1) = reg(kCr1) & ~kCr1RxneIe;
      g_rxThrottled = true;
      g_rxStalls = g_rxStalls + 1;
      break;
    }
    g_rx.push(uint8_t(reg(kDr)));
    g_rxBytes = g_rxBytes + 1;
  }
  if ((reg(kCr1) & kCr1TxeIe) != 0) {
    uint8_t byte;
    while ((reg(kSr) & kSrTxe) != 0) {
      if (!g_tx.pop(&byte)) {
        reg(kCr1) = reg(kCr1) & ~kCr1TxeIe;
        break;
      }
      reg(kDr) = byte;
      g_txBytes = g_txBytes + 1;
    }
  }
  cm::noteWake();
}

namespace tinyscope::agent::hal {

size_t write(const uint8_t* data, size_t size) {
  const size_t accepted = board::g_tx.push(data, size);
  if (accepted != 0) {
    cm::InterruptLock lock;
    cm::reg(board::kCr1) = cm::reg(board::kCr1) | board::kCr1TxeIe;
    // Pend the vector by software too: QEMU 7.2's USART model was seen not to raise its
    // line for a TXEIE set right after the handler cleared it (output then waited for the
    // next received byte). On silicon this costs at most one empty handler entry.
    cm::pendIrq(board::kUsartIrq);
  }
  return accepted;
}

size_t writeSpace() {
  return board::g_tx.space();
}

size_t txPending() {
  // TXE covers the holding register; TC would add the shift register (one byte time).
  return board::g_tx.size() + ((cm::reg(board::kSr) & board::kSrTxe) == 0 ? 1 : 0);
}

size_t read(uint8_t* out, size_t capacity) {
  const size_t count = board::g_rx.pop(out, capacity);
  if (board::g_rxThrottled && !board::g_rx.full()) {
    cm::InterruptLock lock;
    board::g_rxThrottled = false;
    cm::reg(board::kCr1) = cm::reg(board::kCr1) | board::kCr1RxneIe;  // RXNE still set: fires
  }
  return count;
}

size_t available() {
  return board::g_rx.size();
}

LinkCounters linkCounters() {
  return {board::g_rxBytes, board::g_txBytes, board::g_rxStalls, board::g_rxOverruns};
}

}  // namespace tinyscope::agent::hal

// STM32F405 has 82 device interrupts; only USART1 (37) is used.
namespace {
constexpr uint32_t kIrqCount = 82;

constexpr cm::VectorTable<kIrqCount> makeTable() {
  cm::VectorTable<kIrqCount> table{__stack_top, TINYSCOPE_CORE_VECTORS, {}};
  for (uint32_t i = 0; i < kIrqCount; ++i) table.irq[i] = Default_Handler;
  table.irq[37] = USART1_Handler;
  return table;
}
}  // namespace

extern "C" __attribute__((section(".isr_vector"), used)) const cm::VectorTable<kIrqCount>
    g_vectorTable = makeTable();
