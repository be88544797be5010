#include "model_runner/kernels/signal/rfft.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// kiss_fft's arithmetic per sample type. int16 (FIXED_POINT=16): products in int32, rounding
// by 2^14 then >> 15, every stored value truncated to int16. int32 (FIXED_POINT=32): products
// in int64, rounding by 2^30 then >> 31, sums wrapping in 32 bits. float: plain float
// arithmetic, no scaling between stages.
template <typename T>
struct Arith;

template <>
struct Arith<int16_t> {
  static int16_t sround(int32_t x) { return static_cast<int16_t>((x + (1 << 14)) >> 15); }
  static int16_t add(int16_t a, int16_t b) { return static_cast<int16_t>(a + b); }
  static int16_t sub(int16_t a, int16_t b) { return static_cast<int16_t>(a - b); }
  static int16_t neg(int16_t a) { return static_cast<int16_t>(-a); }
  static int16_t mul(int16_t a, int16_t b) { return sround(int32_t{a} * b); }
  static Cpx<int16_t> cmul(Cpx<int16_t> a, Cpx<int16_t> b) {
    return {sround(int32_t{a.r} * b.r - int32_t{a.i} * b.i),
            sround(int32_t{a.r} * b.i + int32_t{a.i} * b.r)};
  }
  static void fixDiv(Cpx<int16_t>& c, int32_t k) {
    const int32_t scale = 32767 / k;
    c.r = sround(int32_t{c.r} * scale);
    c.i = sround(int32_t{c.i} * scale);
  }
  static int16_t half(int16_t x) { return static_cast<int16_t>(x >> 1); }
  // HALF_OF(a + b) and HALF_OF(a - b): the sum in int, halved, then stored.
  static int16_t halfSum(int16_t a, int16_t b) { return static_cast<int16_t>((a + b) >> 1); }
  static int16_t halfDiff(int16_t a, int16_t b) { return static_cast<int16_t>((a - b) >> 1); }
  static int16_t twiddle(double v) { return toQ15(v); }
  static int16_t unscale(int16_t x, int32_t) { return x; }
};

template <>
struct Arith<int32_t> {
  static int32_t sround(int64_t x) { return static_cast<int32_t>((x + (1 << 30)) >> 31); }
  static int32_t add(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
  }
  static int32_t sub(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
  }
  static int32_t neg(int32_t a) { return sub(0, a); }
  static int32_t mul(int32_t a, int32_t b) { return sround(int64_t{a} * b); }
  static Cpx<int32_t> cmul(Cpx<int32_t> a, Cpx<int32_t> b) {
    return {sround(int64_t{a.r} * b.r - int64_t{a.i} * b.i),
            sround(int64_t{a.r} * b.i + int64_t{a.i} * b.r)};
  }
  static void fixDiv(Cpx<int32_t>& c, int32_t k) {
    const int64_t scale = 2147483647 / k;
    c.r = sround(c.r * scale);
    c.i = sround(c.i * scale);
  }
  static int32_t half(int32_t x) { return x >> 1; }
  static int32_t halfSum(int32_t a, int32_t b) { return add(a, b) >> 1; }
  static int32_t halfDiff(int32_t a, int32_t b) { return sub(a, b) >> 1; }
  static int32_t unscale(int32_t x, int32_t) { return x; }
  static int32_t twiddle(double v) {
    const double t = 0.5 + 2147483647.0 * v;
    long long f = static_cast<long long>(t);
    if (static_cast<double>(f) > t) --f;  // floor
    return static_cast<int32_t>(f);
  }
};

template <>
struct Arith<float> {
  static float add(float a, float b) { return a + b; }
  static float sub(float a, float b) { return a - b; }
  static float neg(float a) { return -a; }
  static float mul(float a, float b) { return a * b; }
  static Cpx<float> cmul(Cpx<float> a, Cpx<float> b) {
    const float rr = a.r * b.r, ii = a.i * b.i, ri = a.r * b.i, ir = a.i * b.r;
    return {rr - ii, ri + ir};
  }
  static void fixDiv(Cpx<float>&, int32_t) {}
  static float half(float x) { return x * 0.5f; }
  static float halfSum(float a, float b) { return (a + b) * 0.5f; }
  static float halfDiff(float a, float b) { return (a - b) * 0.5f; }
  static float twiddle(double v) { return static_cast<float>(v); }
  // TFLM divides the float inverse by fft_length (kiss_fft leaves it scaled by it).
  static float unscale(float x, int32_t fftLength) { return x / static_cast<float>(fftLength); }
};

