// The session log: round trip through the real writer and reader, frames cut and held, a torn
// tail at every byte offset, and hostile lengths and CRCs.
#include <gtest/gtest.h>

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

#include "app/core/session/model_store.h"
#include "app/core/session/session_log.h"
#include "device_protocol/crc32.h"
#include "device_protocol/frame_codec.h"

namespace {

using tinyscope::link::WireDirection;
using namespace tinyscope::session;

// One COBS frame with its delimiter around `payload`.
QByteArray frame(const QByteArray& payload) {
  std::vector<uint8_t> out(tinyscope::proto::frameWireSize(static_cast<size_t>(payload.size())));
  const auto r = tinyscope::proto::FrameEncoder::encode(
      tinyscope::proto::ConstByteSpan(reinterpret_cast<const uint8_t*>(payload.constData()),
                                      static_cast<size_t>(payload.size())),
      tinyscope::proto::ByteSpan(out.data(), out.size()));
  EXPECT_TRUE(r.ok);
  return QByteArray(reinterpret_cast<const char*>(out.data()), static_cast<int>(r.size));
}

SessionHeader header() {
  SessionHeader h;
  h.id = QStringLiteral("test");
  h.tinyscopeVersion = QStringLiteral("1.2.3");
  h.deviceUri = QStringLiteral("serial:/dev/pts/9");
  h.deviceName = QStringLiteral("board");
  h.hello = QByteArray("\x02\x01\x00\x05", 4);
  h.modelName = QStringLiteral("m");
  h.modelSha256 = QString(64, QLatin1Char('a'));
  h.modelBytes = 100;
  h.kernels = QStringLiteral("reference");
  return h;
}

QVector<SessionRecord> readAll(const QString& path, SessionLogReader* reader) {
  QString error;
  EXPECT_TRUE(reader->open(path, &error)) << error.toStdString();
  QVector<SessionRecord> out;
  SessionRecord r;
  while (reader->next(&r)) out.append(r);
  return out;
}

// Reads a log held in memory: the whole records, and the reader for its torn-tail report. An
// empty *error means it opened.
struct MemoryRead {
  int records = 0;
  quint64 tornBytes = 0;
  QString tornReason;
  QString error;
};
MemoryRead readBytes(const QByteArray& bytes) {
  MemoryRead out;
  QBuffer b;
  b.setData(bytes);
  b.open(QIODevice::ReadOnly);
  SessionLogReader reader;
  if (!reader.open(&b, "x.tsl", &out.error)) return out;
  SessionRecord r;
  while (reader.next(&r)) ++out.records;
  out.tornBytes = reader.tornBytes();
  out.tornReason = reader.tornReason();
  return out;
}

// Three frames each way, handed over in awkward pieces (split inside a frame, two in a chunk).
QString writeSample(const QString& dir, QVector<QByteArray>* framesOut) {
  const QString path = dir + "/s.tsl";
  SessionLogWriter w(path);
  QVector<QByteArray> frames;
  for (int i = 0; i < 6; ++i)
    frames.append(frame(QByteArray(10 + i * 40, static_cast<char>(i + 1))));
  // Before begin(): held, then written after the header.
  w.onWire(WireDirection::kHostToDevice, frames[0], 1000);
  w.onWire(WireDirection::kDeviceToHost, frames[1].left(5), 2000);
  EXPECT_TRUE(w.begin(header()));
  w.onWire(WireDirection::kDeviceToHost, frames[1].mid(5) + frames[3], 3000);
  w.onWire(WireDirection::kHostToDevice, frames[2], 4000);
  w.onWire(WireDirection::kDeviceToHost, frames[5], 5000);
  w.onWire(WireDirection::kHostToDevice, frames[4], 6000);
  EXPECT_TRUE(w.close()) << w.error().toStdString();
  EXPECT_EQ(w.records(), 6u);
  *framesOut = frames;
  return path;
}

TEST(SessionLog, RoundTripKeepsFramesDirectionsAndTimes) {
  QTemporaryDir dir;
  QVector<QByteArray> frames;
  const QString path = writeSample(dir.path(), &frames);
  SessionLogReader reader;
  const QVector<SessionRecord> records = readAll(path, &reader);
  EXPECT_EQ(reader.tornBytes(), 0u);
  EXPECT_EQ(reader.header().deviceName, "board");
  EXPECT_EQ(reader.header().hello, header().hello);
  EXPECT_EQ(reader.header().modelSha256, header().modelSha256);
  EXPECT_EQ(reader.header().kernels, "reference");
  ASSERT_EQ(records.size(), 6);
  // One whole frame per record, in arrival order, times from the first frame seen.
  const int order[] = {0, 1, 3, 2, 5, 4};
  const quint64 times[] = {0, 2000, 2000, 3000, 4000, 5000};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(records[i].bytes, frames[order[i]]) << i;
    EXPECT_EQ(records[i].hostNs, times[i]) << i;
    EXPECT_EQ(records[i].direction,
              order[i] % 2 == 0 ? WireDirection::kHostToDevice : WireDirection::kDeviceToHost);
  }
}

