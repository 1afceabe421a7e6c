// //cc:session_bench: one unbatched inference through the TensorFlow C++ API
// (LoadSavedModel + Session::Run), on google-benchmark (all standard
// --benchmark_* flags). Cases, each checked against the golden output before it
// is timed:
//   cpp_api/<config>/rnn      the default LSTM (rnn_547k), golden input
//   cpp_api/<config>/trivial  the trivial int32 multiply, 6 * 7
// for three thread configurations <config>:
//   default_threads  TF's defaults (intra_op = inter_op = 0: one thread per CPU)
//   one_thread       intra_op = inter_op = 1, in a per-session inter-op pool
//   inline           inter_op = -1, intra_op = 1: DirectSession runs the graph in
//                    the caller's thread (see direct_session.h, run_in_caller_thread_)
// Counter caller_thread_cpu_share: the benchmark thread's share of the process's
// CPU time while timing (about 1 when the graph really runs in the caller's thread).
// Flags after the benchmark ones: --rnn_saved_model=DIR --trivial_saved_model=DIR
// (`bazel run //cc:session_bench` passes both); --per_call_out=FILE
// [--per_call_count=N] times the one case --benchmark_filter selects call by call
// instead, loading only its session (cc/harness/per_call.h); --step_stats_out=FILE
// [--step_stats_runs=N] runs the model with RunOptions FULL_TRACE in every thread
// config and writes the per-op view of its step stats instead (cc/step_stats.h).
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/log/globals.h"
#include "benchmark/benchmark.h"
#include "cc/harness/benchmark_flags.h"
#include "cc/harness/fault_injection.h"
#include "cc/harness/flags.h"
#include "cc/harness/golden_compare.h"
#include "cc/harness/golden_outputs.h"
#include "cc/harness/per_call.h"
#include "cc/harness/tensor_spec.h"
#include "cc/step_stats.h"
#include "model/model_golden.h"
#include "model/trivial_multiply_golden.h"
#include "tensorflow/cc/saved_model/loader.h"
#include "tensorflow/core/framework/tensor.h"
#include "tensorflow/core/framework/tensor_shape.h"
#include "tensorflow/core/framework/types.pb.h"
#include "tensorflow/core/protobuf/config.pb.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"
#include "tensorflow/core/public/session.h"
#include "tensorflow/core/public/session_options.h"
#include "tf_python/tf_build_info.h"

namespace tflatency {
namespace {

// tensorflow/cc/saved_model/tag_constants.h and signature_constants.h are not
// in the pip wheel's headers; these are their values.
constexpr char kServeTag[] = "serve";
constexpr char kServingSignature[] = "serving_default";

bool& AnyCaseFailed() {
  static bool failed = false;
  return failed;
}

// The first line of a (possibly multi-line) TF status message.
std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// ---------------------------------------------------------------- thread configs

struct ThreadConfig {
  const char* name;
  int intra_op;
  int inter_op;
  bool per_session_threads;
  const char* note;

