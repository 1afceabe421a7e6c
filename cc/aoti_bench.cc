// //cc:aoti_bench: one unbatched inference of the benchmarked RNN through PyTorch's
// AOTInductor from C++: the .pt2 package that //python:aoti_package compiles at
// build time (torch.nn.LSTM/GRU on the exported weights, oneDNN off, as
// peer/pytorch/aoti_no_onednn loads it from Python), run by the C++ runtime the
// torch wheel ships (torch::inductor::AOTIModelPackageLoader, libtorch) under
// c10::InferenceMode with one intra-op thread, on google-benchmark (all standard
// --benchmark_* flags). So XLA's AOT (aot_bench) and PyTorch's meet on equal terms:
// compiled at build time, called from C++. One case, checked against the golden
// output before it is timed:
//   peer/pytorch/aoti_cpp_no_onednn/rnn
// Flags: --package=FILE (`bazel run //cc:aoti_bench` passes it; missing or unreadable:
// one line, exit 2; a file the runtime cannot load: the case's error, exit 1); --per_call_out=FILE
// [--per_call_count=N] times the case call by call instead (cc/harness/per_call.h).
// Without a usable torch wheel the program is built without it and reports the case
// as n/a with the reason (an error message starting "n/a: ").
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "cc/harness/benchmark_flags.h"
#include "cc/harness/flags.h"
#include "cc/harness/golden_outputs.h"
#include "cc/harness/per_call.h"
#include "cc/harness/tensor_spec.h"
#include "model/model_golden.h"

#ifndef TFLATENCY_AOTI_NA
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/inductor/aoti_package/model_package_loader.h>
#include <torch/torch.h>
#endif

namespace tflatency {
namespace {

using Golden = ModelGolden;
const std::string kCase = std::string("peer/pytorch/aoti_cpp_no_onednn/") + Golden::kKind;

bool& AnyCaseFailed() {
  static bool failed = false;
  return failed;
}

#ifdef TFLATENCY_AOTI_NA

void Register(const std::string&) {
  benchmark::RegisterBenchmark(kCase.c_str(), [](benchmark::State& state) {
    state.SkipWithError("n/a: " TFLATENCY_AOTI_NA);
  })->UseRealTime();
  per_call::Register(kCase, [](per_call::Case*) { return std::string("n/a: " TFLATENCY_AOTI_NA); });
}

#else

// The loaded package and the golden input as a tensor, made once.
struct Loaded {
  std::unique_ptr<torch::inductor::AOTIModelPackageLoader> loader;
  std::vector<at::Tensor> inputs;
  std::vector<at::Tensor> outputs;
  std::string error;

  bool Run() {
    c10::InferenceMode mode;
    try {
      outputs = loader->run(inputs);
    } catch (const std::exception& e) {
      error = std::string(e.what()).substr(0, std::string(e.what()).find('\n'));
      return false;
    }
    return true;
  }

  GoldenResult Check() const {
    return CompareOutputs<Golden>([this](int j) -> const void* {
      if (j >= static_cast<int>(outputs.size())) return nullptr;
      const at::Tensor& out = outputs[j];
      if (!out.is_contiguous() || out.scalar_type() != at::kFloat ||
          out.numel() != Golden::kOutputSpecs[j].size) {
        return nullptr;
      }
      return out.data_ptr();
    });
  }
};

// Loads the package: "" or one line naming the flag and the problem.
std::string Load(const std::string& package, Loaded* loaded) {
  at::set_num_threads(1);
  if (Golden::kNumInputs != 1 || std::string(Golden::kInputSpecs[0].dtype) != "float32") {
    return "the AOTInductor package is built for an RNN config's one float32 input";
  }
  try {
    loaded->loader = std::make_unique<torch::inductor::AOTIModelPackageLoader>(package);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    return "--package=" + package + ": cannot load: " + what.substr(0, what.find('\n'));
  }
  const TensorSpec& spec = Golden::kInputSpecs[0];
  std::vector<int64_t> shape(spec.dims, spec.dims + spec.rank);
  loaded->inputs = {torch::from_blob(const_cast<void*>(Golden::kInputData[0]), shape, at::kFloat).clone()};
  return "";
}

void Register(const std::string& package) {
  benchmark::RegisterBenchmark(kCase.c_str(), [package](benchmark::State& state) {
    // Loaded and checked once: google-benchmark calls this for every repetition.
    static Loaded loaded;
    static const std::string error = Load(package, &loaded);
    if (!error.empty()) {
      AnyCaseFailed() = true;
      state.SkipWithError(error.c_str());
      return;
    }
    static const GoldenResult check = loaded.Run() ? loaded.Check() : GoldenResult{false, -1, -1, ""};
    if (!check.ok) {
      AnyCaseFailed() = true;
      state.SkipWithError((loaded.error.empty() ? "golden check " + check.Describe() : loaded.error).c_str());
      return;
    }
    for (auto _ : state) loaded.Run();
    state.counters["fma_per_second"] =
        benchmark::Counter(static_cast<double>(Golden::kFmaCount), benchmark::Counter::kIsIterationInvariantRate);
  })->UseRealTime();
  per_call::Register(kCase, [package](per_call::Case* c) {
    auto loaded = std::make_shared<Loaded>();
    const std::string error = Load(package, loaded.get());
    if (!error.empty()) return error;
    c->call = [loaded] { return loaded->Run(); };
    c->check = [loaded] { return loaded->Check(); };
    c->error = [loaded] { return loaded->error; };
    return std::string();
  });
}

#endif  // TFLATENCY_AOTI_NA

}  // namespace
}  // namespace tflatency

int main(int argc, char** argv) {
  std::string package;
  tflatency::per_call::Flags per_call;
  tflatency::FlagParser parser;
  parser.AddString("package", &package, "FILE", "the AOTInductor package (.pt2) of the model");
  per_call.AddTo(&parser);
  if (!tflatency::InitBenchmarkAndFlags("aoti_bench", &parser, &argc, argv)) return 2;
#ifndef TFLATENCY_AOTI_NA
  if (package.empty()) {
    std::fprintf(stderr, "aoti_bench: missing --package=FILE (`bazel run //cc:aoti_bench` passes it)\n");
    return 2;
  }
  if (!std::ifstream(package, std::ios::binary).good()) {
    std::fprintf(stderr, "aoti_bench: --package=%s: cannot read the file\n", package.c_str());
    return 2;
  }
  benchmark::AddCustomContext("torch_version", TFLATENCY_TORCH_VERSION);
#endif
  tflatency::Register(package);
  if (per_call.enabled()) return tflatency::per_call::Run("aoti_bench", per_call);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return tflatency::AnyCaseFailed() ? 1 : 0;
}
