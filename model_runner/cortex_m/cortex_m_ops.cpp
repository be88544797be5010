#include "model_runner/cortex_m/cortex_m_ops.h"

#include "model_runner/kernels/add.h"
#include "model_runner/kernels/average_pool_2d.h"
#include "model_runner/kernels/reshape.h"
#include "model_runner/kernels/softmax.h"

namespace tinyscope::runner::cortex_m {

namespace {

Status addAll(OpResolver& resolver, const OpRegistration* registrations, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const Status s = resolver.add(registrations[i]);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace

Status addCortexMOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {registerConv2d(), registerDepthwiseConv2d(),
                                          registerFullyConnected()};
  return addAll(resolver, registrations, sizeof registrations / sizeof registrations[0]);
}

Status addCortexMCoreOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerConv2d(),           registerDepthwiseConv2d(),
      registerFullyConnected(),   kernels::registerAveragePool2d(),
      kernels::registerReshape(), kernels::registerSoftmax(),
      kernels::registerAdd(),
  };
  return addAll(resolver, registrations, sizeof registrations / sizeof registrations[0]);
}

}  // namespace tinyscope::runner::cortex_m
