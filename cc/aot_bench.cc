// //cc:aot_bench: one inference of every XLA AOT build of the benchmarked model,
// and of the AOT-compiled trivial int32 multiply, on google-benchmark (all
// standard --benchmark_* flags). The builds are model/benchmarked.bzl's, in its
// order: this machine's CPU family with TF's default flags and with two XLA
// settings for AVX-512 (aot/<cpu>_tuned), for an RNN config also the graph that
// projects every time step's input in one matmul, with TF's default flags
// (aot/<cpu>_hoisted) and tuned (aot/<cpu>_hoisted_tuned), then AVX2 (haswell)
// and generic x86-64, so the report shows what the target CPU and the flags are
// worth. A user's model XLA cannot compile has none of them (the report says why).
// Every case checks its outputs on the golden input before it is timed.
// --per_call_out=FILE [--per_call_count=N] times the one case --benchmark_filter
// selects call by call instead (cc/harness/per_call.h).
#include "benchmark/benchmark.h"
#include "cc/harness/benchmark_flags.h"
#include "cc/harness/flags.h"
#include "cc/harness/per_call.h"
#include "model/aot_libraries.h"  // TFLATENCY_AOT_LIBRARIES
#include "tfcompile/aot_harness.h"

// One case per AOT library, named from its traits (aot/<cpu>[_<variant>]/<kind>), in this order,
// with what it was compiled for in the JSON context.
template <class... Traits>
void RegisterAll() {
  (tflatency::AddAotLibraryContext<Traits>(), ...);
  (tflatency::RegisterAotBenchmark<Traits>(tflatency::BenchmarkName<Traits>()), ...);
}

int main(int argc, char** argv) {
  tflatency::per_call::Flags per_call;
  tflatency::FlagParser parser;
  per_call.AddTo(&parser);
  if (!tflatency::InitBenchmarkAndFlags("aot_bench", &parser, &argc, argv)) return 2;
  tflatency::AddTfContext();
  RegisterAll<TFLATENCY_AOT_LIBRARIES>();
  // --per_call_out: the selected case's per-call latencies instead (cc/harness/per_call.h).
  if (per_call.enabled()) return tflatency::per_call::Run("aot_bench", per_call);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return tflatency::AnyGoldenCheckFailed() ? 1 : 0;
}
