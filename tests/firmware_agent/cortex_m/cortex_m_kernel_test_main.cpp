// Kernel-level bit-exactness test of model_runner/cortex_m against the reference templates,
// as a firmware image (mps2-an386, run under QEMU with semihosting by ctest): requantization on
// random and extreme values, then CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on random
// shapes (strides, dilations, padding, channel counts around multiples of 4, depth
// multipliers, batches, clamps, with and without bias; grouped convolution; one-channel
// depthwise with depth
// multipliers 1-10 and large stride-2 windows; scratch writes beyond the requested size). Prints
// one line per failing case and exits with the number of mismatching cases (0 = pass). Static
// buffers only.
//
// Built for the host as well (plain main, printf) when compiled without __arm__, where the
// kernels use their portable SIMD equivalents.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model_runner/cortex_m/cortex_m_kernels.h"
#include "model_runner/cortex_m/dsp.h"
#include "model_runner/kernels/depthwise_conv_2d.h"

#if defined(__arm__)
#include "hal.h"
#include "semihosting.h"
#else
#include <stdio.h>
#endif

namespace {

using namespace tinyscope::runner;
using kernels::ConvParams;
using kernels::Shape4;

void print(const char* text) {
#if defined(__arm__)
  tinyscope::agent::cortex_m::semihostingWrite(text);
#else
  fputs(text, stdout);
#endif
}

void printNumber(int64_t v) {
  char buf[24];
  char* p = buf + sizeof buf;
  *--p = '\0';
  const bool negative = v < 0;
  uint64_t u = negative ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  do {
    *--p = char('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) *--p = '-';
  print(p);
}

uint32_t g_state = 0x12345678u;
uint32_t next() {
  g_state ^= g_state << 13;
  g_state ^= g_state >> 17;
  g_state ^= g_state << 5;
  return g_state;
}
int32_t range(int32_t lo, int32_t hi) {
  return lo + int32_t(next() % uint32_t(hi - lo + 1));
}
void fillInt8(int8_t* p, int32_t n) {
  for (int32_t i = 0; i < n; ++i) p[i] = int8_t(next());
}

constexpr int32_t kMaxTensor = 8192;
constexpr int32_t kMaxChannels = 40;
alignas(16) int8_t g_input[kMaxTensor];
alignas(16) int8_t g_filter[kMaxTensor];
alignas(16) int32_t g_bias[kMaxChannels];
alignas(16) int32_t g_multipliers[kMaxChannels];
alignas(16) int32_t g_shifts[kMaxChannels];
alignas(16) int8_t g_expected[kMaxTensor];
alignas(16) int8_t g_actual[kMaxTensor];
alignas(16) int16_t g_scratch[kMaxTensor];

uint32_t g_failures = 0;

// The kernels may write only the scratch bytes they ask for: the rest of g_scratch holds a
// pattern that must survive the call.
constexpr uint8_t kCanary = 0xA5;
void armScratch(size_t requested) {
  memset(reinterpret_cast<uint8_t*>(g_scratch) + requested, kCanary, sizeof g_scratch - requested);
}
void checkScratch(const char* what, int32_t caseIndex, size_t requested) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(g_scratch);
  for (size_t i = requested; i < sizeof g_scratch; ++i) {
    if (p[i] == kCanary) continue;
    ++g_failures;
    print(what);
    print(" case ");
    printNumber(caseIndex);
    print(": wrote scratch byte ");
    printNumber(int64_t(i));
    print(" beyond the ");
    printNumber(int64_t(requested));
    print(" it asked for\n");
    return;
  }
}

void randomQuant(int32_t channels) {
  for (int32_t c = 0; c < channels; ++c) {
    // Real multipliers from 2^-20 to 4: negative and positive shifts.
    const double real = double(range(1, 1 << 20)) / double(1 << range(0, 20)) / 1024.0 * 4.0;
    int shift = 0;
    quant::quantizeMultiplier(real, &g_multipliers[c], &shift);
    g_shifts[c] = shift;
  }
}

void randomClamp(int32_t* actMin, int32_t* actMax) {
  if (next() % 3 == 0) {
    *actMin = range(-128, 0);
    *actMax = range(*actMin, 127);
  } else {
    *actMin = -128;
    *actMax = 127;
  }
}

void report(const char* what, int32_t caseIndex, int32_t bytes) {
  if (memcmp(g_expected, g_actual, size_t(bytes)) == 0) return;
  ++g_failures;
  int32_t first = 0;
  while (g_expected[first] == g_actual[first]) ++first;
  print(what);
  print(" case ");
  printNumber(caseIndex);
  print(": first mismatch at ");
  printNumber(first);
  print(" expected ");
  printNumber(g_expected[first]);
  print(" got ");
  printNumber(g_actual[first]);
  print("\n");
}

void checkRequantize(int32_t cases) {
  const int32_t extremes[] = {0,           1,           -1,
                              2,           -2,          127,
                              -128,        0x7FFFFFFF,  -0x7FFFFFFF - 1,
                              0x40000000,  -0x40000000, 0x3FFFFFFF,
                              -0x3FFFFFFF, 12345678,    -12345678};
  uint32_t bad = 0;
  for (int32_t i = 0; i < cases; ++i) {
    int32_t acc = int32_t(next());
    if (i % 4 == 1) acc >>= range(0, 31);
    if (i % 8 == 3) acc = extremes[next() % (sizeof extremes / sizeof extremes[0])];
    int32_t multiplier = int32_t(next() & 0x7FFFFFFFu);
    if (i % 16 == 5) multiplier = (i & 32) ? 0x7FFFFFFF : 0x40000000;
    if (i % 64 == 7) multiplier = 0;
    const int32_t shift = range(-31, 30);
    const int32_t want = quant::multiplyByQuantizedMultiplier(acc, multiplier, shift);
    const int32_t got = cortex_m::dsp::requantize(acc, multiplier, shift);
    if (want != got && bad++ < 5) {
      print("requantize(");
      printNumber(acc);
      print(", ");
      printNumber(multiplier);
      print(", ");
      printNumber(shift);
      print("): expected ");
      printNumber(want);
      print(" got ");
      printNumber(got);
      print("\n");
    }
  }
  if (bad != 0) ++g_failures;
}

// Dimensions drawn so that shapes around multiples of 4 (the kernels' step) are common.
int32_t channelCount(int32_t max) {
  const int32_t c = (next() & 1) ? 4 * range(1, max / 4) : range(1, max);
  return c;
}

bool windowShapes(Shape4* in, Shape4* filt, Shape4* out, ConvParams* p, int32_t outChannels,
                  bool depthwise, int32_t depthMultiplier) {
  in->n = range(1, 2);
  in->h = range(1, 10);
  in->w = range(1, 10);
  const int32_t pick = range(0, 5);
  filt->h = pick <= 2 ? 3 : (pick == 3 ? 1 : range(1, 5));
  filt->w = pick <= 2 ? 3 : (pick == 3 ? 1 : range(1, 5));
  p->strideH = range(1, 2);
  p->strideW = range(1, 3);
  p->dilationH = next() % 4 == 0 ? 2 : 1;
  p->dilationW = next() % 4 == 0 ? 2 : 1;
  const auto padding = (next() & 1) ? schema::Padding::kSame : schema::Padding::kValid;
  out->n = in->n;
  out->h = kernels::computeOutSize(padding, in->h, filt->h, p->strideH, p->dilationH);
  out->w = kernels::computeOutSize(padding, in->w, filt->w, p->strideW, p->dilationW);
  if (out->h <= 0 || out->w <= 0) return false;
  p->padH = kernels::computePadding(p->strideH, p->dilationH, in->h, filt->h, out->h);
  p->padW = kernels::computePadding(p->strideW, p->dilationW, in->w, filt->w, out->w);
  if (depthwise) {
    filt->n = 1;
    out->c = in->c * depthMultiplier;
    filt->c = out->c;
  } else {
    filt->n = outChannels;
    filt->c = in->c;
    out->c = outChannels;
  }
  p->inputOffset = -range(-128, 127);
  p->outputOffset = range(-128, 127);
  randomClamp(&p->actMin, &p->actMax);
  return in->flatSize() <= kMaxTensor && filt->flatSize() <= kMaxTensor &&
         out->flatSize() <= kMaxTensor && out->c <= kMaxChannels;
}

// Random input, filter, bias (or none) and per-channel quantization of a window op; returns
// the bias.
const int32_t* randomOperands(const Shape4& in, const Shape4& filt, int32_t channels) {
  fillInt8(g_input, in.flatSize());
  fillInt8(g_filter, filt.flatSize());
  for (int32_t c = 0; c < channels; ++c) g_bias[c] = int32_t(next()) >> range(8, 20);
  randomQuant(channels);
  return (next() % 4 == 0) ? nullptr : g_bias;
}

// The reference depthwise result into g_expected; g_actual poisoned for the kernel under test.
void expectDepthwise(const ConvParams& p, int32_t m, const Shape4& in, const Shape4& filt,
                     const int32_t* bias, const Shape4& out) {
  kernels::reference::depthwiseConvPerChannel(p, m, g_multipliers, g_shifts, in, g_input, filt,
                                              g_filter, bias, out, g_expected);
  memset(g_actual, 0x55, size_t(out.flatSize()));
}

void checkConv(int32_t cases) {
  for (int32_t i = 0; i < cases;) {
    Shape4 in, filt, out;
    ConvParams p;
    // One case in four is a grouped convolution (2 or 3 groups, filt.c = in.c / groups).
    const int32_t groups = next() % 4 == 0 ? range(2, 3) : 1;
    in.c = groups * channelCount(24 / groups);
    const int32_t outChannels = groups * range(1, kMaxChannels / groups);
    if (!windowShapes(&in, &filt, &out, &p, outChannels, false, 1)) continue;
    filt.c = in.c / groups;
    if (cortex_m::convScratchBytes(filt) > sizeof g_scratch) continue;
    const int32_t* bias = randomOperands(in, filt, out.c);
    kernels::reference::convPerChannel(p, g_multipliers, g_shifts, in, g_input, filt, g_filter,
                                       bias, out, g_expected);
    memset(g_actual, 0x55, size_t(out.flatSize()));
    armScratch(cortex_m::convScratchBytes(filt));
    cortex_m::convPerChannel(p, g_multipliers, g_shifts, in, g_input, filt, g_filter, bias, out,
                             g_actual, g_scratch);
    report("CONV_2D", i, out.flatSize());
    checkScratch("CONV_2D", i, cortex_m::convScratchBytes(filt));
    ++i;
  }
}

void checkDepthwise(int32_t cases) {
  const int32_t multipliers[] = {1, 1, 1, 2, 3, 4, 8};
  for (int32_t i = 0; i < cases;) {
    Shape4 in, filt, out;
    ConvParams p;
    const int32_t m = multipliers[next() % (sizeof multipliers / sizeof multipliers[0])];
    in.c = m == 1 ? channelCount(kMaxChannels) : range(1, kMaxChannels / m);
    if (!windowShapes(&in, &filt, &out, &p, 0, true, m)) continue;
    const int32_t* bias = randomOperands(in, filt, out.c);
    expectDepthwise(p, m, in, filt, bias, out);
    cortex_m::depthwiseConvPerChannel(p, m, g_multipliers, g_shifts, in, g_input, filt, g_filter,
                                      bias, out, g_actual);
    report("DEPTHWISE_CONV_2D", i, out.flatSize());
    ++i;
  }
}

// One input channel (depthwiseOneChannel, the CONV_2D route): depth multipliers 1 to 10, odd
// ones included, and sometimes a large filter with stride 2 (micro_speech's 10x8 window).
void checkDepthwiseOneChannel(int32_t cases) {
  for (int32_t i = 0; i < cases;) {
    Shape4 in, filt, out;
    ConvParams p;
    const int32_t m = range(1, 10);
    in.c = 1;
    if (!windowShapes(&in, &filt, &out, &p, 0, true, m)) continue;
    if (next() % 4 == 0) {
      in.h = range(8, 30);
      in.w = range(6, 24);
      filt.h = range(4, 10);
      filt.w = range(4, 8);
      p.strideH = p.strideW = 2;
      p.dilationH = p.dilationW = 1;
      const auto padding = (next() & 1) ? schema::Padding::kSame : schema::Padding::kValid;
      out.h = kernels::computeOutSize(padding, in.h, filt.h, p.strideH, p.dilationH);
      out.w = kernels::computeOutSize(padding, in.w, filt.w, p.strideW, p.dilationW);
      if (out.h <= 0 || out.w <= 0) continue;
      p.padH = kernels::computePadding(p.strideH, p.dilationH, in.h, filt.h, out.h);
      p.padW = kernels::computePadding(p.strideW, p.dilationW, in.w, filt.w, out.w);
      if (in.flatSize() > kMaxTensor || out.flatSize() > kMaxTensor) continue;
    }
    if (filt.flatSize() > kMaxTensor ||
        cortex_m::depthwiseOneChannelScratchBytes(filt) > sizeof g_scratch) {
      continue;
    }
    const int32_t* bias = randomOperands(in, filt, out.c);
    expectDepthwise(p, m, in, filt, bias, out);
    armScratch(cortex_m::depthwiseOneChannelScratchBytes(filt));
    cortex_m::depthwiseOneChannel(p, g_multipliers, g_shifts, in, g_input, filt, g_filter, bias,
                                  out, g_actual, g_scratch);
    report("DEPTHWISE_CONV_2D one channel", i, out.flatSize());
    checkScratch("DEPTHWISE_CONV_2D one channel", i,
                 cortex_m::depthwiseOneChannelScratchBytes(filt));
    ++i;
  }
}

void checkFullyConnected(int32_t cases) {
  for (int32_t i = 0; i < cases; ++i) {
    const int32_t batches = range(1, 3);
    const int32_t depth = (next() & 1) ? 4 * range(1, 100) : range(1, 400);
    const int32_t outputs = channelCount(kMaxChannels);
    if (batches * depth > kMaxTensor || outputs * depth > kMaxTensor) continue;
    kernels::FullyConnectedParams p;
    p.inputOffset = -range(-128, 127);
    p.outputOffset = range(-128, 127);
    randomClamp(&p.actMin, &p.actMax);
    const bool perChannel = (next() & 1) != 0;
    fillInt8(g_input, batches * depth);
    fillInt8(g_filter, outputs * depth);
    for (int32_t c = 0; c < outputs; ++c) g_bias[c] = int32_t(next()) >> range(8, 20);
    randomQuant(outputs);
    const int32_t* bias = (next() % 4 == 0) ? nullptr : g_bias;
    kernels::reference::fullyConnected(p, g_multipliers, g_shifts, perChannel, batches, depth,
                                       outputs, g_input, g_filter, bias, g_expected);
    memset(g_actual, 0x55, size_t(batches * outputs));
    cortex_m::fullyConnected(p, g_multipliers, g_shifts, perChannel, batches, depth, outputs,
                             g_input, g_filter, bias, g_actual);
    report("FULLY_CONNECTED", i, batches * outputs);
  }
}

}  // namespace

int main() {
#if defined(__arm__)
  tinyscope::agent::hal::init();
#endif
  checkRequantize(200000);
  checkConv(300);
  checkDepthwise(400);
  checkDepthwiseOneChannel(200);
  checkFullyConnected(300);
  print("cortex_m kernel test: ");
  printNumber(g_failures);
  print(" failing checks\n");
#if defined(__arm__)
  tinyscope::agent::cortex_m::semihostingExit(g_failures);
  for (;;) {}
#else
  return int(g_failures);
#endif
}
