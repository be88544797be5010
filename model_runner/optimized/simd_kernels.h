// Internal interface between the optimized op files (prepare: validation, packing) and the
// per-instruction-set kernel files (invoke: the loops). Not part of the public API.
//
// Without a host cache, weights are read in place from the model and nothing of size O(weights)
// is kept (with one, CONV_2D packs them once at prepare: PackedGemm). At invoke the kernels
// build, in the operator's scratch:
//  - GEMM: a panel of weights packed into blocks of 8 output channels; inside a block, groups
//    of 4 depth values; inside a group, channel-major: byte [block][group][channel 0..7][k 0..3].
//    Missing channels and depth values are 0. A panel covers `panel` channels at a time.
//  - each channel's weight sum (requantization constants are built in registers from them).
// Small row counts (fully connected layers, tiny convolutions), and layers whose panel would
// not fit the scratch cap (panel 0), skip the packing: a dot-product kernel reads each weight
// row in place.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/kernels/add.h"
#include "model_runner/kernels/average_pool_2d.h"
#include "model_runner/op_context.h"

namespace tinyscope::runner::optimized {

constexpr int32_t kChannelBlock = 8;
constexpr int32_t kGemmMaxRows =
    8;  // rows of A a kernel tile may need in scratch (the tallest tile)
constexpr int32_t kGemvMaxRows = 8;  // up to this many rows of A: weights read in place, no packing

inline int32_t roundUp(int32_t n, int32_t m) {
  return (n + m - 1) / m * m;
}

// Per-output-channel requantization, TFLM's MultiplyByQuantizedMultiplier split into steps.
struct RequantParams {
  const int32_t* offsetBias = nullptr;  // bias + input-offset correction, added to the accumulator
  const int32_t* multiplier = nullptr;
  const int32_t* leftShift = nullptr;   // max(shift, 0)
  const int32_t* rightShift = nullptr;  // max(-shift, 0)
  const int32_t* roundMask = nullptr;   // (1 << rightShift) - 1
  int32_t outputOffset = 0;
  int32_t actMin = -128, actMax = 127;
};

// Where the per-channel requantization comes from: the operator's prepared data. The arrays of
// RequantParams are built from it for the channels at hand (buildRequantRange).
struct RequantSource {
  const int32_t* multipliers = nullptr;  // `channels` entries, or one when !perChannel
  const int32_t* shifts = nullptr;
  bool perChannel = true;
  const int32_t* bias = nullptr;  // may be null
  int32_t inputTerm = 0;          // offsetBias[c] = bias[c] + inputTerm * sum(w[c])
  int32_t outputOffset = 0;
  int32_t actMin = -128, actMax = 127;
};

// out[row][oc] = requant(sum_k A[row][k] * W[oc][k] + offsetBias[oc] (+ row correction)).
// Rows of A are output pixels of a convolution (im2col rows, or the input pixels themselves
// when `direct`: a 1x1 filter without padding) or the batches of a fully connected layer.
struct GemmJob {
  int32_t batches = 1, outH = 1, outW = 1;
  int32_t inH = 1, inW = 1, inC = 1;
  int32_t filterH = 1, filterW = 1;
  int32_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1, padH = 0, padW = 0;
  bool direct = true;
  int8_t padValue = 0;   // the input zero point: an out-of-image tap contributes nothing
  int32_t depth = 0;     // K = filterH * filterW * inC
  int32_t channels = 0;  // N
  // Weight of output channel oc at depth k: weights[oc * strideO + k * strideK].
  const int8_t* weights = nullptr;
  int32_t strideO = 0, strideK = 1;
  int32_t panel =
      8;  // channels packed at a time (a multiple of 8); 0: weights read in place (gemv)
  int32_t rows = kGemmMaxRows;  // im2col / staged rows of A held in scratch (1..kGemmMaxRows)
  RequantSource src;
  // Desktop host cache (buildPackedGemm): every channel packed once at prepare, and the
  // requantization arrays of every channel (offsetBias includes the input-offset term). Set, the
  // GEMM runs one panel of the whole layer from it and the scratch holds only rows of A.
  const int8_t* cachedPanel = nullptr;
  const RequantParams* cachedRq = nullptr;
  // With cachedPanel, a layer of fewer than 4 input channels may pad them to stripC (4): the
  // scratch then holds the filter rows one output row reads, each input pixel as 4 bytes, and
  // depth is filterH * filterW * stripC (the packed weights of the padded channels are 0).
  int32_t stripC = 0;
  // Set by the kernel per panel:
  const int8_t* packed = nullptr;
  const int32_t* sums = nullptr;  // weight sum of each channel of the panel
  int32_t c0 = 0;                 // the panel's first channel in the layer (indexes src)
  int32_t outStride = 0;          // output row stride (the layer's channels)
  // Fully connected with a non-zero filter zero point: each row adds
  // filterOffset * (sum of the row + depth * inputOffset).
  int32_t filterOffset = 0, inputOffset = 0;
  const int8_t* input = nullptr;
  int8_t* output = nullptr;
  int8_t* scratch = nullptr;  // gemmScratchBytes(job), 16-byte aligned
};

inline int32_t gemmRows(const GemmJob& j) {
  return j.batches * j.outH * j.outW;
}
// Depth groups of 4 a tile may read straight from the input (window mode).
constexpr int32_t kMaxWindowGroups = 1024;
// The packed form of a 1x1 layer (no padding) whose depth is a multiple of 4 reads every row of
// A in place: it needs no scratch.
inline bool gemmRowsInPlace(const GemmJob& j) {
  return j.cachedPanel != nullptr && j.direct && j.filterOffset == 0 && j.dilationW == 1 &&
         j.depth % 4 == 0 && j.depth / 4 <= kMaxWindowGroups;
}
// The dot-product path: few rows, weight rows contiguous along the depth.
// The dot-product path: weight rows contiguous along the depth, and few rows of A or no panel.
inline bool gemmInPlace(const GemmJob& j) {
  return j.cachedPanel == nullptr && j.strideK == 1 &&
         (j.panel == 0 || gemmRows(j) <= kGemvMaxRows);
}

// im2col rows (plus 16 bytes of slack for 8-byte moves past the last row), then the packed panel
// and its weight sums. Requantization constants are built in registers from the source.
inline size_t gemmRowBytes(const GemmJob& j) {
  const size_t rows = gemmInPlace(j) ? 1 : static_cast<size_t>(j.rows);
  return rows * static_cast<size_t>(roundUp(j.depth, 4)) + 16;
}
inline size_t gemmPanelBytes(const GemmJob& j) {
  return static_cast<size_t>(roundUp(j.panel, 8)) * static_cast<size_t>(roundUp(j.depth, 4));
}
// The strip of a job with stripC set: filterH rows of the padded input columns one output row
// reads, stripC bytes per pixel, plus slack.
inline size_t gemmStripBytes(const GemmJob& j) {
  const size_t width =
      static_cast<size_t>((j.outW - 1) * j.strideW + (j.filterW - 1) * j.dilationW + 1);
  return static_cast<size_t>(j.filterH) * width * static_cast<size_t>(j.stripC) + 16;
}
inline size_t gemmScratchBytes(const GemmJob& j) {
  if (j.stripC > 0) return gemmStripBytes(j);
  const size_t rows = roundUp(static_cast<int32_t>(gemmRowBytes(j)), 16);
  if (gemmInPlace(j)) {
    // Many rows without a panel (gemvRows): each channel's weight sum first.
    const size_t sums =
        j.panel == 0 && gemmRows(j) > kGemvMaxRows
            ? sizeof(int32_t) * static_cast<size_t>(roundUp(j.channels, kChannelBlock))
            : 0;
    return sums + (j.direct ? 0 : rows);
  }
  if (j.cachedPanel != nullptr) return gemmRowsInPlace(j) ? 0 : rows;
  return rows + roundUp(static_cast<int32_t>(gemmPanelBytes(j)), 16) +
         sizeof(int32_t) * roundUp(j.panel, 8);
}

// Depthwise convolution with depth multiplier 1 (a larger multiplier is handled by expanding
// the input first: `expandFrom` set).
struct DepthwiseJob {
  int32_t batches = 1, inH = 1, inW = 1, channels = 1, outH = 1, outW = 1;
  int32_t filterH = 1, filterW = 1;
  int32_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1, padH = 0, padW = 0;
  int32_t depthMultiplier = 1;      // > 1: the input has channels / depthMultiplier channels
  const int8_t* weights = nullptr;  // [tap][channel], in place
  RequantSource src;
  int8_t inputZero = 0;
  // Set by the kernel in scratch:
  const int32_t* sums =
      nullptr;  // each channel's weight sum (requantization is built from src and these)
  const int8_t* zeroRow = nullptr;      // channels + 16 bytes of the input zero point
  const int8_t* zeroWeights = nullptr;  // channels + 16 zero bytes (the padding tap's weights)
  const int8_t* const* weightTaps =
      nullptr;  // weightTaps[t][c]: tap t's weights, zeroWeights past the taps
  const int8_t* input = nullptr;
  int8_t* output = nullptr;
  uint8_t* scratch = nullptr;  // depthwiseScratchBytes()
  // A single input channel with a host cache (packedTaps set): `input` is the image already
  // padded on every side (padH = padW = 0) and in the GEMM's kernel form (each byte plus
  // kActivationBias), so every tap lies inside it; the weights are packed like a GEMM panel
  // (buildPackedGemm) with each filter row's taps in rowGroups groups of 4 (zero past the
  // filter width), and cachedRq holds the requantization (offsetBias with the input term).
  const int8_t* packedTaps = nullptr;
  const RequantParams* cachedRq = nullptr;
  int32_t rowGroups = 0;
  // Several input channels with a host cache: cachedRq as above (input term inputOffset, raw
  // input bytes) and pairWeights[(p * roundUp(channels, 8) + c) * 2 + k] = weight of tap
  // 2p + k for channel c (zero past the taps and the channels), so no weight sums are taken.
  const int16_t* pairWeights = nullptr;
};

inline size_t depthwiseTaps(int32_t filterH, int32_t filterW) {
  return static_cast<size_t>(roundUp(filterH * filterW, 2));
}
inline size_t depthwiseScratchBytes(const DepthwiseJob& j) {
  const size_t c = static_cast<size_t>(roundUp(j.channels, 8));
  size_t bytes =
      depthwiseTaps(j.filterH, j.filterW) * (2 * sizeof(const int8_t*) + sizeof(ptrdiff_t));
  bytes += 2 * (c + 16) + sizeof(int32_t) * c;
  if (j.depthMultiplier > 1 &&
      j.depthMultiplier != j.channels) {  // a single input channel is broadcast
    bytes += static_cast<size_t>(j.batches) * static_cast<size_t>(j.inH) *
                 static_cast<size_t>(j.inW) * static_cast<size_t>(j.channels) +
             16;
  }
  return bytes;
}

// Same-shape ADD (no broadcasting), `count` elements.
struct AddJob {
  kernels::AddParams params;
  size_t count = 0;
  const int8_t* input1 = nullptr;
  const int8_t* input2 = nullptr;
  int8_t* output = nullptr;
};

struct PoolJob {
  kernels::PoolParams params;
  kernels::Shape4 input, output;
  const int8_t* in = nullptr;
  int8_t* out = nullptr;
};

// A matrix prepared once at prepare into the host cache (buildCachedGemv): row oc of `weights`
// holds channel oc's `depth` weights then zeros up to `depthPadded` (a multiple of 32), for
// roundUp(channels, 8) rows (missing channels all zero); rq's arrays have as many entries, with
// offsetBias = bias + inputTerm * (the channel's weight sum).
struct CachedGemv {
  const int8_t* weights = nullptr;
  int32_t depth = 0, depthPadded = 0, channels = 0;
  RequantParams rq;
};

struct SimdKernels {
  void (*gemm)(const GemmJob& job) = nullptr;
  void (*depthwise)(const DepthwiseJob& job) = nullptr;
  void (*add)(const AddJob& job) = nullptr;
  void (*averagePool)(const PoolJob& job) = nullptr;
  // What the GEMM adds to each activation byte before multiplying (128: unsigned VNNI operand).
  int32_t activationBias = 0;
  // The vector requantization alone, before narrowing to int8 (tests check it exhaustively):
  // out[c] = clamp(MultiplyByQuantizedMultiplier(acc[c] + offsetBias[c]) + outputOffset), for
  // c < n, n a multiple of 8.
  void (*requant)(const int32_t* acc, int32_t n, const RequantParams& rq, int32_t* out) = nullptr;
  int32_t tileRows = kGemmMaxRows;                // rows of A per register tile (kMR)
  void (*maxPool)(const PoolJob& job) = nullptr;  // int8 MAX_POOL_2D
  // For each of `rows` rows of x (`depth` bytes apart): acc[oc] = sum_k kernelForm(x[k]) *
  // w[oc][k] + offsetBias[oc]; stored as int32 in accOut[row][oc] when accOut is set, else
  // requantized with g.rq into out[row][oc].
  void (*gemvCached)(const CachedGemv& g, const int8_t* x, int32_t rows, int8_t* out,
                     int32_t* accOut) = nullptr;
  // pairs[i] = a[2i] * w[2i] + a[2i + 1] * w[2i + 1] for i < n / 2 (n even), wrapping int32.
  void (*pairDots8)(const int8_t* a, const int8_t* w, int32_t n, int32_t* pairs) = nullptr;
  void (*pairDots16)(const int16_t* a, const int16_t* w, int32_t n, int32_t* pairs) = nullptr;
};

// Packs channels [c0, c0 + n) of the job's weights into the layout above (n <= panel) and their
// sums.
void packPanel(const GemmJob& j, int32_t c0, int32_t n, int8_t* packed, int32_t* sums);

// A GEMM's weights packed once into the host cache (the layout above, every channel in one
// panel) with its requantization arrays (roundUp(channels, 8) entries; offsetBias = bias +
// src.inputTerm * weight sum, wrapping). Built by buildPackedGemm from a job's weights and src.
struct PackedGemm {
  const int8_t* panel = nullptr;
  RequantParams rq;
  int32_t rows = 1;    // rows of A the scratch holds (planPackedGemm)
  int32_t stripC = 0;  // GemmJob::stripC of the packed layout
};

// Fills `g` from host-cache memory of `ctx` for the job's weights (set) and source; false
// without a host cache (or when it is exhausted): the caller keeps its arena path.
bool buildPackedGemm(const OpContext& ctx, const GemmJob& j, PackedGemm* g);

// Fills `g` for a [channels][depth] int8 matrix with host-cache memory from `ctx`: the padded
// weights and the requantization arrays (offsetBias = bias + inputTerm * weight sum, in wrapping
// int32 arithmetic; bias may be null; multipliers/shifts have one entry unless perChannel).
// False without a host cache (or when it is exhausted): the caller keeps its arena path.
bool buildCachedGemv(const OpContext& ctx, const int8_t* weights, int32_t channels, int32_t depth,
                     const int32_t* bias, int32_t inputTerm, const int32_t* multipliers,
                     const int32_t* shifts, bool perChannel, int32_t outputOffset, int32_t actMin,
                     int32_t actMax, CachedGemv* g);

// Five arrays of roundUp(n, 8) entries from host-cache memory for one multiplier and shift
// (offsetBias all zero), outputOffset and the clamp; false without a host cache.
bool buildUniformRequant(const OpContext& ctx, int32_t n, int32_t multiplier, int32_t shift,
                         int32_t outputOffset, int32_t actMin, int32_t actMax, RequantParams* rq);

// nullptr for Isa::kReference.
const SimdKernels* simdKernels(uint8_t isa);
const SimdKernels* avx2Kernels();
const SimdKernels* avxVnniKernels();
const SimdKernels* avx512VnniKernels();

}  // namespace tinyscope::runner::optimized
