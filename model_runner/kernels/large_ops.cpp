#include "model_runner/kernels/large_ops.h"

#include "model_runner/kernels/mean.h"
#include "model_runner/kernels/pad.h"
#include "model_runner/kernels/transpose.h"

namespace tinyscope::runner::kernels {

Status addLargeOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {registerPad(), registerTranspose(), registerMean()};
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
