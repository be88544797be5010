#include "app/cli/infer_pipeline.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli_common.h"
#include "app/core/pipeline_listen.h"

namespace tinyscope::cli {

int runInferPipeline(const QString& verb, DeviceSession& session, const PipelineRequest& r) {
  QEventLoop loop;
  bool ended = false;
  ListenDeviceRun deviceRun;
  startListen(&session, *r.summary, r, [&](ListenDeviceRun d) {
    deviceRun = std::move(d);
    ended = true;
    loop.quit();
  });
  if (!ended) loop.exec();
  const ListenResult res = compareListen(deviceRun, r.modelPath, *r.model, *r.summary, r.capture);
  if (!res.error.isEmpty()) return fail(verb, res.error, res.badInput ? kExitUsage : kExitFailed);
  const QString verdict = r.capture ? res.verdict : QStringLiteral("not compared (--capture none)");
  if (r.json) {
    QJsonObject o;
    o[QStringLiteral("device")] = res.device;
    o[QStringLiteral("heard")] = res.heard;
    o[QStringLiteral("word")] = res.word;
    o[QStringLiteral("class")] = res.topClass;
    o[QStringLiteral("device_us")] = static_cast<qint64>(res.deviceMicros);
    o[QStringLiteral("captured_tensors")] = res.capturedTensors;
    o[QStringLiteral("front_end_tensors_equal")] = res.frontEndTensorsEqual;
    o[QStringLiteral("model_tensors_equal")] = res.modelTensorsEqual;
    o[QStringLiteral("first_divergence")] = res.firstDivergence;
    o[QStringLiteral("pipeline")] = verdict;
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    out() << "device      " << res.device << " (" << res.board << ")\n"
          << "heard       " << res.heard << "\n"
          << "word        " << res.word << "\n"
          << "model       " << res.deviceMicros << QStringLiteral(" µs on the device, ") << res.ops
          << " operators\n"
          << "pipeline    " << verdict << "\n";
  }
  out().flush();
  return res.firstDivergence.isEmpty() ? kExitOk : kExitFailed;
}

}  // namespace tinyscope::cli
