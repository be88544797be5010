// A small JSON reader/writer for manifests and summaries (host only).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tinyscope::runner::host {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;

  bool isNull() const { return type == Type::kNull; }
  // Member lookup; nullptr when absent or not an object.
  const JsonValue* find(const std::string& key) const;
  // Convenience getters with defaults when absent, of another type or (intOr) out of range.
  double numberOr(const std::string& key, double def) const;
  int64_t intOr(const std::string& key, int64_t def) const;
  bool boolOr(const std::string& key, bool def) const;
  std::string stringOr(const std::string& key, const std::string& def) const;
};

// Parses `text`; on failure returns false and a one-sentence reason with the byte offset.
bool parseJson(const std::string& text, JsonValue* out, std::string* error);

// Appends JSON fragments to a string with two-space indentation. The caller sequences
// begin/end and keys; commas are inserted automatically.
class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray(bool compact = false);  // compact: all elements on one line
  JsonWriter& endArray();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(const char* s);
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(unsigned v) { return value(static_cast<uint64_t>(v)); }
  JsonWriter& value(double v, int significantDigits = 9);  // non-finite -> null
  JsonWriter& value(bool v);
  JsonWriter& null();
  // The string, or null when it is empty.
  JsonWriter& stringOrNull(const std::string& s) { return s.empty() ? null() : value(s); }
  // Writes a complete array of numbers on one line.
  template <typename T>
  JsonWriter& numbers(const std::vector<T>& v) {
    beginArray(true);
    for (const T& x : v) value(x);
    return endArray();
  }
  const std::string& str() const { return m_out; }

 private:
  void beforeValue();
  void newline();
  struct Level {
    bool array = false;
    bool compact = false;
    bool empty = true;
  };
  std::string m_out;
  std::vector<Level> m_stack;
  bool m_afterKey = false;
};

std::string jsonEscape(const std::string& s);

}  // namespace tinyscope::runner::host
