// The vector instruction sets the C++ kernels (the hand-written kernel and the
// hardware bounds) have code paths for, detected at run time with
// __builtin_cpu_supports; no global -march is used anywhere, each path's
// functions carry their own target attribute.
#ifndef TFLATENCY_CC_COMMON_ISA_H_
#define TFLATENCY_CC_COMMON_ISA_H_

#include <string>
#include <vector>

namespace tflatency {

// Ordered narrowest first.
enum class Isa { kScalar, kAvx2, kAvx512 };

const char* IsaName(Isa isa);  // "scalar", "avx2", "avx512"
bool IsaFromName(const std::string& name, Isa* isa);
// What each path's code may use: avx512 = AVX-512F and DQ, AVX2 and FMA;
// avx2 = AVX2 and FMA; scalar (portable C++) always. The environment variable
// TFLATENCY_ISA_MAX=<name> caps it (as if the CPU had nothing wider), so the
// paths that say n/a on a smaller CPU can be tested on any machine.
bool CpuSupports(Isa isa);
// "" if the CPU supports `isa`, else the one-line reason a row on it is n/a:
// "this CPU does not support the <isa> path".
std::string UnsupportedReason(Isa isa);
// Extensions on top of the avx512 path that the narrow-activation kernels need:
// AVX512_VNNI's vpdpbusd (int8) and AVX512_BF16's vdpbf16ps (bf16). Each is
// unsupported whenever the avx512 path is (TFLATENCY_ISA_MAX included).
enum class IsaExtension { kAvx512Vnni, kAvx512Bf16 };
const char* ExtensionName(IsaExtension extension);  // "AVX512_VNNI", "AVX512_BF16"
bool CpuSupports(IsaExtension extension);
// "" if the CPU supports `extension`, else why not: "this CPU does not support <name>" (or the
// avx512 path's reason where that is missing).
std::string UnsupportedReason(IsaExtension extension);
Isa BestIsa();                     // the widest this CPU supports
std::vector<Isa> SupportedIsas();  // narrowest first

}  // namespace tflatency

#endif  // TFLATENCY_CC_COMMON_ISA_H_
