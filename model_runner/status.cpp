#include "model_runner/status.h"

namespace tinyscope::runner {

namespace {
// Indexed by Status; keep in the enum's order.
const char* const kMessages[] = {
    "ok",
    "a required argument is null",
    "the model is smaller than a flatbuffer header",
    "the model's file identifier is not TFL3",
    "an offset points outside the model",
    "a table's vtable is malformed",
    "a vector runs past the end of the model",
    "a string is not terminated inside the model",
    "a required field is missing",
    "the schema version is not 3",
    "the model has no subgraph",
    "an index is out of range",
    "a tensor shape is invalid",
    "quantization parameters are invalid",
    "a constant buffer does not match its tensor's size",
    "constant data is not aligned to its element size",
    "an operator writes to a constant tensor",
    "the model exceeds the runtime's limits",
    "the tensor type is not supported",
    "the operator is not supported by the op table",
    "the operator does not support these tensor types",
    "the operator options are invalid",
    "the operator has the wrong number of inputs or outputs",
    "tensor shapes do not fit the operator",
    "the arena is too small",
    "the interpreter has not been allocated",
    "the model failed verification",
    "the op table is full",
};
static_assert(sizeof(kMessages) / sizeof(kMessages[0]) == static_cast<unsigned>(Status::kCount),
              "one message per status");
}  // namespace

const char* statusMessage(Status status) {
  const auto i = static_cast<unsigned>(status);
  if (i >= static_cast<unsigned>(Status::kCount)) return "unknown status";
  return kMessages[i];
}

}  // namespace tinyscope::runner
