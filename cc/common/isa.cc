// Run-time ISA detection (see isa.h).
#include "cc/common/isa.h"

#include <cstdlib>

namespace tflatency {
namespace {

constexpr Isa kNarrowestFirst[] = {Isa::kScalar, Isa::kAvx2, Isa::kAvx512};

}  // namespace

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
    default: return "scalar";
  }
}

bool IsaFromName(const std::string& name, Isa* isa) {
  for (Isa candidate : kNarrowestFirst) {
    if (name == IsaName(candidate)) {
      *isa = candidate;
      return true;
    }
  }
  return false;
}

bool CpuSupports(Isa isa) {
  // TFLATENCY_ISA_MAX=<name>: behave as a CPU without anything wider (tests of the n/a paths).
  const char* cap_name = std::getenv("TFLATENCY_ISA_MAX");
  Isa cap;
  if (cap_name != nullptr && IsaFromName(cap_name, &cap) && static_cast<int>(isa) > static_cast<int>(cap)) {
    return false;
  }
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  switch (isa) {
    case Isa::kAvx512: return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    case Isa::kAvx2: return avx2;
    default: return true;
  }
#else
  return isa == Isa::kScalar;
#endif
}

std::string UnsupportedReason(Isa isa) {
  return CpuSupports(isa) ? "" : std::string("this CPU does not support the ") + IsaName(isa) + " path";
}

const char* ExtensionName(IsaExtension extension) {
  return extension == IsaExtension::kAvx512Vnni ? "AVX512_VNNI" : "AVX512_BF16";
}

bool CpuSupports(IsaExtension extension) {
  if (!CpuSupports(Isa::kAvx512)) return false;
#if defined(__x86_64__) || defined(__i386__)
  return extension == IsaExtension::kAvx512Vnni ? __builtin_cpu_supports("avx512vnni")
                                                 : __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

std::string UnsupportedReason(IsaExtension extension) {
  if (!CpuSupports(Isa::kAvx512)) return UnsupportedReason(Isa::kAvx512);
  return CpuSupports(extension) ? "" : std::string("this CPU does not support ") + ExtensionName(extension);
}

Isa BestIsa() { return SupportedIsas().back(); }

std::vector<Isa> SupportedIsas() {
  std::vector<Isa> isas;
  for (Isa isa : kNarrowestFirst) {
    if (CpuSupports(isa)) isas.push_back(isa);
  }
  return isas;
}

}  // namespace tflatency