template <typename T>
void butterfly2(Cpx<T>* out, size_t stride, const Cpx<T>* tw, int32_t m) {
  using A = Arith<T>;
  Cpx<T>* out2 = out + m;
  for (int32_t k = 0; k < m; ++k) {
    A::fixDiv(out[k], 2);
    A::fixDiv(out2[k], 2);
    const Cpx<T> t = A::cmul(out2[k], tw[k * stride]);
    out2[k] = {A::sub(out[k].r, t.r), A::sub(out[k].i, t.i)};
    out[k] = {A::add(out[k].r, t.r), A::add(out[k].i, t.i)};
  }
}

template <typename T>
Cpx<T> cadd(Cpx<T> a, Cpx<T> b) {
  return {Arith<T>::add(a.r, b.r), Arith<T>::add(a.i, b.i)};
}
template <typename T>
Cpx<T> csub(Cpx<T> a, Cpx<T> b) {
  return {Arith<T>::sub(a.r, b.r), Arith<T>::sub(a.i, b.i)};
}

template <typename T>
void butterfly4(Cpx<T>* out, size_t stride, const Cpx<T>* tw, int32_t m, bool inverse) {
  using A = Arith<T>;
  for (int32_t k = 0; k < m; ++k) {
    Cpx<T>* f = out + k;
    A::fixDiv(f[0], 4);
    A::fixDiv(f[m], 4);
    A::fixDiv(f[2 * m], 4);
    A::fixDiv(f[3 * m], 4);
    const Cpx<T> s0 = A::cmul(f[m], tw[k * stride]);
    const Cpx<T> s1 = A::cmul(f[2 * m], tw[2 * k * stride]);
    const Cpx<T> s2 = A::cmul(f[3 * m], tw[3 * k * stride]);
    const Cpx<T> s5 = csub(f[0], s1);
    f[0] = cadd(f[0], s1);
    const Cpx<T> s3 = cadd(s0, s2);
    const Cpx<T> s4 = csub(s0, s2);
    f[2 * m] = csub(f[0], s3);
    f[0] = cadd(f[0], s3);
    if (inverse) {
      f[m] = {A::sub(s5.r, s4.i), A::add(s5.i, s4.r)};
      f[3 * m] = {A::add(s5.r, s4.i), A::sub(s5.i, s4.r)};
    } else {
      f[m] = {A::add(s5.r, s4.i), A::sub(s5.i, s4.r)};
      f[3 * m] = {A::sub(s5.r, s4.i), A::add(s5.i, s4.r)};
    }
  }
}

template <typename T>
void butterfly3(Cpx<T>* out, size_t stride, const Cpx<T>* tw, int32_t m) {
  using A = Arith<T>;
  const Cpx<T> epi3 = tw[stride * static_cast<size_t>(m)];
  for (int32_t k = 0; k < m; ++k) {
    Cpx<T>* f = out + k;
    A::fixDiv(f[0], 3);
    A::fixDiv(f[m], 3);
    A::fixDiv(f[2 * m], 3);
    const Cpx<T> s1 = A::cmul(f[m], tw[k * stride]);
    const Cpx<T> s2 = A::cmul(f[2 * m], tw[2 * k * stride]);
    const Cpx<T> s3 = cadd(s1, s2);
    Cpx<T> s0 = csub(s1, s2);
    f[m] = {A::sub(f[0].r, A::half(s3.r)), A::sub(f[0].i, A::half(s3.i))};
    s0 = {A::mul(s0.r, epi3.i), A::mul(s0.i, epi3.i)};
    f[0] = cadd(f[0], s3);
    f[2 * m] = {A::add(f[m].r, s0.i), A::sub(f[m].i, s0.r)};
    f[m] = {A::sub(f[m].r, s0.i), A::add(f[m].i, s0.r)};
  }
}

