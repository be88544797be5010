// libFuzzer target for the session log reader and playback (app/core/session): any file must be
// refused in one sentence or played to its end — every length bounded before it is allocated,
// a torn or damaged record ending the readable part — with no crash, leak or blow-up. The input
// is the file, played through SessionPlayer: the reader, both FrameDecoders, the catalogue and
// the run assembly (captured tensors bounded by the handshake's arena, as with no model known).
//
// Seeds: run once with TINYSCOPE_FUZZ_SEED_DIR=<corpus dir> to write session logs: a handshake,
// an upload, a run with captured tensors and a result, a refusal, and a torn copy.
#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <cstdlib>
#include <vector>

#include "app/core/session/session_log.h"
#include "app/core/session/session_player.h"
#include "device_protocol/message_frame.h"

using namespace tinyscope;

namespace {

QCoreApplication* application() {
  static int argc = 1;
  static char name[] = "session_log_fuzz";
  static char* argv[] = {name, nullptr};
  static QCoreApplication* app = new QCoreApplication(argc, argv);
  return app;
}

template <class T>
void send(session::SessionLogWriter& w, link::WireDirection dir, const T& m, quint16 id,
          qint64 ns) {
  std::vector<uint8_t> buf(proto::frameWireSize(proto::kMaxMessageSize));
  const proto::EncodeResult r =
      proto::encodeFrame(proto::makeHeader<T>(0, id), m, proto::ByteSpan(buf.data(), buf.size()));
  if (r.status == proto::Status::kOk)
    w.onWire(dir, QByteArray(reinterpret_cast<const char*>(buf.data()), static_cast<int>(r.size)),
             ns);
}

void writeSeeds(const char* dir) {
  QDir().mkpath(QString::fromLocal8Bit(dir));
  const QString path = QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("run.tsl"));
  {
    session::SessionLogWriter w(path);
    session::SessionHeader h;
    h.id = QStringLiteral("seed");
    h.modelSha256 = QString(64, QLatin1Char('0'));
    w.begin(h);
    const uint8_t input[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    proto::InputChunk in;
    in.totalBytes = 8;
    in.data = proto::ConstByteSpan(input, 8);
    send(w, link::WireDirection::kHostToDevice, in, 1, 10);
    proto::RunInference run;
    run.source = proto::InputSource::kUploaded;
    run.capture = proto::CaptureMode::kAllOps;
    send(w, link::WireDirection::kHostToDevice, run, 2, 20);
    proto::TensorChunk c;
    c.opIndex = 0;
    c.desc.dims.push(8);
    c.totalBytes = 8;
    c.data = proto::ConstByteSpan(input, 8);
    send(w, link::WireDirection::kDeviceToHost, c, 2, 30);
    proto::InferenceResult res;
    proto::OpTiming t;
    res.ops.push(t);
    proto::OutputTensor o;
    o.desc.dims.push(4);
    o.data = proto::ConstByteSpan(input, 4);
    res.outputs.push(o);
    send(w, link::WireDirection::kDeviceToHost, res, 2, 40);
    send(w, link::WireDirection::kHostToDevice, run, 3, 50);
    proto::Nack n;
    n.nackedType = static_cast<uint8_t>(proto::MessageType::kRunInference);
    send(w, link::WireDirection::kDeviceToHost, n, 3, 60);
    w.close();
  }
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return;
  const QByteArray whole = f.readAll();
  QFile torn(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("torn.tsl")));
  if (torn.open(QIODevice::WriteOnly)) torn.write(whole.left(whole.size() - 7));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  application();
  if (const char* dir = std::getenv("TINYSCOPE_FUZZ_SEED_DIR")) writeSeeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  QBuffer buffer;
  buffer.setData(reinterpret_cast<const char*>(data), static_cast<int>(size));
  buffer.open(QIODevice::ReadOnly);
  session::SessionPlayer player;
  QString error;
  if (!player.open(&buffer, QStringLiteral("fuzz.tsl"), &error)) return 0;
  player.play([](session::RecordedInference&& r) { return r.index < 1000; });
  return 0;
}
