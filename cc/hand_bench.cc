// //cc:hand_bench: one inference of the hand-written fp32 LSTM/GRU kernel
// (cc/hand/rnn.h) on google-benchmark, one case per ISA path this CPU supports,
// on one core: hand/<avx512|avx2|scalar>/rnn; the widest ISA split across
// cores: hand/<isa>_<n>threads/rnn; and the widest ISA on one core computing
// step 0's recurrent product on the zero initial state as TensorFlow's runtime does
// (the others skip it): hand/<isa>_full_step0/rnn; and reduced-precision weights on one
// core, hand/<avx512|avx2>_<bf16|int8>/rnn (fp32 accumulation; a row that says
// n/a with the reason where the CPU lacks that ISA), and the same weights with
// x and h narrowed too, for the dot-product instructions: hand/avx512_int8_vnni/rnn
// (AVX512_VNNI's vpdpbusd) and hand/avx512_bf16_dpbf16/rnn (AVX512_BF16's
// vdpbf16ps), n/a without that extension. Each case is gated on the model's golden
// output before it is timed (bf16/int8: max |got - golden| <= the info.json's
// reduced_precision_atol), and reports that max |got - golden| as max_abs_error. Flags: all standard --benchmark_* flags, plus
//   --model_prefix=PATH  path prefix of an exported model (".../model/model") or
//                        its _info.json; `bazel run //cc:hand_bench` passes the
//                        benchmarked model's.
//   --threads=N          cores of the multi-core case (default 2 when the
//                        machine has 2 or more; 1 drops the case).
//   --per_call_out=FILE [--per_call_count=N]  times the one case --benchmark_filter
//                        selects call by call instead (cc/harness/per_call.h).
// Counters: fma_per_second (the model's gate-product FMAs) and bytes_per_second
// (packed weight bytes one inference actually streams; context streamed_bytes:<case>).
// Exits 2 on an unknown flag, 1 if the model does not load or a golden check fails.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "cc/common/isa.h"
#include "cc/hand/golden_files.h"
#include "cc/hand/rnn.h"
#include "cc/harness/benchmark_flags.h"
#include "cc/harness/flags.h"
#include "cc/harness/per_call.h"