template <typename T>
void butterfly5(Cpx<T>* out, size_t stride, const Cpx<T>* tw, int32_t m) {
  using A = Arith<T>;
  const Cpx<T> ya = tw[stride * static_cast<size_t>(m)];
  const Cpx<T> yb = tw[stride * 2 * static_cast<size_t>(m)];
  for (int32_t u = 0; u < m; ++u) {
    Cpx<T>* f = out + u;
    for (int j = 0; j < 5; ++j) A::fixDiv(f[j * m], 5);
    const Cpx<T> s0 = f[0];
    const Cpx<T> s1 = A::cmul(f[m], tw[u * stride]);
    const Cpx<T> s2 = A::cmul(f[2 * m], tw[2 * u * stride]);
    const Cpx<T> s3 = A::cmul(f[3 * m], tw[3 * u * stride]);
    const Cpx<T> s4 = A::cmul(f[4 * m], tw[4 * u * stride]);
    const Cpx<T> s7 = cadd(s1, s4), s10 = csub(s1, s4);
    const Cpx<T> s8 = cadd(s2, s3), s9 = csub(s2, s3);
    f[0] = {A::add(f[0].r, A::add(s7.r, s8.r)), A::add(f[0].i, A::add(s7.i, s8.i))};
    const Cpx<T> s5 = {A::add(A::add(s0.r, A::mul(s7.r, ya.r)), A::mul(s8.r, yb.r)),
                       A::add(A::add(s0.i, A::mul(s7.i, ya.r)), A::mul(s8.i, yb.r))};
    const Cpx<T> s6 = {A::add(A::mul(s10.i, ya.i), A::mul(s9.i, yb.i)),
                       A::sub(A::neg(A::mul(s10.r, ya.i)), A::mul(s9.r, yb.i))};
    f[m] = csub(s5, s6);
    f[4 * m] = cadd(s5, s6);
    const Cpx<T> s11 = {A::add(A::add(s0.r, A::mul(s7.r, yb.r)), A::mul(s8.r, ya.r)),
                        A::add(A::add(s0.i, A::mul(s7.i, yb.r)), A::mul(s8.i, ya.r))};
    const Cpx<T> s12 = {A::add(A::neg(A::mul(s10.i, yb.i)), A::mul(s9.i, ya.i)),
                        A::sub(A::mul(s10.r, yb.i), A::mul(s9.r, ya.i))};
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

// Radix-4 stage over `segments` consecutive blocks of 4 * m values, as kiss_fft's kf_bfly4 on
// each block (stride `stride` into the twiddles).
template <typename T>
void stage4(Cpx<T>* out, size_t stride, const Cpx<T>* tw, int32_t m, size_t segments,
            bool inverse) {
  for (size_t s = 0; s < segments; ++s)
    butterfly4(out + s * 4 * static_cast<size_t>(m), stride, tw, m, inverse);
}

#if defined(__SSE2__)
// The int16 radix-4 stage, four butterflies per 128-bit vector with kiss_fft's exact rounding:
// pmaddwd forms x * scale + 2^14 (fixDiv) and re * re - im * im (complex products) in 32 bits
// exactly as the scalar code does, then >> 15 and truncation to 16 bits; sums wrap in 16 bits.
inline __m128i loadTw(const Cpx<int16_t>* tw, size_t i0, size_t step) {
  int32_t t[4];
  for (int j = 0; j < 4; ++j) std::memcpy(&t[j], &tw[i0 + static_cast<size_t>(j) * step], 4);
  return _mm_set_epi32(t[3], t[2], t[1], t[0]);
}

inline __m128i fixDivVec(__m128i x, int16_t scale) {
  const __m128i one = _mm_set1_epi16(1);
  const __m128i k = _mm_set1_epi32(
      static_cast<int32_t>((uint32_t{1u << 14} << 16) | static_cast<uint16_t>(scale)));
  const __m128i lo = _mm_srai_epi32(_mm_madd_epi16(_mm_unpacklo_epi16(x, one), k), 15);
  const __m128i hi = _mm_srai_epi32(_mm_madd_epi16(_mm_unpackhi_epi16(x, one), k), 15);
  return _mm_packs_epi32(lo, hi);  // |x * scale| < 2^30: in range, no saturation
}

inline __m128i swapReIm(__m128i x) {
  return _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, _MM_SHUFFLE(2, 3, 0, 1)),
                             _MM_SHUFFLE(2, 3, 0, 1));
}

