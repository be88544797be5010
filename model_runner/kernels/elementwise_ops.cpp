#include "model_runner/kernels/elementwise_ops.h"

#include "model_runner/kernels/activations.h"
#include "model_runner/kernels/comparisons.h"
#include "model_runner/kernels/dequantize.h"
#include "model_runner/kernels/elementwise_unary.h"
#include "model_runner/kernels/logical.h"
#include "model_runner/kernels/logistic.h"
#include "model_runner/kernels/select_v2.h"
#include "model_runner/kernels/squared_difference.h"
#include "model_runner/kernels/sub.h"
#include "model_runner/kernels/transcendental.h"

namespace tinyscope::runner::kernels {

Status addElementwiseOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerSub(),          registerDequantize(), registerRelu(),
      registerRelu6(),        registerLeakyRelu(),  registerHardSwish(),
      registerPrelu(),        registerTanh(),       registerAbs(),
      registerNeg(),          registerFloor(),      registerSqrt(),
      registerRsqrt(),        registerLogicalNot(), registerLogicalAnd(),
      registerLogicalOr(),    registerEqual(),      registerNotEqual(),
      registerLess(),         registerLessEqual(),  registerGreater(),
      registerGreaterEqual(), registerSelectV2(),   registerSquaredDifference(),
      registerElu(),          registerExp(),        registerLog(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
