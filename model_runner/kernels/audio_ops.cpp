#include "model_runner/kernels/audio_ops.h"

#include "model_runner/kernels/cast.h"
#include "model_runner/kernels/concatenation.h"
#include "model_runner/kernels/div.h"
#include "model_runner/kernels/maximum_minimum.h"
#include "model_runner/kernels/mul.h"
#include "model_runner/kernels/strided_slice.h"

namespace tinyscope::runner::kernels {

Status addAudioOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerMul(),           registerDiv(),          registerMaximum(), registerMinimum(),
      registerConcatenation(), registerStridedSlice(), registerCast(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
