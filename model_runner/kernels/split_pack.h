// SPLIT, SPLIT_V, UNPACK (one tensor cut into parts along an axis) and PACK (parts stacked
// along an added axis), for the types TFLite Micro's kernels take: float32, int8, int16, int32
// (and int64 for PACK).
// The axis is a constant int32 operand (SPLIT, SPLIT_V) or an option (PACK, UNPACK); negative
// values count from the end. Every part must have the shape the operator gives it: SPLIT's
// outputs are equal, SPLIT_V's sizes along the axis add up to the input's (its size_splits
// operand is not read, as in TFLM), PACK/UNPACK's parts drop the axis and number
// values_count/num. Quantization is carried as is (bytes are copied).
// Memory: one size per part in the persistent arena.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerSplit();
OpRegistration registerSplitV();
OpRegistration registerPack();
OpRegistration registerUnpack();

}  // namespace tinyscope::runner::kernels
