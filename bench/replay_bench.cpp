// Replay throughput: a long KWS-like session log — one inference every 100 ms with full tensor
// capture (the model input and every operator's output in TensorChunks, as the agent sends
// them) — written with the real SessionLogWriter, then replayed by `tinyscope-cli replay`.
// Goal: one hour (36,000 inferences) in under one minute on 2 cores.
//   replay_bench [--model PATH] [--inferences N] [--jobs N]
// The device side is the desktop runtime (20 distinct inputs, cycled), so every check passes.
// Prints figures; asserts nothing.
#include <sys/resource.h>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>

#include "app/core/session/model_store.h"
#include "app/core/session/session_log.h"
#include "device_protocol/message_frame.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"

using namespace tinyscope;
namespace rh = runner::host;

namespace {

proto::ElementType elementType(const std::string& t) {
  if (t == "uint8") return proto::ElementType::kUInt8;
  if (t == "int16") return proto::ElementType::kInt16;
  if (t == "int32") return proto::ElementType::kInt32;
  if (t == "float32") return proto::ElementType::kFloat32;
  return proto::ElementType::kInt8;
}

proto::TensorDesc descOf(const rh::GraphTensor& t) {
  proto::TensorDesc d;
  d.type = elementType(t.type);
  for (size_t i = 0; i < t.shape.size() && i < proto::kMaxRank; ++i)
    d.dims.push(std::max<int32_t>(1, t.shape[i]));
  d.scale = t.scale.empty() ? 0.0f : static_cast<float>(t.scale[0]);
  d.zeroPoint = t.zeroPoint.empty() ? 0 : static_cast<int32_t>(t.zeroPoint[0]);
  return d;
}

class Wire {
 public:
  explicit Wire(session::SessionLogWriter* w) : m_writer(w), m_buffer(proto::frameWireSize(4096)) {}
  template <class T>
  void send(link::WireDirection dir, const T& m, quint16 requestId, qint64 ns) {
    const proto::Header h = proto::makeHeader<T>(m_sequence[static_cast<int>(dir)]++, requestId);
    const proto::EncodeResult r =
        proto::encodeFrame(h, m, proto::ByteSpan(m_buffer.data(), m_buffer.size()));
    if (r.status != proto::Status::kOk) {
      std::fprintf(stderr, "replay_bench: cannot encode %s\n", proto::messageTypeName(T::kType));
      std::exit(2);
    }
    m_writer->onWire(dir,
                     QByteArray::fromRawData(reinterpret_cast<const char*>(m_buffer.data()),
                                             static_cast<int>(r.size)),
                     ns);
  }

