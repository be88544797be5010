#include "firmware_agent/core/dut_mode.h"

#include <new>

#include "firmware_agent/core/inference_engine.h"
#include "hal.h"

namespace tinyscope::agent {

namespace {
// The profile string the reference firmware reports (EE_FW_VERSION); the runner records it.
constexpr const char* kProfile = "ULPMark for tinyML Firmware V0.0.1";

bool equals(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

// atoi() as the reference firmware uses it: optional sign, leading digits, the rest ignored
// ("12x" = 12, "x" = 0); saturated instead of undefined on overflow.
int64_t parseInteger(const char* text) {
  bool negative = false;
  if (*text == '+' || *text == '-') negative = *text++ == '-';
  int64_t value = 0;
  while (*text >= '0' && *text <= '9') {
    if (value < (int64_t{1} << 40)) value = value * 10 + (*text - '0');
    ++text;
  }
  return negative ? -value : value;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t elementBytes(runner::TensorType type) {
  proto::ElementType wire;
  return toElementType(type, &wire) ? proto::elementSize(wire) : 0;
}

size_t elementCount(const runner::TensorView& view) {
  const size_t size = elementBytes(view.type);
  return size == 0 ? 0 : view.bytes / size;
}

float floatAt(const uint8_t* p) {
  const uint32_t bits =
      uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
  float value;
  __builtin_memcpy(&value, &bits, sizeof value);
  return value;
}

// Element i of a tensor as a real number: (q - zero point) * scale for quantized integers
// (DequantizeInt8ToFloat of the reference), the value itself otherwise.
float realAt(const runner::TensorView& view, size_t i) {
  const uint8_t* p = static_cast<const uint8_t*>(view.data);
  int32_t q = 0;
  switch (view.type) {
    case runner::TensorType::kFloat32:
      return floatAt(p + 4 * i);
    case runner::TensorType::kInt8:
      q = static_cast<int8_t>(p[i]);
      break;
    case runner::TensorType::kUInt8:
      q = p[i];
      break;
    case runner::TensorType::kInt16:
      q = static_cast<int16_t>(p[2 * i] | (p[2 * i + 1] << 8));
      break;
    case runner::TensorType::kUInt16:
      q = p[2 * i] | (p[2 * i + 1] << 8);
      break;
    case runner::TensorType::kInt32:
      q = static_cast<int32_t>(uint32_t(p[4 * i]) | (uint32_t(p[4 * i + 1]) << 8) |
                               (uint32_t(p[4 * i + 2]) << 16) | (uint32_t(p[4 * i + 3]) << 24));
      break;
    default:
      return 0.0f;
  }
  if (view.scale == 0.0f) return static_cast<float>(q);
  return static_cast<float>(q - view.zeroPoint) * view.scale;
}

// QuantizeFloatToInt8 of the reference: round(value / scale) half away from zero, plus the
// zero point, saturated.
int8_t quantizeInt8(float value, float scale, int32_t zeroPoint) {
  float scaled = value / scale;
  if (!(scaled == scaled)) scaled = 0.0f;  // NaN: the zero point
  scaled = scaled > 1.0e6f ? 1.0e6f : (scaled < -1.0e6f ? -1.0e6f : scaled);
  const double half = scaled >= 0.0f ? 0.5 : -0.5;  // in double: exact for every float
  int32_t q = static_cast<int32_t>(static_cast<double>(scaled) + half) + zeroPoint;
  q = q < -128 ? -128 : (q > 127 ? 127 : q);
  return static_cast<int8_t>(q);
}

// The decimal digits of `value` at `out` (no NUL); returns their count (at most 20).
size_t writeDecimal(uint64_t value, char* out) {
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10u);
    value /= 10u;
  } while (value != 0);
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

DutModel classify(const runner::Interpreter& in) {
  if (in.inputsSize() == 0 || in.outputsSize() == 0) return DutModel::kCustom;
  const runner::TensorView input = in.input(0);
  const runner::TensorView output = in.output(0);
  const size_t inputs = elementCount(input);
  const size_t outputs = elementCount(output);
  if (input.type != runner::TensorType::kInt8) return DutModel::kCustom;
  if (inputs == 49 * 10 && outputs == 12) return DutModel::kKws01;
  if (inputs == 96 * 96 * 3 && outputs == 2) return DutModel::kVww01;
  if (inputs == 32 * 32 * 3 && outputs == 10) return DutModel::kIc01;
  if (inputs == 640 && outputs == 640 && output.type == runner::TensorType::kInt8)
    return DutModel::kAd01;
  return DutModel::kCustom;
}
}  // namespace

size_t formatFixed3(float value, char* out) {
  size_t len = 0;
  auto add = [&](const char* text) {
    while (*text != '\0') out[len++] = *text++;
  };
  auto addNumber = [&](uint64_t v) { len += writeDecimal(v, out + len); };
  uint32_t bits;
  __builtin_memcpy(&bits, &value, sizeof bits);
  const bool negative = (bits >> 31) != 0;
  const uint32_t exponent = (bits >> 23) & 0xFFu;
  const uint32_t fraction = bits & 0x7FFFFFu;
  if (negative) out[len++] = '-';
  if (exponent == 0xFFu) {
    add(fraction != 0 ? "nan" : "inf");
    out[len] = '\0';
    return len;
  }
  // value = mantissa * 2^shift exactly.
  const uint64_t mantissa = exponent == 0 ? fraction : (fraction | 0x800000u);
  const int32_t shift = exponent == 0 ? -149 : static_cast<int32_t>(exponent) - 150;
  if (shift >= 0) {
    // An integer (>= 2^23); beyond 2^64 it is printed saturated.
    addNumber(shift <= 40 ? (mantissa << shift) : ~uint64_t{0});
    add(".000");
    out[len] = '\0';
    return len;
  }
  const uint64_t scaled = mantissa * 1000u;  // < 2^34
  uint64_t thousandths = 0;
  if (-shift < 40) {
    const uint32_t s = static_cast<uint32_t>(-shift);
    thousandths = scaled >> s;
    const uint64_t rest = scaled & ((uint64_t{1} << s) - 1u);
    const uint64_t half = uint64_t{1} << (s - 1u);
    if (rest > half || (rest == half && (thousandths & 1u) != 0)) ++thousandths;
  }
  addNumber(thousandths / 1000u);
  out[len++] = '.';
  const uint32_t frac = static_cast<uint32_t>(thousandths % 1000u);
  out[len++] = static_cast<char>('0' + frac / 100u);
  out[len++] = static_cast<char>('0' + frac / 10u % 10u);
  out[len++] = static_cast<char>('0' + frac % 10u);
  out[len] = '\0';
  return len;
}

const char* dutModelName(DutModel model) {
  switch (model) {
    case DutModel::kKws01:
      return "kws01";
    case DutModel::kVww01:
      return "vww01";
    case DutModel::kIc01:
      return "ic01";
    case DutModel::kAd01:
      return "ad01";
    case DutModel::kCustom:
      return "custom";
    case DutModel::kNone:
      break;
  }
  return "none";
}

DutMode::DutMode(const DutConfig& config) : m_config(config) {}

DutMode::~DutMode() {
  if (m_interpreter != nullptr) m_interpreter->~Interpreter();
}

void DutMode::loadModel() {
  const int32_t slot = m_slots.active();
  hal::SlotModel model{};
  if (slot < 0 || !m_slots.model(static_cast<uint8_t>(slot), &model)) return;
  m_interpreter = new (m_storage) runner::Interpreter(model.data, model.size, *m_config.resolver,
                                                      m_config.arena.data(), m_config.arena.size());
  m_loadStatus = m_interpreter->status();
  if (m_loadStatus != runner::Status::kOk) {
    const runner::Status detail = m_interpreter->model().error().status;
    if (detail != runner::Status::kOk) m_loadStatus = detail;
    return;
  }
  m_loadStatus = m_interpreter->allocate();
  if (m_loadStatus != runner::Status::kOk) return;
  m_ready = m_interpreter->inputsSize() > 0 && m_interpreter->outputsSize() > 0 &&
            m_interpreter->input(0).data != nullptr;
  m_model = m_ready ? classify(*m_interpreter) : DutModel::kNone;
}

void DutMode::begin() {
  m_slots.begin(m_config.slotStore, m_config.preferredSlot);
  loadModel();
  // The reference's boot: th_timestamp_initialize (mode, one time stamp), then
  // th_final_initialize (the model), m-init-done, m-ready.
  put("m-timestamp-mode-performance");
  endLine();
  lap();
  put("m-init-done");
  endLine();
  put("m-ready");
  endLine();
}

void DutMode::run() {
  for (;;) {
    if (!poll()) hal::waitForInterrupt();
  }
}

bool DutMode::poll() {
  uint8_t bytes[64];
  const size_t n = hal::read(bytes, sizeof bytes);
  for (size_t i = 0; i < n; ++i) {
    const char c = static_cast<char>(bytes[i]);
    if (c == '%') {
      m_command[m_length] = '\0';
      if (m_tooLong) {
        error("Command too long: more than 80 characters");
        put("m-ready");
        endLine();
        ++m_counters.commands;
      } else {
        execute();
      }
      m_length = 0;
      m_tooLong = false;
    } else if (c == '\r' || c == '\n' || c == '\0') {
      continue;
    } else if (m_length < kMaxCommand) {
      m_command[m_length++] = c;
    } else {
      m_tooLong = true;
    }
  }
  return n > 0;
}

void DutMode::execute() {
  char* tokens[kMaxTokens] = {};
  size_t count = 0;
  char* p = m_command;
  while (*p != '\0' && count < kMaxTokens) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    tokens[count++] = p;
    while (*p != '\0' && *p != ' ') ++p;
  }
  ++m_counters.commands;
  if (count == 0) {
    // An empty command (a lone '%', which the runner sends to flush a half-sent line).
  } else if (equals(tokens[0], "name")) {
    put("m-name-dut-[");
    put(m_config.vendor);
    put("]");
    endLine();
  } else if (equals(tokens[0], "timestamp")) {
    lap();
  } else if (equals(tokens[0], "profile")) {
    put("m-profile-[");
    put(kProfile);
    put("]");
    endLine();
    put("m-model-[");
    put(dutModelName(m_model));
    put("]");
    endLine();
  } else if (equals(tokens[0], "help")) {
    put(kProfile);
    endLine();
    endLine();
    static const char* const kHelp[] = {
        "help                  : this text",
        "name                  : m-name-dut-[vendor]",
        "timestamp             : one time stamp, m-lap-us-<microseconds>",
        "profile               : the benchmark profile and the model (kws01, vww01, ic01, ad01)",
        "db load N             : expect N input bytes",
        "db HH[HH]*            : input bytes in hex, until N have come",
        "db print [N [OFFSET]] : the input bytes in hex (default: all)",
        "infer [N [W]]         : W warm-up runs (default 10), N timed runs (default 1)",
        "results               : the results of the last inference",
    };
    for (const char* line : kHelp) {
      put(line);
      endLine();
    }
  } else if (equals(tokens[0], "db")) {
    commandDb(tokens, count);
  } else if (equals(tokens[0], "infer")) {
    commandInfer(tokens, count);
  } else if (equals(tokens[0], "results")) {
    printResults();
  } else {
    put("e-[Unknown command: ");
    put(tokens[0]);
    put("]");
    endLine();
    ++m_counters.errors;
  }
  put("m-ready");
  endLine();
}

void DutMode::commandDb(char** tokens, size_t count) {
  if (count < 2) {
    error("Command 'db' requires a subcommand");
    return;
  }
  if (equals(tokens[1], "load")) {
    if (count < 3) {
      error("Command 'db load' requires the # of bytes");
      return;
    }
    const int64_t size = parseInteger(tokens[2]);
    if (size == 0) {
      error("Command 'db load' must be >0 bytes");
      return;
    }
    if (size < 0 || static_cast<uint64_t>(size) > m_config.dbBuffer.size()) {
      // The reference prints this sentence without the e-[] frame and then overruns its
      // buffer; here the load is refused.
      m_dbSize = 0;
      m_dbReceived = 0;
      put("e-[Supplied buffer size ");
      putSigned(size);
      put(" exceeds maximum of ");
      putNumber(m_config.dbBuffer.size());
      put("]");
      endLine();
      ++m_counters.errors;
      return;
    }
    m_dbSize = static_cast<size_t>(size);
    m_dbReceived = 0;
    put("m-[Expecting ");
    putNumber(m_dbSize);
    put(" bytes]");
    endLine();
    return;
  }
  if (equals(tokens[1], "print")) {
    size_t n = m_dbSize;
    size_t offset = 0;
    if (count >= 3) {
      const int64_t v = parseInteger(tokens[2]);
      n = v < 0 ? 0 : static_cast<size_t>(v);
    }
    if (count >= 4) {
      const int64_t v = parseInteger(tokens[3]);
      offset = v < 0 ? 0 : static_cast<size_t>(v);
    }
    if (offset > m_dbSize) offset = m_dbSize;
    if (n > m_dbSize - offset) n = m_dbSize - offset;
    static const char kDigits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; ++i) {
      if (i % 8 == 0) put("m-buffer-");
      const uint8_t b = m_config.dbBuffer[offset + i];
      putChar(kDigits[b >> 4]);
      putChar(kDigits[b & 15]);
      if ((i + 1) % 8 == 0 || i + 1 == n) {
        endLine();
      } else {
        putChar('-');
      }
    }
    return;
  }
  // db HH[HH]*: the first token only, as the reference reads it.
  const char* hex = tokens[1];
  size_t digits = 0;
  while (hex[digits] != '\0') ++digits;
  if ((digits & 1) != 0) {
    error("Insufficent number of hex digits");  // sic: the reference's spelling
    return;
  }
  for (size_t i = 0; i < digits; i += 2) {
    if (hexValue(hex[i]) < 0 || hexValue(hex[i + 1]) < 0) {
      put("e-[Invalid hex digit '");
      putChar(hex[i]);
      putChar(hex[i + 1]);
      put("']");
      endLine();
      ++m_counters.errors;
      return;
    }
  }
  if (m_dbReceived >= m_dbSize) {
    error("Command 'db' needs a 'db load N' first");
    return;
  }
  for (size_t i = 0; i < digits; i += 2) {
    m_config.dbBuffer[m_dbReceived++] =
        static_cast<uint8_t>((hexValue(hex[i]) << 4) | hexValue(hex[i + 1]));
    if (m_dbReceived == m_dbSize) {
      put("m-load-done");
      endLine();
      return;  // the rest of the digits is disregarded, as in the reference
    }
  }
}

