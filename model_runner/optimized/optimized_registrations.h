// Registrations of the optimized kernels for one instruction set (internal; users call
// addOptimizedOps()). One file per operator, named like the reference kernel.
#pragma once

#include "model_runner/op_resolver.h"
#include "model_runner/optimized/optimized_ops.h"

namespace tinyscope::runner::optimized {

// The instantiation of a kernel function for an instruction set: kernels are templates over
// the Isa value (fn<0> portable ... fn<3> AVX-512 VNNI).
template <class Fn>
Fn forIsa(Isa isa, Fn portable, Fn avx2, Fn avxVnni, Fn avx512Vnni) {
  switch (isa) {
    case Isa::kAvx2:
      return avx2;
    case Isa::kAvxVnni:
      return avxVnni;
    case Isa::kAvx512Vnni:
      return avx512Vnni;
    case Isa::kReference:
      break;
  }
  return portable;
}

// `r` running `invoke` instead: the reference's prepare (checks, errors, op data) stays.
inline OpRegistration withInvoke(OpRegistration r, void (*invoke)(const OpContext& ctx)) {
  r.invoke = invoke;
  return r;
}

OpRegistration registerConv2d(Isa isa);
OpRegistration registerDepthwiseConv2d(Isa isa);
OpRegistration registerFullyConnected(Isa isa);
OpRegistration registerAdd(Isa isa);
OpRegistration registerAveragePool2d(Isa isa);
OpRegistration registerMaxPool2d(Isa isa);
OpRegistration registerSvdf(Isa isa);
OpRegistration registerUnidirectionalSequenceLstm(Isa isa);
// int8 (or int16) -> int8 as a table of every input value built from the reference at the first
// invoke (host cache).
OpRegistration registerLogistic();
OpRegistration registerTanh();
OpRegistration registerQuantize();
OpRegistration registerHardSwish();
// int8 and int16 MUL vectorised (same-shape and broadcast); other types: the reference.
OpRegistration registerMul(Isa isa);
// int8 as a cached GEMV plus col2im (host cache needed); other types: the reference.
OpRegistration registerTransposeConv(Isa isa);
// Byte copies of every type, short per-pixel pieces as fixed-size moves.
OpRegistration registerConcatenation();
// Every type: long row copies and joined fills (dimensions without padding merged).
OpRegistration registerPad();
OpRegistration registerPadV2();
// int8 and int16 sums over merged loops (vectorizable channel runs); float32: the reference.
OpRegistration registerMean(Isa isa);
OpRegistration registerSum(Isa isa);
// Every type: merged loops as row copies or a tiled 2-D transposition.
OpRegistration registerTranspose(Isa isa);

}  // namespace tinyscope::runner::optimized
