// Board support for QEMU's mps2-an386 (Arm MPS2 FPGA image AN386: Cortex-M4F, 25 MHz).
// Link: CMSDK APB UART0 at 0x40004000, interrupt driven (RX IRQ 0, TX IRQ 1, as wired in
// QEMU's hw/arm/mps2.c). Sample timer: CMSDK APB timer 0 at 0x40000000 (IRQ 8).
// Model slots: RAM-backed (writable), placed by ld/mps2_an386.ld.
#include "board.h"
#include "cortex_m.h"
#include "hal.h"
#include "spsc_ring.h"
#include "vector_table.h"

namespace tinyscope::agent::board {
namespace {

using cortex_m::reg;

constexpr uint32_t kCoreClockHz = 25000000;

// CMSDK APB UART (Cortex-M System Design Kit TRM, DDI0479).
constexpr uintptr_t kUart = 0x40004000;
constexpr uintptr_t kData = kUart + 0x00;
constexpr uintptr_t kState = kUart + 0x04;
constexpr uintptr_t kCtrl = kUart + 0x08;
constexpr uintptr_t kIntStatus = kUart + 0x0C;  // write: INTCLEAR
constexpr uintptr_t kBaudDiv = kUart + 0x10;
constexpr uint32_t kStateTxFull = 1u << 0;
constexpr uint32_t kStateRxFull = 1u << 1;
constexpr uint32_t kStateRxOverrun = 1u << 3;
constexpr uint32_t kCtrlTxEn = 1u << 0;
constexpr uint32_t kCtrlRxEn = 1u << 1;
constexpr uint32_t kCtrlTxIntEn = 1u << 2;
constexpr uint32_t kCtrlRxIntEn = 1u << 3;
constexpr uint32_t kIntTx = 1u << 0;
constexpr uint32_t kIntRx = 1u << 1;
constexpr uint32_t kUartRxIrq = 0;
constexpr uint32_t kUartTxIrq = 1;
// 25 MHz / 16 = 1.5625 Mbaud, the fastest the IP allows. QEMU ignores the rate on a
// pty; on the FPGA board this is what the USB bridge must match.
constexpr uint32_t kBaudDivisor = 16;

// CMSDK APB timer 0.
constexpr uintptr_t kTimer = 0x40000000;
constexpr uintptr_t kTimerCtrl = kTimer + 0x00;
constexpr uintptr_t kTimerValue = kTimer + 0x04;
constexpr uintptr_t kTimerReload = kTimer + 0x08;
constexpr uintptr_t kTimerIntClear = kTimer + 0x0C;
constexpr uint32_t kTimerIrq = 8;
constexpr uint32_t kMaxSampleRateHz = 100000;

// Interrupt priorities (0 = most urgent): the link must not lose bytes while the sample
// hook runs, and neither may be delayed by the SysTick wrap counter (0xF).
constexpr uint8_t kPrioUart = 1;
constexpr uint8_t kPrioTimer = 2;

// Ring sizes: 1 KiB each way holds ~0.6 ms of line rate at 1.5 Mbaud and more than any
// single protocol frame header; the agent streams larger payloads through them.
cortex_m::SpscRing<1024> g_rx;
cortex_m::SpscRing<1024> g_tx;
volatile bool g_rxThrottled = false;
volatile uint32_t g_rxBytes = 0;
volatile uint32_t g_txBytes = 0;
volatile uint32_t g_rxStalls = 0;
volatile uint32_t g_rxOverruns = 0;

}  // namespace

const char* name() {
  return "mps2-an386";
}
uint32_t coreClockHz() {
  return kCoreClockHz;
}
bool slotsWritable() {
  return true;
}

void linkInit() {
  g_rx.reset();
  g_tx.reset();
  g_rxThrottled = false;
  reg(kCtrl) = 0;
  reg(kIntStatus) = kIntTx | kIntRx | 0xCu;
  reg(kBaudDiv) = kBaudDivisor;
  cortex_m::setIrqPriority(kUartRxIrq, kPrioUart);
  cortex_m::setIrqPriority(kUartTxIrq, kPrioUart);
  cortex_m::clearPendingIrq(kUartRxIrq);
  cortex_m::clearPendingIrq(kUartTxIrq);
  cortex_m::enableIrq(kUartRxIrq);
  cortex_m::enableIrq(kUartTxIrq);
  reg(kCtrl) = kCtrlTxEn | kCtrlRxEn | kCtrlTxIntEn | kCtrlRxIntEn;
}

void linkWritePolled(const char* text) {
  if ((reg(kCtrl) & kCtrlTxEn) == 0) {
    reg(kBaudDiv) = kBaudDivisor;
    reg(kCtrl) = kCtrlTxEn;
  }
  for (; *text != '\0'; ++text) {
    while ((reg(kState) & kStateTxFull) != 0) {}
    reg(kData) = uint8_t(*text);
  }
}

hal::Status sampleTimerStart(uint32_t rateHz) {
  if (rateHz == 0 || rateHz > kMaxSampleRateHz) return hal::Status::kOutOfRange;
  const uint32_t reload = kCoreClockHz / rateHz - 1;
  reg(kTimerCtrl) = 0;
  reg(kTimerReload) = reload;
  reg(kTimerValue) = reload;
  reg(kTimerIntClear) = 1;
  cortex_m::setIrqPriority(kTimerIrq, kPrioTimer);
  cortex_m::clearPendingIrq(kTimerIrq);
  cortex_m::enableIrq(kTimerIrq);
  reg(kTimerCtrl) = 0x1u | 0x8u;  // enable, interrupt enable
  return hal::Status::kOk;
}

void sampleTimerStop() {
  reg(kTimerCtrl) = 0;
  cortex_m::disableIrq(kTimerIrq);  // includes DSB/ISB: the ISR is not running after this
  reg(kTimerIntClear) = 1;
  cortex_m::clearPendingIrq(kTimerIrq);
}

}  // namespace tinyscope::agent::board

