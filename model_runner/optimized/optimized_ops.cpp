#include "model_runner/optimized/optimized_ops.h"

#include <cpuid.h>

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

// CPUID feature bits and the OS's XSAVE state (XCR0), read directly so that GCC and clang
// (whose __builtin_cpu_supports lacks "avxvnni" before clang 15) agree.
struct CpuFeatures {
  bool avx2 = false, avxVnni = false, avx512 = false, avx512Vnni = false;
};

uint64_t xcr0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures readCpu() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(1, 0, eax, ebx, ecx, edx);
  const bool osxsave = (ecx >> 27) & 1u;
  if (!osxsave) return f;
  const uint64_t xcr = xcr0();
  const bool ymmState = (xcr & 0x6) == 0x6;    // SSE + AVX state
  const bool zmmState = (xcr & 0xE6) == 0xE6;  // + opmask, ZMM0-15 upper halves, ZMM16-31
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const bool avx2 = (ebx >> 5) & 1u;
  const bool avx512f = (ebx >> 16) & 1u, avx512bw = (ebx >> 30) & 1u, avx512vl = (ebx >> 31) & 1u;
  const bool avx512vnni = (ecx >> 11) & 1u;
  __cpuid_count(7, 1, eax, ebx, ecx, edx);
  const bool avxvnni = (eax >> 4) & 1u;
  f.avx2 = ymmState && avx2;
  f.avxVnni = f.avx2 && avxvnni;
  f.avx512 = f.avx2 && zmmState && avx512f && avx512bw && avx512vl;
  f.avx512Vnni = f.avx512 && avx512vnni;
  return f;
}

}  // namespace

bool isaSupported(Isa isa) {
  static const CpuFeatures f = readCpu();
  switch (isa) {
    case Isa::kAvx512Vnni:
      return f.avx512Vnni;
    case Isa::kAvxVnni:
      return f.avxVnni;
    case Isa::kAvx2:
      return f.avx2;
    case Isa::kReference:
      break;
  }
  return true;
}

namespace {

// `isa`, or the next lower instruction set this CPU supports.
Isa lowerToSupported(Isa isa) {
  while (isa != Isa::kReference && !isaSupported(isa))
    isa = static_cast<Isa>(static_cast<uint8_t>(isa) - 1);
  return isa;
}

}  // namespace

Isa detectIsa() {
  static const Isa isa = lowerToSupported(Isa::kAvx512Vnni);
  return isa;
}

const char* isaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512Vnni:
      return "avx512vnni";
    case Isa::kAvxVnni:
      return "avxvnni";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kReference:
      break;
  }
  return "reference";
}

const SimdKernels* simdKernels(uint8_t isa) {
  switch (static_cast<Isa>(isa)) {
    case Isa::kAvx512Vnni:
      return avx512VnniKernels();
    case Isa::kAvxVnni:
      return avxVnniKernels();
    case Isa::kAvx2:
      return avx2Kernels();
    case Isa::kReference:
      break;
  }
  return nullptr;
}

Status addOptimizedOps(OpResolver& resolver) {
  return addOptimizedOps(resolver, detectIsa());
}

Status addOptimizedOps(OpResolver& resolver, Isa isa) {
  isa = lowerToSupported(isa);
  const OpRegistration registrations[] = {registerConv2d(isa),
                                          registerDepthwiseConv2d(isa),
                                          registerFullyConnected(isa),
                                          registerAdd(isa),
                                          registerAveragePool2d(isa),
                                          registerMaxPool2d(isa),
                                          registerSvdf(isa),
                                          registerUnidirectionalSequenceLstm(isa),
                                          registerLogistic(),
                                          registerTanh(),
                                          registerQuantize(),
                                          registerHardSwish(),
                                          registerMul(isa),
                                          registerTransposeConv(isa),
                                          registerConcatenation(),
                                          registerPad(),
                                          registerPadV2(),
                                          registerMean(isa),
                                          registerSum(isa),
                                          registerTranspose(isa)};
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::optimized
