// Facts of the TFLite flatbuffer schema (schema.fbs) that the runtime reads: field ids of the
// tables, and the enums. Field ids are the declaration order of the fields in schema.fbs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::runner::schema {

// table Model
namespace model {
constexpr uint32_t kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4,
                   kMetadataBuffer = 5, kMetadata = 6, kSignatureDefs = 7;
}
// table OperatorCode
namespace opcode {
constexpr uint32_t kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3;
}
// table SubGraph
namespace subgraph {
constexpr uint32_t kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3, kName = 4;
}
// table Tensor
namespace tensor {
constexpr uint32_t kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4,
                   kIsVariable = 5, kSparsity = 6, kShapeSignature = 7;
}
// table QuantizationParameters
namespace quant {
constexpr uint32_t kMin = 0, kMax = 1, kScale = 2, kZeroPoint = 3, kDetailsType = 4, kDetails = 5,
                   kQuantizedDimension = 6;
}
// table Operator
namespace op {
constexpr uint32_t kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kBuiltinOptionsType = 3,
                   kBuiltinOptions = 4, kCustomOptions = 5, kCustomOptionsFormat = 6,
                   kMutatingVariableInputs = 7, kIntermediates = 8;
}
// table Buffer
namespace buffer {
constexpr uint32_t kData = 0, kOffset = 1, kSize = 2;
}

// Builtin option tables used by the core kernels.
namespace transpose_conv_options {
constexpr uint32_t kPadding = 0, kStrideW = 1, kStrideH = 2, kActivation = 3;
}
namespace batch_matmul_options {
constexpr uint32_t kAdjX = 0, kAdjY = 1;
}
namespace conv2d_options {
constexpr uint32_t kPadding = 0, kStrideW = 1, kStrideH = 2, kActivation = 3, kDilationW = 4,
                   kDilationH = 5;
}
namespace depthwise_options {
constexpr uint32_t kPadding = 0, kStrideW = 1, kStrideH = 2, kDepthMultiplier = 3, kActivation = 4,
                   kDilationW = 5, kDilationH = 6;
}
namespace pool2d_options {
constexpr uint32_t kPadding = 0, kStrideW = 1, kStrideH = 2, kFilterWidth = 3, kFilterHeight = 4,
                   kActivation = 5;
}
namespace fully_connected_options {
constexpr uint32_t kActivation = 0, kWeightsFormat = 1, kKeepNumDims = 2;
}
namespace softmax_options {
constexpr uint32_t kBeta = 0;
}
namespace add_options {
constexpr uint32_t kActivation = 0, kPotScaleInt16 = 1;
}
namespace reshape_options {
constexpr uint32_t kNewShape = 0;
}
namespace svdf_options {
constexpr uint32_t kRank = 0, kActivation = 1, kAsymmetricQuantizeInputs = 2;
}
namespace reducer_options {
constexpr uint32_t kKeepDims = 0;
}
namespace unidirectional_sequence_lstm_options {
constexpr uint32_t kActivation = 0, kCellClip = 1, kProjClip = 2, kTimeMajor = 3,
                   kAsymmetricQuantizeInputs = 4, kDiagonalRecurrentTensors = 5;
}
namespace squeeze_options {
constexpr uint32_t kSqueezeDims = 0;
}
namespace split_options {  // SplitOptions and SplitVOptions
constexpr uint32_t kNumSplits = 0;
}
namespace pack_options {
constexpr uint32_t kValuesCount = 0, kAxis = 1;
}
namespace unpack_options {
constexpr uint32_t kNum = 0, kAxis = 1;
}
namespace resize_bilinear_options {
constexpr uint32_t kAlignCorners = 2, kHalfPixelCenters = 3;  // 0, 1: deprecated sizes
}
namespace resize_nearest_neighbor_options {
constexpr uint32_t kAlignCorners = 0, kHalfPixelCenters = 1;
}
namespace block_size_options {  // DepthToSpaceOptions and SpaceToDepthOptions
constexpr uint32_t kBlockSize = 0;
}
namespace mirror_pad_options {
constexpr uint32_t kMode = 0;  // 0 REFLECT, 1 SYMMETRIC
}
namespace l2_norm_options {
constexpr uint32_t kActivation = 0;
}
namespace cumsum_options {
constexpr uint32_t kExclusive = 0, kReverse = 1;
}
namespace gather_options {
constexpr uint32_t kAxis = 0, kBatchDims = 1;
}
namespace sub_options {
constexpr uint32_t kActivation = 0, kPotScaleInt16 = 1;
}
namespace leaky_relu_options {
constexpr uint32_t kAlpha = 0;
}
namespace concatenation_options {
constexpr uint32_t kAxis = 0, kActivation = 1;
}
namespace mul_options {
constexpr uint32_t kActivation = 0;
}
namespace div_options {
constexpr uint32_t kActivation = 0;
}
namespace strided_slice_options {
constexpr uint32_t kBeginMask = 0, kEndMask = 1, kEllipsisMask = 2, kNewAxisMask = 3,
                   kShrinkAxisMask = 4, kOffset = 5;
}
namespace cast_options {
constexpr uint32_t kInDataType = 0, kOutDataType = 1;
}

