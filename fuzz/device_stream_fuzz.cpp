// libFuzzer target for the desktop's side of a hostile device: arbitrary bytes through
// DeviceLink's frame decoder into DeviceSession, after a handshake, with a sensor stream
// started and an inference (full tensor capture) pending, so TensorChunk reassembly,
// loss accounting, re-hellos, refusals and device text are all reachable.
//
// Input: the first byte picks the mode.
//   even: the rest is the raw byte stream from the device (frames need a valid CRC-32);
//   odd:  the rest is a list of messages, each a 16-bit little-endian length + that many
//         bytes (header + body), framed here, so the fuzzer explores message contents
//         without having to find CRCs.
// Properties checked beyond "no crash, no sanitizer report, stays under -rss_limit_mb":
//   - no captured tensor is larger than the device's declared arena, and all of a run's
//     tensors together stay within DeviceSession::kMaxCaptureBytes;
//   - a tensor never counts more bytes received than it has;
//   - missing windows stay bounded by what the received windows can account for (a
//     backwards step is a restart, never ~4 billion missing).
// Seeds: run once with TINYSCOPE_FUZZ_SEED_DIR=<corpus dir> to write encoded examples.
#include <QCoreApplication>
#include <QFile>
#include <cstdio>
#include <cstdlib>

#include "tests/support/fake_device.h"

using namespace tinyscope;
using namespace tinyscope::proto;

namespace {

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "device_stream_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                          \
    }                                                                        \
  } while (0)

QCoreApplication* application() {
  static int argc = 1;
  static char name[] = "device_stream_fuzz";
  static char* argv[] = {name, nullptr};
  static QCoreApplication* app = new QCoreApplication(argc, argv);
  return app;
}

// A connected session with a stream started and a run pending; *runId is the run's request.
std::unique_ptr<FakeDevice> prepare(quint16* runId) {
  auto dev = std::make_unique<FakeDevice>();
  CHECK(dev->connect());
  dev->session->startStream(0, 0, 1000 * 1000, 10);
  *runId = dev->session->runInference(
      QByteArray(16, '\1'), CaptureMode::kAllOps, {}, [](const InferenceRun&) {},
      [](const QString&) {}, 60000);
  CHECK(*runId != 0);
  dev->takeRequests();
  return dev;
}

template <class T>
QByteArray lengthPrefixed(const T& message, quint16 sequence, quint16 requestId) {
  std::vector<uint8_t> buffer(kMaxDeviceToHostMessageSize);
  const EncodeResult r = encodeMessage(makeHeader<T>(sequence, requestId), message,
                                       ByteSpan(buffer.data(), buffer.size()));
  CHECK(r.status == Status::kOk);
  QByteArray out;
  out.append(static_cast<char>(r.size & 0xFF)).append(static_cast<char>(r.size >> 8));
  out.append(reinterpret_cast<const char*>(buffer.data()), static_cast<int>(r.size));
  return out;
}

void writeSeeds(const char* dir) {
  quint16 run = 0;
  prepare(&run);
  const QByteArray data(512, '\x55');
  const ConstByteSpan bulk(reinterpret_cast<const uint8_t*>(data.constData()), 60);
  SensorWindow w;
  w.channels = 3;
  w.sampleCount = 10;
  w.payload = bulk;
  TensorChunk c;
  c.opIndex = 2;
  c.desc.dims.push(1024);
  c.totalBytes = 1024;
  c.data = ConstByteSpan(reinterpret_cast<const uint8_t*>(data.constData()), 512);
  InferenceResult result;
  Log log;
  log.text.assign("\x1b[31mlog");
  Error error;
  error.code = ErrorCode::kStreamOverrun;
  error.text.assign("overrun");
  Nack nack;
  nack.nackedType = static_cast<uint8_t>(MessageType::kRunInference);
  nack.code = NackCode::kBusy;
  HelloReply hello = FakeDevice::helloReply();
  hello.boardName.assign("rebooted");

  QByteArray messages(1, '\1');  // odd: length-prefixed messages
  quint16 seq = 1;
  for (uint32_t s : {0u, 1u, 3u, 2u, 2u}) {
    w.sequence = s;
    w.timestampUs = 10000ull * s;
    messages += lengthPrefixed(w, seq++, 0);
  }
  messages += lengthPrefixed(c, seq++, run);
  c.offset = 512;
  messages += lengthPrefixed(c, seq++, run);
  messages += lengthPrefixed(log, seq++, 0);
  messages += lengthPrefixed(error, seq++, 0);
  messages += lengthPrefixed(result, seq++, run);
  messages += lengthPrefixed(nack, seq++, run);
  messages += lengthPrefixed(hello, 3, 0);
  QByteArray raw(1, '\0');  // even: raw frames
  for (uint32_t s = 0; s < 4; ++s) {
    w.sequence = s;
    raw += deviceFrame(w, static_cast<quint16>(s + 1), 0);
  }
  c.offset = 0;
  raw += deviceFrame(c, 5, run);
  raw += deviceFrame(result, 6, run);
  const QString base = QString::fromLocal8Bit(dir);
  for (const auto& [name, bytes] : {std::pair<const char*, QByteArray>{"messages", messages},
                                    std::pair<const char*, QByteArray>{"frames", raw}}) {
    QFile f(base + QLatin1Char('/') + QLatin1String(name));
    if (f.open(QIODevice::WriteOnly)) f.write(bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  application();
  if (const char* dir = std::getenv("TINYSCOPE_FUZZ_SEED_DIR")) writeSeeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  quint16 run = 0;
  std::unique_ptr<FakeDevice> dev = prepare(&run);
  const uint32_t arena = FakeDevice::helloReply().arenaBytes;
  if ((data[0] & 1) == 0) {
    dev->sendBytes(QByteArray(reinterpret_cast<const char*>(data + 1), static_cast<int>(size - 1)));
  } else {
    size_t at = 1;
    while (at + 2 <= size) {
      const size_t n = data[at] | (size_t{data[at + 1]} << 8);
      at += 2;
      if (n > size - at) break;
      dev->sendBytes(rawDeviceFrame(
          QByteArray(reinterpret_cast<const char*>(data + at), static_cast<int>(n))));
      at += n;
    }
  }
  quint64 captured = 0;
  for (const CapturedTensor& t : dev->session->lastRun().captured) {
    CHECK(static_cast<quint64>(t.data.size()) <= arena);
    CHECK(t.receivedBytes() <= static_cast<quint32>(t.data.size()));
    captured += static_cast<quint64>(t.data.size());
  }
  CHECK(captured <= DeviceSession::kMaxCaptureBytes);
  // Each received window can stand for at most one forward gap (a longer one is a restart).
  for (const StreamStats& st : dev->session->streams())
    CHECK(st.missingWindows <= st.windows * (1u << 20));
  dev.reset();
  QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
  return 0;
}
