#pragma once
// Test harness for the real tinyscope-agent process: spawns it on stdio pipes, on the
// pseudo-terminal it creates (--pty) or on a loopback TCP port (--tcp 0), and talks the
// protocol to it with the same frame codec and message definition the desktop uses.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "device_protocol/frame_codec.h"
#include "device_protocol/message_frame.h"
#include "device_protocol/messages.h"

namespace agent_test {

namespace proto = tinyscope::proto;

enum class Link { kStdio, kPty, kTcp };

inline const char* linkName(Link l) {
  return l == Link::kStdio ? "stdio" : l == Link::kPty ? "pty" : "tcp";
}

inline uint64_t nowUs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000u + uint64_t(ts.tv_nsec) / 1000u;
}

// One received message: its header and a copy of its bytes (decode with decode<T>()).
struct Message {
  proto::Header header;
  std::vector<uint8_t> bytes;
  uint64_t receivedUs = 0;

  template <class T>
  T decode() const {
    T m;
    const proto::Status s =
        proto::decodeMessage(proto::ConstByteSpan(bytes.data(), bytes.size()), m);
    if (s != proto::Status::kOk) m = T();
    return m;
  }
  proto::MessageType type() const { return header.type; }
};

class AgentProcess {
 public:
  AgentProcess() = default;
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;
  ~AgentProcess() { stop(); }

  // Starts tinyscope-agent with `args` (the link flag is added for Pty/Tcp). False with
  // error() on failure.
  bool start(Link link, std::vector<std::string> args) {
    m_link = link;
    if (link == Link::kPty) args.insert(args.begin(), "--pty");
    if (link == Link::kTcp) {
      args.insert(args.begin(), "0");
      args.insert(args.begin(), "--tcp");
    }
    args.insert(args.begin(), "--quiet");
    int toChild[2];
    int fromChild[2];
    if (pipe2(toChild, O_CLOEXEC) != 0 || pipe2(fromChild, O_CLOEXEC) != 0)
      return fail("pipe failed");
    m_pid = fork();
    if (m_pid < 0) return fail("fork failed");
    if (m_pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test must not leave agents behind
      dup2(toChild[0], 0);
      dup2(fromChild[1], 1);
      std::vector<char*> argv;
      std::string exe = TINYSCOPE_AGENT_EXE;
      argv.push_back(exe.data());
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(exe.c_str(), argv.data());
      _exit(127);
    }
    ::close(toChild[0]);
    ::close(fromChild[1]);
    m_stdin = toChild[1];
    m_stdout = fromChild[0];
    if (link == Link::kStdio) {
      m_rd = m_stdout;
      m_wr = m_stdin;
      fcntl(m_rd, F_SETFL, fcntl(m_rd, F_GETFL) | O_NONBLOCK);
      return true;
    }
    const std::string line = readLine(5000);
    if (link == Link::kPty) {
      if (line.rfind("PTY ", 0) != 0) return fail("no PTY line, got '" + line + "'");
      m_path = line.substr(4);
      const int fd = ::open(m_path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) return fail("cannot open " + m_path);
      termios t{};
      tcgetattr(fd, &t);
      cfmakeraw(&t);
      tcsetattr(fd, TCSANOW, &t);
      m_rd = m_wr = fd;
      return true;
    }
    if (line.rfind("TCP 127.0.0.1:", 0) != 0) return fail("no TCP line, got '" + line + "'");
    const int port = std::stoi(line.substr(14));
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return fail("cannot connect");
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    m_path = line.substr(4);
    m_rd = m_wr = fd;
    return true;
  }

