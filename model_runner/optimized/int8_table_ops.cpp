// LOGISTIC, TANH, QUANTIZE and HARD_SWISH from int8 (or int16) to int8, optimized for desktop
// hosts with a host cache: each is a pure function of the input value, so the first invoke runs
// the reference kernel on all 256 (or 65536) input values (written into the operator's own input
// tensor, whose bytes are saved and put back) and keeps the answers as a table (256 bytes, or
// 64 KiB of host cache for int16); every later element is one table lookup. Bit-exact by
// construction. Other types, constant inputs, or no host cache: the reference.
#include <cstring>
#include <type_traits>

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
  bool wide = false;         // int16 input: 65536 entries, else 256
  int8_t* table = nullptr;   // indexed by the input value as unsigned
  size_t count = 0;          // elements of the input (= output)
  size_t inputBytes = 0;     // count, or 2 * count for int16
  uint8_t* saved = nullptr;  // the input's bytes while the table is built
};

template <OpRegistration (*kReference)()>
Status prepare(OpContext& ctx) {
  const Status s = kReference().prepare(ctx);
  if (s != Status::kOk) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  const bool wide = in.type == TensorType::kInt16;
  if ((in.type != TensorType::kInt8 && !wide) || out.type != TensorType::kInt8 || in.isConstant() ||
      in.bytes != (wide ? 2 : 1) * out.bytes || out.bytes == 0) {
    return Status::kOk;
  }
  const size_t entries = wide ? 65536 : 256;
  auto* t = static_cast<Int8Table*>(ctx.allocateHostCache(sizeof(Int8Table)));
  auto* table = static_cast<int8_t*>(ctx.allocateHostCache(entries));
  auto* saved = static_cast<uint8_t*>(ctx.allocateHostCache(in.bytes));
  if (t == nullptr || table == nullptr || saved == nullptr) return Status::kOk;
  *t = Int8Table();
  t->wide = wide;
  t->table = table;
  t->count = out.bytes;
  t->inputBytes = in.bytes;
  t->saved = saved;
  ctx.setHostData(t);
  return Status::kOk;
}

// Runs the reference on every input value (count at a time) and records the table.
template <typename InputT>
void build(const OpContext& ctx, OpRegistration reference, Int8Table* t) {
  using Unsigned = std::make_unsigned_t<InputT>;
  constexpr size_t kEntries = size_t{1} << (8 * sizeof(InputT));
  auto* bytes = static_cast<uint8_t*>(ctx.data(ctx.inputIndex(0)));
  auto* in = reinterpret_cast<Unsigned*>(bytes);
  const auto* out = ctx.outputData<uint8_t>(0);
  std::memcpy(t->saved, bytes, t->inputBytes);
  for (size_t v0 = 0; v0 < kEntries; v0 += t->count) {
    const size_t n = kEntries - v0 < t->count ? kEntries - v0 : t->count;
    for (size_t i = 0; i < t->count; ++i) in[i] = static_cast<Unsigned>(v0 + (i < n ? i : 0));
    reference.invoke(ctx);
    for (size_t i = 0; i < n; ++i) t->table[v0 + i] = static_cast<int8_t>(out[i]);
  }
  std::memcpy(bytes, t->saved, t->inputBytes);
  t->built = true;
}

template <OpRegistration (*kReference)()>
void invoke(const OpContext& ctx) {
  auto* t = static_cast<Int8Table*>(ctx.hostData());
  if (t == nullptr) {
    kReference().invoke(ctx);
    return;
  }
  int8_t* out = ctx.outputData<int8_t>(0);
  if (t->wide) {
    if (!t->built) build<int16_t>(ctx, kReference(), t);
    const auto* in = ctx.inputData<uint16_t>(0);
    for (size_t i = 0; i < t->count; ++i) out[i] = t->table[in[i]];
    return;
  }
  if (!t->built) build<int8_t>(ctx, kReference(), t);
  const auto* in = ctx.inputData<uint8_t>(0);
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