// (a.r * t.r - a.i * t.i, a.r * t.i + a.i * t.r), each rounded and truncated to int16.
inline __m128i cmulVec(__m128i a, __m128i t) {
  const __m128i oddMask = _mm_set1_epi32(static_cast<int32_t>(0xFFFF0000u));
  const __m128i tConj = _mm_sub_epi16(_mm_xor_si128(t, oddMask), oddMask);  // (t.r, -t.i)
  const __m128i round = _mm_set1_epi32(1 << 14);
  const __m128i re = _mm_srai_epi32(_mm_add_epi32(_mm_madd_epi16(a, tConj), round), 15);
  const __m128i im = _mm_srai_epi32(_mm_add_epi32(_mm_madd_epi16(a, swapReIm(t)), round), 15);
  return _mm_or_si128(_mm_and_si128(re, _mm_set1_epi32(0xFFFF)), _mm_slli_epi32(im, 16));
}

// One radix-4 butterfly on four lanes: f0..f3 in place, t1..t3 the twiddles of f1..f3.
inline void butterfly4Vec(__m128i& f0, __m128i& f1, __m128i& f2, __m128i& f3, __m128i t1,
                          __m128i t2, __m128i t3, bool inverse) {
  constexpr int16_t kQuarter = 32767 / 4;
  f0 = fixDivVec(f0, kQuarter);
  const __m128i s0 = cmulVec(fixDivVec(f1, kQuarter), t1);
  const __m128i s1 = cmulVec(fixDivVec(f2, kQuarter), t2);
  const __m128i s2 = cmulVec(fixDivVec(f3, kQuarter), t3);
  const __m128i s5 = _mm_sub_epi16(f0, s1);
  const __m128i a0 = _mm_add_epi16(f0, s1);
  const __m128i s3 = _mm_add_epi16(s0, s2);
  const __m128i s4 = swapReIm(_mm_sub_epi16(s0, s2));  // (s4.i, s4.r)
  f2 = _mm_sub_epi16(a0, s3);
  f0 = _mm_add_epi16(a0, s3);
  const __m128i plus = _mm_add_epi16(s5, s4), minus = _mm_sub_epi16(s5, s4);
  const __m128i re = _mm_set1_epi32(0xFFFF);
  // forward: f1 = (s5.r + s4.i, s5.i - s4.r), f3 = (s5.r - s4.i, s5.i + s4.r)
  const __m128i fwd1 = _mm_or_si128(_mm_and_si128(re, plus), _mm_andnot_si128(re, minus));
  const __m128i fwd3 = _mm_or_si128(_mm_and_si128(re, minus), _mm_andnot_si128(re, plus));
  f1 = inverse ? fwd3 : fwd1;
  f3 = inverse ? fwd1 : fwd3;
}

// 4 x 4 transpose of 32-bit lanes (complex values).
inline void transpose4(__m128i& a, __m128i& b, __m128i& c, __m128i& d) {
  const __m128i ab0 = _mm_unpacklo_epi32(a, b), ab1 = _mm_unpackhi_epi32(a, b);
  const __m128i cd0 = _mm_unpacklo_epi32(c, d), cd1 = _mm_unpackhi_epi32(c, d);
  a = _mm_unpacklo_epi64(ab0, cd0);
  b = _mm_unpackhi_epi64(ab0, cd0);
  c = _mm_unpacklo_epi64(ab1, cd1);
  d = _mm_unpackhi_epi64(ab1, cd1);
}

