// Describes the machine in the benchmark JSON's context: CPU model name
// (/proc/cpuinfo) and cache sizes of cpu0 (sysfs), whichever are readable.
#ifndef TFLATENCY_CC_BOUND_SYSINFO_H_
#define TFLATENCY_CC_BOUND_SYSINFO_H_

#include <string>
#include <utility>
#include <vector>

namespace tflatency {

std::string CpuModelName();  // empty if unreadable
// ("cache_l1d_size", "48K"), ("cache_l2_size", "1024K"), ... as sysfs spells them.
std::vector<std::pair<std::string, std::string>> CacheSizes();
void AddMachineContext();  // both of the above, via benchmark::AddCustomContext

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_SYSINFO_H_
