#include "model_runner/kernels/signal/rfft.h"

namespace tinyscope::runner::kernels::signal {

namespace {

constexpr double kPi = 3.141592653589793238462643383279502884197169399375105820974944;

// sin and cos on [-pi/4, pi/4] by their Taylor series (terms below 1e-20 dropped).
double sinSmall(double x) {
  const double x2 = x * x;
  double term = x, sum = x;
  for (int n = 1; n < 12; ++n) {
    term *= -x2 / static_cast<double>((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}
double cosSmall(double x) {
  const double x2 = x * x;
  double term = 1.0, sum = 1.0;
  for (int n = 1; n < 12; ++n) {
    term *= -x2 / static_cast<double>((2 * n - 1) * (2 * n));
    sum += term;
  }
  return sum;
}

// cos (wantSin false) or sin of x for |x| <= 4 pi: quadrant reduction with a two-part pi/2.
double trig(double x, bool wantSin) {
  constexpr double kHalfPiHi = 1.57079632679489655800e+00;
  constexpr double kHalfPiLo = 6.12323399573676603587e-17;
  const double q = x / (kPi / 2);
  const long long n = static_cast<long long>(q >= 0 ? q + 0.5 : q - 0.5);
  const double r = (x - static_cast<double>(n) * kHalfPiHi) - static_cast<double>(n) * kHalfPiLo;
  const int quadrant = static_cast<int>(((n % 4) + 4) % 4);
  const double s = sinSmall(r), c = cosSmall(r);
  if (wantSin) {
    switch (quadrant) {
      case 0:
        return s;
      case 1:
        return c;
      case 2:
        return -s;
      default:
        return -c;
    }
  }
  switch (quadrant) {
    case 0:
      return c;
    case 1:
      return -s;
    case 2:
      return -c;
    default:
      return s;
  }
}

int16_t toQ15(double v) {
  const double t = 0.5 + 32767.0 * v;
  long long f = static_cast<long long>(t);
  if (static_cast<double>(f) > t) --f;  // floor
  return static_cast<int16_t>(f);
}

// kiss_fft's fixed-point primitives: products in int32, rounding by 2^14 then >> 15, every
// stored value truncated to int16.
inline int16_t sround(int32_t x) {
  return static_cast<int16_t>((x + (1 << 14)) >> 15);
}
inline Cpx16 cmul(Cpx16 a, Cpx16 b) {
  Cpx16 m;
  m.r = sround(int32_t{a.r} * b.r - int32_t{a.i} * b.i);
  m.i = sround(int32_t{a.r} * b.i + int32_t{a.i} * b.r);
  return m;
}
inline void fixDiv(Cpx16& c, int32_t k) {
  const int32_t scale = 32767 / k;
  c.r = sround(int32_t{c.r} * scale);
  c.i = sround(int32_t{c.i} * scale);
}
inline Cpx16 cadd(Cpx16 a, Cpx16 b) {
  return Cpx16{static_cast<int16_t>(a.r + b.r), static_cast<int16_t>(a.i + b.i)};
}
inline Cpx16 csub(Cpx16 a, Cpx16 b) {
  return Cpx16{static_cast<int16_t>(a.r - b.r), static_cast<int16_t>(a.i - b.i)};
}

void butterfly2(Cpx16* out, size_t stride, const Cpx16* tw, int32_t m) {
  Cpx16* out2 = out + m;
  for (int32_t k = 0; k < m; ++k) {
    fixDiv(out[k], 2);
    fixDiv(out2[k], 2);
    const Cpx16 t = cmul(out2[k], tw[k * stride]);
    out2[k] = csub(out[k], t);
    out[k] = cadd(out[k], t);
  }
}

void butterfly4(Cpx16* out, size_t stride, const Cpx16* tw, int32_t m) {
  for (int32_t k = 0; k < m; ++k) {
    Cpx16* f = out + k;
    fixDiv(f[0], 4);
    fixDiv(f[m], 4);
    fixDiv(f[2 * m], 4);
    fixDiv(f[3 * m], 4);
    const Cpx16 s0 = cmul(f[m], tw[k * stride]);
    const Cpx16 s1 = cmul(f[2 * m], tw[2 * k * stride]);
    const Cpx16 s2 = cmul(f[3 * m], tw[3 * k * stride]);
    const Cpx16 s5 = csub(f[0], s1);
    f[0] = cadd(f[0], s1);
    const Cpx16 s3 = cadd(s0, s2);
    const Cpx16 s4 = csub(s0, s2);
    f[2 * m] = csub(f[0], s3);
    f[0] = cadd(f[0], s3);
    f[m].r = static_cast<int16_t>(s5.r + s4.i);
    f[m].i = static_cast<int16_t>(s5.i - s4.r);
    f[3 * m].r = static_cast<int16_t>(s5.r - s4.i);
    f[3 * m].i = static_cast<int16_t>(s5.i + s4.r);
  }
}

// kiss_fft's factorisation of a power of two: radix 4 while it divides, then a final radix 2.
// Stages are listed as (radix, remaining length) pairs.
int factorize(int32_t n, int32_t* radix, int32_t* rest) {
  int count = 0;
  while (n > 1) {
    const int32_t p = (n % 4 == 0) ? 4 : 2;
    n /= p;
    radix[count] = p;
    rest[count] = n;
    ++count;
  }
  return count;
}

// Decimation in time, recursively as kiss_fft's kf_work (depth <= 16 for our lengths).
// `in` holds (re, im) pairs; `stride` counts pairs.
void work(Cpx16* out, const int16_t* in, size_t stride, const int32_t* radix, const int32_t* rest,
          const Cpx16* tw) {
  const int32_t p = radix[0], m = rest[0];
  if (m == 1) {
    for (int32_t j = 0; j < p; ++j) out[j] = Cpx16{in[2 * j * stride], in[2 * j * stride + 1]};
  } else {
    for (int32_t j = 0; j < p; ++j)
      work(out + j * m, in + 2 * j * stride, stride * p, radix + 1, rest + 1, tw);
  }
  if (p == 4) {
    butterfly4(out, stride, tw, m);
  } else {
    butterfly2(out, stride, tw, m);
  }
}

}  // namespace

int16_t fixedCos(double phase) {
  return toQ15(trig(phase, false));
}
int16_t fixedSin(double phase) {
  return toQ15(trig(phase, true));
}

size_t rfftTwiddleCount(int32_t fftLength) {
  return static_cast<size_t>(fftLength / 2 + fftLength / 4);
}

void rfftMakeTwiddles(int32_t fftLength, Cpx16* twiddles) {
  const int32_t n = fftLength / 2;
  for (int32_t i = 0; i < n; ++i) {
    const double phase = -2 * kPi * i / n;
    twiddles[i] = Cpx16{fixedCos(phase), fixedSin(phase)};
  }
  Cpx16* super = twiddles + n;
  for (int32_t i = 0; i < n / 2; ++i) {
    const double phase = -3.14159265358979323846264338327 * (static_cast<double>(i + 1) / n + .5);
    super[i] = Cpx16{fixedCos(phase), fixedSin(phase)};
  }
}

void rfft(int32_t fftLength, const Cpx16* twiddles, const int16_t* input, Cpx16* tmp,
          int16_t* output) {
  const int32_t n = fftLength / 2;
  int32_t radix[16], rest[16];
  factorize(n, radix, rest);
  // The samples taken as n complex values (re, im pairs), as kiss_fftr does.
  work(tmp, input, 1, radix, rest, twiddles);
  const Cpx16* super = twiddles + n;

  Cpx16 dc = tmp[0];
  fixDiv(dc, 2);
  output[0] = static_cast<int16_t>(dc.r + dc.i);
  output[1] = 0;
  output[2 * n] = static_cast<int16_t>(dc.r - dc.i);
  output[2 * n + 1] = 0;
  for (int32_t k = 1; k <= n / 2; ++k) {
    Cpx16 fpk = tmp[k];
    Cpx16 fpnk{tmp[n - k].r, static_cast<int16_t>(-tmp[n - k].i)};
    fixDiv(fpk, 2);
    fixDiv(fpnk, 2);
    const Cpx16 f1k = cadd(fpk, fpnk);
    const Cpx16 f2k = csub(fpk, fpnk);
    const Cpx16 tw = cmul(f2k, super[k - 1]);
    output[2 * k] = static_cast<int16_t>((f1k.r + tw.r) >> 1);
    output[2 * k + 1] = static_cast<int16_t>((f1k.i + tw.i) >> 1);
    output[2 * (n - k)] = static_cast<int16_t>((f1k.r - tw.r) >> 1);
    output[2 * (n - k) + 1] = static_cast<int16_t>((tw.i - f1k.i) >> 1);
  }
}

}  // namespace tinyscope::runner::kernels::signal
