#pragma once
// The session log (.tsl): every frame exchanged with a device, both directions, with the host
// time it arrived or left, behind a self-describing header. docs/SESSIONS.md defines the bytes:
//
//   magic "TSLOG\r\n\x1a" | u32 header length | header (UTF-8 JSON) | u32 CRC-32(header)
//   records: u32 body length | body = u64 host ns | u8 direction | wire bytes | u32 CRC-32
//
// All integers little-endian; each record's CRC covers its length field and body, so a torn
// tail (power cut, kill -9) is found on read, dropped and reported, and every record before it
// is kept. A record holds one whole wire frame (delimiter included) when the stream has one;
// bytes that never end in a delimiter are cut at kMaxRecordWireBytes.
//
// Ownership: SessionLogWriter owns its file; SessionLogReader borrows its QIODevice (or owns the
// file it opened). Thread: each object is used from one thread. Memory: the writer holds at most
// kWriteBufferBytes (plus kMaxPendingBytes before begin()); the reader one record at a time.
// Errors: one sentence naming the file and the field at fault.
#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QIODevice>
#include <QString>
#include <memory>

#include "device_protocol/host/device_link.h"

namespace tinyscope::session {

constexpr char kMagic[8] = {'T', 'S', 'L', 'O', 'G', '\r', '\n', '\x1a'};
constexpr int kFormatVersion = 1;
constexpr quint32 kMaxHeaderBytes = 64u << 10;
// The largest frame either side may send, on the wire with its delimiter.
quint32 maxRecordWireBytes();
constexpr quint32 kRecordFixedBytes = 8 + 1;  // host ns + direction, in the body

// What the header says. Everything but the format version is informational for a reader:
// replay takes the device's handshake from `hello` and the model from modelSha256.
struct SessionHeader {
  int formatVersion = kFormatVersion;
  QString id;                // a UUID, also the file's base name under a dataset
  QString tinyscopeVersion;  // of the program that wrote it
  qint64 startedUtcMs = 0;   // wall clock at the first record (record times count from it)
  QString deviceUri;         // as given to tinyscope ("sim:?model=...", "serial:/dev/ttyACM0")
  QString deviceName;        // the board name from the handshake (printable)
  QString firmwareVersion;   // from the handshake (printable)
  QByteArray hello;          // the device's HelloReply (header + body), catalogue-encoded
  QString modelName;         // the model the device ran, when the host knew it
  QString modelSha256;       // lower-case hex; the bytes are in the model store
  qint64 modelBytes = 0;
  QString kernels;            // the device's kernel set: "reference", "optimized" or "device"
  QByteArray toJson() const;  // compact, keys in a fixed order
  // false + *error naming the field when `json` is not a version-1 header.
  static bool fromJson(const QByteArray& json, SessionHeader* out, QString* error);
};

struct SessionRecord {
  quint64 hostNs = 0;  // since the session started
  link::WireDirection direction = link::WireDirection::kDeviceToHost;
  QByteArray bytes;  // raw wire bytes (COBS frames with their 0x00 delimiters)
};

// Writes a session log as frames pass. Frames handed to it before begin() (the handshake the
// header describes) are held, up to kMaxPendingBytes; past that they are counted as dropped.
// Durability: records are handed to the OS (write(2)) whenever kWriteBufferBytes are buffered
// or kFlushIntervalMs passed since the last write, at the latest with the next frame; fsync runs
// at close() and sync() only. A power cut can lose what the OS had not written, never what is
// before it: the reader keeps every whole record.
class SessionLogWriter : public link::WireTap {
 public:
  static constexpr int kWriteBufferBytes = 64 << 10;
  static constexpr int kMaxPendingBytes = 1 << 20;
  static constexpr int kFlushIntervalMs = 250;

  explicit SessionLogWriter(QString path);
  ~SessionLogWriter() override;  // closes (and syncs) the file

  // Creates/truncates the file and writes the header, then every held record. Record times
  // count from the first frame seen (or now). False + error() when the file cannot be written.
  bool begin(SessionHeader header);
  void onWire(link::WireDirection direction, const QByteArray& bytes, qint64 hostNs) override;
  bool flush();  // hands the buffer to the OS
  bool sync();   // flush() + fsync
  // Writes any partial frame as a last record, syncs and closes. False + error() on failure.
  bool close();

  const QString& path() const { return m_path; }
  const QString& error() const { return m_error; }
  bool failed() const { return !m_error.isEmpty(); }
  quint64 records() const { return m_records; }
  quint64 bytesWritten() const { return m_bytesWritten; }
  quint64 droppedBeforeBegin() const { return m_dropped; }

 private:
  void addRecord(link::WireDirection direction, const char* data, int size, qint64 hostNs);
  void appendRecord(link::WireDirection direction, const char* data, int size, qint64 hostNs);
  void fail(const QString& why);

  QString m_path;
  QFile m_file;
  bool m_begun = false;
  bool m_closed = false;
  QString m_error;
  QByteArray m_buffer;      // encoded records not yet written
  QByteArray m_pending[2];  // bytes of a frame not yet ended, per direction
  qint64 m_pendingNs[2] = {0, 0};
  QByteArray m_held;  // encoded records before begin()
  bool m_haveOrigin = false;
  qint64 m_originNs = 0;
  QElapsedTimer m_sinceWrite;
  quint64 m_records = 0;
  quint64 m_bytesWritten = 0;
  quint64 m_dropped = 0;
};

// Reads a session log. Every length is checked against its bound before anything is allocated;
// the file is hostile input.
class SessionLogReader {
 public:
  SessionLogReader();
  ~SessionLogReader();
  // Opens `path` (or reads `device`, borrowed, named `name` in errors) and reads the header.
  // False + *error when it is not a session log or the header is damaged: that is bad input.
  bool open(const QString& path, QString* error);
  bool open(QIODevice* device, const QString& name, QString* error);
  const SessionHeader& header() const { return m_header; }

  // The next whole record. False at the end: clean (tornBytes() == 0) or at a torn or damaged
  // record, after which nothing is read; tornBytes() and tornReason() say how much and why.
  bool next(SessionRecord* out);
  quint64 records() const { return m_records; }
  quint64 tornBytes() const { return m_tornBytes; }
  const QString& tornReason() const { return m_tornReason; }
  qint64 totalBytes() const { return m_total; }

 private:
  bool stop(const QString& why);

  std::unique_ptr<QFile> m_ownedFile;
  QIODevice* m_in = nullptr;
  QString m_name;
  SessionHeader m_header;
  qint64 m_total = 0;
  qint64 m_offset = 0;
  bool m_done = false;
  quint64 m_records = 0;
  quint64 m_tornBytes = 0;
  QString m_tornReason;
};

}  // namespace tinyscope::session
