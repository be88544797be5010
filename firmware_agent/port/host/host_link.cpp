#include "host_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace tinyscope::agent::host {

namespace {
uint64_t nowUs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000u + uint64_t(ts.tv_nsec) / 1000u;
}
bool setNonBlocking(int fd, int* oldFlags) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  if (oldFlags != nullptr) *oldFlags = flags;
  return fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}
}  // namespace

bool HostLink::open(const LinkOptions& options) {
  m_options = options;
  m_tx.assign(options.txRingBytes == 0 ? 1 : options.txRingBytes, 0);
  m_rx.assign(options.rxRingBytes == 0 ? 1 : options.rxRingBytes, 0);
  m_txPacer.start(options.bytesPerSecond);
  m_rxPacer.start(options.bytesPerSecond);
  m_txFaults.reset(options.faults, 0);
  m_rxFaults.reset(options.faults, 1);
  switch (options.kind) {
    case LinkKind::kStdio:
      m_in = 0;
      m_out = 1;
      if (!setNonBlocking(0, &m_stdinFlags) || !setNonBlocking(1, &m_stdoutFlags)) {
        m_error = std::string("cannot make stdin/stdout non-blocking: ") + std::strerror(errno);
        return false;
      }
      return true;
    case LinkKind::kPty: {
      int master = -1;
      int slave = -1;
      char name[128] = {};
      if (openpty(&master, &slave, name, nullptr, nullptr) != 0) {
        m_error = std::string("cannot create a pseudo-terminal: ") + std::strerror(errno);
        return false;
      }
      termios t{};
      for (int fd : {master, slave}) {
        tcgetattr(fd, &t);
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
      }
      setNonBlocking(master, nullptr);
      m_in = m_out = master;
      m_ptySlave = slave;
      m_ptyPath = name;
      return true;
    }
    case LinkKind::kTcp: {
      m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (m_listen < 0) {
        m_error = std::string("cannot create a socket: ") + std::strerror(errno);
        return false;
      }
      const int one = 1;
      setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(options.tcpPort);
      if (::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
          ::listen(m_listen, 1) != 0) {
        m_error = "cannot listen on 127.0.0.1:" + std::to_string(options.tcpPort) + ": " +
                  std::strerror(errno);
        return false;
      }
      socklen_t len = sizeof addr;
      getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
      m_port = ntohs(addr.sin_port);
      setNonBlocking(m_listen, nullptr);
      return true;
    }
  }
  return false;
}

void HostLink::close() {
  // Give what is queued a short chance to leave.
  const uint64_t deadline = nowUs() + 200000;
  while (m_txCount != 0 && writeFd() >= 0 && nowUs() < deadline) {
    pumpWrite();
    if (m_txCount != 0) wait(2000);
  }
  if (m_options.kind == LinkKind::kStdio) {
    if (m_stdinFlags >= 0) fcntl(0, F_SETFL, m_stdinFlags);
    if (m_stdoutFlags >= 0) fcntl(1, F_SETFL, m_stdoutFlags);
  } else if (m_options.kind == LinkKind::kPty) {
    if (m_in >= 0) ::close(m_in);
    if (m_ptySlave >= 0) ::close(m_ptySlave);
  } else {
    dropClient();
    if (m_listen >= 0) ::close(m_listen);
  }
  m_in = m_out = m_listen = m_ptySlave = -1;
}

std::string HostLink::announcement() const {
  switch (m_options.kind) {
    case LinkKind::kPty:
      return "PTY " + m_ptyPath;
    case LinkKind::kTcp:
      return "TCP 127.0.0.1:" + std::to_string(m_port);
    default:
      return std::string();
  }
}

int HostLink::readFd() const {
  return m_finished ? -1 : m_in;
}
int HostLink::writeFd() const {
  return m_out;
}

uint64_t HostLink::faultsInjected() const {
  return m_txFaults.bytesCorrupted() + m_txFaults.framesDropped() + m_txFaults.stalls() +
         m_rxFaults.bytesCorrupted() + m_rxFaults.framesDropped() + m_rxFaults.stalls();
}

void HostLink::addStall(uint64_t stallMs) {
  if (stallMs == 0) return;
  const uint64_t now = nowUs();
  m_stallUntilUs = (m_stallUntilUs > now ? m_stallUntilUs : now) + stallMs * 1000u;
}

