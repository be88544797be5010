#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels::signal {

Status readOptions(const OpContext& ctx, flex::FlexMap* out) {
  const fb::Vector& bytes = ctx.op().customOptions;
  *out = flex::FlexMap(bytes.bytes(), bytes.size());
  if (!out->valid()) return ctx.fail(Status::kBadOpParams, "custom_options");
  return Status::kOk;
}

Status requireInt(const OpContext& ctx, const flex::FlexMap& map, const char* key, int64_t min,
                  int64_t max, int64_t* out) {
  const flex::FlexValue v = map.find(key);
  if (!v.present) return ctx.fail(Status::kBadOpParams, key);
  if (v.asInt < min || v.asInt > max) return ctx.failValue(Status::kBadOpParams, key, v.asInt);
  *out = v.asInt;
  return Status::kOk;
}

Status requireTensor(const OpContext& ctx, const TensorDesc& t, TensorType type, int rank,
                     const char* field) {
  const Status s = requireType(ctx, t, type, field);
  if (s != Status::kOk) return s;
  if (rank < 0 ? t.rank < 1 : t.rank != rank)
    return ctx.failValue(Status::kShapeMismatch, field, t.rank, t.index);
  return Status::kOk;
}

OpRegistration customRegistration(const char* customName, Status (*prepare)(OpContext&),
                                  void (*invoke)(const OpContext&),
                                  void (*reset)(const OpContext&)) {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = customName;
  r.prepare = prepare;
  r.invoke = invoke;
  r.reset = reset;
  return r;
}

}  // namespace tinyscope::runner::kernels::signal
