// The model input built from a stream's raw samples: the one definition the agent uses for
// RunInference on a stream (InferenceEngine::fillInputFromSamples) and the desktop uses to
// repeat it on recorded samples (session::sampleToInput), so both build the same bytes.
//
// The newest samples that fill the input count. With `unitsPerCount` > 0, an integer input
// (int8, uint8, int16) with a scale, and int16 or int8 samples, each count is quantized:
// q = round_half_away(count * unitsPerCount / scale) + zeroPoint, saturated to the input's
// type. Otherwise the sample and input types must match and the bytes are copied.
//
// Freestanding (no heap); thread: any, no state. Memory: none beyond the caller's spans.
// Errors: kInputMissing (fewer samples than the input needs), kInputSizeMismatch (no
// conversion applies, or `input` is not a whole number of elements).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/messages.h"

namespace tinyscope::agent {

struct WindowInputTensor {
  proto::ElementType type = proto::ElementType::kInt8;
  float scale = 0.0f;  // 0: not quantized
  int32_t zeroPoint = 0;
  proto::ByteSpan bytes;  // the input tensor's storage, written whole on success
};

// `older` then `newer` (a ring's two halves, in time order) hold the samples.
proto::InferenceStatus samplesToInput(proto::ElementType sampleType, float unitsPerCount,
                                      proto::ConstByteSpan older, proto::ConstByteSpan newer,
                                      const WindowInputTensor& input);

}  // namespace tinyscope::agent
