// LOGISTIC, TANH, QUANTIZE and HARD_SWISH from int8 to int8, optimized for desktop hosts with a
// host cache: each is a pure function of the input byte, so the first invoke runs the reference
// kernel on all 256 input values (written into the operator's own input tensor, whose bytes are
// saved and put back) and keeps the answers as a table; every later element is one table lookup.
// Bit-exact by construction. Other types, constant inputs, or no host cache: the reference.
#include <cstring>

#include "model_runner/kernels/activations.h"
#include "model_runner/kernels/logistic.h"
#include "model_runner/kernels/quantize.h"
#include "model_runner/model.h"
#include "model_runner/op_context.h"
#include "model_runner/optimized/optimized_registrations.h"

namespace tinyscope::runner::optimized {

namespace {

struct Int8Table {
  bool built = false;
  int8_t table[256] = {};
  size_t count = 0;          // elements of the input (= output)
  uint8_t* saved = nullptr;  // the input's bytes while the table is built
};

template <OpRegistration (*kReference)()>
Status prepare(OpContext& ctx) {
  const Status s = kReference().prepare(ctx);
  if (s != Status::kOk) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  if (in.type != TensorType::kInt8 || out.type != TensorType::kInt8 || in.isConstant() ||
      in.bytes != out.bytes || in.bytes == 0) {
    return Status::kOk;
  }
  auto* t = static_cast<Int8Table*>(ctx.allocateHostCache(sizeof(Int8Table)));
  auto* saved = static_cast<uint8_t*>(ctx.allocateHostCache(in.bytes));
  if (t == nullptr || saved == nullptr) return Status::kOk;
  *t = Int8Table();
  t->count = in.bytes;
  t->saved = saved;
  ctx.setHostData(t);
  return Status::kOk;
}

// Runs the reference on input values 0..255 (count at a time) and records the table.
void build(const OpContext& ctx, OpRegistration reference, Int8Table* t) {
  auto* in = static_cast<uint8_t*>(ctx.data(ctx.inputIndex(0)));
  const auto* out = ctx.outputData<uint8_t>(0);
  std::memcpy(t->saved, in, t->count);
  for (size_t v0 = 0; v0 < 256; v0 += t->count) {
    const size_t n = 256 - v0 < t->count ? 256 - v0 : t->count;
    for (size_t i = 0; i < t->count; ++i) in[i] = static_cast<uint8_t>(v0 + (i < n ? i : 0));
    reference.invoke(ctx);
    for (size_t i = 0; i < n; ++i) t->table[v0 + i] = static_cast<int8_t>(out[i]);
  }
  std::memcpy(in, t->saved, t->count);
  t->built = true;
}

template <OpRegistration (*kReference)()>
void invoke(const OpContext& ctx) {
  auto* t = static_cast<Int8Table*>(ctx.hostData());
  if (t == nullptr) {
    kReference().invoke(ctx);
    return;
  }
  if (!t->built) build(ctx, kReference(), t);
  const auto* in = ctx.inputData<uint8_t>(0);
  int8_t* out = ctx.outputData<int8_t>(0);
  for (size_t i = 0; i < t->count; ++i) out[i] = t->table[in[i]];
}

template <OpRegistration (*kReference)()>
OpRegistration tableOp() {
  OpRegistration r = kReference();
  r.prepare = prepare<kReference>;
  r.invoke = invoke<kReference>;
  return r;
}

}  // namespace

OpRegistration registerLogistic() {
  return tableOp<kernels::registerLogistic>();
}

OpRegistration registerTanh() {
  return tableOp<kernels::registerTanh>();
}

OpRegistration registerQuantize() {
  return tableOp<kernels::registerQuantize>();
}

OpRegistration registerHardSwish() {
  return tableOp<kernels::registerHardSwish>();
}

}  // namespace tinyscope::runner::optimized
