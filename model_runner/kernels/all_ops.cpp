#include "model_runner/kernels/all_ops.h"

#include "model_runner/kernels/audio_ops.h"
#include "model_runner/kernels/core_ops.h"
#include "model_runner/kernels/elementwise_ops.h"
#include "model_runner/kernels/extended_ops.h"
#include "model_runner/kernels/extra_ops.h"
#include "model_runner/kernels/large_ops.h"
#include "model_runner/kernels/layout_ops.h"
#include "model_runner/kernels/signal/signal_ops.h"

namespace tinyscope::runner::kernels {

Status addAllOps(OpResolver& resolver) {
  Status s = addCoreOps(resolver);
  if (s == Status::kOk) s = addExtendedOps(resolver);
  if (s == Status::kOk) s = addLargeOps(resolver);
  if (s == Status::kOk) s = addLayoutOps(resolver);
  if (s == Status::kOk) s = addElementwiseOps(resolver);
  if (s == Status::kOk) s = addAudioOps(resolver);
  if (s == Status::kOk) s = addSignalOps(resolver);
  if (s == Status::kOk) s = addExtraOps(resolver);
  return s;
}

}  // namespace tinyscope::runner::kernels