size_t DutMode::dbElementBytes() const {
  if (m_model == DutModel::kAd01) return 4;
  const size_t size = elementBytes(m_interpreter->input(0).type);
  return size == 0 ? 1 : size;
}

size_t DutMode::stagingBytes() const {
  return m_model == DutModel::kAd01 ? m_interpreter->input(0).bytes : 0;
}

size_t DutMode::expectedDbBytes() const {
  const runner::TensorView input = m_interpreter->input(0);
  return m_model == DutModel::kAd01 ? elementCount(input) * 4 : input.bytes;
}

bool DutMode::loadInput() {
  const size_t expected = expectedDbBytes();
  if (m_dbReceived != expected) {
    put("e-[Input db has ");
    putNumber(m_dbReceived / dbElementBytes());
    put(" elemented, expected ");  // sic: the reference's wording
    putNumber(expected / dbElementBytes());
    put("]");
    endLine();
    ++m_counters.errors;
    return false;
  }
  // The converted input is staged once: the runtime reuses the input tensor's arena memory
  // once the first operators consumed it, so copyInput() puts it back before every run.
  const runner::TensorView input = m_interpreter->input(0);
  m_stage = m_config.dbBuffer.data();
  m_stageXor = 0;
  if (m_model == DutModel::kVww01 || m_model == DutModel::kIc01) {
    m_stageXor = 0x80;  // uint8 pixels minus 128: the reference's th_load_tensor for vww01, ic01
  } else if (m_model == DutModel::kAd01) {
    uint8_t* staged = m_config.dbBuffer.data() + expected;  // after the floats (checked by infer)
    for (size_t i = 0; i < input.bytes; ++i) {
      staged[i] = static_cast<uint8_t>(
          quantizeInt8(floatAt(m_config.dbBuffer.data() + 4 * i), input.scale, input.zeroPoint));
    }
    m_stage = staged;
  }
  return true;
}

