#include "model_runner/kernels/core_ops.h"

#include "model_runner/kernels/add.h"
#include "model_runner/kernels/average_pool_2d.h"
#include "model_runner/kernels/conv_2d.h"
#include "model_runner/kernels/depthwise_conv_2d.h"
#include "model_runner/kernels/fully_connected.h"
#include "model_runner/kernels/reshape.h"
#include "model_runner/kernels/softmax.h"

namespace tinyscope::runner::kernels {

Status addCoreOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerConv2d(),        registerDepthwiseConv2d(), registerFullyConnected(),
      registerAveragePool2d(), registerReshape(),         registerSoftmax(),
      registerAdd(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