void stage4(Cpx<int16_t>* out, size_t stride, const Cpx<int16_t>* tw, int32_t m, size_t segments,
            bool inverse) {
  auto* base = reinterpret_cast<__m128i*>(out);
  if (m == 1 && segments % 4 == 0) {
    // The first stage: four blocks of 4 values at once, transposed so each vector holds the
    // same butterfly input of four blocks; every twiddle is tw[0].
    const __m128i t0 = loadTw(tw, 0, 0);
    for (size_t s = 0; s < segments; s += 4) {
      __m128i* p = base + s;
      __m128i a = _mm_loadu_si128(p), b = _mm_loadu_si128(p + 1);
      __m128i c = _mm_loadu_si128(p + 2), d = _mm_loadu_si128(p + 3);
      transpose4(a, b, c, d);
      butterfly4Vec(a, b, c, d, t0, t0, t0, inverse);
      transpose4(a, b, c, d);
      _mm_storeu_si128(p, a);
      _mm_storeu_si128(p + 1, b);
      _mm_storeu_si128(p + 2, c);
      _mm_storeu_si128(p + 3, d);
    }
    return;
  }
  if (m % 4 != 0) {
    for (size_t s = 0; s < segments; ++s)
      butterfly4(out + s * 4 * static_cast<size_t>(m), stride, tw, m, inverse);
    return;
  }
  const auto um = static_cast<size_t>(m);
  for (size_t s = 0; s < segments; ++s) {
    Cpx<int16_t>* f = out + s * 4 * um;
    for (size_t k = 0; k < um; k += 4) {
      auto* p0 = reinterpret_cast<__m128i*>(f + k);
      auto* p1 = reinterpret_cast<__m128i*>(f + k + um);
      auto* p2 = reinterpret_cast<__m128i*>(f + k + 2 * um);
      auto* p3 = reinterpret_cast<__m128i*>(f + k + 3 * um);
      __m128i a = _mm_loadu_si128(p0), b = _mm_loadu_si128(p1);
      __m128i c = _mm_loadu_si128(p2), d = _mm_loadu_si128(p3);
      butterfly4Vec(a, b, c, d, loadTw(tw, k * stride, stride),
                    loadTw(tw, 2 * k * stride, 2 * stride), loadTw(tw, 3 * k * stride, 3 * stride),
                    inverse);
      _mm_storeu_si128(p0, a);
      _mm_storeu_si128(p1, b);
      _mm_storeu_si128(p2, c);
      _mm_storeu_si128(p3, d);
    }
  }
}
#endif

// Decimation in time as kiss_fft's recursive kf_work, iteratively: the input (re, im pairs)
// copied in mixed-radix digit-reversed order, then the stages from the last factor (length-p
// transforms) to the first, each butterfly with the same operands and twiddle stride as in
// the recursion, so the results are the same bit for bit.
template <typename T>
void work(Cpx<T>* out, const T* in, int32_t n, int stages, const int32_t* radix,
          const int32_t* rest, const Cpx<T>* tw, bool inverse) {
  int32_t stride[32], digit[32];
  int32_t product = 1;
  for (int l = 0; l < stages; ++l) {
    stride[l] = product;
    digit[l] = 0;
    product *= radix[l];
  }
  int32_t src = 0;
  for (int32_t pos = 0; pos < n; ++pos) {
    out[pos] = Cpx<T>{in[2 * src], in[2 * src + 1]};
    for (int l = stages - 1; l >= 0; --l) {  // next input index, odometer style
      src += stride[l];
      if (++digit[l] < radix[l]) break;
      digit[l] = 0;
      src -= radix[l] * stride[l];
    }
  }
  for (int l = stages - 1; l >= 0; --l) {
    const int32_t p = radix[l], m = rest[l];
    const auto st = static_cast<size_t>(stride[l]);
    const auto block = static_cast<size_t>(p) * static_cast<size_t>(m);
    if (p == 4) {
      stage4(out, st, tw, m, st, inverse);
      continue;
    }
    for (size_t s = 0; s < st; ++s) {
      Cpx<T>* b = out + s * block;
      switch (p) {
        case 2:
          butterfly2(b, st, tw, m);
          break;
        case 3:
          butterfly3(b, st, tw, m);
          break;
        default:  // 5: rfftLengthSupported() admits no other radix
          butterfly5(b, st, tw, m);
          break;
      }
    }
  }
}

// The real-input split of rfft() for bins 1 .. k - 1, where k is returned (the caller does the
// rest, up to n / 2, in scalar code): none here.
template <typename T>
int32_t splitBinsFast(const Cpx<T>*, const Cpx<T>*, int32_t, T*) {
  return 1;
}