namespace tflatency {
namespace {

bool g_golden_failed = false;

// Reduced-precision cases: the ISAs whose kernels they run (each a row on every CPU,
// n/a where it lacks the ISA), and the precisions.
constexpr Isa kReducedPrecisionIsas[] = {Isa::kAvx512, Isa::kAvx2};
constexpr WeightPrecision kReducedPrecisions[] = {WeightPrecision::kBf16, WeightPrecision::kInt8};

void BM_NotApplicable(benchmark::State& state, std::string reason) {
  state.SkipWithError(("n/a: " + reason).c_str());
  for (auto _ : state) {
  }
}

void BM_Hand(benchmark::State& state, HandRnn* rnn, const HandGolden* golden) {
  const GoldenResult check = CheckHandGolden(rnn, *golden);
  if (!check.ok) {
    g_golden_failed = true;
    state.SkipWithError(("golden check " + check.Describe()).c_str());
    return;
  }
  std::vector<float> output(golden->output.size());
  for (auto _ : state) {
    rnn->Run(golden->input.data(), output.data());
    benchmark::DoNotOptimize(output.data());
    benchmark::ClobberMemory();
  }
  state.counters["fma_per_second"] =
      benchmark::Counter(static_cast<double>(rnn->fma_count()) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(rnn->streamed_bytes() * state.iterations());
  state.counters["max_abs_error"] = check.max_abs_diff;
}

struct Flags {
  std::string model_prefix = "model/model";
  int64_t threads = std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  per_call::Flags per_call;

  void AddTo(FlagParser* parser) {
    parser->AddString("model_prefix", &model_prefix, "PATH",
                      "exported model prefix or its _info.json (default model/model: the benchmarked model's "
                      "runfiles path)");
    parser->AddInt("threads", &threads, 1, 64, "N", "cores of the multi-core case (default 2 if available; 1: none)");
    per_call.AddTo(parser);
  }
};

// hand/<isa>[_<precision>[_<dot product>]][_<n>threads][_full_step0]/rnn
std::string CaseName(const HandRnnOptions& options) {
  const int threads = options.threads;
  const bool reduced = options.precision != WeightPrecision::kFp32;
  return "hand/" + std::string(IsaName(options.isa.value_or(BestIsa()))) +
         (reduced ? std::string("_") + PrecisionName(options.precision) : "") +
         (options.narrow_activations == NarrowActivations::kNative ? std::string("_") +
                                                                      DotProductName(options.precision) : "") +
         (threads > 1 ? "_" + std::to_string(threads) + "threads" : "") +
         (options.full_first_step ? "_full_step0" : "") + "/rnn";
}

// The per-call mode of one case: loading = reading the model and packing its
// weights (HandRnn::Load) and reading the golden files; one call = Run.
per_call::Loader PerCallLoader(const std::string& prefix, const HandRnnOptions& options) {
  return [prefix, options](per_call::Case* c) {
    std::string error;
    std::shared_ptr<HandRnn> rnn = HandRnn::Load(prefix, options, &error);
    if (!rnn) return error;
    auto golden = std::make_shared<HandGolden>();
    error = LoadHandGolden(prefix, rnn->config(), golden.get());
    if (!error.empty()) return error;
    // NaN-filled first, so an element the kernel never wrote fails the check.
    auto output = std::make_shared<std::vector<float>>(golden->output.size(), __builtin_nanf(""));
    c->call = [rnn, golden, output] {
      rnn->Run(golden->input.data(), output->data());
      return true;
    };
    c->check = [rnn, golden, output] {
      return CompareToGolden(output->data(), golden->output.data(), static_cast<int64_t>(output->size()),
                             HandGoldenAtol(*rnn), HandGoldenRtol(*rnn));
    };
    return std::string();
  };
}

int Main(int argc, char** argv) {
  Flags flags;
  FlagParser parser;
  flags.AddTo(&parser);
  if (!InitBenchmarkAndFlags("hand_bench", &parser, &argc, argv)) return 2;
  const std::string& prefix = flags.model_prefix;
  const int threads = static_cast<int>(flags.threads);

  // One single-core kernel per ISA, widest first, then the multi-core one.
  std::vector<std::unique_ptr<HandRnn>> rnns;
  std::string isa_list;
  std::vector<HandRnnOptions> configs;
  const std::vector<Isa> isas = SupportedIsas();  // narrowest first
  for (auto isa = isas.rbegin(); isa != isas.rend(); ++isa) {
    configs.push_back(HandRnnOptions{*isa, 1});
    isa_list += (isa_list.empty() ? "" : ",") + std::string(IsaName(*isa));
  }
  if (threads > 1) configs.push_back(HandRnnOptions{BestIsa(), threads});
  configs.push_back(HandRnnOptions{BestIsa(), 1, /*full_first_step=*/true});
  // Reduced precision: a row each, n/a (with the reason) where this CPU cannot run its kernel.
  std::vector<std::pair<std::string, std::string>> not_applicable;
  for (Isa isa : kReducedPrecisionIsas) {
    for (WeightPrecision precision : kReducedPrecisions) {
      HandRnnOptions options{isa, 1};
      options.precision = precision;
      const std::string why = UnsupportedReason(isa);
      if (why.empty()) {
        configs.push_back(options);
      } else {
        not_applicable.emplace_back(CaseName(options), why);
      }
    }
  }
  for (WeightPrecision precision : kReducedPrecisions) {
    HandRnnOptions options{Isa::kAvx512, 1};
    options.precision = precision;
    options.narrow_activations = NarrowActivations::kNative;
    const std::string why = UnsupportedReason(DotProductExtension(precision));
    if (why.empty()) {
      configs.push_back(options);
    } else {
      not_applicable.emplace_back(CaseName(options), why);
    }
  }
  // --per_call_out: only the selected kernel is loaded, timed as its cold start
  // (cc/harness/per_call.h).
  if (flags.per_call.enabled()) {
    for (const HandRnnOptions& options : configs) {
      per_call::Register(CaseName(options), PerCallLoader(prefix, options));
    }
    for (const auto& [name, why] : not_applicable) {
      per_call::Register(name, [why = why](per_call::Case*) { return "n/a: " + why; });
    }
    return per_call::Run("hand_bench", flags.per_call);
  }
  for (const HandRnnOptions& options : configs) {
    std::string error;
    rnns.push_back(HandRnn::Load(prefix, options, &error));
    if (!rnns.back()) {
      std::fprintf(stderr, "hand_bench: %s\n", error.c_str());
      return 1;
    }
  }
  const HandModelConfig& config = rnns.front()->config();
  HandGolden golden;
  const std::string error = LoadHandGolden(prefix, config, &golden);
  if (!error.empty()) {
    std::fprintf(stderr, "hand_bench: %s\n", error.c_str());
    return 1;
  }

  benchmark::AddCustomContext("model", config.name);
  benchmark::AddCustomContext("cell", CellName(config.cell));
  benchmark::AddCustomContext("fma_count", std::to_string(rnns.front()->fma_count()));
  benchmark::AddCustomContext("weight_bytes", std::to_string(rnns.front()->weight_bytes()));
  benchmark::AddCustomContext("isa", isa_list);
  benchmark::AddCustomContext("hand_threads", std::to_string(flags.threads));
  for (size_t i = 0; i < rnns.size(); ++i) {
    const std::string name = CaseName(configs[i]);
    benchmark::AddCustomContext("streamed_bytes:" + name, std::to_string(rnns[i]->streamed_bytes()));
  }
  for (size_t i = 0; i < rnns.size(); ++i) {
    const std::string name = CaseName(configs[i]);
    HandRnn* rnn = rnns[i].get();
    benchmark::RegisterBenchmark(name.c_str(), BM_Hand, rnn, &golden)->UseRealTime();
  }
  for (const auto& [name, why] : not_applicable) {
    benchmark::RegisterBenchmark(name.c_str(), BM_NotApplicable, why)->UseRealTime();
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return g_golden_failed ? 1 : 0;
}

}  // namespace
}  // namespace tflatency

int main(int argc, char** argv) { return tflatency::Main(argc, argv); }
