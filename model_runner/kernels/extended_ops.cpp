#include "model_runner/kernels/extended_ops.h"

#include "model_runner/kernels/logistic.h"
#include "model_runner/kernels/quantize.h"
#include "model_runner/kernels/svdf.h"
#include "model_runner/kernels/unidirectional_sequence_lstm.h"

namespace tinyscope::runner::kernels {

Status addExtendedOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerQuantize(),
      registerSvdf(),
      registerUnidirectionalSequenceLstm(),
      registerLogistic(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
