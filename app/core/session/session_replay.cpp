#include "app/core/session/session_replay.h"

#include <QDir>
#include <QFileInfo>

#include "app/core/dataset/dataset_store.h"

#include "app/core/session/labelled_evaluation.h"
#include "app/core/session/model_store.h"

namespace tinyscope::session {

namespace rh = runner::host;

QString SessionReplay::className(int top) const {
  if (top < 0) return QStringLiteral("-");
  return labels.value(top, QStringLiteral("class %1").arg(top));
}

SessionReplay replaySessionLog(const QString& path, const std::atomic<bool>* cancel,
                               const std::function<void(int, int)>& progress) {
  SessionReplay r;
  r.path = path;
  SessionPlayer counter;
  if (!counter.open(path, &r.error)) return r;
  r.header = counter.header();
  r.boardName = counter.device().boardName;
  if (r.header.modelSha256.isEmpty()) {
    r.error = QStringLiteral(
                  "%1 names no model: the device's model was not known when it was "
                  "recorded, so there is nothing to re-run")
                  .arg(path);
    return r;
  }
  r.modelPath = ModelStore::forSession(path).pathOf(r.header.modelSha256);
  if (!QFileInfo(r.modelPath).isFile()) {
    r.error = QStringLiteral("%1: its model %2 (SHA-256 %3) is not in the model store %4")
                  .arg(path, r.header.modelName, r.header.modelSha256,
                       QFileInfo(r.modelPath).absolutePath());
    return r;
  }
  rh::ModelFile model;
  std::string err;
  if (!rh::loadModelFile(r.modelPath.toStdString(), &model, &err)) {
    r.error = QString::fromStdString(err);
    return r;
  }
  ReplayChecker checker;
  if (!checker.open(model, rh::defaultKernels(), 0, &r.error)) return r;
  checker.setKeepAllTensors(true);
  r.labels = modelLabels(r.modelPath);
  for (const rh::GraphOperator& op : checker.summary().operators)
    r.opNames << QString::fromStdString(op.op);

  // First pass: how many inferences there are (decoding only), for an honest progress.
  int total = 0;
  counter.setModel(&checker.summary());
  counter.play([&](RecordedInference&&) {
    ++total;
    return !(cancel && cancel->load());
  });

  SessionPlayer player;
  if (!player.open(path, &r.error)) return r;
  player.setModel(&checker.summary());
  player.play([&](RecordedInference&& rec) {
    if (cancel && cancel->load()) {
      r.cancelled = true;
      return false;
    }
    InferenceCheck c = checker.check(rec);
    switch (c.outcome) {
      case InferenceCheck::Outcome::kPass:
        ++r.passed;
        break;
      case InferenceCheck::Outcome::kFail:
        ++r.failed;
        break;
      case InferenceCheck::Outcome::kSkipped:
        ++r.skipped;
        break;
    }
    r.checks.push_back(std::move(c));
    if (progress)
      progress(static_cast<int>(r.checks.size()),
               std::max(total, static_cast<int>(r.checks.size())));
    return true;
  });
  if (cancel && cancel->load()) r.cancelled = true;
  r.counts = player.counts();

  // A log in <dataset>/sessions/: the model on the dataset's labelled samples.
  const QDir sessions = QFileInfo(path).absoluteDir();
  if (!r.cancelled && !r.labels.isEmpty() && sessions.dirName() == QLatin1String("sessions")) {
    const QString dir = QDir::cleanPath(sessions.filePath(QStringLiteral("..")));
    QString ignored;  // not a dataset, or one without labelled samples: nothing to score
    auto store = dataset::DatasetStore::open(dir, &ignored);
    LabelledEvaluator evaluator;
    if (store && evaluator.open(model, rh::defaultKernels(), r.labels, &ignored)) {
      r.datasetDir = dir;
      r.labelled.classes = r.labels;
      const rh::GraphTensor& input =
          evaluator.summary().tensors[static_cast<size_t>(evaluator.summary().inputs[0])];
      forEachLabelledSample(
          *store, input,
          [&](const dataset::SampleRecord& rec, const std::vector<uint8_t>* in, const QString&) {
            if (cancel && cancel->load()) {
              r.cancelled = true;
              return false;
            }
            QString why;
            const int top = in ? evaluator.classify(*in, &why) : -1;
            if (top < 0)
              ++r.labelledSkipped;
            else
              r.labelled.add(rec.labels.value(0), top);
            return true;
          },
          &ignored);
      r.labelled.sortRows();
      if (r.cancelled) {  // a partial score would mislead
        r.labelled = ClassScore();
        r.labelledSkipped = 0;
      }
    }
  }
  if (r.counts.tornBytes)
    r.warning = QStringLiteral("%1 (the %2 inferences before it are checked)")
                    .arg(r.counts.tornReason)
                    .arg(r.checks.size());
  else if (r.counts.undecodable || r.counts.frameErrorsFromDevice.crcErrors)
    r.warning = QStringLiteral("%1 holds %2 undecodable messages and %3 frames with CRC errors")
                    .arg(path)
                    .arg(r.counts.undecodable)
                    .arg(r.counts.frameErrorsFromDevice.crcErrors);
  return r;
}

}  // namespace tinyscope::session
