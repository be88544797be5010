// Status codes and error details of the int8 runtime.
//
// Freestanding: no allocation. An ErrorDetail carries only static strings and indices so it can
// be filled on an MCU and formatted on the desktop (host/error_format.h). Any thread may call
// statusMessage(); the returned strings live forever.
#pragma once

#include <cstdint>

namespace tinyscope::runner {

enum class Status : uint8_t {
  kOk = 0,
  kNullArgument,      // a required pointer argument is null
  kModelTooSmall,     // fewer bytes than a flatbuffer header
  kBadIdentifier,     // file identifier is not "TFL3"
  kOffsetOutOfRange,  // an offset points outside the model bytes
  kBadVtable,         // a table's vtable is malformed
  kBadVector,         // a vector length runs past the model bytes
  kBadString,         // a string is not terminated inside the model bytes
  kMissingField,      // a required field is absent
  kBadSchemaVersion,  // Model.version is not 3
  kNoSubgraph,        // the model has no subgraph
  kBadIndex,          // a tensor/buffer/opcode index is out of range
  kBadShape,          // negative dimension, too many dimensions or size overflow
  kBadQuantization,   // inconsistent or non-finite quantization parameters
  kBadBufferSize,     // a constant buffer does not match its tensor's byte size
  kMisalignedData,    // constant data not aligned to its element size
  kConstantOutput,    // an operator writes to a constant tensor
  kModelTooComplex,   // more tensors/operators/work than the runtime's limits
  kUnsupportedTensorType,
  kUnsupportedOp,      // the resolver has no kernel for this operator
  kUnsupportedOpType,  // the kernel does not support this tensor type combination
  kBadOpParams,        // invalid operator options (stride 0, unknown padding, ...)
  kBadOpArity,         // wrong number of inputs or outputs
  kShapeMismatch,      // tensor shapes inconsistent with the operator
  kArenaTooSmall,      // the caller's arena cannot hold the plan
  kNotAllocated,       // invoke() before a successful allocate()
  kModelNotLoaded,     // allocate() on a model that failed verification
  kResolverFull,       // OpResolver has no room for another registration
  kCount
};

// One sentence per status, no trailing period. Never null.
const char* statusMessage(Status status);

// Where a failure was found. Every pointer is a static string or null; indices are -1 when not
// applicable. `value` carries the offending number when there is one (e.g. a builtin code).
struct ErrorDetail {
  Status status = Status::kOk;
  const char* table = nullptr;  // schema table, e.g. "Tensor", or a kernel name
  const char* field = nullptr;  // field or parameter, e.g. "shape", "stride_w"
  int32_t opIndex = -1;
  int32_t tensorIndex = -1;
  int64_t value = 0;
  bool hasValue = false;
  const char* opName = nullptr;  // builtin operator name when opIndex >= 0

  bool ok() const { return status == Status::kOk; }
};

}  // namespace tinyscope::runner
