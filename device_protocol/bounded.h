// Fixed-capacity containers for message fields: the bound is part of the type, storage
// is inline (no heap), and a value that does not fit is refused, never truncated.
//
//   BoundedString<N>  up to N chars, no NUL inside, always NUL-terminated for c_str()
//   BoundedBytes<N>   up to N arbitrary bytes
//   BoundedArray<T,N> up to N elements of T
//
// Plain value types: copy freely, no thread affinity.
#pragma once

#include "device_protocol/span.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

template <size_t N>
class BoundedString {
  static_assert(N <= 255, "strings carry an 8-bit length on the wire");

 public:
  static constexpr size_t kCapacity = N;

  BoundedString() { m_data[0] = '\0'; }

  // Copies `len` chars; false (and unchanged) when too long or holding a NUL.
  bool assign(const char* text, size_t len) {
    if (len > N) {
      return false;
    }
    for (size_t i = 0; i < len; ++i) {
      if (text[i] == '\0') {
        return false;
      }
    }
    for (size_t i = 0; i < len; ++i) {
      m_data[i] = text[i];
    }
    m_len = static_cast<uint8_t>(len);
    m_data[len] = '\0';
    return true;
  }
  bool assign(ConstByteSpan bytes) {
    return assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  // Copies a NUL-terminated string; false (and unchanged) when longer than N.
  bool assign(const char* text) {
    size_t len = 0;
    while (len <= N && text[len] != '\0') {
      ++len;
    }
    return assign(text, len);
  }

  const char* c_str() const { return m_data; }
  size_t size() const { return m_len; }
  bool empty() const { return m_len == 0; }
  ConstByteSpan bytes() const {
    return ConstByteSpan(reinterpret_cast<const uint8_t*>(m_data), m_len);
  }

  friend bool operator==(const BoundedString& a, const BoundedString& b) {
    return sameBytes(a.bytes(), b.bytes());
  }
  friend bool operator!=(const BoundedString& a, const BoundedString& b) { return !(a == b); }

 private:
  char m_data[N + 1];
  uint8_t m_len = 0;
};

template <size_t N>
class BoundedBytes {
  static_assert(N <= 255, "byte strings carry an 8-bit length on the wire");

 public:
  static constexpr size_t kCapacity = N;

  bool assign(ConstByteSpan bytes) {
    if (bytes.size() > N) {
      return false;
    }
    for (size_t i = 0; i < bytes.size(); ++i) {
      m_data[i] = bytes[i];
    }
    m_len = static_cast<uint8_t>(bytes.size());
    return true;
  }
  ConstByteSpan bytes() const { return ConstByteSpan(m_data, m_len); }
  size_t size() const { return m_len; }

  friend bool operator==(const BoundedBytes& a, const BoundedBytes& b) {
    return sameBytes(a.bytes(), b.bytes());
  }
  friend bool operator!=(const BoundedBytes& a, const BoundedBytes& b) { return !(a == b); }

 private:
  uint8_t m_data[N] = {};
  uint8_t m_len = 0;
};

template <class T, size_t N>
class BoundedArray {
 public:
  static constexpr size_t kCapacity = N;

  // False (and unchanged) when full.
  bool push(const T& value) {
    if (m_size == N) {
      return false;
    }
    m_items[m_size++] = value;
    return true;
  }
  // False (and unchanged) when `count` exceeds N. New elements are value-initialised.
  bool resize(size_t count) {
    if (count > N) {
      return false;
    }
    for (size_t i = m_size; i < count; ++i) {
      m_items[i] = T();
    }
    m_size = count;
    return true;
  }
  void clear() { m_size = 0; }

  size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  T& operator[](size_t i) { return m_items[i]; }
  const T& operator[](size_t i) const { return m_items[i]; }
  T* begin() { return m_items; }
  T* end() { return m_items + m_size; }
  const T* begin() const { return m_items; }
  const T* end() const { return m_items + m_size; }

  friend bool operator==(const BoundedArray& a, const BoundedArray& b) {
    if (a.m_size != b.m_size) {
      return false;
    }
    for (size_t i = 0; i < a.m_size; ++i) {
      if (!(a.m_items[i] == b.m_items[i])) {
        return false;
      }
    }
    return true;
  }
  friend bool operator!=(const BoundedArray& a, const BoundedArray& b) { return !(a == b); }

 private:
  T m_items[N] = {};
  size_t m_size = 0;
};

}  // namespace tinyscope::proto
