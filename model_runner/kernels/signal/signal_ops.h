// TFLite Micro's `signal` custom operators (the audio front-end tier), bit-exact with TFLM's
// signal library: SignalWindow, SignalFftAutoScale, SignalRfft and SignalIrfft (int16, int32,
// float32: kiss_fft's real transform and its inverse), SignalEnergy, SignalFilterBank,
// SignalFilterBankSquareRoot, SignalFilterBankSpectralSubtraction, SignalPCAN and
// SignalFilterBankLog.
//
// Parameters come from the FlexBuffer map in custom_options (flexbuffer_reader.h); prepare
// checks every parameter and every index the math will use, so invoke stays in bounds on any
// model. Where TFLM would read out of bounds on a malformed model, these kernels refuse it with
// kBadOpParams/kShapeMismatch naming the parameter. State (the spectral-subtraction noise
// estimate, the delay line, the framer/stacker streams, the overlap buffers) lives in the
// persistent arena and starts as in TFLM; resetState() restarts it (TFLM's per-op Reset).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerSignalWindow();
OpRegistration registerSignalFftAutoScale();
OpRegistration registerSignalRfft();
OpRegistration registerSignalIrfft();
OpRegistration registerSignalEnergy();
OpRegistration registerSignalFilterBank();
OpRegistration registerSignalFilterBankSquareRoot();
OpRegistration registerSignalFilterBankSpectralSubtraction();
OpRegistration registerSignalPcan();
OpRegistration registerSignalFilterBankLog();
OpRegistration registerSignalDelay();
OpRegistration registerSignalFramer();
OpRegistration registerSignalStacker();
OpRegistration registerSignalOverlapAdd();

// Adds every signal operator above. kResolverFull when the resolver has no room.
Status addSignalOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
