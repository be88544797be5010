#include "qemu_board.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

#include <algorithm>
#include <cstring>
#include <random>
#include <thread>

#ifndef TINYSCOPE_QEMU_RUN_SCRIPT
#error "TINYSCOPE_QEMU_RUN_SCRIPT must name scripts/qemu_run.sh"
#endif

namespace tinyscope::test {

using Clock = std::chrono::steady_clock;

namespace {
int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : int(left.count());
}
}  // namespace

QemuBoard::~QemuBoard() {
  stop();
}

bool QemuBoard::start(const QemuOptions& options) {
  std::vector<std::string> args = {"bash",      TINYSCOPE_QEMU_RUN_SCRIPT,
                                   "--board",   options.board,
                                   "--timeout", std::to_string(options.timeoutSeconds)};
  if (!options.model.empty()) {
    args.push_back("--model");
    args.push_back(options.model);
  }
  if (options.icount) args.push_back("--icount");
  if (!options.semihosting) args.push_back("--no-semihosting");
  args.push_back(options.image);

  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0) {
    m_error = "pipe failed";
    return false;
  }
  m_script = fork();
  if (m_script < 0) {
    m_error = "fork failed";
    return false;
  }
  if (m_script == 0) {
    setpgid(0, 0);  // own process group: stop() signals the whole tree
    dup2(pipeFds[1], STDOUT_FILENO);
    dup2(pipeFds[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
#ifdef TINYSCOPE_CLI
    setenv("TINYSCOPE_CLI", TINYSCOPE_CLI, 1);  // --model: this build's tinyscope-cli slot-image
#endif
    execvp("bash", argv.data());
    _exit(127);
  }
  setpgid(m_script, m_script);
  close(pipeFds[1]);
  m_console = pipeFds[0];
  fcntl(m_console, F_SETFL, fcntl(m_console, F_GETFL) | O_NONBLOCK);

  const auto deadline = Clock::now() + std::chrono::seconds(15);
  std::string line;
  while (readLine(line, deadline)) {
    if (line.rfind("TINYSCOPE_QEMU_PID=", 0) == 0) m_qemu = pid_t(std::stol(line.substr(19)));
    if (line.rfind("TINYSCOPE_PTY=", 0) == 0) m_pty = line.substr(14);
    if (line == "TINYSCOPE_QEMU_READY") break;
    m_consoleText += line + "\n";
  }
  if (m_pty.empty()) {
    m_error = "qemu_run.sh reported no pty: " + m_consoleText;
    return false;
  }
  int fd = open(m_pty.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    m_error = "cannot open " + m_pty + ": " + std::strerror(errno);
    return false;
  }
  termios tio{};
  tcgetattr(fd, &tio);
  cfmakeraw(&tio);
  tcsetattr(fd, TCSANOW, &tio);
  m_ptyFd = fd;
  return true;
}

bool QemuBoard::readLine(std::string& line, Clock::time_point deadline) {
  line.clear();
  for (;;) {
    char c;
    const ssize_t n = read(m_console, &c, 1);
    if (n == 1) {
      if (c == '\n') return true;
      line += c;
      continue;
    }
    if (n == 0) return false;  // script exited
    pollfd p{m_console, POLLIN, 0};
    const int wait = remainingMs(deadline);
    if (wait == 0 || poll(&p, 1, wait) <= 0) return false;
  }
}

size_t QemuBoard::writeSome(const uint8_t* data, size_t size) {
  const ssize_t n = ::write(m_ptyFd, data, size);
  return n > 0 ? size_t(n) : 0;
}

bool QemuBoard::writeAll(const std::vector<uint8_t>& data, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  size_t done = 0;
  while (done < data.size()) {
    done += writeSome(data.data() + done, data.size() - done);
    if (done == data.size()) break;
    pollfd p{m_ptyFd, POLLOUT, 0};
    const int wait = remainingMs(deadline);
    if (wait == 0) return false;
    poll(&p, 1, std::min(wait, 20));
  }
  return true;
}

size_t QemuBoard::readSome(std::vector<uint8_t>& out, std::chrono::milliseconds wait) {
  pollfd p{m_ptyFd, POLLIN, 0};
  if (poll(&p, 1, int(wait.count())) <= 0) return 0;
  uint8_t buffer[4096];
  // EIO/EAGAIN: nothing there yet (QEMU attaches the pty lazily).
  const ssize_t n = ::read(m_ptyFd, buffer, sizeof buffer);
  if (n <= 0) {
    if (n < 0 && errno == EIO) std::this_thread::sleep_for(wait);
    return 0;
  }
  out.insert(out.end(), buffer, buffer + n);
  return size_t(n);
}

bool QemuBoard::readExact(size_t n, std::vector<uint8_t>& out, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  std::vector<uint8_t> got;
  while (got.size() < n) {
    const int wait = remainingMs(deadline);
    if (wait == 0) break;
    std::vector<uint8_t> chunk;
    // Read no further than asked: the rest belongs to the next reply.
    pollfd p{m_ptyFd, POLLIN, 0};
    if (poll(&p, 1, std::min(wait, 50)) <= 0) continue;
    uint8_t buffer[4096];
    const ssize_t r = ::read(m_ptyFd, buffer, std::min(sizeof buffer, n - got.size()));
    if (r > 0)
      got.insert(got.end(), buffer, buffer + r);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  out.insert(out.end(), got.begin(), got.end());
  return got.size() == n;
}

bool QemuBoard::handshake(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  std::vector<uint8_t> seen;
  const std::string banner = "TSBOOT ";
  bool gotBanner = false;
  while (!gotBanner && Clock::now() < deadline) {
    const uint8_t u = 'U';
    writeSome(&u, 1);
    readSome(seen, std::chrono::milliseconds(100));
    gotBanner = std::search(seen.begin(), seen.end(), banner.begin(), banner.end()) != seen.end();
  }
  if (!gotBanner) {
    m_error = "no banner from the firmware within the deadline";
    return false;
  }
  std::mt19937 rng(std::random_device{}());
  std::vector<uint8_t> sync = {'N', uint8_t(rng()), uint8_t(rng()), uint8_t(rng()), uint8_t(rng())};
  std::vector<uint8_t> expect = sync;
  expect[0] = 'n';
  writeAll(sync);
  std::vector<uint8_t> stream;
  while (Clock::now() < deadline) {
    // One byte at a time so nothing after the nonce is consumed.
    if (!readExact(1, stream, std::chrono::milliseconds(200))) continue;
    if (stream.size() >= expect.size() &&
        std::equal(expect.begin(), expect.end(), stream.end() - expect.size()))
      return true;
  }
  m_error = "no resynchronisation reply from the firmware";
  return false;
}

void QemuBoard::drainConsole(int waitMs) {
  if (m_console < 0) return;
  const auto deadline = Clock::now() + std::chrono::milliseconds(waitMs);
  std::string line;
  while (readLine(line, deadline)) m_consoleText += line + "\n";
  if (!line.empty()) m_consoleText += line;
}

std::string QemuBoard::consoleOutput() {
  drainConsole(0);
  return m_consoleText;
}

int QemuBoard::waitExit(std::chrono::milliseconds limit) {
  if (m_script <= 0) return m_exitStatus;
  const auto deadline = Clock::now() + limit;
  for (;;) {
    drainConsole(0);
    int status = 0;
    const pid_t r = waitpid(m_script, &status, WNOHANG);
    if (r == m_script) {
      m_script = -1;
      m_exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      drainConsole(100);
      return m_exitStatus;
    }
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void QemuBoard::stop() {
  if (m_ptyFd >= 0) {
    close(m_ptyFd);
    m_ptyFd = -1;
  }
  if (m_script > 0) {
    kill(-m_script, SIGTERM);  // the script's trap takes QEMU down
    if (waitExit(std::chrono::seconds(3)) < 0 && m_script > 0) {
      kill(-m_script, SIGKILL);
      if (m_qemu > 0) kill(m_qemu, SIGKILL);  // timeout(1) runs in its own group
      waitpid(m_script, nullptr, 0);
      m_script = -1;
    }
  }
  if (m_console >= 0) {
    close(m_console);
    m_console = -1;
  }
}

}  // namespace tinyscope::test
