// Per-call latency mode of the C++ benchmark programs (aot_bench, session_bench,
// hand_bench, every tf_aot_library <name>_benchmark): instead of running
// google-benchmark, `--per_call_out=FILE` takes the one case `--benchmark_filter`
// selects and
//   1. loads it (timed: load_ms; whatever that path's initialisation is),
//   2. runs the first inference (timed: first_inference_us) and checks its output
//      against the golden output (FAILED: one line, exit 1, nothing written),
//   3. warms up (kWarmupCalls calls), measures the clock's own cost (median of
//      back-to-back std::chrono::steady_clock reads: timer_overhead_ns),
//   4. times `--per_call_count=N` (default kDefaultCount) calls one by one with
//      std::chrono::steady_clock; each sample includes one timer overhead
//      (TFLATENCY_PROFILE_GATE set: a profiler attaches just before them and detaches after),
//   5. records peak RSS (getrusage ru_maxrss) before and after the timed calls and
//      the growth of the current RSS (/proc/self/statm) over them,
// and writes JSON atomically (FILE.tmp.<pid>, then rename; a relative FILE is
// taken from where `bazel run` was called):
//   {"name", "program", "clock", "count", "warmup", "timer_overhead_ns", "load_ms",
//    "first_inference_us", "peak_rss_mb", "peak_rss_before_mb", "rss_growth_mb",
//    "golden_check", "samples_ns": [...]}
// MB are 2^20 bytes. Every field's JSON type: per_call_schema.json beside this
// file, which per_call_schema_test checks this writer and the Python one
// (python/tflatency/per_call.py) against.
//
// A program adds Flags to its FlagParser, registers a Loader per case
// (per_call::Register) and, when Flags::enabled(), returns
// per_call::Run(program, flags) instead of benchmark::RunSpecifiedBenchmarks().
// Exit status of Run: 0 written, 1 the case could not load or run or failed its
// golden check, 2 a filter that does not select exactly one case or an
// unwritable FILE.
#ifndef TFLATENCY_CC_HARNESS_PER_CALL_H_
#define TFLATENCY_CC_HARNESS_PER_CALL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cc/harness/flags.h"
#include "cc/harness/golden_compare.h"

namespace tflatency {
namespace per_call {

constexpr int64_t kDefaultCount = 5000;
constexpr int64_t kMaxCount = 100000000;
constexpr int64_t kWarmupCalls = 200;

struct Flags {
  std::string out;  // --per_call_out=FILE; empty: the google-benchmark mode
  int64_t count = kDefaultCount;
  bool enabled() const { return !out.empty(); }
  // Adds --per_call_out=FILE and --per_call_count=N, bound to this object.
  void AddTo(FlagParser* parser);
};

// One loaded case. `call` runs one inference on the golden input (false: it
// failed, `error()` may say why); `check` compares the last call's output with
// the golden output. Both may use state the loader captured.
struct Case {
  std::function<bool()> call;
  std::function<GoldenResult()> check;
  std::function<std::string()> error;
};

// Initialises one case into *loaded: returns "" or a one-line reason it cannot run.
using Loader = std::function<std::string(Case* loaded)>;

// Registers case `name` (the google-benchmark name without /real_time).
void Register(const std::string& name, Loader loader);

// The per-call mode for the case --benchmark_filter selects; returns the exit status.
int Run(const std::string& program, const Flags& flags);

}  // namespace per_call
}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_PER_CALL_H_
