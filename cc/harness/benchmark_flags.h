// The start of every google-benchmark program's main(): google-benchmark takes
// its own --benchmark_* flags, then the program's FlagParser takes its flags,
// and anything left is an unknown flag. --help prints google-benchmark's flags
// and the program's.
#ifndef TFLATENCY_CC_HARNESS_BENCHMARK_FLAGS_H_
#define TFLATENCY_CC_HARNESS_BENCHMARK_FLAGS_H_

#include <string>

#include "cc/harness/flags.h"

namespace tflatency {

// Returns true to go on. False (the caller exits 2) after printing one line:
// "<program>: <error>" for a bad flag of `flags` (checked first), or
// google-benchmark's own line for an unknown flag.
bool InitBenchmarkAndFlags(const std::string& program, FlagParser* flags, int* argc, char** argv);

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_BENCHMARK_FLAGS_H_