void DutMode::copyInput() {
  const runner::TensorView input = m_interpreter->input(0);
  uint8_t* dst = static_cast<uint8_t*>(input.data);
  size_t i = 0;
  // Four bytes per step (it runs inside the timed loop); the tail byte by byte.
  const uint32_t mask = m_stageXor * 0x01010101u;
  for (; i + 4 <= input.bytes; i += 4) {
    uint32_t word;
    __builtin_memcpy(&word, m_stage + i, sizeof word);
    word ^= mask;
    __builtin_memcpy(dst + i, &word, sizeof word);
  }
  for (; i < input.bytes; ++i) dst[i] = static_cast<uint8_t>(m_stage[i] ^ m_stageXor);
}

void DutMode::commandInfer(char** tokens, size_t count) {
  uint64_t n = 1;
  uint64_t warmups = 10;
  if (count >= 2) {
    const int64_t v = parseInteger(tokens[1]);
    if (v <= 0) {
      error("Inference iterations must be >0");
      return;
    }
    n = static_cast<uint64_t>(v);
    if (count >= 3) {
      const int64_t w = parseInteger(tokens[2]);
      if (w < 0) {
        error("Inference warmup must be >=0");
        return;
      }
      warmups = static_cast<uint64_t>(w);
    }
  }
  if (!m_ready) {
    if (m_interpreter == nullptr) {
      error("No model: no slot holds a valid one");
    } else {
      put("e-[The model in the active slot cannot run: ");
      put(runner::statusMessage(m_loadStatus));
      put("]");
      endLine();
      ++m_counters.errors;
    }
    return;
  }
  if (expectedDbBytes() + stagingBytes() > m_config.dbBuffer.size()) {
    put("e-[Model input needs ");
    putNumber(expectedDbBytes() + stagingBytes());
    put(" bytes, more than the db buffer's ");
    putNumber(m_config.dbBuffer.size());
    put("]");
    endLine();
    ++m_counters.errors;
    return;
  }
  if (!loadInput()) return;
  put("m-warmup-start-");
  putNumber(warmups);
  endLine();
  runner::Status status = runner::Status::kOk;
  for (uint64_t i = 0; i < warmups && status == runner::Status::kOk; ++i) {
    copyInput();
    status = m_interpreter->invoke();
  }
  put("m-warmup-done");
  endLine();
  put("m-infer-start-");
  putNumber(n);
  endLine();
  drain();  // the host sees the start now, and no transmit interrupts run inside the laps
  lap();
  for (uint64_t i = 0; i < n && status == runner::Status::kOk; ++i) {
    copyInput();
    status = m_interpreter->invoke();
  }
  lap();
  m_counters.inferences += static_cast<uint32_t>(n);
  put("m-infer-done");
  endLine();
  if (status != runner::Status::kOk) {
    put("e-[Inference failed: ");
    put(runner::statusMessage(status));
    put("]");
    endLine();
    ++m_counters.errors;
    m_haveResults = false;
    return;
  }
  if (m_model == DutModel::kAd01) {
    // The reference's calculate_result(): mean of (dequantized output - float input)^2, in
    // float, in element order.
    const runner::TensorView output = m_interpreter->output(0);
    const size_t count640 = elementCount(output);
    float sum = 0.0f;
    for (size_t i = 0; i < count640; ++i) {
      const float diff = realAt(output, i) - floatAt(m_config.dbBuffer.data() + 4 * i);
      sum += diff * diff;
    }
    m_anomalyScore = sum / static_cast<float>(count640);
  }
  m_haveResults = true;
  printResults();
}

