// //cc:bound_bench: the hardware's lower bound for one inference of a recurrent
// model on this CPU, on google-benchmark (all standard --benchmark_* flags, plus
// the model-shape and --isa flags of cc/bound/flags.h; the shape is required:
// `bazel run //cc:bound_bench` passes the benchmarked model's, from its config).
// Each case's time is one inference's worth of work:
//   bound/original_fma_loop   the original investigation's naive AVX2 FMA loop
//   bound/fma_peak            the FMAs any algorithm needs (NeededFmaCount: step 0's
//                             recurrent product on the zero initial state is
//                             not needed) at peak FMA throughput: the compute bound
//   bound/weight_stream       the model's matvecs reading the fewest weight bytes
//                             any single-inference algorithm can (each input
//                             kernel once for all steps, each recurrent kernel
//                             once per step after the first: bound_stream_model.h),
//                             from the cache they live in: the memory bound
//   bound/weight_stream_bf16, bound/weight_stream_int8  the same products in the
//                             same order with bf16 / int8 (per-column scales) weights
//                             widened to fp32 as they stream (narrow_stream_model.h):
//                             the memory bound of a reduced-precision kernel; on the
//                             --isa if it has such a kernel, else AVX2 (context
//                             bound_isa_<precision>); a row saying n/a with the reason
//                             where neither can run
//   bound/weight_stream_int8_vnni, bound/weight_stream_bf16_dpbf16  the same with
//                             the activations narrowed too (inside the timed work:
//                             int8 one dynamic scale per row, bf16 rounded) and
//                             AVX512_VNNI's vpdpbusd (exact int32 sums) / AVX512_BF16's
//                             vdpbf16ps: the memory bound of a kernel using them;
//                             avx512 only: n/a with the reason where the CPU lacks
//                             the extension (TFLATENCY_ISA_MAX below avx512 too) or
//                             --isa is narrower
//   bound/weight_stream_per_step  NOT a bound: every matrix once per time step
//                             (the naive order; bound/per_step_model.h), for comparison
//   bound/fma_peak_2cores, bound/weight_stream_2cores  the same two bounds with
//                             the work split over two pinned threads, one per
//                             CPU (each owns half of every matrix's columns;
//                             spin barrier after every recurrent step); only
//                             when this process may run on >= 2 CPUs
// The one-core lower bound is max(fma_peak, weight_stream), the two-core one
// max(fma_peak_2cores, weight_stream_2cores). The two-core cases also report
// barrier_ns, one barrier's cost between the two CPUs measured just before
// timing: on a VM it changes with where the host runs the vCPUs (~70 ns vs
// ~350 ns here), and the two-core bounds move with it. The ISA is the widest this CPU
// has (or --isa), chosen at run time. Exits 2 on a bad flag, 1 if a matvec
// disagreed with the scalar reference (checked once at startup, every model).
// Any model that is not an RNN (a user's: --weight_bytes=N [--fma_count=N]) gets
// bound/fma_peak for its FMA count (when known), bound/weight_stream reading every
// weight byte once (one matrix times a vector) and bound/weight_stream_2cores.
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "cc/bound/flags.h"
#include "cc/bound/fma_team.h"
#include "cc/bound/kernels.h"
#include "cc/bound/narrow_stream_model.h"
#include "cc/bound/per_step_model.h"
#include "cc/bound/stream_model.h"
#include "cc/bound/sysinfo.h"
#include "cc/common/isa.h"
#include "cc/common/rnn_shape.h"
#include "cc/common/spin_team.h"
#include "cc/harness/benchmark_flags.h"
#include "cc/harness/flags.h"