  std::string Describe() const {
    cpu_set_t cpus;  // what TF's port::NumSchedulableCPUs() counts for a 0 (default)
    const int schedulable = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? CPU_COUNT(&cpus) : -1;
    return "intra_op_parallelism_threads=" + std::to_string(intra_op) +
           " inter_op_parallelism_threads=" + std::to_string(inter_op) +
           " use_per_session_threads=" + (per_session_threads ? "true" : "false") + " (" + note +
           "; schedulable CPUs: " + std::to_string(schedulable) + ")";
  }
};

// TF sizes its process-wide pools (inter-op "Compute" pool and intra-op Eigen
// pool) from the first session that asks for them. main() therefore sets
// TF_OVERRIDE_GLOBAL_THREADPOOL=1 (each session's CPU device owns an intra-op
// pool of its configured size), only default_threads uses the global inter-op
// pool, and one_thread gets its own one-thread inter-op pool.
const ThreadConfig kThreadConfigs[] = {
    {"default_threads", 0, 0, false, "TF defaults: one thread per schedulable CPU in each pool"},
    {"one_thread", 1, 1, true, "one intra-op thread, a per-session inter-op pool of one thread"},
    {"inline", 1, -1, false, "inter_op < 0: graph runs in the caller's thread; one intra-op thread"},
};

tensorflow::SessionOptions MakeSessionOptions(const ThreadConfig& config) {
  tensorflow::SessionOptions options;
  options.config.set_intra_op_parallelism_threads(config.intra_op);
  options.config.set_inter_op_parallelism_threads(config.inter_op);
  options.config.set_use_per_session_threads(config.per_session_threads);
  return options;
}

// ---------------------------------------------------------------- models

// What a case feeds, fetches and expects (from a generated golden struct),
// independent of thread config. Inputs and outputs are matched to the
// SignatureDef by name.
struct ModelSpec {
  std::string kind;  // "rnn", "model" or "trivial": last part of the benchmark name
  std::string model_name;
  std::string flag;  // the flag naming the SavedModel directory
  int64_t fma_count;  // -1: unknown
  std::vector<const TensorSpec*> inputs;
  std::vector<const void*> input_data;
  std::vector<const TensorSpec*> outputs;
  // Compares the fetched outputs (in `outputs` order) with the golden ones.
  GoldenResult (*compare)(const std::vector<tensorflow::Tensor>& fetched);
};

tensorflow::DataType DataTypeOf(const TensorSpec& spec) {
  const std::string dtype = spec.dtype;
  if (dtype == "float32") return tensorflow::DT_FLOAT;
  if (dtype == "int64") return tensorflow::DT_INT64;
  if (dtype == "bool") return tensorflow::DT_BOOL;
  return tensorflow::DT_INT32;
}

template <class G>
ModelSpec SpecOf(const char* flag) {
  ModelSpec spec{G::kKind, G::kModelName, flag, G::kFmaCount, {}, {}, {}, nullptr};
  for (int i = 0; i < G::kNumInputs; ++i) {
    spec.inputs.push_back(&G::kInputSpecs[i]);
    spec.input_data.push_back(G::kInputData[i]);
  }
  for (int j = 0; j < G::kNumOutputs; ++j) spec.outputs.push_back(&G::kOutputSpecs[j]);
  spec.compare = [](const std::vector<tensorflow::Tensor>& fetched) {
    return CompareOutputs<G>([&fetched](int j) -> const void* {
      return j < static_cast<int>(fetched.size()) ? fetched[j].data() : nullptr;
    });
  };
  return spec;
}

// A SavedModel loaded into a session of one thread config, with its feeds
// pre-filled with the golden input.
struct LoadedModel {
  const ModelSpec* spec;
  std::string case_name;  // e.g. cpp_api/inline/rnn
  tensorflow::SavedModelBundleLite bundle;
  // Created and filled once, reused by every Session::Run: a latency-conscious
  // user keeps the input tensor and refills it in place (TF never writes to feeds).
  std::vector<std::pair<std::string, tensorflow::Tensor>> inputs;
  std::vector<std::string> output_names;  // graph tensor names, from the SignatureDef
};

// Loads `dir` with `config`'s threads and resolves the signature's tensor
// names. On failure returns an error message (one line) naming the flag and path.
std::string Load(const ModelSpec& spec, const std::string& dir, const ThreadConfig& config, LoadedModel* model) {
  const std::string where = "--" + spec.flag + "=" + dir + ": ";
  model->spec = &spec;
  const absl::Status status = tensorflow::LoadSavedModel(
      MakeSessionOptions(config), tensorflow::RunOptions(), dir, {kServeTag}, &model->bundle);
  if (!status.ok()) return where + "cannot load SavedModel: " + FirstLine(status.ToString());
  const auto& signatures = model->bundle.GetSignatures();
  const auto signature = signatures.find(kServingSignature);
  if (signature == signatures.end()) return where + "no signature '" + kServingSignature + "'";
  const tensorflow::SignatureDef& sig = signature->second;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const TensorSpec& feed = *spec.inputs[i];
    const auto info = sig.inputs().find(feed.name);
    if (info == sig.inputs().end()) return where + "signature has no input '" + feed.name + "'";
    if (info->second.dtype() != DataTypeOf(feed)) {
      return where + "input '" + feed.name + "' is " + tensorflow::DataTypeString(info->second.dtype()) +
             ", golden data is " + feed.dtype;
    }
    tensorflow::TensorShape shape;
    if (!tensorflow::PartialTensorShape(info->second.tensor_shape()).AsTensorShape(&shape) ||
        shape.num_elements() != feed.size) {
      return where + "input '" + feed.name + "' has shape " +
             tensorflow::PartialTensorShape(info->second.tensor_shape()).DebugString() + ", golden data has " +
             std::to_string(feed.size) + " elements";
    }
    tensorflow::Tensor tensor(DataTypeOf(feed), shape);
    std::memcpy(tensor.data(), spec.input_data[i], tensor.TotalBytes());
    model->inputs.emplace_back(info->second.name(), std::move(tensor));
  }
  for (const TensorSpec* output : spec.outputs) {
    const auto out = sig.outputs().find(output->name);
    if (out == sig.outputs().end()) return where + "signature has no output '" + output->name + "'";
    model->output_names.push_back(out->second.name());
  }
  return "";
}

// Compares the outputs of one Session::Run with the golden outputs.
GoldenResult CompareOutputs(const ModelSpec& spec, const std::vector<tensorflow::Tensor>& outputs,
                            std::string* run_error) {
  GoldenResult failed;
  failed.ok = false;
  failed.max_abs_diff = -1;
  if (outputs.size() != spec.outputs.size()) {
    *run_error = "Session::Run returned " + std::to_string(outputs.size()) + " outputs, the golden data has " +
                 std::to_string(spec.outputs.size());
    return failed;
  }
  for (size_t j = 0; j < outputs.size(); ++j) {
    const TensorSpec& want = *spec.outputs[j];
    if (outputs[j].dtype() != DataTypeOf(want) || outputs[j].NumElements() != want.size) {
      *run_error = "output '" + std::string(want.name) + "' is " + outputs[j].DebugString(0) + ", golden has " +
                   std::to_string(want.size) + " x " + want.dtype;
      return failed;
    }
  }
  return spec.compare(outputs);
}

// Runs once on the golden input and compares with the golden output.
GoldenResult CheckGolden(LoadedModel& model, std::string* run_error) {
  std::vector<tensorflow::Tensor> outputs;
  const absl::Status status = model.bundle.GetSession()->Run(model.inputs, model.output_names, {}, &outputs);
  if (!status.ok()) {
    *run_error = "Session::Run failed: " + FirstLine(status.ToString());
    GoldenResult failed;
    failed.ok = false;
    failed.max_abs_diff = -1;
    return failed;
  }
  return CompareOutputs(*model.spec, outputs, run_error);
}

// The per-call mode of one case: loading = LoadSavedModel with the case's thread
// config (the session is created there); one call = Session::Run.
per_call::Loader PerCallLoader(const ModelSpec* spec, std::string dir, const ThreadConfig* config) {
  return [spec, dir, config](per_call::Case* c) {
    auto model = std::make_shared<LoadedModel>();
    const std::string error = Load(*spec, dir, *config, model.get());
    if (!error.empty()) return error;
    auto outputs = std::make_shared<std::vector<tensorflow::Tensor>>();
    auto status = std::make_shared<absl::Status>();
    c->call = [model, outputs, status] {
      *status = model->bundle.GetSession()->Run(model->inputs, model->output_names, {}, outputs.get());
      return status->ok();
    };
    c->check = [model, outputs] {
      std::string run_error;
      return CompareOutputs(*model->spec, *outputs, &run_error);
    };
    c->error = [status] { return "Session::Run failed: " + FirstLine(status->ToString()); };
    return std::string();
  };
}

double CpuSeconds(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// One case: golden check, then Session::Run in a loop with the pre-filled input.
void BM_SessionRun(benchmark::State& state, LoadedModel* model) {
  MaybeInjectFault(model->case_name);
  std::string run_error;
  const GoldenResult check = CheckGolden(*model, &run_error);
  if (!check.ok) {
    AnyCaseFailed() = true;
    state.SkipWithError(("golden check " + (run_error.empty() ? check.Describe() : run_error)).c_str());
    return;
  }
  tensorflow::Session* session = model->bundle.GetSession();
  std::vector<tensorflow::Tensor> outputs;  // reused; Run replaces its contents
  const double thread_cpu_start = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  const double process_cpu_start = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  for (auto _ : state) {
    const absl::Status status = session->Run(model->inputs, model->output_names, {}, &outputs);
    if (!status.ok()) {
      AnyCaseFailed() = true;
      state.SkipWithError(("Session::Run failed: " + FirstLine(status.ToString())).c_str());
      break;
    }
    // Touch the output: read its first byte.
    const char first = *static_cast<const char*>(outputs[0].data());
    benchmark::DoNotOptimize(first);
  }
  const double thread_cpu = CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - thread_cpu_start;
  const double process_cpu = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_start;
  // Share of the process's CPU time spent on the benchmark's own thread while
  // timing: about 1 when the graph really runs inline in the caller's thread.
  if (process_cpu > 0) state.counters["caller_thread_cpu_share"] = thread_cpu / process_cpu;
  if (model->spec->fma_count > 0) {
    state.counters["fma_per_second"] = benchmark::Counter(
        static_cast<double>(model->spec->fma_count) * state.iterations(), benchmark::Counter::kIsRate);
  }
}

struct Flags {
  std::string rnn_dir, trivial_dir;
  per_call::Flags per_call;
  std::string step_stats_out;  // --step_stats_out=FILE: the per-op view instead of google-benchmark
  int64_t step_stats_runs = 200;

  void AddTo(FlagParser* parser) {
    const std::string help = "a SavedModel directory; bazel run //cc:session_bench passes it";
    parser->AddString("rnn_saved_model", &rnn_dir, "DIR", help);
    parser->AddString("trivial_saved_model", &trivial_dir, "DIR", help);
    parser->Required("rnn_saved_model");
    parser->Required("trivial_saved_model");
    per_call.AddTo(parser);
    parser->AddString("step_stats_out", &step_stats_out, "FILE",
                      "instead of google-benchmark: Session::Run with FULL_TRACE for every thread config on the "
                      "model, per-op step stats summarised (cc/step_stats.h) into this JSON file");
    parser->AddPositiveInt("step_stats_runs", &step_stats_runs, 100000, "N",
                           "traced runs of --step_stats_out per thread config (default 200)");
  }
};

// --step_stats_out: every thread config on the model (not the trivial multiply); exit status.
int RunStepStats(const Flags& flags, const ModelSpec& spec, const std::string& dir) {
  std::vector<StepStatsSummary> summaries;
  for (const ThreadConfig& config : kThreadConfigs) {
    LoadedModel model;
    std::string error = Load(spec, dir, config, &model);
    std::string run_error;
    if (error.empty() && !CheckGolden(model, &run_error).ok) error = "golden check failed " + run_error;
    StepStatsSummary summary;
    summary.name = "cpp_api/" + std::string(config.name) + "/" + spec.kind;
    summary.config = config.Describe();
    if (error.empty()) {
      error = CollectStepStats(model.bundle.GetSession(), model.inputs, model.output_names,
                               static_cast<int>(per_call::kWarmupCalls), static_cast<int>(flags.step_stats_runs),
                               &summary);
    }
    if (!error.empty()) {
      std::fprintf(stderr, "session_bench: %s: %s\n", summary.name.c_str(), error.c_str());
      return 1;
    }
    summaries.push_back(summary);
  }
  const char* caller_dir = std::getenv("BUILD_WORKING_DIRECTORY");
  const std::string out = (flags.step_stats_out[0] == '/' || caller_dir == nullptr)
                              ? flags.step_stats_out
                              : std::string(caller_dir) + "/" + flags.step_stats_out;
  const std::string error = WriteStepStatsJson(summaries, out);
  if (!error.empty()) {
    std::fprintf(stderr, "session_bench: --step_stats_out=%s: %s\n", flags.step_stats_out.c_str(), error.c_str());
    return 2;
  }
  return 0;
}

}  // namespace
}  // namespace tflatency

