// Reading and writing whole files on the desktop (host only; POSIX, no Qt).
//
// readBinaryFile is the one way the runtime's host tools, the CLI, the GUI and the host agent
// read a model, an input or a dump file: it refuses anything that is not a regular file
// (folders, FIFOs, devices such as /dev/zero, sockets), never blocks on a FIFO, and reads at
// most `maxBytes`, so a file controls neither the allocation nor the time spent. Errors are one
// sentence naming the file. Thread-safe (no shared state); memory: the file's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinyscope::runner::host {

// The largest model file the desktop accepts (the largest real model is about 4 MB).
constexpr size_t kMaxModelFileBytes = size_t{64} << 20;

// Reads the regular file at `path` into `out`. False + `error` (when not null) when it cannot
// be opened, is not a regular file, holds more than `maxBytes` bytes, or a read fails.
bool readBinaryFile(const std::string& path, std::vector<uint8_t>* out, std::string* error,
                    size_t maxBytes = kMaxModelFileBytes);
bool writeBinaryFile(const std::string& path, const std::vector<uint8_t>& bytes,
                     std::string* error);

}  // namespace tinyscope::runner::host
