#include "app/cli/input_options.h"

#include <QFileInfo>

namespace tinyscope::cli {

void InputOptions::addTo(QCommandLineParser* p) const {
  for (const auto& o : {recipe, wav, image, frontEnd}) p->addOption(o);
}

bool InputOptions::wanted(const QCommandLineParser& p) const {
  return p.isSet(recipe) || p.isSet(wav) || p.isSet(image);
}

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
    if (!inputs::loadRecipeFile(p.value(o.recipe), &recipe, error)) return false;
  } else {
    recipe = recipeOfKind(p, o, modelPath,
                          p.isSet(o.wav) ? inputs::InputKind::kAudio : inputs::InputKind::kImage);
  }
  return inputs::buildInput(recipe, model, source, out, error);
}

inputs::InputRecipe recipeOfKind(const QCommandLineParser& p, const InputOptions& o,
                                 const QString& modelPath, inputs::InputKind kind) {
  inputs::InputRecipe recipe;
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
  return recipe;
}

}  // namespace tinyscope::cli
