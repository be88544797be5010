#include "model_runner/optimized/optimized_ops.h"

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

bool supported(Isa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case Isa::kAvx512Vnni:
      return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx2");
    case Isa::kAvxVnni: return __builtin_cpu_supports("avxvnni") && __builtin_cpu_supports("avx2");
    case Isa::kAvx2: return __builtin_cpu_supports("avx2");
    case Isa::kReference: break;
  }
  return true;
}

// `isa`, or the next lower instruction set this CPU supports.
Isa lowerToSupported(Isa isa) {
  while (isa != Isa::kReference && !supported(isa)) isa = static_cast<Isa>(static_cast<uint8_t>(isa) - 1);
  return isa;
}

}  // namespace

Isa detectIsa() {
  static const Isa isa = lowerToSupported(Isa::kAvx512Vnni);
  return isa;
}

const char* isaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512Vnni: return "avx512vnni";
    case Isa::kAvxVnni: return "avxvnni";
    case Isa::kAvx2: return "avx2";
    case Isa::kReference: break;
  }
  return "reference";
}

const SimdKernels* simdKernels(uint8_t isa) {
  switch (static_cast<Isa>(isa)) {
    case Isa::kAvx512Vnni: return avx512VnniKernels();
    case Isa::kAvxVnni: return avxVnniKernels();
    case Isa::kAvx2: return avx2Kernels();
    case Isa::kReference: break;
  }
  return nullptr;
}

Status addOptimizedOps(OpResolver& resolver) { return addOptimizedOps(resolver, detectIsa()); }

Status addOptimizedOps(OpResolver& resolver, Isa isa) {
  isa = lowerToSupported(isa);
  const OpRegistration registrations[] = {registerConv2d(isa), registerDepthwiseConv2d(isa),
                                          registerFullyConnected(isa), registerAdd(isa),
                                          registerAveragePool2d(isa)};
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::optimized
