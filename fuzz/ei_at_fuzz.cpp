// libFuzzer target for what a board running Edge Impulse's firmware sends back: arbitrary bytes
// through the AT reply framing (in chunks whose sizes depend on the input), then every parser
// of device_protocol/host/ei_at_protocol.h on what was framed.
// Properties checked beyond "no crash, no sanitizer report, stays under -rss_limit_mb":
//   - a reply never holds more than its bound, whatever the chunking;
//   - AT+CONFIG? never yields more than kEiMaxSensors sensors or kEiMaxFrequencies each;
//   - a "Used buffer" line's range is only what it says; a decoded buffer is exactly the size
//     asked for, and a size above kEiMaxSampleBytes is refused before anything is allocated.
// Seeds: run once with TINYSCOPE_FUZZ_SEED_DIR=<corpus dir> to write real replies there.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <cstdio>
#include <cstdlib>

#include "device_protocol/host/ei_at_protocol.h"

using namespace tinyscope::link;

namespace {

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      std::fprintf(stderr, "ei_at_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                  \
    }                                                                \
  } while (0)

void writeSeeds(const char* dir) {
  QDir().mkpath(QString::fromLocal8Bit(dir));
  const QByteArray seeds[] = {
      "AT+CONFIG?\r\n===== Device info =====\nID:         AA:BB\r\nType:       BOARD\r\n"
      "AT Version: 1.8.0\r\nData Transfer Baudrate: 921600\r\n\r\n===== Sensors ======\r\n"
      "Name: Built-in accelerometer, Max sample length: 300s, Frequencies: [62.50Hz, "
      "100.00Hz]\n\r\n===== Sampling parameters =====\r\nLabel:     idle\r\n"
      "Interval:  16.00 ms.\r\nLength:    1000 ms.\r\nHMAC key:  k\r\n\r\n> ",
      "AT+SAMPLESTART=Built-in accelerometer\r\nSampling settings:\n\tFile name: idle\n"
      "Starting in 2000 ms... (or until all flash was erased)\nSampling...\nDone sampling, total "
      "bytes collected: 744\n[1/1] Uploading file to Edge Impulse...\nNot uploading file, not "
      "connected to WiFi. Used buffer, from=0, to=11.\nOK\n> ",
      "AT+READBUFFER=0,11,y\r\nOK\r\naGVsbG8gd29ybGQ=\r\nOK\r\n\r\n> ",
  };
  int i = 0;
  for (const QByteArray& s : seeds) {
    QFile f(QStringLiteral("%1/seed%2").arg(QString::fromLocal8Bit(dir)).arg(i++));
    if (f.open(QIODevice::WriteOnly)) f.write(s);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("TINYSCOPE_FUZZ_SEED_DIR")) writeSeeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const QByteArray input(reinterpret_cast<const char*>(data), static_cast<int>(size));
  // Framing: the prompt, or the fast-transfer mark, under a small bound.
  const qint64 bound = 4096;
  EiReplyReader reader;
  reader.start(size % 2 ? QByteArray(kEiTransferMark) : QByteArray(kEiPrompt), bound);
  uint32_t lcg = static_cast<uint32_t>(size) * 2654435761u;
  QStringList lines;
  for (int off = 0; off < input.size();) {
    lcg = lcg * 1664525u + 1013904223u;
    const int n = 1 + static_cast<int>((lcg >> 16) % 97);
    reader.feed(input.mid(off, n));
    lines += reader.takeLines();
    off += n;
    CHECK(reader.reply().size() <= bound);
    if (reader.status() == EiReplyReader::Status::kComplete) {
      // The next reply starts with what followed the terminator.
      reader.start(kEiPrompt, bound);
    } else if (reader.overflowed()) {
      break;
    }
  }
  // Every parser on what arrived.
  const QStringList replyLines = eiReplyLines(input, "AT+CONFIG?");
  EiDeviceConfig config;
  QString error;
  if (parseEiConfig(input, &config, &error)) {
    CHECK(config.sensors.size() <= kEiMaxSensors);
    for (const EiSensor& s : config.sensors) CHECK(s.frequenciesHz.size() <= kEiMaxFrequencies);
    config.transferSuffix(true);
  } else {
    CHECK(!error.isEmpty());
  }
  eiRefusal(replyLines);
  for (const QString& l : lines + replyLines) {
    const EiSampleLine s = parseEiSampleLine(l);
    if (s.kind != EiSampleLine::Kind::kUsedBuffer) continue;
    CHECK(s.from >= 0 && s.to >= 0);
    // What the session would ask for: bounded before anything is decoded.
    const qint64 want = s.to - s.from;
    QByteArray out;
    if (decodeEiBuffer(replyLines, want, &out, &error)) CHECK(out.size() == want);
  }
  QByteArray out;
  const qint64 want = size > 0 ? data[0] * 3 : 0;
  if (decodeEiBuffer(replyLines, want, &out, &error)) CHECK(out.size() == want);
  CHECK(!decodeEiBuffer(replyLines, kEiMaxSampleBytes + 1, &out, &error));
  return 0;
}
