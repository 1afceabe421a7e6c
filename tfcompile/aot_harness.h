// Runs, checks and benchmarks an AOT-compiled model described by a traits
// struct from tf_aot_library (Model, Golden, kTargetCpu, kLibrary).
// Used by the macro's generated <name>_test / <name>_benchmark and by //cc:aot_bench;
// every registered case also has the per-call mode of cc/harness/per_call.h.
#ifndef TFLATENCY_TFCOMPILE_AOT_HARNESS_H_
#define TFLATENCY_TFCOMPILE_AOT_HARNESS_H_

#include <cstdio>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "cc/harness/benchmark_flags.h"
#include "cc/harness/fault_injection.h"
#include "cc/harness/flags.h"
#include "cc/harness/golden_compare.h"
#include "cc/harness/golden_outputs.h"
#include "cc/harness/per_call.h"
#include "tf_python/tf_build_info.h"

namespace tflatency {

// Compares every result of the last Run with its golden output (matched by name).
template <class Traits>
GoldenResult CompareAotOutput(typename Traits::Model& model) {
  using Golden = typename Traits::Golden;
  return CompareOutputs<Golden>(
      [&model](int j) -> const void* { return model.result_data(Golden::ResultIndex(model, j)); });
}

// Sets the golden inputs, runs once and compares every result with the golden outputs.
template <class Traits>
GoldenResult RunGoldenCheck(typename Traits::Model& model) {
  Traits::Golden::SetArgs(model);
  if (!model.Run()) {
    GoldenResult failed;
    failed.ok = false;
    failed.max_abs_diff = -1;
    return failed;
  }
  return CompareAotOutput<Traits>(model);
}

// Records what was compiled, for whom, in the benchmark's JSON context.
template <class Traits>
void AddAotContext(const std::string& prefix) {
  benchmark::AddCustomContext(prefix + "model", Traits::Golden::kModelName);
  if (Traits::Golden::kFmaCount >= 0) {
    benchmark::AddCustomContext(prefix + "fma_count", std::to_string(Traits::Golden::kFmaCount));
  }
  benchmark::AddCustomContext(prefix + "aot_target_cpu", Traits::kTargetCpu);
  benchmark::AddCustomContext(prefix + "aot_library", Traits::kLibrary);
}

inline void AddTfContext() {
  benchmark::AddCustomContext("tf_version", TFLATENCY_TF_VERSION);
  benchmark::AddCustomContext("tf_git_version", TFLATENCY_TF_GIT_VERSION);
}

// The case's name in every report: aot/<target cpu>[_<variant>]/<rnn|trivial>.
template <class Traits>
std::string BenchmarkName() {
  const std::string variant = Traits::kVariant;
  return std::string("aot/") + Traits::kTargetCpu + (variant.empty() ? "" : "_" + variant) + "/" +
         Traits::Golden::kKind;
}

// For aot_bench, which runs several libraries: each one's library and flags under its
// case name, and the benchmarked model's name and FMA count once (from the first
// library that is not the trivial multiply).
template <class Traits>
void AddAotLibraryContext() {
  static bool model_added = false;
  const std::string name = BenchmarkName<Traits>();
  benchmark::AddCustomContext("aot_library:" + name, Traits::kLibrary);
  if (Traits::kTfcompileFlags[0] != '\0') benchmark::AddCustomContext("xla_flags:" + name, Traits::kTfcompileFlags);
  if (model_added || std::string(Traits::Golden::kKind) == "trivial") return;
  model_added = true;
  benchmark::AddCustomContext("model", Traits::Golden::kModelName);
  if (Traits::Golden::kFmaCount >= 0) {
    benchmark::AddCustomContext("fma_count", std::to_string(Traits::Golden::kFmaCount));
  }
}

// Set when any golden check failed, so that main() exits non-zero.
inline bool& AnyGoldenCheckFailed() {
  static bool failed = false;
  return failed;
}

// One inference: copy the input in, run. Skips (no time reported) when the
// output on the golden input is wrong.
template <class Traits>
void BM_AotInference(benchmark::State& state) {
  MaybeInjectFault(BenchmarkName<Traits>());
  typename Traits::Model model;
  const GoldenResult check = RunGoldenCheck<Traits>(model);
  if (!check.ok) {
    AnyGoldenCheckFailed() = true;
    state.SkipWithError(("golden check " + check.Describe()).c_str());
    return;
  }
  for (auto _ : state) {
    Traits::Golden::SetArgs(model);
    model.Run();
    benchmark::DoNotOptimize(model.result_data(0));
    benchmark::ClobberMemory();
  }
  state.counters["max_abs_error"] = check.max_abs_diff;  // the Precision table's error column
  if (Traits::Golden::kFmaCount > 0) {  // -1: a user's model XLA could not count
    state.counters["fma_per_second"] = benchmark::Counter(
        static_cast<double>(Traits::Golden::kFmaCount) * state.iterations(), benchmark::Counter::kIsRate);
  }
}

// Registers the google-benchmark case and its per-call mode (loading = constructing
// the AOT object, which allocates its buffers; one call = set the input, run).
template <class Traits>
void RegisterAotBenchmark(const std::string& name) {
  benchmark::RegisterBenchmark(name.c_str(), BM_AotInference<Traits>)->UseRealTime();
  per_call::Register(name, [](per_call::Case* c) {
    auto model = std::make_shared<typename Traits::Model>();
    c->call = [model] {
      Traits::Golden::SetArgs(*model);
      return model->Run();
    };
    c->check = [model] { return CompareAotOutput<Traits>(*model); };
    c->error = [model] { return std::string(model->error_msg()); };
    return std::string();
  });
}

// main() of <name>_test: the golden check, nothing timed.
template <class Traits>
int GoldenTestMain(int, char**) {
  typename Traits::Model model;
  const GoldenResult check = RunGoldenCheck<Traits>(model);
  std::printf("%s (%s, target %s): golden check %s\n", Traits::kLibrary, Traits::Golden::kModelName,
              Traits::kTargetCpu, check.Describe().c_str());
  return check.ok ? 0 : 1;
}

// main() of <name>_benchmark: standard --benchmark_* flags (and --per_call_*), one case.
template <class Traits>
int BenchmarkMain(int argc, char** argv) {
  per_call::Flags per_call_flags;
  FlagParser parser;
  per_call_flags.AddTo(&parser);
  if (!InitBenchmarkAndFlags(std::string(Traits::kLibrary) + "_benchmark", &parser, &argc, argv)) return 2;
  AddTfContext();
  AddAotContext<Traits>("");
  RegisterAotBenchmark<Traits>(BenchmarkName<Traits>());
  if (per_call_flags.enabled()) return per_call::Run(BenchmarkName<Traits>(), per_call_flags);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return AnyGoldenCheckFailed() ? 1 : 0;
}

}  // namespace tflatency

#endif  // TFLATENCY_TFCOMPILE_AOT_HARNESS_H_
