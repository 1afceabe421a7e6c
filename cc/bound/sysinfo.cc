// Machine description for the benchmark context (see sysinfo.h).
#include "cc/bound/sysinfo.h"

#include <fstream>

#include "benchmark/benchmark.h"

namespace tflatency {
namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::string CpuModelName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 10, "model name") != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> CacheSizes() {
  std::vector<std::pair<std::string, std::string>> sizes;
  for (int i = 0; i < 16; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    const std::string level = FirstLine(dir + "level"), type = FirstLine(dir + "type");
    const std::string size = FirstLine(dir + "size");
    if (level.empty() || size.empty()) continue;
    const std::string suffix = type == "Data" ? "d" : type == "Instruction" ? "i" : "";
    sizes.emplace_back("cache_l" + level + suffix + "_size", size);
  }
  return sizes;
}

void AddMachineContext() {
  const std::string model = CpuModelName();
  if (!model.empty()) benchmark::AddCustomContext("cpu_model", model);
  for (const auto& entry : CacheSizes()) benchmark::AddCustomContext(entry.first, entry.second);
}

}  // namespace tflatency
