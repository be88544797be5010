#pragma once
// A board with no agent that prints one line of numbers every `period` on a PtyPair's master,
// from its own thread, until destroyed. line(i) gives the i-th line (with its line ending).
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "tests/support/pty_pair.h"

class TextBoard {
 public:
  TextBoard(PtyPair* pty, std::chrono::microseconds period, std::function<std::string(int)> line)
      : m_thread([this, pty, period, line = std::move(line)] {
          const auto start = std::chrono::steady_clock::now();
          for (int i = 0; !m_stop; ++i) {
            const std::string text = line(i);
            pty->writeAll(text.data(), text.size());
            std::this_thread::sleep_until(start + period * (i + 1));
          }
        }) {}
  ~TextBoard() { stop(); }
  TextBoard(const TextBoard&) = delete;
  TextBoard& operator=(const TextBoard&) = delete;

  void stop() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
  }

 private:
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};
