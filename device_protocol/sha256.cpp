#include "device_protocol/sha256.h"

namespace tinyscope::proto {

namespace {
constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t rotr(uint32_t x, unsigned n) {
  return (x >> n) | (x << (32 - n));
}
}  // namespace

bool Sha256Digest::operator==(const Sha256Digest& o) const {
  uint8_t diff = 0;  // no early exit: the comparison time does not depend on the bytes
  for (size_t i = 0; i < kSha256Size; ++i) diff |= static_cast<uint8_t>(bytes[i] ^ o.bytes[i]);
  return diff == 0;
}

void Sha256::reset() {
  static const uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; ++i) m_h[i] = kInit[i];
  m_length = 0;
  m_buffered = 0;
}

void Sha256::block(const uint8_t* p) {
  // 16-word rolling schedule: 64 bytes of stack instead of 256.
  uint32_t w[16];
  for (int i = 0; i < 16; ++i) {
    w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 |
           uint32_t(p[4 * i + 3]);
  }
  uint32_t v[8];
  for (int i = 0; i < 8; ++i) v[i] = m_h[i];
  for (int i = 0; i < 64; ++i) {
    if (i >= 16) {
      const uint32_t a = w[(i + 1) & 15];
      const uint32_t b = w[(i + 14) & 15];
      const uint32_t s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >> 3);
      const uint32_t s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >> 10);
      w[i & 15] += s0 + w[(i + 9) & 15] + s1;
    }
    const uint32_t e = v[4];
    const uint32_t t1 = v[7] + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
                        ((e & v[5]) ^ (~e & v[6])) + kRound[i] + w[i & 15];
    const uint32_t a = v[0];
    const uint32_t t2 =
        (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
    for (int k = 7; k > 0; --k) v[k] = v[k - 1];
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; ++i) m_h[i] += v[i];
}

void Sha256::update(ConstByteSpan bytes) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  m_length += n;
  while (n > 0) {
    if (m_buffered == 0 && n >= 64) {
      block(p);
      p += 64;
      n -= 64;
      continue;
    }
    const size_t take = (64 - m_buffered) < n ? (64 - m_buffered) : n;
    for (size_t i = 0; i < take; ++i) m_buffer[m_buffered + i] = p[i];
    m_buffered += static_cast<uint32_t>(take);
    p += take;
    n -= take;
    if (m_buffered == 64) {
      block(m_buffer);
      m_buffered = 0;
    }
  }
}

Sha256Digest Sha256::finish() {
  // 0x80, zeros up to 56 mod 64, the bit length big-endian: through update() itself.
  const uint32_t bits[2] = {static_cast<uint32_t>(m_length >> 29),
                            static_cast<uint32_t>(m_length << 3)};  // high, low words
  uint8_t pad[8] = {0x80};
  update(ConstByteSpan(pad, 1));
  pad[0] = 0;
  while (m_buffered != 56) update(ConstByteSpan(pad, 1));
  for (int i = 0; i < 8; ++i) pad[i] = static_cast<uint8_t>(bits[i / 4] >> (24 - 8 * (i % 4)));
  update(ConstByteSpan(pad, 8));
  Sha256Digest d;
  for (int i = 0; i < 8; ++i) {
    for (int b = 0; b < 4; ++b) d.bytes[4 * i + b] = static_cast<uint8_t>(m_h[i] >> (24 - 8 * b));
  }
  reset();
  return d;
}

Sha256Digest sha256(ConstByteSpan bytes) {
  Sha256 h;
  h.update(bytes);
  return h.finish();
}

}  // namespace tinyscope::proto
