#pragma once
// The desktop side of the model image (device_protocol/model_image.h): builds the image of a
// .tflite (payload SHA-256, name, the distinct operators it needs, the arena the reference
// kernels plan for it), or takes an image file as it is after checking it.
//
// Plain values; any thread. Memory: a copy of the model plus 256 bytes; planning the arena
// allocates it once. Errors: false + one sentence naming the file and what is wrong.
#include <QByteArray>
#include <QString>

#include "device_protocol/model_image.h"

namespace tinyscope {

struct ModelImageFile {
  QByteArray bytes;  // header + .tflite: what a slot holds and FlashBegin announces
  proto::ModelImageHeader header;
  QByteArray tflite() const { return bytes.mid(static_cast<int>(proto::kModelImageHeaderSize)); }
};

// `fileBytes` is a .tflite (an image is built; `name` goes into it, cut at whole UTF-8
// characters to kMaxNameLen bytes) or already a model image (verified, kept byte for byte).
// `what` names the file in errors. A truncated or malformed model is refused.
bool loadModelImage(const QByteArray& fileBytes, const QString& name, const QString& what,
                    ModelImageFile* out, QString* error);

}  // namespace tinyscope