  // SIGTERM, then waits; returns the exit code (-1 when killed by a signal).
  int stop() {
    if (m_pid <= 0) return m_exit;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300; ++i) {
      if (waitpid(m_pid, &status, WNOHANG) == m_pid) break;
      usleep(10000);
      if (i == 299) {
        ::kill(m_pid, SIGKILL);
        waitpid(m_pid, &status, 0);
      }
    }
    m_pid = -1;
    closeFds();
    m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return m_exit;
  }

  pid_t pid() const { return m_pid; }
  int readFd() const { return m_rd; }
  int writeFd() const { return m_wr; }
  const std::string& error() const { return m_error; }
  const std::string& path() const { return m_path; }

 private:
  bool fail(const std::string& why) {
    m_error = why;
    return false;
  }
  std::string readLine(int timeoutMs) {
    std::string line;
    const uint64_t end = nowUs() + uint64_t(timeoutMs) * 1000;
    while (nowUs() < end) {
      pollfd p{m_stdout, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char c;
      if (::read(m_stdout, &c, 1) != 1) break;
      if (c == '\n') return line;
      line += c;
    }
    return line;
  }
  void closeFds() {
    for (int* fd : {&m_stdin, &m_stdout}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
    if (m_link != Link::kStdio && m_rd >= 0) ::close(m_rd);
    m_rd = m_wr = -1;
  }

  Link m_link = Link::kStdio;
  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_stdout = -1;
  int m_rd = -1;
  int m_wr = -1;
  int m_exit = -1;
  std::string m_path;
  std::string m_error;
};

// The desktop end of the protocol over a pair of fds.
class AgentClient {
 public:
  AgentClient(int rd, int wr)
      : m_rd(rd), m_wr(wr), m_decoder(proto::ByteSpan(m_frame, sizeof m_frame)) {}

  template <class T>
  uint16_t send(const T& message, uint16_t requestId = 0) {
    if (requestId == 0) requestId = ++m_nextRequest;
    uint8_t buf[proto::frameWireSize(proto::kMaxHostToDeviceMessageSize)];
    const proto::EncodeResult r = proto::encodeFrame(proto::makeHeader<T>(m_sequence++, requestId),
                                                     message, proto::ByteSpan(buf, sizeof buf));
    if (r.status == proto::Status::kOk) writeAll(buf, r.size);
    return requestId;
  }

  bool writeAll(const uint8_t* p, size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(m_wr, p, n);
      if (w > 0) {
        p += w;
        n -= size_t(w);
        continue;
      }
      pollfd pfd{m_wr, POLLOUT, 0};
      if (::poll(&pfd, 1, 2000) <= 0) return false;
    }
    return true;
  }

  // Next message, waiting up to timeoutMs; false on timeout.
  bool next(Message* out, int timeoutMs) {
    const uint64_t end = nowUs() + uint64_t(timeoutMs) * 1000;
    for (;;) {
      if (!m_queue.empty()) {
        *out = std::move(m_queue.front());
        m_queue.pop_front();
        return true;
      }
      const uint64_t now = nowUs();
      if (now >= end) return false;
      pump(int((end - now) / 1000) + 1);
    }
  }

  // Hands every message that arrives within `forUs` to `onMessage`, in order.
  template <class F>
  void readFor(uint64_t forUs, F onMessage) {
    const uint64_t t0 = nowUs();
    Message m;
    while (nowUs() - t0 < forUs && next(&m, 200)) onMessage(m);
  }

  // Waits for a message of `type` answering `requestId` (any when 0). Other messages go to
  // `others` (when given) or are dropped.
  bool waitFor(proto::MessageType type, uint16_t requestId, Message* out, int timeoutMs,
               std::vector<Message>* others = nullptr) {
    const uint64_t end = nowUs() + uint64_t(timeoutMs) * 1000;
    Message m;
    while (nowUs() < end) {
      if (!next(&m, int((end - nowUs()) / 1000) + 1)) return false;
      if (m.type() == type && (requestId == 0 || m.header.requestId == requestId)) {
        *out = std::move(m);
        return true;
      }
      if (others != nullptr) others->push_back(std::move(m));
    }
    return false;
  }

  // Reads what arrives within timeoutMs into the queue.
  void pump(int timeoutMs) {
    pollfd p{m_rd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0) return;
    uint8_t buf[65536];
    for (;;) {
      const ssize_t r = ::read(m_rd, buf, sizeof buf);
      if (r <= 0) break;
      m_bytes += uint64_t(r);
      proto::ConstByteSpan in(buf, size_t(r));
      while (!in.empty()) {
        const proto::FrameDecodeResult d = m_decoder.feed(in);
        in = in.subspan(d.consumed);
        if (d.status != proto::FrameStatus::kFrameReady) continue;
        Message m;
        const proto::ConstByteSpan f = m_decoder.frame();
        m.bytes.assign(f.begin(), f.end());
        m.receivedUs = nowUs();
        if (proto::decodeHeader(f, m.header) == proto::Status::kOk) m_queue.push_back(std::move(m));
      }
    }
  }

  // Handshake; fills *reply. False when no HelloReply came.
  bool hello(proto::HelloReply* reply, int timeoutMs = 5000) {
    proto::Hello h;
    h.hostName.assign("agent-test");
    const uint16_t id = send(h);
    Message m;
    if (!waitFor(proto::MessageType::kHelloReply, id, &m, timeoutMs)) return false;
    *reply = m.decode<proto::HelloReply>();
    return true;
  }

  // Sends a request and waits for its Ack or Nack.
  template <class T>
  Message request(const T& message, int timeoutMs = 5000) {
    const uint16_t id = send(message);
    const uint64_t end = nowUs() + uint64_t(timeoutMs) * 1000;
    Message m;
    while (nowUs() < end && next(&m, int((end - nowUs()) / 1000) + 1)) {
      if (m.header.requestId == id &&
          (m.type() == proto::MessageType::kAck || m.type() == proto::MessageType::kNack)) {
        return m;
      }
    }
    return Message();
  }

  const proto::FrameCounters& counters() const { return m_decoder.counters(); }
  uint64_t bytesReceived() const { return m_bytes; }

 private:
  int m_rd;
  int m_wr;
  uint8_t m_frame[proto::frameDecodeBufferSize(proto::kMaxDeviceToHostMessageSize)];
  proto::FrameDecoder m_decoder;
  std::deque<Message> m_queue;
  uint16_t m_sequence = 0;
  uint16_t m_nextRequest = 0;
  uint64_t m_bytes = 0;
};

}  // namespace agent_test
