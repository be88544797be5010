#include "model_runner/kernels/l2_pool_2d.h"

#include "model_runner/kernels/average_pool_2d.h"
#include "model_runner/kernels/elementwise_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct L2PoolData {
  PoolParams params;
  Shape4 input, output;
  float actMin = 0.0f, actMax = 0.0f;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireType(ctx, input, TensorType::kFloat32, "input (float32 only)")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kFloat32, "output")) != Status::kOk) {
    return s;
  }
  L2PoolData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk ||
      (s = preparePoolWindow(ctx, input, output, 0, 0, &d->params, &d->input, &d->output)) !=
          Status::kOk) {
    return s;
  }
  activationRangeFloat(ctx.options().u8(schema::pool2d_options::kActivation), &d->actMin,
                       &d->actMax);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const L2PoolData*>(ctx.userData());
  const PoolParams& p = d->params;
  const Shape4& in = d->input;
  const Shape4& out = d->output;
  const float* input = ctx.inputData<float>(0);
  float* output = ctx.outputData<float>(0);
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t oy = 0; oy < out.h; ++oy) {
      const int32_t inY = oy * p.strideH - p.padH;
      const int32_t fyStart = inY < 0 ? -inY : 0;
      const int32_t fyEnd = p.filterH < in.h - inY ? p.filterH : in.h - inY;
      for (int32_t ox = 0; ox < out.w; ++ox) {
        const int32_t inX = ox * p.strideW - p.padW;
        const int32_t fxStart = inX < 0 ? -inX : 0;
        const int32_t fxEnd = p.filterW < in.w - inX ? p.filterW : in.w - inX;
        float* o = output + ((b * out.h + oy) * out.w + ox) * out.c;
        for (int32_t c = 0; c < out.c; ++c) {
          float sumSquares = 0.0f;
          int32_t count = 0;
          for (int32_t fy = fyStart; fy < fyEnd; ++fy) {
            for (int32_t fx = fxStart; fx < fxEnd; ++fx) {
              const float v = input[((b * in.h + inY + fy) * in.w + inX + fx) * in.c + c];
              const float square = v * v;
              sumSquares += square;
              ++count;
            }
          }
          const float mean = sumSquares / static_cast<float>(count);
          o[c] = clampActivation(__builtin_sqrtf(mean), d->actMin, d->actMax);
        }
      }
    }
  }
}

}  // namespace

OpRegistration registerL2Pool2d() {
  return builtinRegistration(schema::BuiltinOperator::kL2Pool2d, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
