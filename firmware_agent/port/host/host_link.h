// The byte link of the host agent: stdio, a pseudo-terminal it creates, or a loopback TCP
// port, behind the non-blocking ring semantics of hal.h (write/read never block; pump()
// moves bytes between the rings and the file descriptor).
//
// Ownership: owns its fds and rings (heap: this is the hosted port). Threading: the agent's
// main thread only (the "interrupts" of this port are pump() calls). Errors: open() returns
// false with a one-line reason in error().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "link_shaper.h"

namespace tinyscope::agent::host {

enum class LinkKind { kStdio, kPty, kTcp };

struct LinkOptions {
  LinkKind kind = LinkKind::kStdio;
  uint16_t tcpPort = 0;  // 0 = any free port
  size_t txRingBytes = 64 * 1024;
  size_t rxRingBytes = 64 * 1024;
  // 0 = as fast as the fd takes them; else a UART-like cap on the bytes written AND read
  // (--baud N gives N/10: 8N1 puts 10 bits on the wire per byte).
  uint32_t bytesPerSecond = 0;
  LinkFaults faults;  // seeded corruption, frame drops and stalls, both directions
};

class HostLink {
 public:
  bool open(const LinkOptions& options);
  void close();
  const std::string& error() const { return m_error; }
  // "PTY /dev/pts/3" or "TCP 127.0.0.1:5555"; empty for stdio.
  std::string announcement() const;

  size_t write(const uint8_t* data, size_t size);
  size_t writeSpace() const { return m_tx.size() - m_txCount; }
  size_t txPending() const { return m_txCount; }
  size_t read(uint8_t* out, size_t capacity);
  size_t available() const { return m_rxCount; }

  // Moves bytes fd<->rings without blocking; accepts a TCP client. False once the peer of a
  // stdio link hung up for good (stdin closed) and nothing is left to send.
  bool pump();
  // Sleeps until the fd is ready (for what the rings want) or `timeoutUs` passed.
  void wait(uint64_t timeoutUs);
  bool finished() const { return m_finished; }

  uint32_t rxBytes() const { return m_rxTotal; }
  uint32_t txBytes() const { return m_txTotal; }
  uint32_t rxStalls() const { return m_rxStalls; }
  // The shaping's own counts (both directions): bytes flipped, frames dropped, stalls.
  uint64_t faultsInjected() const;

 private:
  void pumpRead();
  void pumpReadShaped(int fd);
  void pumpWrite();
  void dropClient();
  int readFd() const;
  int writeFd() const;

  LinkOptions m_options;
  std::string m_error;
  std::string m_ptyPath;
  int m_in = -1;        // stdio: 0; pty: master; tcp: client
  int m_out = -1;       // stdio: 1; pty: master; tcp: client
  int m_listen = -1;    // tcp only
  int m_ptySlave = -1;  // kept open so the pty outlives host programs opening/closing it
  uint16_t m_port = 0;
  int m_stdinFlags = -1;
  int m_stdoutFlags = -1;
  bool m_finished = false;

  std::vector<uint8_t> m_tx;
  size_t m_txHead = 0;  // next byte to send
  size_t m_txCount = 0;
  std::vector<uint8_t> m_rx;
  size_t m_rxHead = 0;  // next byte to read
  size_t m_rxCount = 0;
  uint32_t m_rxTotal = 0;
  uint32_t m_txTotal = 0;
  uint32_t m_rxStalls = 0;
  BytePacer m_txPacer;
  BytePacer m_rxPacer;
  LinkFaultStream m_txFaults;  // what the desktop receives
  LinkFaultStream m_rxFaults;  // what the agent receives
  uint64_t m_stallUntilUs = 0;
  std::vector<uint8_t> m_scratch;  // a block being shaped
  static constexpr size_t kWireLineBytes = 4096;
  std::vector<uint8_t> m_wire;  // shaped reads: bytes on their way across the wire
  size_t m_wireHead = 0;
  void addStall(uint64_t stallMs);
  bool stalled(uint64_t now) const { return now < m_stallUntilUs; }
};

}  // namespace tinyscope::agent::host