// union BuiltinOptions: type tags (1-based declaration order; 0 = NONE).
enum class BuiltinOptionsType : uint8_t {
  kNone = 0,
  kConv2DOptions = 1,
  kDepthwiseConv2DOptions = 2,
  kPool2DOptions = 5,
  kSVDFOptions = 6,
  kFullyConnectedOptions = 8,
  kSoftmaxOptions = 9,
  kAddOptions = 11,
  kReshapeOptions = 17,
  kPadOptions = 22,
  kTransposeOptions = 26,
  kReducerOptions = 27,
  kUnidirectionalSequenceLSTMOptions = 71,
  kSqueezeOptions = 30,
  kSplitOptions = 35,
  kSliceOptions = 48,
  kExpandDimsOptions = 52,
  kPackOptions = 59,
  kUnpackOptions = 64,
  kSplitVOptions = 79,
  kGatherOptions = 23,
  kShapeOptions = 55,
  kPadV2Options = 43,
  kResizeBilinearOptions = 15,
  kResizeNearestNeighborOptions = 74,
  kSpaceToDepthOptions = 19,
  kDepthToSpaceOptions = 94,
  kMirrorPadOptions = 77,
  kL2NormOptions = 12,
  kSubOptions = 28,
  kLeakyReluOptions = 75,
  kConcatenationOptions = 10,
  kMulOptions = 21,
  kDivOptions = 29,
  kStridedSliceOptions = 32,
  kCastOptions = 37,
  kMaximumMinimumOptions = 39,
  kCumsumOptions = 102,
  kTransposeConvOptions = 49,
  kBatchMatMulOptions = 101,
};

enum class Padding : uint8_t { kSame = 0, kValid = 1 };

enum class Activation : uint8_t {
  kNone = 0,
  kRelu = 1,
  kReluN1To1 = 2,
  kRelu6 = 3,
  kTanh = 4,
  kSignBit = 5,
};

enum class TensorType : uint8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kComplex64 = 8,
  kInt8 = 9,
  kFloat64 = 10,
  kComplex128 = 11,
  kUInt64 = 12,
  kResource = 13,
  kVariant = 14,
  kUInt32 = 15,
  kUInt16 = 16,
  kInt4 = 17,
};

// Bytes per element; 0 for types without a fixed element size (string, resource, int4, ...).
size_t tensorTypeSize(TensorType type);
// Lower-case name as in the golden manifests ("int8", "float32", ...); "unknown" otherwise.
const char* tensorTypeName(TensorType type);

// BuiltinOperator codes (schema.fbs), generated from builtin_operators.def.
enum class BuiltinOperator : int32_t {
#define X(code, schemaName, camelName) k##camelName = code,
#include "model_runner/builtin_operators.def"
#undef X
};

constexpr int32_t kMaxKnownBuiltinCode = 0
#define X(code, schemaName, camelName) +1
#include "model_runner/builtin_operators.def"
#undef X
                                         - 1;

// Schema name of a builtin operator ("CONV_2D"); "UNKNOWN" when out of the known range.
const char* builtinOperatorName(int32_t builtinCode);

}  // namespace tinyscope::runner::schema
