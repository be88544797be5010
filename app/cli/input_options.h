#pragma once
// The input options shared by 'run' and 'infer': --input-recipe FILE, --wav FILE, --image FILE,
// --front-end MODEL, on top of each verb's --input FILE (a tensor file). Thin over
// app/core/inputs; thread: the CLI's one thread.
#include <QCommandLineOption>
#include <QCommandLineParser>

#include "app/core/inputs/input_recipe.h"

namespace tinyscope::cli {

struct InputOptions {
  QCommandLineOption recipe{
      QStringLiteral("input-recipe"),
      QStringLiteral("Build input 0 from this recipe (sidecar JSON format, "
                     "docs/RUNNER.md); --wav/--image/--input give its source."),
      QStringLiteral("FILE")};
  QCommandLineOption wav{QStringLiteral("wav"),
                         QStringLiteral("16 kHz mono WAV through the audio recipe (the model's "
                                        "sidecar, else the front-end model of --front-end)."),
                         QStringLiteral("FILE")};
  QCommandLineOption image{QStringLiteral("image"),
                           QStringLiteral("Image (BMP/PNG/PGM/JPEG), resized and quantized as "
                                          "input 0 says."),
                           QStringLiteral("FILE")};
  QCommandLineOption frontEnd{
      QStringLiteral("front-end"),
      QStringLiteral("Audio front-end model for --wav (default: the sidecar's, else "
                     "audio_preprocessor_int8.tflite beside the model)."),
      QStringLiteral("MODEL")};
  void addTo(QCommandLineParser* p) const;
  // --input-recipe, --wav or --image given: the input comes from a recipe.
  bool wanted(const QCommandLineParser& p) const;
};

// Input 0 of the model at `modelPath` from the options; `tensorFile` (the verb's --input) is
// the recipe's source with --input-recipe, and a tensor file without any recipe option. false +
// *error naming what is wrong.
bool buildInputFromOptions(const QCommandLineParser& p, const InputOptions& o,
                           const QString& tensorFile, const QString& modelPath,
                           const runner::host::ModelSummary& model, inputs::BuiltInput* out,
                           QString* error);

// The recipe of `kind` for the model at `modelPath`: its sidecar's when it has one of that kind,
// else the kind's defaults; audio takes --front-end, else the sidecar's, else
// audio_preprocessor_int8.tflite beside the model.
inputs::InputRecipe recipeOfKind(const QCommandLineParser& p, const InputOptions& o,
                                 const QString& modelPath, inputs::InputKind kind);

}  // namespace tinyscope::cli
