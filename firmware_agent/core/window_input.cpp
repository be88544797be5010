#include "firmware_agent/core/window_input.h"

namespace tinyscope::agent {

proto::InferenceStatus samplesToInput(proto::ElementType sampleType, float unitsPerCount,
                                      proto::ConstByteSpan older, proto::ConstByteSpan newer,
                                      const WindowInputTensor& input) {
  using proto::ElementType;
  using proto::InferenceStatus;
  const ElementType inputType = input.type;
  const size_t inSize = proto::elementSize(inputType);
  const size_t sampleSize = proto::elementSize(sampleType);
  if (inSize == 0 || sampleSize == 0 || input.bytes.size() % inSize != 0)
    return InferenceStatus::kInputSizeMismatch;
  const size_t elements = input.bytes.size() / inSize;
  const bool integerIn = inputType == ElementType::kInt8 || inputType == ElementType::kUInt8 ||
                         inputType == ElementType::kInt16;
  const bool quantize = unitsPerCount > 0.0f && input.scale > 0.0f && integerIn &&
                        (sampleType == ElementType::kInt16 || sampleType == ElementType::kInt8);
  if (!quantize && inputType != sampleType) return InferenceStatus::kInputSizeMismatch;
  const size_t need = elements * sampleSize;
  const size_t have = older.size() + newer.size();
  if (have < need) return InferenceStatus::kInputMissing;
  // Only the newest `need` bytes count.
  const size_t skip = have - need;
  const size_t skipOlder = skip < older.size() ? skip : older.size();
  older = older.subspan(skipOlder);
  newer = newer.subspan(skip - skipOlder);
  uint8_t* dst = input.bytes.data();
  if (!quantize) {
    for (size_t i = 0; i < older.size(); ++i) dst[i] = older[i];
    for (size_t i = 0; i < newer.size(); ++i) dst[older.size() + i] = newer[i];
    return InferenceStatus::kOk;
  }
  const int32_t lo =
      inputType == ElementType::kInt8 ? -128 : (inputType == ElementType::kUInt8 ? 0 : -32768);
  const int32_t hi =
      inputType == ElementType::kInt8 ? 127 : (inputType == ElementType::kUInt8 ? 255 : 32767);
  const float factor = unitsPerCount / input.scale;
  auto byteAt = [&](size_t i) { return i < older.size() ? older[i] : newer[i - older.size()]; };
  for (size_t e = 0; e < elements; ++e) {
    const size_t at = e * sampleSize;
    const int32_t count = sampleSize == 2 ? static_cast<int16_t>(byteAt(at) | (byteAt(at + 1) << 8))
                                          : static_cast<int8_t>(byteAt(at));
    float x = static_cast<float>(count) * factor;
    x = x < -1.0e9f ? -1.0e9f : (x > 1.0e9f ? 1.0e9f : x);
    // Round half away from zero, as TFLite's quantizer does.
    int32_t q = static_cast<int32_t>(x >= 0.0f ? x + 0.5f : x - 0.5f) + input.zeroPoint;
    q = q < lo ? lo : (q > hi ? hi : q);
    if (inSize == 1) {
      dst[e] = static_cast<uint8_t>(q);
    } else {
      dst[2 * e] = static_cast<uint8_t>(q);
      dst[2 * e + 1] = static_cast<uint8_t>(static_cast<uint32_t>(q) >> 8);
    }
  }
  return InferenceStatus::kOk;
}

}  // namespace tinyscope::agent
