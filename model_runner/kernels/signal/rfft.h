// The real FFT behind TFLM's SignalRfft with kiss_fft's exact arithmetic, for int16 samples
// (FIXED_POINT=16), int32 samples (FIXED_POINT=32) and float32: a complex FFT of half the length
// over the samples taken as (re, im) pairs, radix-4/2/3/5 stages (the fixed-point ones scaling by
// 1/radix with rounding), then the real-input split with its own twiddles. Lengths: even, 4 to
// kMaxRfftLength, half of it factoring into 2, 3 and 5 (kiss_fft's generic radix needs a heap
// buffer TFLM does not give it, so TFLM crashes on other lengths).
//
// Memory: the caller provides every buffer (twiddles in persistent memory, a work area per
// call); no heap. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::runner::kernels::signal {

constexpr int32_t kMaxRfftLength = 1 << 15;

template <typename T>
struct Cpx {
  T r = 0, i = 0;
};
using Cpx16 = Cpx<int16_t>;

// True for the lengths above.
bool rfftLengthSupported(int32_t fftLength);

// Twiddles for a real FFT of `fftLength`: fftLength/2 complex ones, then fftLength/4 "super"
// twiddles; rfftTwiddleCount is the number of entries `twiddles` must hold. T is int16_t
// (floor(0.5 + 32767 cos)), int32_t (floor(0.5 + 2147483647 cos)) or float (cos rounded).
size_t rfftTwiddleCount(int32_t fftLength);
// `inverse`: the twiddles of the inverse transform (every phase negated), for irfft().
template <typename T>
void rfftMakeTwiddles(int32_t fftLength, Cpx<T>* twiddles, bool inverse = false);
// kiss_fft's KISS_FFT_COS/KISS_FFT_SIN of `phase` (floor(0.5 + 32767 * cos|sin(phase))), with
// the library-free cosine/sine of this file. Exposed for tests.
int16_t fixedCos(double phase);
int16_t fixedSin(double phase);

// One transform: `input` holds fftLength samples; `output` receives fftLength/2 + 1 bins as
// (re, im) pairs. `work` must hold fftLength/2 entries. Instantiated for int16_t, int32_t,
// float.
template <typename T>
void rfft(int32_t fftLength, const Cpx<T>* twiddles, const T* input, Cpx<T>* work, T* output);

// kiss_fftri, the inverse: `input` holds fftLength/2 + 1 bins as (re, im) pairs; `output`
// receives fftLength samples (float: divided by fftLength as TFLM does; fixed point: scaled by
// the stages).
// `twiddles` from rfftMakeTwiddles(..., inverse = true); `work` must hold fftLength entries.
template <typename T>
void irfft(int32_t fftLength, const Cpx<T>* twiddles, const T* input, Cpx<T>* work, T* output);

}  // namespace tinyscope::runner::kernels::signal
