#include "app/core/session/session_log.h"

#include <unistd.h>
#include <zlib.h>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <algorithm>
#include <cstring>

#include "device_protocol/frame_codec.h"
#include "device_protocol/messages.h"

namespace tinyscope::session {

namespace {

// The protocol's CRC-32 (IEEE, as proto::crc32), from zlib: the same value, computed several
// bytes a step, which replay of a long log needs.
quint32 crcOf(const char* data, qint64 size) {
  return static_cast<quint32>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

void appendU32(QByteArray* out, quint32 v) {
  char b[4];
  qToLittleEndian(v, b);
  out->append(b, 4);
}

void appendU64(QByteArray* out, quint64 v) {
  char b[8];
  qToLittleEndian(v, b);
  out->append(b, 8);
}

int directionIndex(link::WireDirection d) {
  return d == link::WireDirection::kHostToDevice ? 0 : 1;
}

}  // namespace

quint32 maxRecordWireBytes() {
  return static_cast<quint32>(proto::frameWireSize(
      std::max(proto::kMaxDeviceToHostMessageSize, proto::kMaxHostToDeviceMessageSize)));
}

// ---- header ---------------------------------------------------------------------------------

QByteArray SessionHeader::toJson() const {
  // QJsonObject sorts its keys: the same header always gives the same bytes.
  QJsonObject o{{QStringLiteral("format"), QStringLiteral("tinyscope session log")},
                {QStringLiteral("format_version"), formatVersion},
                {QStringLiteral("id"), id},
                {QStringLiteral("tinyscope_version"), tinyscopeVersion},
                {QStringLiteral("started_utc_ms"), startedUtcMs},
                {QStringLiteral("device_uri"), deviceUri},
                {QStringLiteral("device_name"), deviceName},
                {QStringLiteral("firmware_version"), firmwareVersion},
                {QStringLiteral("hello"), QString::fromLatin1(hello.toHex())},
                {QStringLiteral("model_name"), modelName},
                {QStringLiteral("model_sha256"), modelSha256},
                {QStringLiteral("model_bytes"), modelBytes},
                {QStringLiteral("kernels"), kernels}};
  return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool SessionHeader::fromJson(const QByteArray& json, SessionHeader* out, QString* error) {
  QJsonParseError pe;
  const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
  if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
    *error = QStringLiteral("the header is not a JSON object (%1 at byte %2)")
                 .arg(pe.errorString())
                 .arg(pe.offset);
    return false;
  }
  const QJsonObject o = doc.object();
  if (o.value(QStringLiteral("format")).toString() != QLatin1String("tinyscope session log")) {
    *error = QStringLiteral("the header's \"format\" is not \"tinyscope session log\"");
    return false;
  }
  SessionHeader h;
  h.formatVersion = o.value(QStringLiteral("format_version")).toInt(-1);
  if (h.formatVersion != kFormatVersion) {
    *error = QStringLiteral("the header's \"format_version\" is %1; this tinyscope reads %2")
                 .arg(h.formatVersion)
                 .arg(kFormatVersion);
    return false;
  }
  auto text = [&](const char* key) { return o.value(QLatin1String(key)).toString(); };
  h.id = text("id");
  h.tinyscopeVersion = text("tinyscope_version");
  h.startedUtcMs = static_cast<qint64>(o.value(QStringLiteral("started_utc_ms")).toDouble());
  h.deviceUri = text("device_uri");
  h.deviceName = text("device_name");
  h.firmwareVersion = text("firmware_version");
  const QString helloHex = text("hello");
  h.hello = QByteArray::fromHex(helloHex.toLatin1());
  if (h.hello.size() * 2 != helloHex.size()) {
    *error = QStringLiteral("the header's \"hello\" is not hexadecimal bytes");
    return false;
  }
  h.modelName = text("model_name");
  h.modelSha256 = text("model_sha256");
  if (!h.modelSha256.isEmpty() &&
      (h.modelSha256.size() != 64 ||
       QByteArray::fromHex(h.modelSha256.toLatin1()).toHex() != h.modelSha256.toLatin1())) {
    *error = QStringLiteral("the header's \"model_sha256\" is not 64 lower-case hex digits");
    return false;
  }
  h.modelBytes = static_cast<qint64>(o.value(QStringLiteral("model_bytes")).toDouble());
  h.kernels = text("kernels");
  *out = h;
  return true;
}

// ---- writer ---------------------------------------------------------------------------------

SessionLogWriter::SessionLogWriter(QString path) : m_path(std::move(path)), m_file(m_path) {
  m_sinceWrite.start();
}

SessionLogWriter::~SessionLogWriter() {
  close();
}

void SessionLogWriter::fail(const QString& why) {
  if (m_error.isEmpty()) m_error = QStringLiteral("%1: %2").arg(m_path, why);
}

bool SessionLogWriter::begin(SessionHeader header) {
  if (m_begun || m_closed) return !failed();
  m_begun = true;
  if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
    fail(QStringLiteral("cannot write the session log: %1").arg(m_file.errorString()));
    return false;
  }
  const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
  if (!m_haveOrigin) {
    m_haveOrigin = true;
    m_originNs = link::steadyNowNs();
  }
  // Wall time of the first record: now, less the steady time since it.
  header.startedUtcMs = nowMs - (link::steadyNowNs() - m_originNs) / 1000000;
  const QByteArray json = header.toJson();
  if (static_cast<quint32>(json.size()) > kMaxHeaderBytes) {
    fail(QStringLiteral("the session header has %1 bytes, more than %2")
             .arg(json.size())
             .arg(kMaxHeaderBytes));
    return false;
  }
  QByteArray head(kMagic, sizeof kMagic);
  appendU32(&head, static_cast<quint32>(json.size()));
  head += json;
  appendU32(&head, crcOf(json.constData(), json.size()));
  m_buffer = head + m_held + m_buffer;
  m_held.clear();
  return flush();
}

void SessionLogWriter::onWire(link::WireDirection direction, const QByteArray& bytes,
                              qint64 hostNs) {
  if (m_closed || failed()) return;
  if (!m_haveOrigin) {
    m_haveOrigin = true;
    m_originNs = hostNs;
  }
  const int d = directionIndex(direction);
  QByteArray& pending = m_pending[d];
  const quint32 maxWire = maxRecordWireBytes();
  const char* p = bytes.constData();
  int left = bytes.size();
  while (left > 0) {
    const char* zero = static_cast<const char*>(std::memchr(p, 0, static_cast<size_t>(left)));
    const int take = zero ? static_cast<int>(zero - p) + 1 : left;
    // A frame longer than any legal one (noise, no delimiter) is cut at the bound.
    const int room = static_cast<int>(maxWire) - pending.size();
    const int n = std::min(take, room);
    if (pending.isEmpty() && zero && n == take) {
      addRecord(direction, p, n, hostNs);  // a whole frame in one chunk: no copy
    } else {
      pending.append(p, n);
      m_pendingNs[d] = hostNs;
      if ((zero && n == take) || pending.size() >= static_cast<int>(maxWire)) {
        addRecord(direction, pending.constData(), pending.size(), hostNs);
        pending.clear();
      }
    }
    p += n;
    left -= n;
  }
  if (m_begun && (m_buffer.size() >= kWriteBufferBytes ||
                  (!m_buffer.isEmpty() && m_sinceWrite.elapsed() >= kFlushIntervalMs)))
    flush();
}

void SessionLogWriter::addRecord(link::WireDirection direction, const char* data, int size,
                                 qint64 hostNs) {
  if (!m_begun && m_held.size() + size > kMaxPendingBytes) {
    ++m_dropped;
    return;
  }
  appendRecord(direction, data, size, hostNs);
}

void SessionLogWriter::appendRecord(link::WireDirection direction, const char* data, int size,
                                    qint64 hostNs) {
  QByteArray& out = m_begun ? m_buffer : m_held;
  const int start = out.size();
  appendU32(&out, kRecordFixedBytes + static_cast<quint32>(size));
  appendU64(&out, static_cast<quint64>(std::max<qint64>(0, hostNs - m_originNs)));
  out.append(static_cast<char>(direction));
  out.append(data, size);
  appendU32(&out, crcOf(out.constData() + start, out.size() - start));
  ++m_records;
}

bool SessionLogWriter::flush() {
  if (failed()) return false;
  if (!m_begun || m_buffer.isEmpty()) return true;
  const qint64 n = m_file.write(m_buffer);
  if (n != m_buffer.size() || !m_file.flush()) {
    fail(QStringLiteral("writing the session log failed: %1").arg(m_file.errorString()));
    return false;
  }
  m_bytesWritten += static_cast<quint64>(n);
  m_buffer.clear();
  m_sinceWrite.restart();
  return true;
}

bool SessionLogWriter::sync() {
  if (!flush()) return false;
  if (m_file.isOpen() && ::fsync(m_file.handle()) != 0) {
    fail(QStringLiteral("syncing the session log failed"));
    return false;
  }
  return true;
}

bool SessionLogWriter::close() {
  if (m_closed) return !failed();
  for (int d = 0; d < 2; ++d)
    if (!m_pending[d].isEmpty()) {
      addRecord(static_cast<link::WireDirection>(d), m_pending[d].constData(), m_pending[d].size(),
                m_pendingNs[d]);
      m_pending[d].clear();
    }
  const bool ok = !m_begun || sync();
  m_closed = true;
  m_file.close();
  return ok && !failed();
}

// ---- reader ---------------------------------------------------------------------------------

SessionLogReader::SessionLogReader() = default;
SessionLogReader::~SessionLogReader() = default;

bool SessionLogReader::open(const QString& path, QString* error) {
  m_ownedFile = std::make_unique<QFile>(path);
  if (!m_ownedFile->open(QIODevice::ReadOnly)) {
    *error = QStringLiteral("%1: cannot read: %2").arg(path, m_ownedFile->errorString());
    return false;
  }
  return open(m_ownedFile.get(), path, error);
}

bool SessionLogReader::open(QIODevice* device, const QString& name, QString* error) {
  m_in = device;
  m_name = name;
  m_total = device->size();
  m_offset = 0;
  m_done = false;
  m_records = 0;
  m_tornBytes = 0;
  m_tornReason.clear();
  char head[sizeof kMagic + 4];
  if (device->read(head, sizeof head) != static_cast<qint64>(sizeof head) ||
      std::memcmp(head, kMagic, sizeof kMagic) != 0) {
    *error = QStringLiteral("%1: not a tinyscope session log (no TSLOG signature)").arg(name);
    return false;
  }
  const quint32 len = qFromLittleEndian<quint32>(head + sizeof kMagic);
  if (len > kMaxHeaderBytes) {
    *error = QStringLiteral("%1: the header length %2 is more than %3 bytes")
                 .arg(name)
                 .arg(len)
                 .arg(kMaxHeaderBytes);
    return false;
  }
  const QByteArray json = device->read(len);
  char crcBytes[4];
  if (json.size() != static_cast<int>(len) || device->read(crcBytes, 4) != 4) {
    *error = QStringLiteral("%1: the file ends inside its header").arg(name);
    return false;
  }
  if (qFromLittleEndian<quint32>(crcBytes) != crcOf(json.constData(), json.size())) {
    *error =
        QStringLiteral("%1: the header's CRC-32 does not match: the header is damaged").arg(name);
    return false;
  }
  QString why;
  if (!SessionHeader::fromJson(json, &m_header, &why)) {
    *error = QStringLiteral("%1: %2").arg(name, why);
    return false;
  }
  m_offset = static_cast<qint64>(sizeof head) + len + 4;
  return true;
}

bool SessionLogReader::stop(const QString& why) {
  m_done = true;
  m_tornBytes = static_cast<quint64>(std::max<qint64>(0, m_total - m_offset));
  m_tornReason = QStringLiteral("%1: %2 at byte %3; the last %4 bytes are ignored")
                     .arg(m_name, why)
                     .arg(m_offset)
                     .arg(m_tornBytes);
  return false;
}

bool SessionLogReader::next(SessionRecord* out) {
  if (m_done || !m_in) return false;
  const qint64 left = m_total - m_offset;
  if (left == 0) {
    m_done = true;
    return false;
  }
  char lenBytes[4];
  if (left < 4 || m_in->read(lenBytes, 4) != 4)
    return stop(QStringLiteral("a record is cut short"));
  const quint32 len = qFromLittleEndian<quint32>(lenBytes);
  if (len < kRecordFixedBytes || len > kRecordFixedBytes + maxRecordWireBytes())
    return stop(QStringLiteral("a record declares %1 bytes, outside %2..%3")
                    .arg(len)
                    .arg(kRecordFixedBytes)
                    .arg(kRecordFixedBytes + maxRecordWireBytes()));
  if (static_cast<quint64>(left) < 4ull + len + 4ull)
    return stop(QStringLiteral("a record is cut short"));
  QByteArray body(static_cast<int>(4 + len + 4), Qt::Uninitialized);
  std::memcpy(body.data(), lenBytes, 4);
  if (m_in->read(body.data() + 4, len + 4) != static_cast<qint64>(len + 4))
    return stop(QStringLiteral("a record is cut short"));
  const quint32 crc = qFromLittleEndian<quint32>(body.constData() + 4 + len);
  if (crc != crcOf(body.constData(), 4 + len))
    return stop(QStringLiteral("a record's CRC-32 does not match"));
  const quint8 dir = static_cast<quint8>(body.at(4 + 8));
  if (dir > 1) return stop(QStringLiteral("a record's direction is %1, not 0 or 1").arg(dir));
  out->hostNs = qFromLittleEndian<quint64>(body.constData() + 4);
  out->direction = static_cast<link::WireDirection>(dir);
  out->bytes =
      body.mid(4 + static_cast<int>(kRecordFixedBytes), static_cast<int>(len - kRecordFixedBytes));
  m_offset += 4 + len + 4;
  ++m_records;
  return true;
}

}  // namespace tinyscope::session
