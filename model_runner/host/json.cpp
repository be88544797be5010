#include "model_runner/host/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tinyscope::runner::host {

const JsonValue* JsonValue::find(const std::string& key) const {
  if (type != Type::kObject) return nullptr;
  for (const auto& kv : object) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

double JsonValue::numberOr(const std::string& key, double def) const {
  const JsonValue* v = find(key);
  return v != nullptr && v->type == Type::kNumber ? v->number : def;
}

int64_t JsonValue::intOr(const std::string& key, int64_t def) const {
  const JsonValue* v = find(key);
  // Out of int64 range (or NaN) gives `def`: converting such a double is undefined.
  if (v == nullptr || v->type != Type::kNumber || !(v->number >= -9.2e18 && v->number <= 9.2e18))
    return def;
  return static_cast<int64_t>(v->number);
}

bool JsonValue::boolOr(const std::string& key, bool def) const {
  const JsonValue* v = find(key);
  return v != nullptr && v->type == Type::kBool ? v->boolean : def;
}

std::string JsonValue::stringOr(const std::string& key, const std::string& def) const {
  const JsonValue* v = find(key);
  return v != nullptr && v->type == Type::kString ? v->string : def;
}

namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) : m_text(text) {}

  bool parse(JsonValue* out, std::string* error) {
    skipSpace();
    if (!parseValue(out, 0)) {
      if (error != nullptr) *error = m_error + " at byte " + std::to_string(m_pos);
      return false;
    }
    skipSpace();
    if (m_pos != m_text.size()) {
      if (error != nullptr)
        *error = "unexpected text after the JSON value at byte " + std::to_string(m_pos);
      return false;
    }
    return true;
  }

 private:
  bool fail(const char* why) {
    m_error = why;
    return false;
  }
  void skipSpace() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' ||
                                     m_text[m_pos] == '\r' || m_text[m_pos] == '\t')) {
      ++m_pos;
    }
  }
  bool literal(const char* word) {
    size_t n = 0;
    while (word[n] != '\0') ++n;
    if (m_text.compare(m_pos, n, word) != 0) return fail("invalid literal");
    m_pos += n;
    return true;
  }
  bool parseValue(JsonValue* out, int depth) {
    if (depth > 64) return fail("JSON nested too deeply");
    if (m_pos >= m_text.size()) return fail("unexpected end of JSON");
    const char c = m_text[m_pos];
    *out = JsonValue();
    if (c == '{') return parseObject(out, depth);
    if (c == '[') return parseArray(out, depth);
    if (c == '"') {
      out->type = JsonValue::Type::kString;
      return parseString(&out->string);
    }
    if (c == 't') {
      out->type = JsonValue::Type::kBool;
      out->boolean = true;
      return literal("true");
    }
    if (c == 'f') {
      out->type = JsonValue::Type::kBool;
      return literal("false");
    }
    if (c == 'n') return literal("null");
    return parseNumber(out);
  }
  bool parseNumber(JsonValue* out) {
    const size_t start = m_pos;
    if (m_pos < m_text.size() && (m_text[m_pos] == '-' || m_text[m_pos] == '+')) ++m_pos;
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos];
      if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') {
        ++m_pos;
      } else {
        break;
      }
    }
    if (m_pos == start) return fail("invalid value");
    const std::string token = m_text.substr(start, m_pos - start);
    char* end = nullptr;
    out->number = std::strtod(token.c_str(), &end);
    if (end == nullptr || *end != '\0') return fail("invalid number");
    out->type = JsonValue::Type::kNumber;
    return true;
  }
  bool parseHex4(unsigned* cp) {
    if (m_pos + 4 > m_text.size()) return fail("truncated \\u escape");
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = m_text[m_pos++];
      *cp <<= 4;
      if (h >= '0' && h <= '9')
        *cp |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f')
        *cp |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        *cp |= static_cast<unsigned>(h - 'A' + 10);
      else
        return fail("invalid \\u escape");
    }
    return true;
  }
  bool parseString(std::string* out) {
    ++m_pos;  // opening quote
    out->clear();
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (m_pos >= m_text.size()) break;
      const char e = m_text[m_pos++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          unsigned cp = 0;
          if (!parseHex4(&cp)) return false;
          if (cp < 0x80) {
            out->push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
          break;
        }
        default:
          return fail("invalid escape in string");
      }
    }
    return fail("unterminated string");
  }
  bool parseArray(JsonValue* out, int depth) {
    out->type = JsonValue::Type::kArray;
    ++m_pos;
    skipSpace();
    if (m_pos < m_text.size() && m_text[m_pos] == ']') {
      ++m_pos;
      return true;
    }
    while (true) {
      JsonValue v;
      skipSpace();
      if (!parseValue(&v, depth + 1)) return false;
      out->array.push_back(std::move(v));
      skipSpace();
      if (m_pos >= m_text.size()) return fail("unterminated array");
      if (m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      if (m_text[m_pos] == ']') {
        ++m_pos;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }
  bool parseObject(JsonValue* out, int depth) {
    out->type = JsonValue::Type::kObject;
    ++m_pos;
    skipSpace();
    if (m_pos < m_text.size() && m_text[m_pos] == '}') {
      ++m_pos;
      return true;
    }
    while (true) {
      skipSpace();
      if (m_pos >= m_text.size() || m_text[m_pos] != '"') return fail("expected a member name");
      std::string key;
      if (!parseString(&key)) return false;
      skipSpace();
      if (m_pos >= m_text.size() || m_text[m_pos] != ':') return fail("expected ':'");
      ++m_pos;
      skipSpace();
      JsonValue v;
      if (!parseValue(&v, depth + 1)) return false;
      out->object.emplace_back(std::move(key), std::move(v));
      skipSpace();
      if (m_pos >= m_text.size()) return fail("unterminated object");
      if (m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      if (m_text[m_pos] == '}') {
        ++m_pos;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  const std::string& m_text;
  size_t m_pos = 0;
  std::string m_error;
};

}  // namespace

bool parseJson(const std::string& text, JsonValue* out, std::string* error) {
  Parser p(text);
  return p.parse(out, error);
}

std::string jsonEscape(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out += "\"";
  return out;
}

void JsonWriter::newline() {
  m_out.push_back('\n');
  m_out.append(m_stack.size(), ' ');
}

void JsonWriter::beforeValue() {
  if (m_afterKey) {
    m_afterKey = false;
    return;
  }
  if (m_stack.empty()) return;
  Level& l = m_stack.back();
  if (!l.empty) m_out += l.compact ? ", " : ",";
  if (!l.compact) newline();
  l.empty = false;
}

JsonWriter& JsonWriter::beginObject() {
  beforeValue();
  m_out.push_back('{');
  m_stack.push_back(Level{false, false, true});
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  const bool empty = m_stack.back().empty;
  m_stack.pop_back();
  if (!empty) newline();
  m_out.push_back('}');
  return *this;
}

JsonWriter& JsonWriter::beginArray(bool compact) {
  const bool parentCompact = !m_stack.empty() && m_stack.back().compact;
  beforeValue();
  m_out.push_back('[');
  m_stack.push_back(Level{true, compact || parentCompact, true});
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  const Level l = m_stack.back();
  m_stack.pop_back();
  if (!l.empty && !l.compact) newline();
  m_out.push_back(']');
  return *this;
}

JsonWriter& JsonWriter::key(const std::string& k) {
  beforeValue();
  m_out += jsonEscape(k);
  m_out += ": ";
  m_afterKey = true;
  return *this;
}

JsonWriter& JsonWriter::value(const std::string& s) {
  beforeValue();
  m_out += jsonEscape(s);
  return *this;
}

JsonWriter& JsonWriter::value(const char* s) {
  return s == nullptr ? null() : value(std::string(s));
}

JsonWriter& JsonWriter::value(int64_t v) {
  beforeValue();
  m_out += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t v) {
  beforeValue();
  m_out += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::value(double v, int significantDigits) {
  if (!std::isfinite(v)) return null();
  beforeValue();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", significantDigits, v);
  m_out += buf;
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  beforeValue();
  m_out += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  beforeValue();
  m_out += "null";
  return *this;
}

}  // namespace tinyscope::runner::host
