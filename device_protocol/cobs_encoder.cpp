#include "device_protocol/cobs_encoder.h"

namespace tinyscope::proto {

CobsEncoder::CobsEncoder(ByteSpan out) : m_out(out), m_overflow(out.empty()) {}

void CobsEncoder::closeBlock(uint8_t code) {
  m_afterFullBlock = (code == 0xFF);
  if (m_codeAt < m_out.size()) {
    m_out[m_codeAt] = code;
  } else {
    m_overflow = true;
  }
  m_codeAt = m_pos++;
  m_code = 1;
}

void CobsEncoder::put(uint8_t byte) {
  if (byte == 0) {
    closeBlock(m_code);
    return;
  }
  if (m_pos < m_out.size()) {
    m_out[m_pos] = byte;
  } else {
    m_overflow = true;
  }
  ++m_pos;
  ++m_code;
  if (m_code == 0xFF) {
    closeBlock(0xFF);
  }
}

void CobsEncoder::put(ConstByteSpan bytes) {
  for (uint8_t byte : bytes) {
    put(byte);
  }
}

size_t CobsEncoder::finish() {
  if (m_afterFullBlock && m_code == 1) {
    // The input ended exactly after a full block: no zero is implied, no block needed.
    return m_overflow ? 0 : m_codeAt;
  }
  if (m_codeAt < m_out.size()) {
    m_out[m_codeAt] = m_code;
  } else {
    m_overflow = true;
  }
  return m_overflow ? 0 : m_pos;
}

size_t cobsEncode(ConstByteSpan raw, ByteSpan out) {
  CobsEncoder encoder(out);
  encoder.put(raw);
  return encoder.finish();
}

}  // namespace tinyscope::proto
