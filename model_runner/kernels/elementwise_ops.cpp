#include "model_runner/kernels/elementwise_ops.h"

#include "model_runner/kernels/activations.h"
#include "model_runner/kernels/dequantize.h"
#include "model_runner/kernels/sub.h"

namespace tinyscope::runner::kernels {

Status addElementwiseOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerSub(),       registerDequantize(), registerRelu(),  registerRelu6(),
      registerLeakyRelu(), registerHardSwish(),  registerPrelu(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
