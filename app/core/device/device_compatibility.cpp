#include "app/core/device/device_compatibility.h"

#include <QRegularExpression>

#include "model_runner/tflite_schema.h"

namespace tinyscope {

using namespace tinyscope::proto;

namespace {
QString kb(quint64 bytes) {
  return QStringLiteral("%1 KB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
}

// The firmware's "major.minor.patch" prefix; false when the text has none.
bool firmwareTriple(const QString& text, int out[3]) {
  static const QRegularExpression re(QStringLiteral("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?"));
  const QRegularExpressionMatch m = re.match(text);
  if (!m.hasMatch()) return false;
  for (int i = 0; i < 3; ++i) out[i] = m.captured(i + 1).isEmpty() ? 0 : m.captured(i + 1).toInt();
  return true;
}
}  // namespace

QStringList deviceCompatibilityProblems(const HelloReply& hello, const ModelImageHeader& image,
                                        quint32 imageBytes, quint32 slotCapacity) {
  QStringList problems;
  const QString firmware = QString::fromUtf8(hello.firmwareVersion.c_str());
  if (hello.chosenVersion < image.minProtocolVersion)
    problems << QStringLiteral("needs protocol version %1, the device speaks %2")
                    .arg(image.minProtocolVersion)
                    .arg(hello.chosenVersion);
  const int need[3] = {image.minFirmware[0], image.minFirmware[1], image.minFirmware[2]};
  if (need[0] != 0 || need[1] != 0 || need[2] != 0) {
    int have[3] = {0, 0, 0};
    const QString needText = QStringLiteral("%1.%2.%3").arg(need[0]).arg(need[1]).arg(need[2]);
    if (!firmwareTriple(firmware, have))
      problems << QStringLiteral(
                      "needs firmware %1 or later, the device's version '%2' says "
                      "nothing comparable")
                      .arg(needText, firmware);
    else if (have[0] < need[0] || (have[0] == need[0] && have[1] < need[1]) ||
             (have[0] == need[0] && have[1] == need[1] && have[2] < need[2]))
      problems << QStringLiteral("needs firmware %1 or later, the device runs %2")
                      .arg(needText, firmware);
  }
  for (uint16_t op : image.opCodes) {
    bool supported = false;
    for (uint16_t have : hello.opCodes) supported = supported || have == op;
    if (!supported)
      problems << QStringLiteral("op %1 %2 not supported by firmware %3")
                      .arg(op)
                      .arg(QString::fromLatin1(runner::schema::builtinOperatorName(op)), firmware);
  }
  // The arena figure of the kernels the device runs: Cortex-M boards report theirs when the
  // image has it; otherwise the reference kernels' plan (every set plans within it).
  const bool cortexM = QString::fromUtf8(hello.boardName.c_str()) != QLatin1String("host");
  const quint32 cm = image.arenaBytes[static_cast<size_t>(KernelSet::kCortexM)];
  const quint32 arena =
      (cortexM && cm != 0) ? cm : image.arenaBytes[static_cast<size_t>(KernelSet::kReference)];
  if (arena > hello.arenaBytes)
    problems
        << QStringLiteral("needs %1 arena, device has %2").arg(kb(arena), kb(hello.arenaBytes));
  if (slotCapacity != 0 && imageBytes > slotCapacity)
    problems << QStringLiteral("the image is %1 bytes, the slot holds %2")
                    .arg(imageBytes)
                    .arg(slotCapacity);
  return problems;
}

QString describeIncompatibility(const QString& where, const QString& model,
                                const QStringList& problems) {
  return QStringLiteral("%1: %2 cannot run on this device: %3")
      .arg(where, model, problems.join(QStringLiteral("; ")));
}

}  // namespace tinyscope
