#include "model_runner/cortex_m/cortex_m_ops.h"

namespace tinyscope::runner::cortex_m {

Status addCortexMOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {registerConv2d(), registerDepthwiseConv2d(),
                                          registerFullyConnected()};
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::cortex_m
