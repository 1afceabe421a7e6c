// //cc/common:isa_test: the one ISA definition. Names round-trip, the order is
// narrowest first, a wider ISA implies the narrower ones, and what CpuSupports
// says matches the CPU flags the kernel reports in /proc/cpuinfo (avx512 =
// avx512f + avx512dq + avx2 + fma; avx2 = avx2 + fma; the extensions = avx512 +
// avx512_vnni / avx512_bf16). Plain main: prints each
// failure, exits 1 if any.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cc/common/isa.h"

namespace tflatency {
namespace {

int g_failures = 0;

void Expect(bool ok, const std::string& what) {
  if (!ok) {
    ++g_failures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

// The "flags" line of the first CPU in /proc/cpuinfo; empty if unreadable.
std::set<std::string> CpuInfoFlags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 5, "flags") != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::set<std::string> flags;
    for (std::string word; words >> word;) flags.insert(word);
    return flags;
  }
  return {};
}

void TestNames() {
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    Isa parsed = Isa::kScalar;
    Expect(IsaFromName(IsaName(isa), &parsed) && parsed == isa, std::string("round trip of ") + IsaName(isa));
  }
  Isa unchanged = Isa::kAvx2;
  Expect(!IsaFromName("auto", &unchanged) && unchanged == Isa::kAvx2, "'auto' is not an ISA");
  Expect(!IsaFromName("sse9", &unchanged), "unknown name rejected");
}

void TestSupport() {
  const std::vector<Isa> supported = SupportedIsas();
  Expect(!supported.empty() && supported.front() == Isa::kScalar, "scalar is always supported, listed first");
  for (size_t i = 1; i < supported.size(); ++i) {
    Expect(supported[i - 1] < supported[i], "SupportedIsas is narrowest first");
  }
  Expect(BestIsa() == supported.back(), "BestIsa is the widest supported");
  Expect(!CpuSupports(Isa::kAvx512) || CpuSupports(Isa::kAvx2), "avx512 implies avx2");
  const std::set<std::string> flags = CpuInfoFlags();
  if (flags.empty()) {
    std::printf("no /proc/cpuinfo flags: skipping the comparison with the kernel's CPU flags\n");
    return;
  }
  auto has = [&](const char* flag) { return flags.count(flag) > 0; };
  const bool avx2 = has("avx2") && has("fma");
  Expect(CpuSupports(Isa::kAvx2) == avx2, "avx2 = avx2 + fma in /proc/cpuinfo");
  Expect(CpuSupports(Isa::kAvx512) == (avx2 && has("avx512f") && has("avx512dq")),
         "avx512 = avx512f + avx512dq + avx2 + fma in /proc/cpuinfo");
  const bool avx512 = CpuSupports(Isa::kAvx512);
  Expect(CpuSupports(IsaExtension::kAvx512Vnni) == (avx512 && has("avx512_vnni")),
         "AVX512_VNNI = the avx512 path + avx512_vnni in /proc/cpuinfo");
  Expect(CpuSupports(IsaExtension::kAvx512Bf16) == (avx512 && has("avx512_bf16")),
         "AVX512_BF16 = the avx512 path + avx512_bf16 in /proc/cpuinfo");
  for (IsaExtension extension : {IsaExtension::kAvx512Vnni, IsaExtension::kAvx512Bf16}) {
    const std::string reason = UnsupportedReason(extension);
    Expect(reason.empty() == CpuSupports(extension) &&
               (reason.empty() || reason == std::string("this CPU does not support ") + ExtensionName(extension) ||
                (!avx512 && reason == UnsupportedReason(Isa::kAvx512))),
           std::string("UnsupportedReason names ") + ExtensionName(extension));
  }
  std::printf("widest ISA here: %s\n", IsaName(BestIsa()));
}

}  // namespace
}  // namespace tflatency

int main() {
  tflatency::TestNames();
  tflatency::TestSupport();
  std::printf(tflatency::g_failures == 0 ? "all passed\n" : "%d failure(s)\n", tflatency::g_failures);
  return tflatency::g_failures == 0 ? 0 : 1;
}