void DutMode::printResults() {
  if (!m_haveResults) {
    error("No results: no inference has run");
    return;
  }
  put("m-results-[");
  if (m_model == DutModel::kAd01) {
    putFixed3(m_anomalyScore);
  } else {
    const runner::TensorView output = m_interpreter->output(0);
    const size_t count = elementCount(output);
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) putChar(',');
      if (m_model == DutModel::kKws01) {
        putScoreKws(realAt(output, i));
      } else {
        putFixed3(realAt(output, i));
      }
    }
  }
  put("]");
  endLine();
}

void DutMode::lap() {
  const uint64_t now = hal::micros();
  put("m-lap-us-");
  putNumber(now);
  endLine();
}

void DutMode::error(const char* text) {
  put("e-[");
  put(text);
  put("]");
  endLine();
  ++m_counters.errors;
}

void DutMode::endLine() {
  put("\r\n");
}

void DutMode::put(const char* text) {
  size_t size = 0;
  while (text[size] != '\0') ++size;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(text);
  uint64_t lastProgress = hal::micros();
  while (size > 0) {
    const size_t n = hal::write(p, size);
    if (n > 0) {
      p += n;
      size -= n;
      lastProgress = hal::micros();
      m_linkStalled = false;
      continue;
    }
    // Once the link stalled for the timeout, later text is dropped at once until it moves.
    if (m_linkStalled || hal::micros() - lastProgress > m_config.stallTimeoutUs) {
      m_linkStalled = true;
      m_counters.bytesLost += static_cast<uint32_t>(size);
      return;
    }
    hal::waitForInterrupt();
  }
}

