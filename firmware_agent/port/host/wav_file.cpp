#include "wav_file.h"

#include "model_runner/host/file_io.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace tinyscope::agent::host {

namespace {
uint32_t le32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}
uint16_t le16(const std::vector<uint8_t>& b, size_t at) {
  return uint16_t(b[at] | b[at + 1] << 8);
}
bool tag(const std::vector<uint8_t>& b, size_t at, const char* t) {
  return b[at] == uint8_t(t[0]) && b[at + 1] == uint8_t(t[1]) && b[at + 2] == uint8_t(t[2]) &&
         b[at + 3] == uint8_t(t[3]);
}
// A recording to play: at most this much (an hour of 16 kHz mono int16 is 115 MB).
constexpr size_t kMaxRecordingBytes = size_t{512} << 20;
bool readFile(const std::string& path, std::vector<uint8_t>* out, std::string* error) {
  return runner::host::readBinaryFile(path, out, error, kMaxRecordingBytes);
}
}  // namespace

bool parseWav(const std::vector<uint8_t>& b, WavData* out, std::string* error) {
  if (b.size() < 12 || !tag(b, 0, "RIFF") || !tag(b, 8, "WAVE")) {
    *error = "not a RIFF/WAVE file";
    return false;
  }
  bool haveFmt = false;
  size_t at = 12;
  while (at + 8 <= b.size()) {
    const uint32_t len = le32(b, at + 4);
    const size_t body = at + 8;
    if (len > b.size() - body) {
      // A truncated data chunk (recording cut short) keeps what is there; others are broken.
      if (!tag(b, at, "data")) {
        *error = "chunk runs past the end of the file";
        return false;
      }
    }
    const size_t avail = len > b.size() - body ? b.size() - body : len;
    if (tag(b, at, "fmt ")) {
      if (avail < 16) {
        *error = "fmt chunk shorter than 16 bytes";
        return false;
      }
      uint16_t format = le16(b, body);
      out->channels = le16(b, body + 2);
      out->sampleRate = le32(b, body + 4);
      const uint16_t bits = le16(b, body + 14);
      if (format == 0xFFFE && avail >= 26)
        format = le16(b, body + 24);  // EXTENSIBLE: sub-format GUID
      if (format != 1 || bits != 16) {
        *error = "only 16-bit PCM is supported (format " + std::to_string(format) + ", " +
                 std::to_string(bits) + " bits)";
        return false;
      }
      if (out->channels < 1 || out->channels > 16 || out->sampleRate == 0) {
        *error = "channel count must be 1..16 and the sample rate > 0";
        return false;
      }
      haveFmt = true;
    } else if (tag(b, at, "data")) {
      if (!haveFmt) {
        *error = "data chunk before the fmt chunk";
        return false;
      }
      const size_t frames = avail / (2u * out->channels);
      out->samples.resize(frames * out->channels);
      for (size_t i = 0; i < out->samples.size(); ++i)
        out->samples[i] = int16_t(le16(b, body + 2 * i));
      if (frames == 0) {
        *error = "no samples in the data chunk";
        return false;
      }
      return true;
    }
    at = body + avail + (avail & 1u);  // chunks are padded to even sizes
  }
  *error = haveFmt ? "no data chunk" : "no fmt chunk";
  return false;
}

bool readWavFile(const std::string& path, WavData* out, std::string* error) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, &bytes, error)) return false;
  std::string why;
  if (!parseWav(bytes, out, &why)) {
    *error = path + ": " + why;
    return false;
  }
  return true;
}

namespace {

// "timestamp", "timestamp_us", "time", "Time (s)"...: a clock column (tinyscope's and Edge
// Impulse's CSV put one first), never a channel.
bool isClockHeader(const std::string& cell) {
  std::string c;
  for (char ch : cell)
    if (ch != ' ' && ch != '"') c.push_back(char(std::tolower(static_cast<unsigned char>(ch))));
  return c.compare(0, 4, "time") == 0;
}

}  // namespace

bool parseCsv(const std::string& text, uint16_t* channels, std::vector<int16_t>* samples,
              std::string* error) {
  std::istringstream in(text);
  std::string line;
  size_t lineNo = 0;
  size_t cols = 0;
  bool first = true;
  bool skipClock = false;  // the header named column 0 a timestamp: it is no channel
  while (std::getline(in, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<int16_t> row;
    bool numeric = true;
    size_t start = 0;
    size_t column = 0;
    while (start <= line.size()) {
      size_t end = line.find_first_of(",;\t", start);
      if (end == std::string::npos) end = line.size();
      const std::string cell = line.substr(start, end - start);
      if (first && column == 0) skipClock = isClockHeader(cell);
      if (column++ == 0 && skipClock && !first) {
        start = end + 1;
        continue;
      }
      char* stop = nullptr;
      const double v = std::strtod(cell.c_str(), &stop);
      while (stop != nullptr && (*stop == ' ')) ++stop;
      if (cell.empty() || stop == cell.c_str() || *stop != '\0' || !std::isfinite(v)) {
        numeric = false;
        break;
      }
      const double r = std::round(v);
      row.push_back(int16_t(r < -32768 ? -32768 : (r > 32767 ? 32767 : r)));
      start = end + 1;
    }
    if (!numeric) {
      if (first) {  // a header line
        first = false;
        continue;
      }
      *error = "line " + std::to_string(lineNo) + " is not a row of numbers";
      return false;
    }
    first = false;
    if (cols == 0) cols = row.size();
    if (row.size() != cols) {
      *error = "line " + std::to_string(lineNo) + " has " + std::to_string(row.size()) +
               " columns, expected " + std::to_string(cols);
      return false;
    }
    samples->insert(samples->end(), row.begin(), row.end());
  }
  if (cols == 0 || cols > 16) {
    *error = cols == 0 ? "no samples" : "more than 16 columns";
    return false;
  }
  *channels = uint16_t(cols);
  return true;
}

bool readCsvFile(const std::string& path, uint16_t* channels, std::vector<int16_t>* samples,
                 std::string* error) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, &bytes, error)) return false;
  std::string why;
  if (!parseCsv(std::string(bytes.begin(), bytes.end()), channels, samples, &why)) {
    *error = path + ": " + why;
    return false;
  }
  return true;
}

}  // namespace tinyscope::agent::host
