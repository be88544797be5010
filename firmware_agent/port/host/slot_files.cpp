#include "slot_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "hal.h"

namespace tinyscope::agent::host {

SlotFiles::~SlotFiles() {
  close();
}

void SlotFiles::close() {
  for (uint8_t* p : m_slots) {
    if (p != nullptr) munmap(p, m_capacity);
  }
  m_slots.clear();
}

bool SlotFiles::open(const std::string& dir, uint32_t count, uint32_t capacity) {
  close();
  m_dir = dir;
  m_capacity = capacity;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    m_error = "cannot create slot directory " + dir + ": " + std::strerror(errno);
    return false;
  }
  for (uint32_t i = 0; i < count; ++i) {
    const std::string path = dir + "/slot" + std::to_string(i) + ".bin";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      m_error = "cannot open slot file " + path + ": " + std::strerror(errno);
      return false;
    }
    struct stat st {};
    fstat(fd, &st);
    const bool fresh = st.st_size != off_t(capacity);
    if (fresh && ::ftruncate(fd, off_t(capacity)) != 0) {
      m_error = "cannot size slot file " + path + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    void* p = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
      m_error = "cannot map slot file " + path + ": " + std::strerror(errno);
      return false;
    }
    if (fresh) std::memset(p, 0xFF, capacity);  // erased flash reads 0xFF
    m_slots.push_back(static_cast<uint8_t*>(p));
  }
  return true;
}

bool SlotFiles::install(uint32_t slot, const std::vector<uint8_t>& model, const std::string& name) {
  if (slot >= m_slots.size()) {
    m_error = "no slot " + std::to_string(slot);
    return false;
  }
  if (model.empty() || model.size() > m_capacity - hal::kSlotHeaderSize) {
    m_error = "model of " + std::to_string(model.size()) + " bytes does not fit a slot of " +
              std::to_string(m_capacity - hal::kSlotHeaderSize) + " bytes (use --slot-size)";
    return false;
  }
  uint8_t* base = m_slots[slot];
  const uint32_t size = uint32_t(model.size());
  const uint32_t crc = hal::crc32(model.data(), model.size());
  uint8_t header[hal::kSlotHeaderSize];
  hal::makeSlotHeader(size, crc, header);
  if (std::memcmp(base, header, sizeof header) == 0 &&
      std::memcmp(base + hal::kSlotHeaderSize, model.data(), size) == 0) {
    saveName(uint8_t(slot), name.c_str());
    return true;  // already there: keep the file (and its mtime) as it is
  }
  std::memset(base, 0xFF, m_capacity);
  std::memcpy(base + hal::kSlotHeaderSize, model.data(), size);
  hal::makeSlotHeader(size, crc, base);
  msync(base, m_capacity, MS_ASYNC);
  saveName(uint8_t(slot), name.c_str());
  return true;
}

int32_t SlotFiles::loadActiveSlot() {
  std::ifstream in(m_dir + "/active");
  int value = -1;
  if (!(in >> value)) return -1;
  return value;
}

void SlotFiles::saveActiveSlot(uint8_t slot) {
  std::ofstream(m_dir + "/active", std::ios::trunc) << int(slot) << "\n";
}

bool SlotFiles::loadName(uint8_t slot, char* out, size_t capacity) {
  std::ifstream in(m_dir + "/slot" + std::to_string(slot) + ".name");
  std::string name;
  if (!std::getline(in, name) || name.empty() || capacity == 0) return false;
  const size_t n = name.size() < capacity - 1 ? name.size() : capacity - 1;
  std::memcpy(out, name.data(), n);
  out[n] = '\0';
  return true;
}

void SlotFiles::saveName(uint8_t slot, const char* name) {
  std::ofstream(m_dir + "/slot" + std::to_string(slot) + ".name", std::ios::trunc) << name << "\n";
}

}  // namespace tinyscope::agent::host