#if defined(__SSE2__)
// int16: bins k .. k + 3 per vector while k + 3 < n / 2 (so bins k and n - k never meet), with
// rfft()'s arithmetic: fixDiv by 2 (pmaddwd), wrapping int16 sums, cmulVec, and the halved sums
// and differences formed in 32 bits (no wrap) before truncation, as HALF_OF.
inline __m128i halfOf(__m128i a, __m128i b, bool subtract) {
  const __m128i a0 = _mm_srai_epi32(_mm_unpacklo_epi16(a, a), 16);
  const __m128i a1 = _mm_srai_epi32(_mm_unpackhi_epi16(a, a), 16);
  const __m128i b0 = _mm_srai_epi32(_mm_unpacklo_epi16(b, b), 16);
  const __m128i b1 = _mm_srai_epi32(_mm_unpackhi_epi16(b, b), 16);
  const __m128i r0 = subtract ? _mm_sub_epi32(a0, b0) : _mm_add_epi32(a0, b0);
  const __m128i r1 = subtract ? _mm_sub_epi32(a1, b1) : _mm_add_epi32(a1, b1);
  return _mm_packs_epi32(_mm_srai_epi32(r0, 1), _mm_srai_epi32(r1, 1));  // in int16 range
}

template <>
int32_t splitBinsFast<int16_t>(const Cpx<int16_t>* tmp, const Cpx<int16_t>* super, int32_t n,
                               int16_t* output) {
  const __m128i oddMask = _mm_set1_epi32(static_cast<int32_t>(0xFFFF0000u));
  const __m128i re = _mm_set1_epi32(0xFFFF);
  constexpr int16_t kHalf = 32767 / 2;
  int32_t k = 1;
  for (; k + 3 < n / 2; k += 4) {
    const __m128i fpk =
        fixDivVec(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tmp + k)), kHalf);
    // tmp[n - k - 3 .. n - k] reversed, conjugated.
    __m128i fpnk =
        _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tmp + (n - k - 3))),
                          _MM_SHUFFLE(0, 1, 2, 3));
    fpnk = fixDivVec(_mm_sub_epi16(_mm_xor_si128(fpnk, oddMask), oddMask), kHalf);
    const __m128i f1k = _mm_add_epi16(fpk, fpnk);
    const __m128i f2k = _mm_sub_epi16(fpk, fpnk);
    const __m128i tw =
        cmulVec(f2k, _mm_loadu_si128(reinterpret_cast<const __m128i*>(super + (k - 1))));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + 2 * k), halfOf(f1k, tw, false));
    // (f1k.r - tw.r, tw.i - f1k.i) / 2 for bins n - k .. n - k - 3: reversed into place.
    const __m128i d1 = halfOf(f1k, tw, true), d2 = halfOf(tw, f1k, true);
    const __m128i low = _mm_or_si128(_mm_and_si128(re, d1), _mm_andnot_si128(re, d2));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + 2 * (n - k - 3)),
                     _mm_shuffle_epi32(low, _MM_SHUFFLE(0, 1, 2, 3)));
  }
  return k;
}
#endif

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

template <typename T>
void rfftMakeTwiddles(int32_t fftLength, Cpx<T>* twiddles, bool inverse) {
  using A = Arith<T>;
  const double sign = inverse ? -1.0 : 1.0;
  const int32_t n = fftLength / 2;
  for (int32_t i = 0; i < n; ++i) {
    const double phase = sign * (-2 * kPi * i / n);
    twiddles[i] = Cpx<T>{A::twiddle(trig(phase, false)), A::twiddle(trig(phase, true))};
  }
  Cpx<T>* super = twiddles + n;
  for (int32_t i = 0; i < n / 2; ++i) {
    const double phase =
        sign * (-3.14159265358979323846264338327 * (static_cast<double>(i + 1) / n + .5));
    super[i] = Cpx<T>{A::twiddle(trig(phase, false)), A::twiddle(trig(phase, true))};
  }
}

