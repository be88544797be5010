#include "model_runner/tflite_schema.h"

namespace tinyscope::runner::schema {

namespace {
// Every name in one string, each ended by its NUL, found through 16-bit offsets: a table of
// pointers and separately aligned literals cost a Cortex-M image about 600 bytes more.
constexpr char kOperatorNameText[] =
#define X(code, schemaName, camelName) #schemaName "\0"
#include "model_runner/builtin_operators.def"
#undef X
    ;
constexpr int32_t kOperatorCount = kMaxKnownBuiltinCode + 1;
struct OperatorNameOffsets {
  uint16_t at[kOperatorCount];
  constexpr OperatorNameOffsets() : at{} {
    uint32_t pos = 0;
    for (int32_t i = 0; i < kOperatorCount; ++i) {
      at[i] = static_cast<uint16_t>(pos);
      while (kOperatorNameText[pos] != '\0') ++pos;
      ++pos;
    }
  }
};
constexpr OperatorNameOffsets kOperatorNameOffsets{};
static_assert(sizeof(kOperatorNameText) < 65536, "offsets fit 16 bits");
constexpr int32_t kOperatorCodes[] = {
#define X(code, schemaName, camelName) code,
#include "model_runner/builtin_operators.def"
#undef X
};
constexpr bool codesAreConsecutive() {
  for (int32_t i = 0; i <= kMaxKnownBuiltinCode; ++i)
    if (kOperatorCodes[i] != i) return false;
  return true;
}
static_assert(codesAreConsecutive(), "builtin_operators.def lists every code once, in order");
}  // namespace

const char* builtinOperatorName(int32_t builtinCode) {
  if (builtinCode < 0 || builtinCode > kMaxKnownBuiltinCode) return "UNKNOWN";
  return kOperatorNameText + kOperatorNameOffsets.at[builtinCode];
}

size_t tensorTypeSize(TensorType type) {
  switch (type) {
    case TensorType::kBool:
    case TensorType::kInt8:
    case TensorType::kUInt8:
      return 1;
    case TensorType::kFloat16:
    case TensorType::kInt16:
    case TensorType::kUInt16:
      return 2;
    case TensorType::kFloat32:
    case TensorType::kInt32:
    case TensorType::kUInt32:
      return 4;
    case TensorType::kInt64:
    case TensorType::kUInt64:
    case TensorType::kFloat64:
    case TensorType::kComplex64:
      return 8;
    case TensorType::kComplex128:
      return 16;
    default:
      return 0;
  }
}

const char* tensorTypeName(TensorType type) {
  switch (type) {
    case TensorType::kFloat32:
      return "float32";
    case TensorType::kFloat16:
      return "float16";
    case TensorType::kInt32:
      return "int32";
    case TensorType::kUInt8:
      return "uint8";
    case TensorType::kInt64:
      return "int64";
    case TensorType::kString:
      return "string";
    case TensorType::kBool:
      return "bool";
    case TensorType::kInt16:
      return "int16";
    case TensorType::kComplex64:
      return "complex64";
    case TensorType::kInt8:
      return "int8";
    case TensorType::kFloat64:
      return "float64";
    case TensorType::kComplex128:
      return "complex128";
    case TensorType::kUInt64:
      return "uint64";
    case TensorType::kResource:
      return "resource";
    case TensorType::kVariant:
      return "variant";
    case TensorType::kUInt32:
      return "uint32";
    case TensorType::kUInt16:
      return "uint16";
    case TensorType::kInt4:
      return "int4";
  }
  return "unknown";
}

}  // namespace tinyscope::runner::schema
