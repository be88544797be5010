#pragma once
// FaultyRelay: stands between a device's pty and the host's, like a bad cable. It copies
// bytes both ways on its own thread and, device-to-host, flips one random bit in a byte
// with probability flipRate and drops a byte with probability dropRate. The host opens
// hostPath(), a symlink that stays the same when the relay is "replugged" (restarted on a
// new pty), so a reconnect sees the same address.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

class FaultyRelay {
 public:
  FaultyRelay(std::string devicePath, std::string hostLink, double flipRate, double dropRate)
      : m_devicePath(std::move(devicePath)),
        m_hostLink(std::move(hostLink)),
        m_flip(flipRate),
        m_drop(dropRate) {}
  ~FaultyRelay() { unplug(); }

  bool plug() {
    m_device = ::open(m_devicePath.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (m_device < 0) return false;
    raw(m_device);
    char name[128] = {};
    if (openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0) return false;
    raw(m_master);
    raw(m_slave);
    ::unlink(m_hostLink.c_str());
    if (::symlink(name, m_hostLink.c_str()) != 0) return false;
    m_stop = false;
    m_thread = std::thread([this] { loop(); });
    return true;
  }

  // The cable is pulled: the host side's pty disappears.
  void unplug() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    for (int* fd : {&m_master, &m_slave, &m_device})
      if (*fd >= 0) {
        ::close(*fd);
        *fd = -1;
      }
  }

  const std::string& hostPath() const { return m_hostLink; }
  uint64_t flipped() const { return m_flipped; }
  uint64_t dropped() const { return m_dropped; }
  void setFaults(double flip, double drop) {
    m_flip = flip;
    m_drop = drop;
  }

 private:
  static void raw(int fd) {
    termios t{};
    tcgetattr(fd, &t);
    cfmakeraw(&t);
    tcsetattr(fd, TCSANOW, &t);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  static void writeAll(int fd, const unsigned char* p, size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd, p, n);
      if (w < 0) {
        pollfd pfd{fd, POLLOUT, 0};
        if (::poll(&pfd, 1, 100) < 0) return;
        continue;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
  }
  void loop() {
    std::mt19937 rng(12345);
    std::uniform_real_distribution<double> u(0, 1);
    unsigned char buf[4096];
    while (!m_stop) {
      pollfd fds[2] = {{m_device, POLLIN, 0}, {m_master, POLLIN, 0}};
      if (::poll(fds, 2, 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        const ssize_t n = ::read(m_device, buf, sizeof buf);
        size_t out = 0;
        for (ssize_t i = 0; i < n; ++i) {
          if (u(rng) < m_drop) {
            ++m_dropped;
            continue;
          }
          unsigned char b = buf[i];
          if (u(rng) < m_flip) {
            b ^= static_cast<unsigned char>(1u << (rng() % 8));
            ++m_flipped;
          }
          buf[out++] = b;
        }
        writeAll(m_master, buf, out);
      }
      if (fds[1].revents & POLLIN) {
        const ssize_t n = ::read(m_master, buf, sizeof buf);
        if (n > 0) writeAll(m_device, buf, static_cast<size_t>(n));
      }
    }
  }

  std::string m_devicePath, m_hostLink;
  std::atomic<double> m_flip, m_drop;
  std::atomic<bool> m_stop{false};
  std::atomic<uint64_t> m_flipped{0}, m_dropped{0};
  int m_device = -1, m_master = -1, m_slave = -1;
  std::thread m_thread;
};
