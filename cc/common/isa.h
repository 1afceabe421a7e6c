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
// AVX512_VNNI on top of the avx512 path (the int8-activation kernel's vpdpbusd); false
// whenever the avx512 path is (TFLATENCY_ISA_MAX included).
bool CpuSupportsAvx512Vnni();
Isa BestIsa();                     // the widest this CPU supports
std::vector<Isa> SupportedIsas();  // narrowest first

}  // namespace tflatency

#endif  // TFLATENCY_CC_COMMON_ISA_H_