namespace board = tinyscope::agent::board;
namespace cm = tinyscope::agent::cortex_m;

// RX: move bytes from the holding register into the ring. When the ring is full the
// receive interrupt is switched off and the byte stays in the holding register: QEMU
// then stops taking bytes from the pty (lossless back-pressure); real hardware would
// overrun, which is counted. hal::read() switches it back on once there is room.
extern "C" void UART0RX_Handler() {
  using namespace board;
  reg(kIntStatus) = kIntRx;
  while ((reg(kState) & kStateRxFull) != 0) {
    if (g_rx.full()) {
      reg(kCtrl) = reg(kCtrl) & ~kCtrlRxIntEn;
      g_rxThrottled = true;
      g_rxStalls = g_rxStalls + 1;
      break;
    }
    g_rx.push(uint8_t(reg(kData)));
    g_rxBytes = g_rxBytes + 1;
  }
  if ((reg(kState) & kStateRxOverrun) != 0) {
    reg(kState) = kStateRxOverrun;  // write-1-to-clear
    g_rxOverruns = g_rxOverruns + 1;
  }
  cm::noteWake();
}

// TX: feed the transmitter while it has room. The CMSDK UART raises its TX interrupt when
// a byte leaves the holding register, so an empty ring simply lets the interrupt lapse;
// hal::write() pends this handler by software to restart it.
extern "C" void UART0TX_Handler() {
  using namespace board;
  reg(kIntStatus) = kIntTx;
  uint8_t byte;
  while ((reg(kState) & kStateTxFull) == 0 && g_tx.pop(&byte)) {
    reg(kData) = byte;
    g_txBytes = g_txBytes + 1;
  }
  cm::noteWake();
}

extern "C" void TIMER0_Handler() {
  board::reg(board::kTimerIntClear) = 1;
  cm::runSampleHook();
  cm::noteWake();
}

namespace tinyscope::agent::hal {

size_t write(const uint8_t* data, size_t size) {
  const size_t accepted = board::g_tx.push(data, size);
  if (accepted != 0) cm::pendIrq(board::kUartTxIrq);
  return accepted;
}

size_t writeSpace() {
  return board::g_tx.space();
}

size_t txPending() {
  return board::g_tx.size() + ((cm::reg(board::kState) & board::kStateTxFull) != 0 ? 1 : 0);
}

size_t read(uint8_t* out, size_t capacity) {
  const size_t count = board::g_rx.pop(out, capacity);
  if (board::g_rxThrottled && !board::g_rx.full()) {
    cm::InterruptLock lock;
    board::g_rxThrottled = false;
    cm::reg(board::kCtrl) = cm::reg(board::kCtrl) | board::kCtrlRxIntEn;
    cm::pendIrq(board::kUartRxIrq);  // collect the byte waiting in the holding register
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

// AN386 interrupt map as QEMU wires it (hw/arm/mps2.c): 0/1 UART0 RX/TX, 2/3 UART1,
// 4/5 UART2, 8/9 timers, 10 dual timer, 12 UART overflow (combined), 13 ethernet.
extern "C" __attribute__((section(".isr_vector"), used)) const cm::VectorTable<32> g_vectorTable = {
    __stack_top,
    TINYSCOPE_CORE_VECTORS,
    {UART0RX_Handler, UART0TX_Handler, Default_Handler, Default_Handler, Default_Handler,
     Default_Handler, Default_Handler, Default_Handler, TIMER0_Handler,  Default_Handler,
     Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
     Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
     Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
     Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
     Default_Handler, Default_Handler},
};
