#include "app/core/device/model_image_file.h"

#include <set>
#include <string>

#include "model_runner/host/error_format.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/model.h"

namespace tinyscope {

using namespace tinyscope::proto;

namespace {
ConstByteSpan spanOf(const QByteArray& b) {
  return ConstByteSpan(reinterpret_cast<const uint8_t*>(b.constData()),
                       static_cast<size_t>(b.size()));
}
}  // namespace

bool loadModelImage(const QByteArray& fileBytes, const QString& name, const QString& what,
                    ModelImageFile* out, QString* error) {
  const ImageStatus asImage = parseModelImage(spanOf(fileBytes), nullptr);
  if (asImage != ImageStatus::kBadMagic && asImage != ImageStatus::kTooShort) {
    ImageStatus s = verifyModelImage(spanOf(fileBytes));
    if (s == ImageStatus::kOk) s = parseModelImage(spanOf(fileBytes), &out->header);
    if (s != ImageStatus::kOk) {
      *error = QStringLiteral("%1: %2").arg(what, QString::fromLatin1(imageStatusMessage(s)));
      return false;
    }
    const ConstByteSpan tflite = imagePayload(spanOf(fileBytes));
    runner::Model model;
    if (model.load(tflite.data(), tflite.size()) != runner::Status::kOk) {
      *error = QStringLiteral("%1: the model image holds no valid .tflite (%2)")
                   .arg(what, QString::fromStdString(runner::host::formatError(model.error())));
      return false;
    }
    out->bytes = fileBytes;
    return true;
  }
  const auto* data = reinterpret_cast<const uint8_t*>(fileBytes.constData());
  const size_t size = static_cast<size_t>(fileBytes.size());
  runner::Model model;
  if (size == 0 || model.load(data, size) != runner::Status::kOk) {
    *error = QStringLiteral("%1: not a valid .tflite model or model image (%2)")
                 .arg(what, size == 0
                                ? QStringLiteral("empty file")
                                : QString::fromStdString(runner::host::formatError(model.error())));
    return false;
  }
  ModelImageHeader h;
  h.payloadSize = static_cast<uint32_t>(size);
  h.payloadSha256 = sha256(spanOf(fileBytes));
  QByteArray utf8 = name.toUtf8().left(static_cast<int>(kMaxNameLen));
  while (!utf8.isEmpty() && (static_cast<quint8>(utf8.back()) & 0xC0u) == 0x80u)
    utf8.chop(1);  // whole characters
  utf8.replace('\0', "");
  h.modelName.assign(utf8.constData(), static_cast<size_t>(utf8.size()));
  std::set<uint16_t> ops;
  // The operators the graph runs (a converter may leave unused entries in operator_codes).
  for (uint32_t i = 0; i < model.numOperators(); ++i)
    ops.insert(static_cast<uint16_t>(model.op(i).builtinCode));
  if (ops.size() > kMaxImageOps) {
    *error = QStringLiteral("%1: the model uses %2 distinct operators; an image lists at most %3")
                 .arg(what)
                 .arg(ops.size())
                 .arg(kMaxImageOps);
    return false;
  }
  for (uint16_t op : ops) h.opCodes.push(op);
  runner::host::ModelSummary summary;
  std::string why;
  if (runner::host::buildModelSummary(data, size, &summary, &why) && summary.runnable)
    h.arenaBytes[static_cast<size_t>(KernelSet::kReference)] =
        static_cast<uint32_t>(summary.arenaBytes);
  out->header = h;
  out->bytes = QByteArray(static_cast<int>(kModelImageHeaderSize), '\0');
  encodeModelImageHeader(
      h, ByteSpan(reinterpret_cast<uint8_t*>(out->bytes.data()), kModelImageHeaderSize));
  out->bytes.append(fileBytes);
  return true;
}

}  // namespace tinyscope
