// Test harness: one firmware image booted in QEMU through scripts/qemu_run.sh, its UART
// opened as a raw pty. Owns the child process group; the destructor always kills it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tinyscope::test {

struct QemuOptions {
  std::string board = "mps2-an386";
  std::string image;  // .elf
  std::string model;  // optional: preloaded into slot 0
  bool icount = false;
  bool semihosting = true;
  int timeoutSeconds = 60;  // QEMU's own hard limit (timeout(1) in the script)
};

class QemuBoard {
 public:
  QemuBoard() = default;
  ~QemuBoard();
  QemuBoard(const QemuBoard&) = delete;
  QemuBoard& operator=(const QemuBoard&) = delete;

  // Starts QEMU and opens the pty. False with error() set when anything fails.
  bool start(const QemuOptions& options);
  const std::string& error() const { return m_error; }
  const std::string& ptyPath() const { return m_pty; }

  // Resends 'U' until the banner arrives, then resynchronises with a nonce so no stale
  // banner remains in the stream.
  bool handshake(std::chrono::milliseconds deadline = std::chrono::seconds(20));

  // Non-blocking pty write of as much as fits; returns bytes written.
  size_t writeSome(const uint8_t* data, size_t size);
  bool writeAll(const std::vector<uint8_t>& data,
                std::chrono::milliseconds deadline = std::chrono::seconds(10));
  // Reads whatever is available within `wait`; appends to out.
  size_t readSome(std::vector<uint8_t>& out, std::chrono::milliseconds wait);
  // Reads exactly n bytes or fails at the deadline.
  bool readExact(size_t n, std::vector<uint8_t>& out,
                 std::chrono::milliseconds deadline = std::chrono::seconds(10));

  // Waits for the QEMU run to end; returns its exit status, or -1 on timeout.
  int waitExit(std::chrono::milliseconds deadline);
  // QEMU's relayed output so far (semihosting prints, FATAL lines).
  std::string consoleOutput();

  void stop();

 private:
  bool readLine(std::string& line, std::chrono::steady_clock::time_point deadline);
  void drainConsole(int waitMs);

  pid_t m_script = -1;
  pid_t m_qemu = -1;
  int m_console = -1;  // read end of the script's stdout
  int m_ptyFd = -1;
  std::string m_pty;  // path
  std::string m_consoleText;
  std::string m_error;
  int m_exitStatus = -1;
};

// Little-endian field readers for replies.
inline uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t le64(const uint8_t* p) {
  return le32(p) | uint64_t(le32(p + 4)) << 32;
}

}  // namespace tinyscope::test
