#include "model_runner/kernels/signal/signal_ops.h"

namespace tinyscope::runner::kernels {

Status addSignalOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerSignalWindow(),
      registerSignalFftAutoScale(),
      registerSignalRfft(),
      registerSignalIrfft(),
      registerSignalEnergy(),
      registerSignalFilterBank(),
      registerSignalFilterBankSquareRoot(),
      registerSignalFilterBankSpectralSubtraction(),
      registerSignalPcan(),
      registerSignalFilterBankLog(),
      registerSignalDelay(),
      registerSignalFramer(),
      registerSignalStacker(),
      registerSignalOverlapAdd(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
