#pragma once
// A real pseudo-terminal pair for serial tests: the code under test opens slavePath() as a
// serial port; the test plays the device on the master fd. Both ends are in raw mode.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <string>

class PtyPair {
 public:
  PtyPair() {
    char name[128] = {};
    if (openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0) return;
    termios t{};
    tcgetattr(m_slave, &t);
    cfmakeraw(&t);
    tcsetattr(m_slave, TCSANOW, &t);
    tcgetattr(m_master, &t);
    cfmakeraw(&t);
    tcsetattr(m_master, TCSANOW, &t);
    fcntl(m_master, F_SETFL, fcntl(m_master, F_GETFL) | O_NONBLOCK);
    m_path = name;
  }
  ~PtyPair() {
    closeMaster();
    if (m_slave >= 0) ::close(m_slave);
  }
  PtyPair(const PtyPair&) = delete;
  PtyPair& operator=(const PtyPair&) = delete;

  bool ok() const { return m_master >= 0 && !m_path.empty(); }
  const std::string& slavePath() const { return m_path; }
  int master() const { return m_master; }

  // The slave fd kept open by the test, so the pty survives the port under test closing.
  // Close it to make the device "disappear" together with closeMaster().
  void closeSlaveKeepAlive() {
    if (m_slave >= 0) ::close(m_slave);
    m_slave = -1;
  }
  void closeMaster() {
    if (m_master >= 0) ::close(m_master);
    m_master = -1;
  }

  bool writeAll(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t w = ::write(m_master, p, n);
      if (w < 0) {
        pollfd pfd{m_master, POLLOUT, 0};
        if (::poll(&pfd, 1, 1000) <= 0) return false;
        continue;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }

  // Reads what is there now (non-blocking), appending to out; waits up to timeoutMs for the first
  // byte.
  size_t readSome(std::string* out, int timeoutMs) {
    pollfd pfd{m_master, POLLIN, 0};
    if (::poll(&pfd, 1, timeoutMs) <= 0) return 0;
    char buf[4096];
    size_t total = 0;
    for (;;) {
      const ssize_t r = ::read(m_master, buf, sizeof buf);
      if (r <= 0) break;
      out->append(buf, static_cast<size_t>(r));
      total += static_cast<size_t>(r);
    }
    return total;
  }

 private:
  int m_master = -1;
  int m_slave = -1;
  std::string m_path;
};