namespace tflatency {
namespace {

// Operands of the FMA loops, in memory so the compiler cannot fold the loops.
volatile float g_multiplier = 0.999999f;
volatile float g_addend = 1e-6f;

void SetFmaRate(benchmark::State& state, int64_t fmas) {
  state.counters["fma_per_second"] =
      benchmark::Counter(static_cast<double>(fmas) * state.iterations(), benchmark::Counter::kIsRate);
}

void BM_OriginalFmaLoop(benchmark::State& state, int64_t fmas) {
  const float m = g_multiplier, c = g_addend;
  for (auto _ : state) {
    float result = OriginalFmaLoop(fmas, m, c);
    benchmark::DoNotOptimize(result);
  }
  SetFmaRate(state, fmas);
}

void BM_FmaPeak(benchmark::State& state, Isa isa, int64_t fmas) {
  const float m = g_multiplier, c = g_addend;
  for (auto _ : state) {
    float result = FmaPeak(isa, fmas, m, c);
    benchmark::DoNotOptimize(result);
  }
  SetFmaRate(state, fmas);
}

// Before a team case's timing loop (not timed): what one barrier between the
// team's CPUs costs right now, in the counter barrier_ns. On a VM it depends on
// where the host runs the two vCPUs (same or different core complex) and can
// change from one run to the next; the two-core bounds move with it.
void SetBarrierCounter(benchmark::State& state, SpinTeam* team) {
  state.counters["barrier_ns"] = team->MeasureBarrierNs(2000);
}

void BM_FmaPeakTeam(benchmark::State& state, FmaPeakTeam* team_fmas, SpinTeam* team, int64_t fmas) {
  const float m = g_multiplier, c = g_addend;
  ScopedPin pin(team->worker0_cpu());  // worker 0 is this thread
  SetBarrierCounter(state, team);
  for (auto _ : state) {
    float result = team_fmas->Run(m, c);
    benchmark::DoNotOptimize(result);
  }
  SetFmaRate(state, fmas);
}

// Model: StreamModel, PerStepStreamModel or NarrowStreamModel. team: pin this thread as its worker 0.
template <class Model>
void BM_WeightStream(benchmark::State& state, Model* model, const std::string* verify_error, SpinTeam* team,
                     int64_t streamed_bytes, int64_t fmas) {
  if (!verify_error->empty()) {
    state.SkipWithError(verify_error->c_str());
    return;
  }
  ScopedPin pin(team == nullptr ? -1 : team->worker0_cpu());
  if (team != nullptr) SetBarrierCounter(state, team);
  for (auto _ : state) {
    model->Run();
    float result = model->output()[0];
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(streamed_bytes * state.iterations());
  SetFmaRate(state, fmas);
}

void BM_NotApplicable(benchmark::State& state, std::string reason) {
  state.SkipWithError(("n/a: " + reason).c_str());
  for (auto _ : state) {
  }
}

// The ISA of a reduced-precision bound: --isa if it has a kernel for `precision` and `activations`, else
// AVX2; false and *why when neither can run here.
bool NarrowIsa(Isa wanted, WeightPrecision precision, NarrowActivations activations, Isa* isa, std::string* why) {
  *why = NarrowStreamModel::Supported(wanted, precision, activations);
  if (why->empty()) {
    *isa = wanted;
    return true;
  }
  if (wanted != Isa::kAvx2 && NarrowStreamModel::Supported(Isa::kAvx2, precision, activations).empty()) {
    *isa = Isa::kAvx2;
    return true;
  }
  return false;
}

void AddShapeContext(const RnnShape& s, Isa isa, const StreamModel& model) {
  benchmark::AddCustomContext("bound_isa", IsaName(isa));
  benchmark::AddCustomContext("bound_isa_widest", IsaName(BestIsa()));
  benchmark::AddCustomContext("cell", CellName(s.cell));
  benchmark::AddCustomContext("layers", std::to_string(s.layers));
  benchmark::AddCustomContext("units", std::to_string(s.units));
  benchmark::AddCustomContext("input_size", std::to_string(s.input_size));
  benchmark::AddCustomContext("time_steps", std::to_string(s.time_steps));
  benchmark::AddCustomContext("batch", std::to_string(s.batch));
  benchmark::AddCustomContext("fma_count", std::to_string(FmaCount(s)));
  benchmark::AddCustomContext("needed_fma_count", std::to_string(NeededFmaCount(s)));
  benchmark::AddCustomContext("weight_bytes", std::to_string(WeightBytes(s)));
  benchmark::AddCustomContext("weight_stream_order",
                              "per layer: the input kernel [D_in x G*H] and one G*H bias vector (GRU: input and "
                              "recurrent bias folded) streamed once for all time_steps*batch input rows, then the "
                              "recurrent kernel [H x G*H] streamed once per time step after the first (batch rows "
                              "share a pass; step 0 multiplies the zero initial state)");
  benchmark::AddCustomContext("weight_stream_bytes", std::to_string(StreamedWeightBytes(s)));
  benchmark::AddCustomContext("weight_stream_bytes_formula", "4 * sum over layers of G*H * (D_in + 1 + (time_steps-1)*H)");
  benchmark::AddCustomContext("weight_stream_packed_bytes", std::to_string(model.streamed_packed_bytes()));
  benchmark::AddCustomContext("packed_weight_bytes", std::to_string(model.packed_bytes()));
  benchmark::AddCustomContext("weight_stream_per_step_order",
                              "NOT a lower bound: layer after layer, every matrix and bias once per time step");
  benchmark::AddCustomContext("weight_stream_per_step_bytes", std::to_string(PerStepWeightBytes(s)));
}

// Any model (--weight_bytes): what it reads and computes, and how the weight stream stands in for it.
void AddAnyModelContext(const BoundConfig& config, const StreamModel& model) {
  benchmark::AddCustomContext("bound_isa", IsaName(config.isa));
  benchmark::AddCustomContext("bound_isa_widest", IsaName(BestIsa()));
  if (config.fma_count > 0) benchmark::AddCustomContext("fma_count", std::to_string(config.fma_count));
  benchmark::AddCustomContext("weight_stream_order",
                              "any model: every weight byte once, as one [D x 64] matrix times a vector "
                              "(the RNN stream model's one-layer, one-step case)");
  benchmark::AddCustomContext("weight_stream_bytes", std::to_string(StreamedWeightBytes(config.shape)));
  benchmark::AddCustomContext("weight_stream_packed_bytes", std::to_string(model.streamed_packed_bytes()));
}

int Main(int argc, char** argv) {
  FlagParser parser;
  BoundFlags bound_flags;
  bound_flags.AddTo(&parser);
  if (!InitBenchmarkAndFlags("bound_bench", &parser, &argc, argv)) return 2;
  BoundConfig config;
  const std::string flag_error = bound_flags.ToConfig(&config);
  if (!flag_error.empty()) {
    std::fprintf(stderr, "bound_bench: %s\n", flag_error.c_str());
    return 2;
  }

  const RnnShape& shape = config.shape;
  // An RNN needs NeededFmaCount; any other model its --fma_count (0: unknown, no fma_peak case).
  const int64_t fmas = config.any_model ? config.fma_count : NeededFmaCount(shape);
  // Every model checked once against the scalar reference, before anything is timed.
  StreamModel model(shape, config.isa);
  const std::string verify_error = model.Verify();
  if (!verify_error.empty()) std::fprintf(stderr, "bound_bench: %s\n", verify_error.c_str());
  PerStepStreamModel per_step(shape, config.isa);
  const std::string per_step_error = per_step.Verify();
  if (!per_step_error.empty()) std::fprintf(stderr, "bound_bench: per step: %s\n", per_step_error.c_str());

  // Two cores: the first two CPUs this process may use, one pinned thread each.
  constexpr int kTeamThreads = 2;
  const std::vector<int> cpus = AllowedCpus();
  std::unique_ptr<SpinTeam> team;
  std::unique_ptr<StreamModel> team_model;
  std::unique_ptr<FmaPeakTeam> team_fmas;
  std::string team_error;
  bool worker0_pinned = false;
  if (static_cast<int>(cpus.size()) >= kTeamThreads) {
    team.reset(new SpinTeam(kTeamThreads, cpus));
    team_model.reset(new StreamModel(shape, config.isa, team.get()));
    team_fmas.reset(new FmaPeakTeam(shape, config.isa, team.get()));
    ScopedPin pin(team->worker0_cpu());
    worker0_pinned = pin.ok();
    team_error = team_model->Verify();
    if (!team_error.empty()) std::fprintf(stderr, "bound_bench: 2 cores: %s\n", team_error.c_str());
  }

  AddMachineContext();
  if (config.any_model) {
    AddAnyModelContext(config, model);
  } else {
    AddShapeContext(shape, config.isa, model);
  }
  benchmark::AddCustomContext("bound_threads", std::to_string(team ? kTeamThreads : 1));
  if (team) {
    benchmark::AddCustomContext("spin_team_cpus", team->cpu_list());
    benchmark::AddCustomContext("spin_team_pinned", team->helpers_pinned() && worker0_pinned ? "yes" : "no");
    benchmark::AddCustomContext("weight_stream_2cores_packed_bytes",
                                std::to_string(team_model->streamed_packed_bytes()));
    benchmark::AddCustomContext("fma_peak_2cores_performed_fmas", std::to_string(team_fmas->performed_fmas()));
  }
  // The original loop is AVX2 by definition (and the original's RNN); --isa=scalar (or a CPU
  // without AVX2) drops it.
  if (!config.any_model && config.isa != Isa::kScalar && CpuSupports(Isa::kAvx2)) {
    benchmark::RegisterBenchmark("bound/original_fma_loop", BM_OriginalFmaLoop, FmaCount(shape))->UseRealTime();
  }
  if (fmas > 0) benchmark::RegisterBenchmark("bound/fma_peak", BM_FmaPeak, config.isa, fmas)->UseRealTime();
  benchmark::RegisterBenchmark("bound/weight_stream", BM_WeightStream<StreamModel>, &model, &verify_error, nullptr,
                               StreamedWeightBytes(shape), fmas)
      ->UseRealTime();
  if (!config.any_model) {
    benchmark::RegisterBenchmark("bound/weight_stream_per_step", BM_WeightStream<PerStepStreamModel>, &per_step,
                                 &per_step_error, nullptr, PerStepWeightBytes(shape), fmas)
        ->UseRealTime();
  }
  // Reduced-precision weight streams (an RNN's: the hand kernel's arithmetic), one core.
  struct NarrowBound {
    WeightPrecision precision;
    NarrowActivations activations;
    // Of the row's name and its context keys: bf16, int8_vnni (cc/common/precision.h's DotProductName).
    std::string suffix() const {
      return std::string(PrecisionName(precision)) +
             (activations == NarrowActivations::kNarrowed ? std::string("_") + DotProductName(precision) : "");
    }
  };
  const NarrowBound narrow_bounds[] = {
      {WeightPrecision::kBf16, NarrowActivations::kFp32},
      {WeightPrecision::kInt8, NarrowActivations::kFp32},
      {WeightPrecision::kInt8, NarrowActivations::kNarrowed},
      {WeightPrecision::kBf16, NarrowActivations::kNarrowed},
  };
  std::vector<std::unique_ptr<NarrowStreamModel>> narrow_models;
  std::vector<std::string> narrow_errors;
  narrow_errors.reserve(std::size(narrow_bounds));  // the benchmarks keep pointers to its elements
  bool narrow_ok = true;
  for (const NarrowBound& bound : narrow_bounds) {
    if (config.any_model) break;
    const std::string name = "bound/weight_stream_" + bound.suffix();
    Isa isa;
    std::string why;
    if (!NarrowIsa(config.isa, bound.precision, bound.activations, &isa, &why)) {
      benchmark::RegisterBenchmark(name.c_str(), BM_NotApplicable, why)->UseRealTime();
      continue;
    }
    narrow_models.emplace_back(new NarrowStreamModel(shape, isa, bound.precision, bound.activations));
    narrow_errors.push_back(narrow_models.back()->Verify());
    if (!narrow_errors.back().empty()) {
      std::fprintf(stderr, "bound_bench: %s\n", narrow_errors.back().c_str());
      narrow_ok = false;
    }
    benchmark::AddCustomContext("bound_isa_" + bound.suffix(), IsaName(isa));
    benchmark::AddCustomContext(name.substr(6) + "_bytes", std::to_string(narrow_models.back()->streamed_bytes()));
    benchmark::RegisterBenchmark(name.c_str(), BM_WeightStream<NarrowStreamModel>, narrow_models.back().get(),
                                 &narrow_errors.back(), nullptr, narrow_models.back()->streamed_bytes(), fmas)
        ->UseRealTime();
  }
  if (team) {
    if (!config.any_model) {  // its phases follow the RNN's steps
      benchmark::RegisterBenchmark("bound/fma_peak_2cores", BM_FmaPeakTeam, team_fmas.get(), team.get(), fmas)
          ->UseRealTime();
    }
    benchmark::RegisterBenchmark("bound/weight_stream_2cores", BM_WeightStream<StreamModel>, team_model.get(),
                                 &team_error, team.get(), StreamedWeightBytes(shape), fmas)
        ->UseRealTime();
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return verify_error.empty() && per_step_error.empty() && team_error.empty() && narrow_ok ? 0 : 1;
}

}  // namespace
}  // namespace tflatency

int main(int argc, char** argv) { return tflatency::Main(argc, argv); }