 private:
  session::SessionLogWriter* m_writer;
  std::vector<uint8_t> m_buffer;
  quint16 m_sequence[2] = {0, 0};
};

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  const QStringList args = app.arguments().mid(1);
  QString modelPath = QStringLiteral(TINYSCOPE_SHARED_DIR "/models/kws_ref_model.tflite");
  int inferences = 36000;
  int jobs = 2;
  for (int i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--model") modelPath = args[i + 1];
    if (args[i] == "--inferences") inferences = args[i + 1].toInt();
    if (args[i] == "--jobs") jobs = args[i + 1].toInt();
  }
  if (!QFileInfo(modelPath).isFile()) {
    std::printf("replay_bench: %s is absent; skipped\n", qPrintable(modelPath));
    return 0;
  }
  rh::ModelFile model;
  rh::ModelSummary summary;
  std::string err;
  if (!rh::loadModelFile(modelPath.toStdString(), &model, &err) ||
      !rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &err)) {
    std::fprintf(stderr, "replay_bench: %s\n", err.c_str());
    return 2;
  }
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("kws.tsl"));
  session::SessionHeader header;
  header.id = QStringLiteral("kws");
  header.deviceName = QStringLiteral("bench");
  header.deviceUri = QStringLiteral("bench:");
  header.kernels = QStringLiteral("reference");
  header.modelName = QString::fromStdString(model.name);
  header.modelBytes = static_cast<qint64>(model.bytes.size());
  QString error;
  if (!session::ModelStore::forSession(path).put(model.bytes, &header.modelSha256, &error)) {
    std::fprintf(stderr, "replay_bench: %s\n", qPrintable(error));
    return 2;
  }

  // The device's answers for 20 inputs, from the desktop runtime.
  const auto& in = summary.tensors[static_cast<size_t>(summary.inputs[0])];
  rh::ModelInstance runner;
  rh::RunOptions options;
  options.captureTensors = true;
  if (!runner.open(model, options, &err)) {
    std::fprintf(stderr, "replay_bench: %s\n", err.c_str());
    return 2;
  }
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<rh::RunResult> results;
  for (int k = 0; k < 20; ++k) {
    std::vector<uint8_t> bytes(in.bytes);
    uint32_t x = 0x9E3779B9u * static_cast<uint32_t>(k + 1);
    for (uint8_t& b : bytes) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      b = static_cast<uint8_t>(x);
    }
    rh::RunResult r;
    if (!runner.run({bytes}, &r, &err)) {
      std::fprintf(stderr, "replay_bench: %s\n", err.c_str());
      return 2;
    }
    inputs.push_back(std::move(bytes));
    results.push_back(std::move(r));
  }

  QElapsedTimer timer;
  timer.start();
  quint64 tensorBytes = 0;
  {
    session::SessionLogWriter writer(path);
    writer.begin(header);
    Wire wire(&writer);
    for (int i = 0; i < inferences; ++i) {
      const qint64 ns = static_cast<qint64>(i) * 100000000;
      const auto& input = inputs[static_cast<size_t>(i % 20)];
      const rh::RunResult& r = results[static_cast<size_t>(i % 20)];
      const quint16 id = static_cast<quint16>(2 * (i % 30000) + 1);
      for (size_t off = 0; off < input.size(); off += proto::kMaxChunk) {
        proto::InputChunk c;
        c.totalBytes = static_cast<uint32_t>(input.size());
        c.offset = static_cast<uint32_t>(off);
        c.data = proto::ConstByteSpan(input.data() + off,
                                      std::min(proto::kMaxChunk, input.size() - off));
        wire.send(link::WireDirection::kHostToDevice, c, static_cast<quint16>(id + 1), ns);
      }
      proto::RunInference run;
      run.source = proto::InputSource::kUploaded;
      run.capture = proto::CaptureMode::kAllOps;
      wire.send(link::WireDirection::kHostToDevice, run, id, ns);
      auto sendTensor = [&](uint16_t op, uint8_t k, const rh::GraphTensor& t,
                            const std::vector<uint8_t>& bytes) {
        proto::TensorChunk c;
        c.opIndex = op;
        c.tensorIndex = k;
        c.desc = descOf(t);
        c.totalBytes = static_cast<uint32_t>(bytes.size());
        for (size_t off = 0; off < bytes.size(); off += proto::kMaxChunk) {
          c.offset = static_cast<uint32_t>(off);
          c.data = proto::ConstByteSpan(bytes.data() + off,
                                        std::min(proto::kMaxChunk, bytes.size() - off));
          wire.send(link::WireDirection::kDeviceToHost, c, id, ns + 1000000);
        }
        tensorBytes += bytes.size();
      };
      sendTensor(proto::kModelInputOp, 0, in, input);
      for (size_t o = 0; o < summary.operators.size(); ++o)
        for (size_t k = 0; k < summary.operators[o].outputs.size(); ++k) {
          const int t = summary.operators[o].outputs[k];
          sendTensor(static_cast<uint16_t>(o), static_cast<uint8_t>(k),
                     summary.tensors[static_cast<size_t>(t)],
                     r.tensorBytes[static_cast<size_t>(t)]);
        }
      proto::InferenceResult res;
      res.totalMicros = 2835;
      for (size_t o = 0; o < summary.operators.size() && o < proto::kMaxOps; ++o) {
        proto::OpTiming t;
        t.opIndex = static_cast<uint16_t>(o);
        t.micros = 100 + static_cast<uint32_t>(o);
        res.ops.push(t);
      }
      for (size_t k = 0; k < summary.outputs.size() && k < proto::kMaxOutputs; ++k) {
        proto::OutputTensor out;
        out.desc = descOf(summary.tensors[static_cast<size_t>(summary.outputs[k])]);
        out.data = proto::ConstByteSpan(r.outputs[k].data(), r.outputs[k].size());
        res.outputs.push(out);
      }
      wire.send(link::WireDirection::kDeviceToHost, res, id, ns + 3000000);
    }
    if (!writer.close()) {
      std::fprintf(stderr, "replay_bench: %s\n", qPrintable(writer.error()));
      return 2;
    }
  }
  const double writeSeconds = static_cast<double>(timer.nsecsElapsed()) * 1e-9;
  const double fileMb = static_cast<double>(QFileInfo(path).size()) / 1e6;

  QProcess cli;
  cli.start(QStringLiteral(TINYSCOPE_CLI),
            {"replay", path, "--json", "--jobs", QString::number(jobs)});
  cli.waitForFinished(-1);
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);  // the replay (the only child waited for)
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  const QJsonObject o = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
  const QJsonObject timing = o["timing"].toObject();
  const double wall = timing["wall_seconds"].toDouble();
  std::printf(
      "Replay of a KWS-like session: %s, one inference every 100 ms with full tensor "
      "capture\n",
      model.name.c_str());
  std::printf(
      "session      %d inferences (%.1f h of device time), %.0f MB of tensors, log %.0f MB "
      "written in %.1f s\n",
      inferences, inferences / 36000.0, static_cast<double>(tensorBytes) / 1e6, fileMb,
      writeSeconds);
  std::printf(
      "replay       exit %d, %d checked, %d failed, %d jobs: %.1f s wall, %.0f "
      "inferences/s, %.1f× real time\n",
      cli.exitCode(), o["checked"].toInt(), o["failed"].toInt(), jobs, wall,
      timing["inferences_per_second"].toDouble(), wall > 0 ? inferences * 0.1 / wall : 0.0);
  double load = 0;
  getloadavg(&load, 1);
  std::printf(
      "cpu          %.1f s (user + sys of the replay) = %.1f s per hour of session; load "
      "average %.1f on %d cores while it ran\n",
      cpu, cpu * 36000.0 / std::max(1, inferences), load, QThread::idealThreadCount());
  std::printf(
      "goal         one hour (36,000 inferences) in < 60 s: %s (%.1f s per hour of "
      "session)\n",
      wall > 0 && wall * 36000.0 / inferences < 60 ? "met" : "NOT met",
      wall * 36000.0 / std::max(1, inferences));
  return 0;
}
