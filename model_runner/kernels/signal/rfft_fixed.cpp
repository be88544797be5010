#include "model_runner/kernels/signal/rfft.h"

namespace tinyscope::runner::kernels::signal {

namespace {

constexpr double kPi = 3.141592653589793238462643383279502884197169399375105820974944;

// Library-free sine and cosine, accurate to ~1e-30 in double-double arithmetic (Dekker's
// exact products, no FMA needed), then rounded to the nearest double: the value a correctly
// rounded libm returns, so kiss_fft's floor(0.5 + 32767 * cos(phase)) comes out the same even
// where the exact result is a tie (cos(2*pi/3) = -1/2 lands one side or the other depending on
// how the phase itself was rounded).
struct DoubleDouble {
  double hi = 0.0, lo = 0.0;
};

DoubleDouble twoSum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

DoubleDouble twoProduct(double a, double b) {
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double ca = kSplit * a, cb = kSplit * b;
  const double ah = ca - (ca - a), al = a - ah;
  const double bh = cb - (cb - b), bl = b - bh;
  const double p = a * b;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}

DoubleDouble normalize(double hi, double lo) {
  const double s = hi + lo;
  return {s, lo - (s - hi)};
}

DoubleDouble add(DoubleDouble x, DoubleDouble y) {
  const DoubleDouble s = twoSum(x.hi, y.hi);
  return normalize(s.hi, s.lo + x.lo + y.lo);
}

DoubleDouble mul(DoubleDouble x, DoubleDouble y) {
  const DoubleDouble p = twoProduct(x.hi, y.hi);
  return normalize(p.hi, p.lo + x.hi * y.lo + x.lo * y.hi);
}

DoubleDouble divide(DoubleDouble x, double d) {
  const double q1 = x.hi / d;
  const DoubleDouble back = twoProduct(q1, d);
  const double q2 = ((x.hi - back.hi) - back.lo + x.lo) / d;
  return normalize(q1, q2);
}

// sin (odd) or cos (even) series of r, |r| <= pi/4: terms fall below 1e-32 by k = 14.
DoubleDouble series(DoubleDouble r, bool odd) {
  const DoubleDouble r2 = mul(r, r);
  DoubleDouble term = odd ? r : DoubleDouble{1.0, 0.0};
  DoubleDouble sum = term;
  for (int k = 1; k <= 14; ++k) {
    const double a = odd ? 2.0 * k : 2.0 * k - 1.0;
    term = divide(mul(term, r2), -(a * (a + 1.0)));
    sum = add(sum, term);
  }
  return sum;
}

// cos (wantSin false) or sin of x for |x| <= 4 pi, as the nearest double. pi/2 in three
// 33-bit parts (fdlibm's) so n * part is exact for the small quadrant counts here.
double trig(double x, bool wantSin) {
  constexpr double kPio2Part1 = 1.57079632673412561417e+00;
  constexpr double kPio2Part2 = 6.07710050630396597660e-11;
  constexpr double kPio2Part3 = 2.02226624871116645580e-21;
  constexpr double kPio2Tail = 8.47842766036889956997e-32;
  const double q = x / (kPi / 2);
  const long long n = static_cast<long long>(q >= 0 ? q + 0.5 : q - 0.5);
  const auto dn = static_cast<double>(n);
  DoubleDouble r = twoSum(x - dn * kPio2Part1, -dn * kPio2Part2);
  r = add(r, DoubleDouble{-dn * kPio2Part3, -dn * kPio2Tail});
  const int quadrant = static_cast<int>(((n % 4) + 4) % 4);
  // sin(r + n pi/2) and cos(r + n pi/2) by quadrant.
  const bool useSin = wantSin ? (quadrant % 2 == 0) : (quadrant % 2 == 1);
  const bool negate = wantSin ? (quadrant >= 2) : (quadrant == 1 || quadrant == 2);
  const DoubleDouble v = series(r, useSin);
  const double rounded = v.hi + v.lo;
  return negate ? -rounded : rounded;
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

inline int16_t halfOf(int32_t x) {
  return static_cast<int16_t>(x >> 1);
}
inline int16_t smul(int16_t a, int16_t b) {
  return sround(int32_t{a} * b);
}

void butterfly3(Cpx16* out, size_t stride, const Cpx16* tw, int32_t m) {
  const Cpx16 epi3 = tw[stride * static_cast<size_t>(m)];
  for (int32_t k = 0; k < m; ++k) {
    Cpx16* f = out + k;
    fixDiv(f[0], 3);
    fixDiv(f[m], 3);
    fixDiv(f[2 * m], 3);
    const Cpx16 s1 = cmul(f[m], tw[k * stride]);
    const Cpx16 s2 = cmul(f[2 * m], tw[2 * k * stride]);
    const Cpx16 s3 = cadd(s1, s2);
    Cpx16 s0 = csub(s1, s2);
    f[m].r = static_cast<int16_t>(f[0].r - halfOf(s3.r));
    f[m].i = static_cast<int16_t>(f[0].i - halfOf(s3.i));
    s0.r = smul(s0.r, epi3.i);
    s0.i = smul(s0.i, epi3.i);
    f[0] = cadd(f[0], s3);
    f[2 * m].r = static_cast<int16_t>(f[m].r + s0.i);
    f[2 * m].i = static_cast<int16_t>(f[m].i - s0.r);
    f[m].r = static_cast<int16_t>(f[m].r - s0.i);
    f[m].i = static_cast<int16_t>(f[m].i + s0.r);
  }
}

void butterfly5(Cpx16* out, size_t stride, const Cpx16* tw, int32_t m) {
  const Cpx16 ya = tw[stride * static_cast<size_t>(m)];
  const Cpx16 yb = tw[stride * 2 * static_cast<size_t>(m)];
  for (int32_t u = 0; u < m; ++u) {
    Cpx16* f = out + u;
    for (int j = 0; j < 5; ++j) fixDiv(f[j * m], 5);
    const Cpx16 s0 = f[0];
    const Cpx16 s1 = cmul(f[m], tw[u * stride]);
    const Cpx16 s2 = cmul(f[2 * m], tw[2 * u * stride]);
    const Cpx16 s3 = cmul(f[3 * m], tw[3 * u * stride]);
    const Cpx16 s4 = cmul(f[4 * m], tw[4 * u * stride]);
    const Cpx16 s7 = cadd(s1, s4), s10 = csub(s1, s4);
    const Cpx16 s8 = cadd(s2, s3), s9 = csub(s2, s3);
    f[0].r = static_cast<int16_t>(f[0].r + (s7.r + s8.r));
    f[0].i = static_cast<int16_t>(f[0].i + (s7.i + s8.i));
    Cpx16 s5, s6, s11, s12;
    s5.r = static_cast<int16_t>(s0.r + smul(s7.r, ya.r) + smul(s8.r, yb.r));
    s5.i = static_cast<int16_t>(s0.i + smul(s7.i, ya.r) + smul(s8.i, yb.r));
    s6.r = static_cast<int16_t>(smul(s10.i, ya.i) + smul(s9.i, yb.i));
    s6.i = static_cast<int16_t>(-smul(s10.r, ya.i) - smul(s9.r, yb.i));
    f[m] = csub(s5, s6);
    f[4 * m] = cadd(s5, s6);
    s11.r = static_cast<int16_t>(s0.r + smul(s7.r, yb.r) + smul(s8.r, ya.r));
    s11.i = static_cast<int16_t>(s0.i + smul(s7.i, yb.r) + smul(s8.i, ya.r));
    s12.r = static_cast<int16_t>(-smul(s10.i, yb.i) + smul(s9.i, ya.i));
    s12.i = static_cast<int16_t>(smul(s10.r, yb.i) - smul(s9.r, ya.i));
    f[2 * m] = cadd(s11, s12);
    f[3 * m] = csub(s11, s12);
  }
}

// kiss_fft's kf_factor: radix 4 while it divides, then 2, 3, 5, 7, ... (never back to 4); once
// the candidate passes floor(sqrt(n)) of the original length, the rest is one stage. Stages
// are listed as (radix, remaining length) pairs; returns their count.
int factorize(int32_t n, int32_t* radix, int32_t* rest) {
  int32_t floorSqrt = 0;
  while (int64_t{floorSqrt + 1} * (floorSqrt + 1) <= n) ++floorSqrt;
  int count = 0;
  int32_t p = 4;
  do {
    while (n % p != 0) {
      p = p == 4 ? 2 : (p == 2 ? 3 : p + 2);
      if (p > floorSqrt) p = n;
    }
    n /= p;
    radix[count] = p;
    rest[count] = n;
    ++count;
  } while (n > 1);
  return count;
}

// Decimation in time, recursively as kiss_fft's kf_work (one level per stage, <= 14).
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
  switch (p) {
    case 2:
      butterfly2(out, stride, tw, m);
      break;
    case 3:
      butterfly3(out, stride, tw, m);
      break;
    case 4:
      butterfly4(out, stride, tw, m);
      break;
    default:  // 5: rfftLengthSupported() admits no other radix
      butterfly5(out, stride, tw, m);
      break;
  }
}

}  // namespace

int16_t fixedCos(double phase) {
  return toQ15(trig(phase, false));
}
int16_t fixedSin(double phase) {
  return toQ15(trig(phase, true));
}

bool rfftLengthSupported(int32_t fftLength) {
  if (fftLength < 4 || fftLength > kMaxRfftLength || fftLength % 2 != 0) return false;
  int32_t radix[32], rest[32];
  const int stages = factorize(fftLength / 2, radix, rest);
  for (int i = 0; i < stages; ++i) {
    if (radix[i] != 2 && radix[i] != 3 && radix[i] != 4 && radix[i] != 5) return false;
  }
  return true;
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
  int32_t radix[32], rest[32];
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
