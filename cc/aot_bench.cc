// //cc:aot_bench: one inference of the XLA AOT-compiled RNN, and the AOT-compiled
// trivial int32 multiply, on google-benchmark (all standard --benchmark_* flags).
// The RNN is compiled for this machine's CPU family, for AVX2 (haswell) and for
// generic x86-64, so the report shows what the target CPU is worth, and for this
// machine's family with two XLA settings (aot/<cpu>_tuned/rnn; model/BUILD's
// model_aot_tuned), so it shows what they are worth; and the same network as a
// graph that projects every time step's input in one matmul, with TF's default
// flags (aot/<cpu>_hoisted/rnn) and tuned (aot/<cpu>_hoisted_tuned/rnn). Every case
// checks its output on the golden input before it is timed. --per_call_out=FILE
// [--per_call_count=N] times the one case --benchmark_filter selects call by call
// instead (cc/harness/per_call.h).
#include "benchmark/benchmark.h"
#include "cc/harness/benchmark_flags.h"
#include "cc/harness/flags.h"
#include "cc/harness/per_call.h"
#include "model/model_aot_generic_traits.h"
#include "model/model_aot_haswell_traits.h"
#include "model/model_aot_hoisted_traits.h"
#include "model/model_aot_hoisted_tuned_traits.h"
#include "model/model_aot_traits.h"
#include "model/model_aot_tuned_traits.h"
#include "model/trivial_multiply_aot_traits.h"
#include "tfcompile/aot_harness.h"

// One case per AOT library, named from its traits (aot/<cpu>[_<variant>]/<kind>), in this order.
template <class... Traits>
void RegisterAll() {
  (tflatency::RegisterAotBenchmark<Traits>(tflatency::BenchmarkName<Traits>()), ...);
}

int main(int argc, char** argv) {
  tflatency::per_call::Flags per_call;
  tflatency::FlagParser parser;
  per_call.AddTo(&parser);
  if (!tflatency::InitBenchmarkAndFlags("aot_bench", &parser, &argc, argv)) return 2;
  tflatency::AddTfContext();
  tflatency::AddAotContext<tflatency::ModelAotTraits>("");
  benchmark::AddCustomContext("aot_extra_targets", "haswell,generic");
  benchmark::AddCustomContext("aot_tuned_xla_flags", tflatency::ModelAotTunedTraits::kTfcompileFlags);
  benchmark::AddCustomContext("aot_hoisted_tuned_xla_flags",
                              tflatency::ModelAotHoistedTunedTraits::kTfcompileFlags);
  RegisterAll<tflatency::ModelAotTraits, tflatency::ModelAotTunedTraits, tflatency::ModelAotHoistedTraits,
              tflatency::ModelAotHoistedTunedTraits, tflatency::ModelAotHaswellTraits,
              tflatency::ModelAotGenericTraits, tflatency::TrivialMultiplyAotTraits>();
  // --per_call_out: the selected case's per-call latencies instead (cc/harness/per_call.h).
  if (per_call.enabled()) return tflatency::per_call::Run("aot_bench", per_call);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return tflatency::AnyGoldenCheckFailed() ? 1 : 0;
}
