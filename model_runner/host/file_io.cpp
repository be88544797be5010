#include "model_runner/host/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace tinyscope::runner::host {

namespace {

bool failWith(std::string* error, const std::string& text) {
  if (error != nullptr) *error = text;
  return false;
}

// Closes the descriptor on every path out of readBinaryFile.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

bool readBinaryFile(const std::string& path, std::vector<uint8_t>* out, std::string* error,
                    size_t maxBytes) {
  out->clear();
  // O_NONBLOCK: opening a FIFO with no writer must not hang; regular files ignore it.
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (f.fd < 0) return failWith(error, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    return failWith(error, "cannot read " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return failWith(error, path + " is a folder, not a file");
  if (!S_ISREG(st.st_mode))
    return failWith(error, path + " is not a regular file (a device, FIFO or socket)");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > maxBytes) {
    return failWith(error, path + " holds " + std::to_string(size) + " bytes, more than the " +
                               std::to_string(maxBytes) + " bytes accepted here");
  }
  out->resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < out->size()) {
    const ssize_t n = ::read(f.fd, out->data() + got, out->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out->clear();
      return failWith(error, "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;  // the file shrank while we read it: keep what is there
    got += static_cast<size_t>(n);
  }
  out->resize(got);
  return true;
}

bool writeBinaryFile(const std::string& path, const std::vector<uint8_t>& bytes,
                     std::string* error) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (f)
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!f) return failWith(error, "cannot write " + path);
  return true;
}

}  // namespace tinyscope::runner::host