template <typename T>
void rfft(int32_t fftLength, const Cpx<T>* twiddles, const T* input, Cpx<T>* tmp, T* output) {
  using A = Arith<T>;
  const int32_t n = fftLength / 2;
  int32_t radix[32], rest[32];
  const int stages = factorize(n, radix, rest);
  // The samples taken as n complex values (re, im pairs), as kiss_fftr does.
  work(tmp, input, n, stages, radix, rest, twiddles, false);
  const Cpx<T>* super = twiddles + n;

  Cpx<T> dc = tmp[0];
  A::fixDiv(dc, 2);
  output[0] = A::add(dc.r, dc.i);
  output[1] = 0;
  output[2 * n] = A::sub(dc.r, dc.i);
  output[2 * n + 1] = 0;
  for (int32_t k = splitBinsFast(tmp, super, n, output); k <= n / 2; ++k) {
    Cpx<T> fpk = tmp[k];
    Cpx<T> fpnk{tmp[n - k].r, A::neg(tmp[n - k].i)};
    A::fixDiv(fpk, 2);
    A::fixDiv(fpnk, 2);
    const Cpx<T> f1k = cadd(fpk, fpnk);
    const Cpx<T> f2k = csub(fpk, fpnk);
    const Cpx<T> tw = A::cmul(f2k, super[k - 1]);
    output[2 * k] = A::halfSum(f1k.r, tw.r);
    output[2 * k + 1] = A::halfSum(f1k.i, tw.i);
    output[2 * (n - k)] = A::halfDiff(f1k.r, tw.r);
    output[2 * (n - k) + 1] = A::halfDiff(tw.i, f1k.i);
  }
}

template <typename T>
void irfft(int32_t fftLength, const Cpx<T>* twiddles, const T* input, Cpx<T>* tmp, T* output) {
  using A = Arith<T>;
  const int32_t n = fftLength / 2;
  int32_t radix[32], rest[32];
  const int stages = factorize(n, radix, rest);
  const Cpx<T>* super = twiddles + n;
  // kiss_fftri: the n complex values whose forward transform holds the bins, then one
  // inverse complex FFT of them, read as 2n real samples.
  Cpx<T>* packed = tmp;
  Cpx<T>* result = tmp + n;
  packed[0] = {A::add(input[0], input[2 * n]), A::sub(input[0], input[2 * n])};
  A::fixDiv(packed[0], 2);
  for (int32_t k = 1; k <= n / 2; ++k) {
    Cpx<T> fk{input[2 * k], input[2 * k + 1]};
    Cpx<T> fnkc{input[2 * (n - k)], A::neg(input[2 * (n - k) + 1])};
    A::fixDiv(fk, 2);
    A::fixDiv(fnkc, 2);
    const Cpx<T> fek = cadd(fk, fnkc);
    const Cpx<T> fok = A::cmul(csub(fk, fnkc), super[k - 1]);
    packed[k] = cadd(fek, fok);
    packed[n - k] = csub(fek, fok);
    packed[n - k].i = A::neg(packed[n - k].i);
  }
  work(result, reinterpret_cast<const T*>(packed), n, stages, radix, rest, twiddles, true);
  for (int32_t k = 0; k < n; ++k) {
    output[2 * k] = A::unscale(result[k].r, fftLength);
    output[2 * k + 1] = A::unscale(result[k].i, fftLength);
  }
}

template void rfftMakeTwiddles<int16_t>(int32_t, Cpx<int16_t>*, bool);
template void rfftMakeTwiddles<int32_t>(int32_t, Cpx<int32_t>*, bool);
template void rfftMakeTwiddles<float>(int32_t, Cpx<float>*, bool);
template void irfft<int16_t>(int32_t, const Cpx<int16_t>*, const int16_t*, Cpx<int16_t>*, int16_t*);
template void irfft<int32_t>(int32_t, const Cpx<int32_t>*, const int32_t*, Cpx<int32_t>*, int32_t*);
template void irfft<float>(int32_t, const Cpx<float>*, const float*, Cpx<float>*, float*);
template void rfft<int16_t>(int32_t, const Cpx<int16_t>*, const int16_t*, Cpx<int16_t>*, int16_t*);
template void rfft<int32_t>(int32_t, const Cpx<int32_t>*, const int32_t*, Cpx<int32_t>*, int32_t*);
template void rfft<float>(int32_t, const Cpx<float>*, const float*, Cpx<float>*, float*);

}  // namespace tinyscope::runner::kernels::signal