size_t HostLink::write(const uint8_t* data, size_t size) {
  const size_t n = size < writeSpace() ? size : writeSpace();
  const uint8_t* src = data;
  size_t kept = n;
  if (m_options.faults.any() && n != 0) {
    // Faults are applied as bytes enter the ring: a dropped frame costs no wire time.
    m_scratch.assign(data, data + n);
    uint64_t stallMs = 0;
    kept = m_txFaults.apply(m_scratch.data(), n, &stallMs);
    addStall(stallMs);
    src = m_scratch.data();
  }
  if (m_txCount == 0 && kept != 0) m_txPacer.markPending(nowUs());
  size_t tail = (m_txHead + m_txCount) % m_tx.size();
  for (size_t i = 0; i < kept; ++i) {
    m_tx[tail] = src[i];
    tail = tail + 1 == m_tx.size() ? 0 : tail + 1;
  }
  m_txCount += kept;
  if (n != 0) pumpWrite();
  return n;
}

size_t HostLink::read(uint8_t* out, size_t capacity) {
  if (m_rxCount == 0) pumpRead();
  const size_t n = capacity < m_rxCount ? capacity : m_rxCount;
  for (size_t i = 0; i < n; ++i) {
    out[i] = m_rx[m_rxHead];
    m_rxHead = m_rxHead + 1 == m_rx.size() ? 0 : m_rxHead + 1;
  }
  m_rxCount -= n;
  return n;
}

void HostLink::dropClient() {
  if (m_options.kind == LinkKind::kTcp && m_in >= 0) {
    ::close(m_in);
    m_in = m_out = -1;
    // A new client starts from a clean link, as after a cable swap.
    m_txHead = m_txCount = 0;
    m_rxHead = m_rxCount = 0;
    m_wire.clear();
    m_wireHead = 0;
  }
}

void HostLink::pumpRead() {
  if (m_options.kind == LinkKind::kTcp && m_in < 0 && m_listen >= 0) {
    const int client = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client >= 0) {
      const int one = 1;
      setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      m_in = m_out = client;
    }
  }
  const int fd = readFd();
  if (fd < 0) return;
  if (m_rxPacer.limited() || m_options.faults.any()) return pumpReadShaped(fd);
  while (m_rxCount < m_rx.size()) {
    const size_t tail = (m_rxHead + m_rxCount) % m_rx.size();
    const size_t contiguous =
        tail >= m_rxHead || m_rxCount == 0 ? m_rx.size() - tail : m_rxHead - tail;
    const size_t room = contiguous < m_rx.size() - m_rxCount ? contiguous : m_rx.size() - m_rxCount;
    const ssize_t r = ::read(fd, m_rx.data() + tail, room);
    if (r > 0) {
      m_rxCount += size_t(r);
      m_rxTotal += uint32_t(r);
      continue;
    }
    if (r == 0) {
      if (m_options.kind == LinkKind::kStdio) m_finished = true;  // stdin closed: the host left
      if (m_options.kind == LinkKind::kTcp) dropClient();
      // A pty master reads 0/EIO while no program has the slave open: not an end.
      return;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK && m_options.kind == LinkKind::kTcp) dropClient();
    return;
  }
  ++m_rxStalls;
}

void HostLink::pumpReadShaped(int fd) {
  // What the peer sent waits in a bounded delay line (the rest stays in the kernel, as bytes
  // not yet clocked in by a UART) until the wire rate delivers it; faults apply on delivery.
  const uint64_t now = nowUs();
  const size_t lineBytes = m_wire.size() - m_wireHead;
  if (lineBytes < kWireLineBytes) {
    uint8_t buffer[kWireLineBytes];
    const ssize_t r = ::read(fd, buffer, kWireLineBytes - lineBytes);
    if (r > 0) {
      if (lineBytes == 0) {
        m_wire.clear();
        m_wireHead = 0;
        m_rxPacer.markPending(now);
      }
      m_wire.insert(m_wire.end(), buffer, buffer + r);
    } else if (r == 0) {
      if (m_options.kind == LinkKind::kStdio) m_finished = true;
      if (m_options.kind == LinkKind::kTcp) return dropClient();
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
               m_options.kind == LinkKind::kTcp) {
      return dropClient();
    }
  }
  if (stalled(now)) return;
  size_t n = m_wire.size() - m_wireHead;
  const size_t allowed = m_rxPacer.allowance(now);
  if (allowed < n) n = allowed;
  if (m_rx.size() - m_rxCount < n) {
    n = m_rx.size() - m_rxCount;
    ++m_rxStalls;
  }
  if (n == 0) return;
  m_scratch.assign(m_wire.begin() + ptrdiff_t(m_wireHead),
                   m_wire.begin() + ptrdiff_t(m_wireHead + n));
  m_wireHead += n;
  m_rxPacer.consume(n);
  uint64_t stallMs = 0;
  const size_t kept = m_rxFaults.apply(m_scratch.data(), n, &stallMs);
  addStall(stallMs);
  const size_t tail = (m_rxHead + m_rxCount) % m_rx.size();
  for (size_t i = 0; i < kept; ++i) m_rx[(tail + i) % m_rx.size()] = m_scratch[i];
  m_rxCount += kept;
  m_rxTotal += uint32_t(kept);
}

