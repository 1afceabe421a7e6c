// google-benchmark's flags, then the program's own (see benchmark_flags.h).
#include "cc/harness/benchmark_flags.h"

#include <cstdio>

#include "benchmark/benchmark.h"

namespace tflatency {
namespace {

// benchmark::Initialize takes a plain function for --help; it prints these too.
const FlagParser* g_help_flags = nullptr;

void PrintHelp() {
  benchmark::PrintDefaultHelp();
  if (g_help_flags != nullptr) std::fprintf(stdout, "\nThis program's flags:\n%s", g_help_flags->Help().c_str());
}

}  // namespace

bool InitBenchmarkAndFlags(const std::string& program, FlagParser* flags, int* argc, char** argv) {
  g_help_flags = flags;
  benchmark::Initialize(argc, argv, PrintHelp);
  const std::string error = flags->Parse(argc, argv);
  if (!error.empty()) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), error.c_str());
    return false;
  }
  return !benchmark::ReportUnrecognizedArguments(*argc, argv);
}

}  // namespace tflatency