void DutMode::drain() {
  uint64_t lastProgress = hal::micros();
  size_t pending = hal::txPending();
  while (pending > 0 && !m_linkStalled) {
    hal::waitForInterrupt();
    const size_t now = hal::txPending();
    if (now < pending) {
      lastProgress = hal::micros();
    } else if (hal::micros() - lastProgress > m_config.stallTimeoutUs) {
      m_linkStalled = true;
    }
    pending = now;
  }
}

void DutMode::putChar(char c) {
  const char text[2] = {c, '\0'};
  put(text);
}

void DutMode::putNumber(uint64_t value) {
  char text[21];
  text[writeDecimal(value, text)] = '\0';
  put(text);
}

void DutMode::putSigned(int64_t value) {
  if (value < 0) {
    putChar('-');
    putNumber(static_cast<uint64_t>(-(value + 1)) + 1u);
  } else {
    putNumber(static_cast<uint64_t>(value));
  }
}

void DutMode::putFixed3(float value) {
  char text[kFixed3Chars + 1];
  formatFixed3(value, text);
  put(text);
}

// The reference kws01 th_results(): "0.%d" of (int)(v * 10), then the digits
// (int)(v * 100) % 10 and (int)(v * 1000) % 10: truncated, not rounded.
void DutMode::putScoreKws(float value) {
  auto truncated = [](float x) -> int64_t {
    if (!(x == x)) return 0;
    if (x > 2.0e9f) return 2000000000;
    if (x < -2.0e9f) return -2000000000;
    return static_cast<int64_t>(static_cast<int32_t>(x));
  };
  put("0.");
  putSigned(truncated(value * 10.0f));
  putSigned(truncated(value * 100.0f) % 10);
  putSigned(truncated(value * 1000.0f) % 10);
}

}  // namespace tinyscope::agent
