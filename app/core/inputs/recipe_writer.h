#pragma once
// Writes an InputRecipe back into a model's sidecar (NAME.json beside NAME.tflite, key "input"),
// in the form parseRecipe() reads, so an edit made in the GUI is what the CLI and the next start
// see. Other keys of the sidecar (labels, ...) are kept.
//
// Thread: any; no shared state. Memory: the sidecar (at most 1 MiB is read). Errors: false +
// one sentence naming the file.
#include <QJsonObject>
#include <QString>

#include "app/core/inputs/input_recipe.h"

namespace tinyscope::inputs {

// The sidecar `input` object of `recipe`; paths inside `baseDir` are written relative to it.
QJsonObject recipeToJson(const InputRecipe& recipe, const QString& baseDir);

// Replaces the "input" of `modelPath`'s sidecar (created when absent) atomically (QSaveFile).
// A recipe parseRecipe() would refuse is not written (false + its error naming the field).
bool saveRecipeFor(const QString& modelPath, const InputRecipe& recipe, QString* error);

}  // namespace tinyscope::inputs