int main(int argc, char** argv) {
  // Before any session exists: every session's CPU device gets its own intra-op
  // pool sized by its own config, instead of sharing the first session's.
  setenv("TF_OVERRIDE_GLOBAL_THREADPOOL", "1", /*overwrite=*/1);
  // TF logs through absl: drop the INFO lines of every SavedModel load unless the
  // user asked for a level with TF_CPP_MIN_LOG_LEVEL.
  if (std::getenv("TF_CPP_MIN_LOG_LEVEL") == nullptr) absl::SetMinLogLevel(absl::LogSeverityAtLeast::kWarning);

  tflatency::Flags flags;
  tflatency::FlagParser parser;
  flags.AddTo(&parser);
  if (!tflatency::InitBenchmarkAndFlags("session_bench", &parser, &argc, argv)) return 2;

  static const tflatency::ModelSpec specs[] = {tflatency::SpecOf<tflatency::ModelGolden>("rnn_saved_model"),
                                               tflatency::SpecOf<tflatency::TrivialMultiplyGolden>("trivial_saved_model")};
  const std::string dirs[] = {flags.rnn_dir, flags.trivial_dir};

  benchmark::AddCustomContext("model", tflatency::ModelGolden::kModelName);
  if (tflatency::ModelGolden::kFmaCount >= 0) {  // -1: a user's model whose FMA count is unknown
    benchmark::AddCustomContext("fma_count", std::to_string(tflatency::ModelGolden::kFmaCount));
  }
  benchmark::AddCustomContext("trivial_model", tflatency::TrivialMultiplyGolden::kModelName);
  benchmark::AddCustomContext("tf_version", TFLATENCY_TF_VERSION);
  benchmark::AddCustomContext("tf_git_version", TFLATENCY_TF_GIT_VERSION);
  benchmark::AddCustomContext("tf_override_global_threadpool", "1");

  if (!flags.step_stats_out.empty()) return tflatency::RunStepStats(flags, specs[0], dirs[0]);

  // --per_call_out: only the selected case is loaded, timed as its cold start
  // (cc/harness/per_call.h).
  if (flags.per_call.enabled()) {
    for (const tflatency::ThreadConfig& config : tflatency::kThreadConfigs) {
      for (int m = 0; m < 2; ++m) {
        tflatency::per_call::Register("cpp_api/" + std::string(config.name) + "/" + specs[m].kind,
                                      tflatency::PerCallLoader(&specs[m], dirs[m], &config));
      }
    }
    return tflatency::per_call::Run("session_bench", flags.per_call);
  }

  // Load every (config, model) up front, default_threads first, so a bad path
  // fails before any timing. The sessions are closed when main returns.
  std::vector<std::unique_ptr<tflatency::LoadedModel>> models;
  for (const tflatency::ThreadConfig& config : tflatency::kThreadConfigs) {
    benchmark::AddCustomContext(std::string("threads_") + config.name, config.Describe());
    for (int m = 0; m < 2; ++m) {
      auto model = std::make_unique<tflatency::LoadedModel>();
      const std::string error = tflatency::Load(specs[m], dirs[m], config, model.get());
      if (!error.empty()) {
        std::fprintf(stderr, "session_bench: %s\n", error.c_str());
        return 1;
      }
      model->case_name = "cpp_api/" + std::string(config.name) + "/" + specs[m].kind;
      benchmark::RegisterBenchmark(model->case_name.c_str(), tflatency::BM_SessionRun, model.get())
          ->UseRealTime();
      models.push_back(std::move(model));
    }
  }

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return tflatency::AnyCaseFailed() ? 1 : 0;
}
