// Builds short log/error texts into a fixed buffer without printf (no libc formatting on
// the MCU). Text that does not fit is cut at the capacity. Any context; no allocation.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tinyscope::agent {

template <size_t N>
class TextBuilder {
 public:
  TextBuilder& add(const char* text) {
    while (text != nullptr && *text != '\0' && m_len < N) m_text[m_len++] = *text++;
    m_text[m_len] = '\0';
    return *this;
  }
  TextBuilder& add(uint32_t value) {
    char digits[10];
    size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10u);
      value /= 10u;
    } while (value != 0);
    while (n > 0 && m_len < N) m_text[m_len++] = digits[--n];
    m_text[m_len] = '\0';
    return *this;
  }
  const char* c_str() const { return m_text; }
  size_t size() const { return m_len; }

 private:
  char m_text[N + 1] = {};
  size_t m_len = 0;
};

}  // namespace tinyscope::agent