TEST(SessionLog, RecordChecksAreTheProtocolsCrc32) {
  QTemporaryDir dir;
  QVector<QByteArray> frames;
  QFile f(writeSample(dir.path(), &frames));
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QByteArray whole = f.readAll();
  const quint32 headerLen = qFromLittleEndian<quint32>(whole.constData() + 8);
  const QByteArray json = whole.mid(12, static_cast<int>(headerLen));
  auto crc = [](const QByteArray& b) {
    return tinyscope::proto::crc32(tinyscope::proto::ConstByteSpan(
        reinterpret_cast<const uint8_t*>(b.constData()), static_cast<size_t>(b.size())));
  };
  EXPECT_EQ(qFromLittleEndian<quint32>(whole.constData() + 12 + headerLen), crc(json));
  int at = 12 + static_cast<int>(headerLen) + 4;
  for (int i = 0; i < 6; ++i) {
    const int n = static_cast<int>(qFromLittleEndian<quint32>(whole.constData() + at));
    EXPECT_EQ(qFromLittleEndian<quint32>(whole.constData() + at + 4 + n), crc(whole.mid(at, 4 + n)))
        << "record " << i;
    at += 4 + n + 4;
  }
  EXPECT_EQ(at, whole.size());
}

TEST(SessionLog, ATornTailAtEveryOffsetOfTheLastRecordKeepsEveryWholeRecord) {
  QTemporaryDir dir;
  QVector<QByteArray> frames;
  const QString path = writeSample(dir.path(), &frames);
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QByteArray whole = f.readAll();
  const int lastRecord = whole.size() - (4 + 9 + frames[4].size() + 4);
  for (int cut = lastRecord; cut < whole.size(); ++cut) {
    const MemoryRead r = readBytes(whole.left(cut));
    ASSERT_TRUE(r.error.isEmpty()) << r.error.toStdString();
    EXPECT_EQ(r.records, 5) << "cut at " << cut;
    EXPECT_EQ(r.tornBytes, static_cast<quint64>(cut - lastRecord)) << cut;
    if (cut > lastRecord) EXPECT_TRUE(r.tornReason.contains("cut short"));
  }
}

TEST(SessionLog, HostileLengthsAndDamageStopTheReadWithoutAllocating) {
  QTemporaryDir dir;
  QVector<QByteArray> frames;
  const QString path = writeSample(dir.path(), &frames);
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QByteArray whole = f.readAll();
  const quint32 headerLen = qFromLittleEndian<quint32>(whole.constData() + 8);
  const int firstRecord = 8 + 4 + static_cast<int>(headerLen) + 4;

  auto read = [](const QByteArray& bytes, int* records, QString* torn) {
    const MemoryRead r = readBytes(bytes);
    *records = r.records;
    *torn = r.tornReason;
    return r.error;
  };
  int n = -1;
  QString torn;
  // A record claiming 4 GiB: refused by its bound, the records before it kept.
  QByteArray huge = whole;
  const int second = firstRecord + 4 + 9 + frames[0].size() + 4;
  qToLittleEndian<quint32>(0xFFFFFFF0u, huge.data() + second);
  EXPECT_TRUE(read(huge, &n, &torn).isEmpty());
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(torn.contains("declares 4294967280 bytes")) << torn.toStdString();
  // A flipped byte inside the third record: its CRC fails, two records kept.
  QByteArray flipped = whole;
  flipped.data()[second + 4 + 9 + frames[1].size() + 4 + 10] ^= 0x40;
  EXPECT_TRUE(read(flipped, &n, &torn).isEmpty());
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(torn.contains("CRC-32")) << torn.toStdString();
  // Header damage is bad input: not a session.
  QByteArray badHeader = whole;
  badHeader.data()[20] ^= 0x01;
  EXPECT_TRUE(read(badHeader, &n, &torn).contains("header's CRC-32"));
  QByteArray longHeader = whole;
  qToLittleEndian<quint32>(1u << 30, longHeader.data() + 8);
  EXPECT_TRUE(read(longHeader, &n, &torn).contains("header length"));
  EXPECT_TRUE(read(QByteArray("not a session log"), &n, &torn).contains("not a tinyscope"));
}

TEST(SessionLog, NoiseWithoutDelimitersIsCutAtTheFrameBound) {
  QTemporaryDir dir;
  const QString path = dir.path() + "/noise.tsl";
  SessionLogWriter w(path);
  ASSERT_TRUE(w.begin(header()));
  const QByteArray noise(static_cast<int>(maxRecordWireBytes()) * 2 + 7, '\x55');
  w.onWire(WireDirection::kDeviceToHost, noise, 10);
  ASSERT_TRUE(w.close());
  SessionLogReader reader;
  const QVector<SessionRecord> records = readAll(path, &reader);
  ASSERT_EQ(records.size(), 3);
  QByteArray joined;
  for (const SessionRecord& r : records) {
    EXPECT_LE(static_cast<quint32>(r.bytes.size()), maxRecordWireBytes());
    joined += r.bytes;
  }
  EXPECT_EQ(joined, noise);
}

TEST(ModelStore, KeepsEachModelOnceByItsSha256BesideTheSessionsFolder) {
  QTemporaryDir dir;
  const ModelStore store = ModelStore::forSession(dir.path() + "/ds/sessions/x.tsl");
  EXPECT_EQ(store.dir(), dir.path() + "/ds/models");
  EXPECT_EQ(ModelStore::forSession(dir.path() + "/run/a.tsl").dir(), dir.path() + "/run/models");
  const std::vector<uint8_t> bytes{'a', 'b', 'c'};
  QString sha, error;
  ASSERT_TRUE(store.put(bytes, &sha, &error)) << error.toStdString();
  EXPECT_EQ(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  QFile f(store.pathOf(sha));
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  EXPECT_EQ(f.readAll(), QByteArray("abc"));
}

}  // namespace
