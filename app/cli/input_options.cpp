#include "app/cli/input_options.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace tinyscope::cli {

void InputOptions::addTo(QCommandLineParser* p) const {
  for (const auto& o : {recipe, wav, image, frontEnd}) p->addOption(o);
}

bool InputOptions::wanted(const QCommandLineParser& p) const {
  return p.isSet(recipe) || p.isSet(wav) || p.isSet(image);
}

namespace {

// A recipe file: the sidecar format (an object whose "input" is the recipe), or the recipe.
bool readRecipeFile(const QString& path, inputs::InputRecipe* out, QString* error) {
  QFile f(path);
  if (!QFileInfo(path).isFile() || !f.open(QIODevice::ReadOnly)) {
    *error = QStringLiteral("cannot read the recipe %1").arg(path);
    return false;
  }
  if (f.size() > (qint64{1} << 20)) {
    *error = QStringLiteral("the recipe %1 is larger than 1 MiB").arg(path);
    return false;
  }
  QJsonParseError pe;
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
  if (!doc.isObject()) {
    *error = QStringLiteral("the recipe %1 is not a JSON object (%2)").arg(path, pe.errorString());
    return false;
  }
  const QJsonObject o = doc.object();
  const QJsonObject input =
      o.contains(QStringLiteral("input")) ? o.value(QStringLiteral("input")).toObject() : o;
  if (!inputs::parseRecipe(input, QFileInfo(path).absolutePath(), out, error)) {
    *error = path + QStringLiteral(": ") + *error;
    return false;
  }
  return true;
}

}  // namespace

bool buildInputFromOptions(const QCommandLineParser& p, const InputOptions& o,
                           const QString& tensorFile, const QString& modelPath,
                           const runner::host::ModelSummary& model, inputs::BuiltInput* out,
                           QString* error) {
  if (p.isSet(o.wav) + p.isSet(o.image) + !tensorFile.isEmpty() > 1) {
    *error = QStringLiteral("give one input source: --input, --wav or --image");
    return false;
  }
  inputs::InputRecipe recipe;
  QString source = tensorFile;
  if (p.isSet(o.wav)) source = p.value(o.wav);
  if (p.isSet(o.image)) source = p.value(o.image);
  if (!o.wanted(p)) {
    recipe.kind = inputs::InputKind::kTensorFile;
  } else if (p.isSet(o.recipe)) {
    if (!readRecipeFile(p.value(o.recipe), &recipe, error)) return false;
  } else {
    const inputs::InputKind kind =
        p.isSet(o.wav) ? inputs::InputKind::kAudio : inputs::InputKind::kImage;
    QString ignored;  // no sidecar, or one for another kind: the defaults of `kind`
    const bool side = inputs::loadRecipeFor(modelPath, &recipe, &ignored) && recipe.kind == kind;
    if (!side) {
      recipe = inputs::InputRecipe();
      recipe.kind = kind;
    }
    if (kind == inputs::InputKind::kAudio && (p.isSet(o.frontEnd) || !side))
      recipe.frontEndModel = p.isSet(o.frontEnd)
                                 ? p.value(o.frontEnd)
                                 : QFileInfo(modelPath).absolutePath() +
                                       QStringLiteral("/audio_preprocessor_int8.tflite");
  }
  return inputs::buildInput(recipe, model, source, out, error);
}

}  // namespace tinyscope::cli
