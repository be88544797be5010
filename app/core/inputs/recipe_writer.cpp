#include "app/core/inputs/recipe_writer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace tinyscope::inputs {

namespace {

QString relativeIn(const QString& baseDir, const QString& path) {
  if (path.isEmpty()) return {};
  const QString rel = QDir(baseDir).relativeFilePath(path);
  return rel.startsWith(QLatin1String("..")) ? path : rel;
}

}  // namespace

QJsonObject recipeToJson(const InputRecipe& r, const QString& baseDir) {
  QJsonObject o;
  o.insert(QStringLiteral("recipe"), QLatin1String(inputKindName(r.kind)));
  if (!r.source.isEmpty()) o.insert(QStringLiteral("source"), relativeIn(baseDir, r.source));
  switch (r.kind) {
    case InputKind::kWindow:
      o.insert(QStringLiteral("window_length"), r.windowLength);
      o.insert(QStringLiteral("axes"), QJsonArray::fromStringList(r.axes));
      o.insert(QStringLiteral("raw_counts_per_g"), r.rawPerUnit);
      break;
    case InputKind::kImage:
      o.insert(QStringLiteral("pixel_range"), QJsonArray{r.pixelMin, r.pixelMax});
      break;
    case InputKind::kAudio:
      o.insert(QStringLiteral("front_end_model"), relativeIn(baseDir, r.frontEndModel));
      o.insert(QStringLiteral("sample_rate_hz"), r.sampleRateHz);
      o.insert(QStringLiteral("window_ms"), r.windowMs);
      o.insert(QStringLiteral("stride_ms"), r.strideMs);
      break;
    case InputKind::kTensorFile:
      break;
  }
  return o;
}

bool saveRecipeFor(const QString& modelPath, const InputRecipe& recipe, QString* error) {
  const QFileInfo model(modelPath);
  const QString path =
      model.absolutePath() + QLatin1Char('/') + model.completeBaseName() + QStringLiteral(".json");
  QJsonObject sidecar;
  QFile existing(path);
  if (existing.exists()) {
    if (existing.size() > (qint64{1} << 20) || !existing.open(QIODevice::ReadOnly)) {
      *error =
          QStringLiteral("cannot read the sidecar %1 (unreadable or larger than 1 MiB)").arg(path);
      return false;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(existing.readAll());
    if (!doc.isObject()) {
      *error = QStringLiteral("the sidecar %1 is not a JSON object; not overwriting it").arg(path);
      return false;
    }
    sidecar = doc.object();
  }
  // Only a recipe the parser accepts is written: the file never holds one that cannot be read.
  const QJsonObject input = recipeToJson(recipe, model.absolutePath());
  InputRecipe check;
  if (!parseRecipe(input, model.absolutePath(), &check, error)) return false;
  sidecar.insert(QStringLiteral("input"), input);
  QSaveFile out(path);
  if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(sidecar).toJson()) < 0 ||
      !out.commit()) {
    *error = QStringLiteral("cannot write the sidecar %1 (%2)").arg(path, out.errorString());
    return false;
  }
  return true;
}

}  // namespace tinyscope::inputs