void HostLink::pumpWrite() {
  const int fd = writeFd();
  if (fd < 0) return;
  while (m_txCount != 0) {
    size_t n = m_tx.size() - m_txHead < m_txCount ? m_tx.size() - m_txHead : m_txCount;
    if (m_txPacer.limited() || m_stallUntilUs != 0) {
      const uint64_t now = nowUs();
      if (stalled(now)) return;
      const size_t allowed = m_txPacer.allowance(now);
      if (allowed == 0) return;
      if (allowed < n) n = allowed;
    }
    const ssize_t w = ::write(fd, m_tx.data() + m_txHead, n);
    if (w > 0) {
      m_txHead = (m_txHead + size_t(w)) % m_tx.size();
      m_txCount -= size_t(w);
      m_txTotal += uint32_t(w);
      m_txPacer.consume(size_t(w));
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) {
      if (m_options.kind == LinkKind::kTcp) {
        dropClient();
      } else if (m_options.kind == LinkKind::kStdio) {
        m_finished = true;
        m_txHead = m_txCount = 0;
      }
    }
    return;
  }
}

bool HostLink::pump() {
  pumpWrite();
  pumpRead();
  return !(m_finished && m_txCount == 0);
}

void HostLink::wait(uint64_t timeoutUs) {
  pollfd fds[2];
  nfds_t n = 0;
  if (m_options.kind == LinkKind::kTcp && m_in < 0 && m_listen >= 0) {
    fds[n++] = pollfd{m_listen, POLLIN, 0};
  }
  const int in = readFd();
  const int out = writeFd();
  // A paced or stalled link polls only for what it may move, and wakes when the next byte
  // is due (or the stall ends).
  const uint64_t now = nowUs();
  const bool isStalled = stalled(now);
  const bool shapedRx = m_rxPacer.limited() || m_options.faults.any();
  const bool linePending = m_wireHead < m_wire.size();
  auto wakeBy = [&](uint64_t us) {
    if (us == 0) us = 1;
    if (us < timeoutUs) timeoutUs = us;
  };
  const bool rxRoom =
      m_rxCount < m_rx.size() && (!shapedRx || m_wire.size() - m_wireHead < kWireLineBytes);
  short inEvents = (in >= 0 && rxRoom) ? POLLIN : 0;
  if (in >= 0 && linePending) wakeBy(isStalled ? m_stallUntilUs - now : m_rxPacer.waitUs(now));
  const bool txHeld = isStalled || m_txPacer.limited();
  short outEvents = (out >= 0 && m_txCount != 0 && !txHeld) ? POLLOUT : 0;
  if (out >= 0 && m_txCount != 0 && txHeld)
    wakeBy(isStalled ? m_stallUntilUs - now : m_txPacer.waitUs(now));
  if (in >= 0 && in == out) {
    if (inEvents | outEvents) fds[n++] = pollfd{in, short(inEvents | outEvents), 0};
  } else {
    if (inEvents) fds[n++] = pollfd{in, inEvents, 0};
    if (outEvents) fds[n++] = pollfd{out, outEvents, 0};
  }
  if (n == 0) {
    timespec ts{time_t(timeoutUs / 1000000u), long(timeoutUs % 1000000u) * 1000};
    nanosleep(&ts, nullptr);
    return;
  }
  const timespec timeout{time_t(timeoutUs / 1000000u), long(timeoutUs % 1000000u) * 1000};
  ::ppoll(fds, n, &timeout, nullptr);
  // A pty master with no slave reader reports POLLHUP at once; do not spin on it.
  for (nfds_t i = 0; i < n; ++i) {
    if ((fds[i].revents & POLLHUP) != 0 && m_options.kind == LinkKind::kPty) {
      timespec ts{0, 1000000};
      nanosleep(&ts, nullptr);
    }
  }
}

}  // namespace tinyscope::agent::host
