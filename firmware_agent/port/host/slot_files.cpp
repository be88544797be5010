#include "slot_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tinyscope::agent::host {

namespace {
constexpr uint32_t kJournalBytes = 2 * kFlashPageBytes;  // one page per copy
}

SlotFiles::~SlotFiles() {
  close();
}

void SlotFiles::close() {
  for (uint8_t* p : m_slots) {
    if (p != nullptr) munmap(p, m_capacity);
  }
  m_slots.clear();
  if (m_journalMap != nullptr) munmap(m_journalMap, kJournalBytes);
  m_journalMap = nullptr;
  if (m_lockFd >= 0) ::close(m_lockFd);  // releases the lock
  m_lockFd = -1;
}

bool SlotFiles::lock(const std::string& dir) {
  const std::string path = dir + "/lock";
  m_lockFd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (m_lockFd < 0) {
    m_error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  // An agent whose host just went away may still be closing: give it 3 s.
  int err = 0;
  for (int i = 0; i < 150; ++i) {
    if (::flock(m_lockFd, LOCK_EX | LOCK_NB) == 0) return true;
    err = errno;
    if (err != EWOULDBLOCK && err != EINTR) break;
    ::usleep(20000);
  }
  m_error = err == EWOULDBLOCK || err == EINTR
                ? "slot directory " + dir +
                      " is in use by another tinyscope-agent (one connection at a time, as with "
                      "a board)"
                : "cannot lock " + path + ": " + std::strerror(err);
  ::close(m_lockFd);
  m_lockFd = -1;
  return false;
}

uint8_t* SlotFiles::map(const std::string& path, uint32_t size) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    m_error = "cannot open slot file " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  fstat(fd, &st);
  const bool fresh = st.st_size != off_t(size);
  if (fresh && ::ftruncate(fd, off_t(size)) != 0) {
    m_error = "cannot size slot file " + path + ": " + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) {
    m_error = "cannot map slot file " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  if (fresh) std::memset(p, 0xFF, size);  // erased flash reads 0xFF
  return static_cast<uint8_t*>(p);
}

bool SlotFiles::open(const std::string& dir, uint32_t count, uint32_t capacity) {
  close();
  m_dir = dir;
  m_capacity = capacity;
  m_writes = 0;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    m_error = "cannot create slot directory " + dir + ": " + std::strerror(errno);
    return false;
  }
  if (!lock(dir)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t* p = map(dir + "/slot" + std::to_string(i) + ".bin", capacity);
    if (p == nullptr) return false;
    m_slots.push_back(p);
  }
  m_journalMap = map(dir + "/journal.bin", kJournalBytes);
  return m_journalMap != nullptr;
}

void SlotFiles::flashWrite(uint8_t* dst, const uint8_t* src, uint32_t size) {
  const bool cut = ++m_writes == m_cutAt;    // m_cutAt 0 never matches
  const uint32_t n = cut ? size / 2 : size;  // the power goes half-way through this write
  for (uint32_t i = 0; i < n; ++i) dst[i] = src == nullptr ? 0xFF : uint8_t(dst[i] & src[i]);
  if (cut) {
    std::fprintf(stderr, "tinyscope-agent: power cut at write %llu\n",
                 static_cast<unsigned long long>(m_writes));
    std::_Exit(kPowerCutExitCode);
  }
}

hal::Status SlotFiles::erase(uint32_t slot) {
  uint8_t* p = data(slot);
  if (p == nullptr) return hal::Status::kBadSlot;
  for (uint32_t off = 0; off < m_capacity; off += kFlashSectorBytes)
    flashWrite(p + off, nullptr, std::min(kFlashSectorBytes, m_capacity - off));
  return hal::Status::kOk;
}

hal::Status SlotFiles::program(uint32_t slot, uint32_t offset, const uint8_t* src, uint32_t size) {
  uint8_t* p = data(slot);
  if (p == nullptr) return hal::Status::kBadSlot;
  if (offset > m_capacity || size > m_capacity - offset) return hal::Status::kOutOfRange;
  for (uint32_t i = 0; i < size; ++i) {
    if (p[offset + i] != 0xFF) return hal::Status::kNotErased;
  }
  while (size > 0) {  // one write per page touched
    const uint32_t n = std::min(size, kFlashPageBytes - offset % kFlashPageBytes);
    flashWrite(p + offset, src, n);
    offset += n;
    src += n;
    size -= n;
  }
  return hal::Status::kOk;
}

const uint8_t* SlotFiles::journalCopy(uint8_t index) {
  return (m_journalMap != nullptr && index < 2) ? m_journalMap + index * kFlashPageBytes : nullptr;
}

bool SlotFiles::eraseJournalCopy(uint8_t index) {
  if (m_journalMap == nullptr || index >= 2) return false;
  flashWrite(m_journalMap + index * kFlashPageBytes, nullptr, kFlashPageBytes);
  return true;
}

bool SlotFiles::programJournalCopy(uint8_t index, const uint8_t* src, uint32_t size) {
  if (m_journalMap == nullptr || index >= 2 || size > kFlashPageBytes) return false;
  flashWrite(m_journalMap + index * kFlashPageBytes, src, size);
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
  const bool same = std::memcmp(base, header, sizeof header) == 0 &&
                    std::memcmp(base + hal::kSlotHeaderSize, model.data(), size) == 0;
  if (!same) {  // else keep the file (and its mtime) as it is
    std::memset(base, 0xFF, m_capacity);
    std::memcpy(base + hal::kSlotHeaderSize, model.data(), size);
    std::memcpy(base, header, sizeof header);
    msync(base, m_capacity, MS_ASYNC);
  }
  SlotMetadata meta;
  if (!m_journal.load(&meta)) meta = SlotMetadata();
  proto::BoundedString<proto::kMaxNameLen> want;
  want.assign(name.substr(0, proto::kMaxNameLen).c_str());
  if (meta.names[slot] == want) return true;
  meta.names[slot] = want;
  m_journal.save(meta);
  return true;
}

void SlotFiles::saveActiveSlot(uint8_t slot) {
  SlotMetadata meta;
  if (!m_journal.load(&meta)) meta = SlotMetadata();
  if (meta.active == slot) return;
  meta.active = slot;
  m_journal.save(meta);
}

}  // namespace tinyscope::agent::host
