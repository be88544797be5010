#include "model_runner/kernels/reshape.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireType(ctx, output, input.type, "output")) != Status::kOk) return s;
  if (input.bytes != output.bytes) {
    return ctx.failValue(Status::kShapeMismatch, "output",
                         static_cast<int64_t>(output.elementCount), output.index);
  }
  setByteCopy(ctx, output.bytes);
  return Status::kOk;
}

}  // namespace

void setByteCopy(const OpContext& ctx, size_t bytes) {
  ctx.setUserData(reinterpret_cast<void*>(static_cast<uintptr_t>(bytes)));
}

void invokeByteCopy(const OpContext& ctx) {
  const auto bytes = static_cast<size_t>(reinterpret_cast<uintptr_t>(ctx.userData()));
  const void* in = ctx.inputData<uint8_t>(0);
  void* out = ctx.outputData<uint8_t>(0);
  if (in != out && bytes > 0) std::memmove(out, in, bytes);
}

OpRegistration registerReshape() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kReshape);
  r.prepare = prepare;
  r.invoke = invokeByteCopy;
  return r;
}

}  // namespace tinyscope::runner::kernels
