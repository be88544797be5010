// Fixed-point int16 real FFT with kiss_fft's exact arithmetic (FIXED_POINT=16), the transform
// behind TFLM's SignalRfft: a complex FFT of half the length over the samples taken as
// (re, im) pairs, radix-4/2/3/5 stages each scaling by 1/radix with rounding, then the
// real-input split with its own twiddles. Lengths: even, 4 to kMaxRfftLength, half of it
// factoring into 2, 3 and 5 (kiss_fft's generic radix needs a heap buffer TFLM does not give
// it, so TFLM crashes on other lengths).
//
// Memory: the caller provides every buffer (twiddles in persistent memory, a work area per
// call); no heap. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::runner::kernels::signal {

constexpr int32_t kMaxRfftLength = 1 << 15;

struct Cpx16 {
  int16_t r = 0, i = 0;
};

// True for the lengths above.
bool rfftLengthSupported(int32_t fftLength);

// Twiddles for a real FFT of `fftLength`: fftLength/2 complex ones, then fftLength/4 "super"
// twiddles. Returns the number of Cpx16 entries `twiddles` must hold (call with nullptr first).
size_t rfftTwiddleCount(int32_t fftLength);
void rfftMakeTwiddles(int32_t fftLength, Cpx16* twiddles);
// kiss_fft's KISS_FFT_COS/KISS_FFT_SIN of `phase` (floor(0.5 + 32767 * cos|sin(phase))), with
// the library-free cosine/sine of this file. Exposed for tests.
int16_t fixedCos(double phase);
int16_t fixedSin(double phase);

// One transform: `input` holds fftLength samples; `output` receives fftLength/2 + 1 bins as
// (re, im) int16 pairs. `work` must hold fftLength/2 entries.
void rfft(int32_t fftLength, const Cpx16* twiddles, const int16_t* input, Cpx16* work,
          int16_t* output);

}  // namespace tinyscope::runner::kernels::signal
