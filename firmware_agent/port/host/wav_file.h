// Minimal RIFF/WAVE reader for 16-bit PCM (WAVE_FORMAT_PCM or EXTENSIBLE with the PCM
// sub-format), written for the host agent's --wav sensor. Every chunk length and offset is
// checked against the file size; anything else is refused with a one-line reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinyscope::agent::host {

struct WavData {
  uint32_t sampleRate = 0;
  uint16_t channels = 0;
  std::vector<int16_t> samples;  // interleaved, frames * channels
};

// Parses `bytes` (a whole .wav file). False with `error` set when it is not 16-bit PCM WAV.
bool parseWav(const std::vector<uint8_t>& bytes, WavData* out, std::string* error);

// Reads and parses `path`; errors name the file.
bool readWavFile(const std::string& path, WavData* out, std::string* error);

// Parses CSV text: one sample per line, comma (or semicolon/tab) separated numbers, an
// optional non-numeric header line, '#' comments. Values are rounded and clamped to int16. When
// the header names the first column a time ("timestamp_us" as stream --csv writes, "timestamp",
// "Time (s)"), that column is skipped: it is the clock, not a channel.
// All rows must have the same column count (1..16).
bool parseCsv(const std::string& text, uint16_t* channels, std::vector<int16_t>* samples,
              std::string* error);
bool readCsvFile(const std::string& path, uint16_t* channels, std::vector<int16_t>* samples,
                 std::string* error);

}  // namespace tinyscope::agent::host
