// Non-owning views of contiguous bytes, the currency of every device_protocol API.
//
// A Span never owns or allocates: the caller keeps the memory alive for as long as the
// view is used. Any thread may use a Span; the memory it points to follows the owner's
// rules. C++17 has no std::span, so this is the smallest subset the protocol needs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

template <class T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, size_t size) : m_data(data), m_size(size) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) : m_data(array), m_size(N) {}  // NOLINT: implicit by design
  // A Span<T> converts to a Span<const T>.
  template <class U, class = decltype(static_cast<T*>(static_cast<U*>(nullptr)))>
  constexpr Span(const Span<U>& other) : m_data(other.data()), m_size(other.size()) {}

  constexpr T* data() const { return m_data; }
  constexpr size_t size() const { return m_size; }
  constexpr bool empty() const { return m_size == 0; }
  constexpr T& operator[](size_t i) const { return m_data[i]; }
  constexpr T* begin() const { return m_data; }
  constexpr T* end() const { return m_data + m_size; }

  // Views clamp to the available range instead of running past it.
  constexpr Span subspan(size_t offset) const {
    return offset >= m_size ? Span(m_data + m_size, 0) : Span(m_data + offset, m_size - offset);
  }
  constexpr Span subspan(size_t offset, size_t count) const {
    Span tail = subspan(offset);
    return Span(tail.m_data, count < tail.m_size ? count : tail.m_size);
  }
  constexpr Span first(size_t count) const { return subspan(0, count); }

 private:
  T* m_data = nullptr;
  size_t m_size = 0;
};

using ByteSpan = Span<uint8_t>;
using ConstByteSpan = Span<const uint8_t>;

// True when both views hold the same bytes (not necessarily the same memory).
inline bool sameBytes(ConstByteSpan a, ConstByteSpan b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace tinyscope::proto
