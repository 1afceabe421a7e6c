// //cc/hand:rnn_test: the hand-written kernel (rnn.h) on every ISA path
// this CPU supports reproduces the golden output of the default LSTM
// (rnn_547k) and of the 3-layer GRU test model (gru_3layer), on one thread and
// split across 2 and 3 threads; batch rows are independent; odd shapes (units
// not a multiple of the vector blocks) and saturating gates match a
// double-precision reference; and bad model files (missing, truncated, non-finite, bad JSON,
// bad fields) give a one-line error naming the file and field, not a crash.
// Plain main: prints one line per check, exits non-zero on any failure.
// Flags: --lstm_prefix=PATH --gru_prefix=PATH (exported model prefixes or their
// _info.json; cc/hand/BUILD passes both).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cc/common/isa.h"
#include "cc/hand/golden_files.h"
#include "cc/hand/model.h"
#include "cc/hand/rnn.h"
#include "cc/harness/flags.h"
#include "cc/harness/golden_compare.h"
#include "model/model_golden.h"

namespace tflatency {
namespace {

int g_failures = 0;

void Check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
  if (!ok) ++g_failures;
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

// Golden output of one model on one ISA, from its exported files.
void TestGoldenFiles(const std::string& prefix, Isa isa, int threads, bool full_first_step = false) {
  std::string error;
  std::unique_ptr<HandRnn> rnn = HandRnn::Load(prefix, HandRnnOptions{isa, threads, full_first_step}, &error);
  const std::string what = std::string(IsaName(isa)) + " threads=" + std::to_string(threads) +
                           (full_first_step ? " full_first_step" : "") + " " + prefix;
  Check(rnn != nullptr, what + " loads" + (error.empty() ? "" : ": " + error));
  if (!rnn) return;
  HandGolden golden;
  error = LoadHandGolden(prefix, rnn->config(), &golden);
  Check(error.empty(), what + " golden files load" + (error.empty() ? "" : ": " + error));
  if (!error.empty()) return;
  const GoldenResult first = CheckHandGolden(rnn.get(), golden);
  Check(first.ok, what + " (" + CellName(rnn->config().cell) + ") golden check " + first.Describe());
  bool same = true;  // no state leaks between runs, no race between threads
  for (int run = 0; run < 200; ++run) {
    const GoldenResult again = CheckHandGolden(rnn.get(), golden);
    same = same && again.ok && again.max_abs_diff == first.max_abs_diff;
  }
  Check(same, what + " 200 more runs identical");
}

// The default model against the compiled-in golden header, and with batch 2.
void TestLstmHeaderAndBatch(const std::string& prefix, Isa isa, int threads) {
  using Golden = ModelGolden;
  std::string error;
  const HandRnnOptions options{isa, threads};
  std::unique_ptr<HandRnn> rnn = HandRnn::Load(prefix, options, &error);
  if (!rnn) return;  // reported by TestGoldenFiles
  const std::string what = std::string(IsaName(isa)) + " threads=" + std::to_string(threads) + " rnn_547k";
  Check(rnn->fma_count() == Golden::kFmaCount, what + " fma_count " + std::to_string(rnn->fma_count()));
  std::vector<float> out(Golden::kOutputSpecs[0].size, __builtin_nanf(""));
  rnn->Run(Golden::kInput0, out.data());
  const GoldenResult header = CompareToGolden(out.data(), Golden::kOutput0, Golden::kOutputSpecs[0].size, Golden::kAtol[0],
                                              Golden::kRtol[0]);
  Check(header.ok, what + " vs model_golden.h " + header.Describe());

  HandModelConfig config = rnn->config();
  std::vector<float> weights;
  error = ReadFloatFile(HandFilesFromPrefix(prefix).weights(), WeightFloats(config), &weights);
  config.batch = 2;
  std::unique_ptr<HandRnn> batched = HandRnn::Create(config, weights, options, &error);
  Check(batched != nullptr, what + " batch 2 creates" + (error.empty() ? "" : ": " + error));
  if (!batched) return;
  const int64_t in_n = InputFloats(rnn->config()), out_n = OutputFloats(rnn->config());
  std::vector<float> in2(Golden::kInput0, Golden::kInput0 + in_n);
  in2.insert(in2.end(), Golden::kInput0, Golden::kInput0 + in_n);
  std::vector<float> out2(2 * out_n, __builtin_nanf(""));
  batched->Run(in2.data(), out2.data());
  const GoldenResult row0 = CompareToGolden(out2.data(), Golden::kOutput0, out_n, Golden::kAtol[0], Golden::kRtol[0]);
  const GoldenResult row1 =
      CompareToGolden(out2.data() + out_n, Golden::kOutput0, out_n, Golden::kAtol[0], Golden::kRtol[0]);
  Check(row0.ok && row1.ok, what + " batch 2 rows " + row0.Describe() + " / " + row1.Describe());
}

// The model's math in double precision, straight from python/tflatency/rnn_model.py.
std::vector<double> Reference(const HandModelConfig& c, const std::vector<float>& weights,
                              const std::vector<float>& input) {
  const int64_t G = Gates(c.cell), H = c.units, T = c.time_steps;
  const bool gru = c.cell == Cell::kGru;
  auto sig = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  std::vector<double> out(OutputFloats(c));
  for (int64_t b = 0; b < c.batch; ++b) {
    std::vector<std::vector<double>> seq(T);
    for (int64_t t = 0; t < T; ++t) {
      const float* x = &input[(b * T + t) * c.input_size];
      seq[t].assign(x, x + c.input_size);
    }
    const float* w = weights.data();
    for (int64_t l = 0; l < c.layers; ++l) {
      const int64_t d = LayerInputSize(c, l);
      const float* kernel = w;
      const float* recurrent = kernel + d * G * H;
      const float* bias = recurrent + H * G * H;
      const float* rbias = bias + G * H;
      w = bias + G * H * (gru ? 2 : 1);
      std::vector<double> h(H, 0.0), cell(H, 0.0);
      for (int64_t t = 0; t < T; ++t) {
        std::vector<double> xz(G * H), hz(G * H);
        for (int64_t j = 0; j < G * H; ++j) {
          double a = bias[j], r = gru ? rbias[j] : 0.0;
          for (int64_t k = 0; k < d; ++k) a += seq[t][k] * kernel[k * G * H + j];
          for (int64_t k = 0; k < H; ++k) r += h[k] * recurrent[k * G * H + j];
          xz[j] = a;
          hz[j] = r;
        }
        std::vector<double> hn(H);
        for (int64_t u = 0; u < H; ++u) {
          if (gru) {
            const double z = sig(xz[u] + hz[u]), r = sig(xz[H + u] + hz[H + u]);
            const double n = std::tanh(xz[2 * H + u] + r * hz[2 * H + u]);
            hn[u] = (1.0 - z) * n + z * h[u];
          } else {
            auto gate = [&](int64_t g) { return xz[g * H + u] + hz[g * H + u]; };
            cell[u] = sig(gate(1)) * cell[u] + sig(gate(0)) * std::tanh(gate(2));
            hn[u] = sig(gate(3)) * std::tanh(cell[u]);
          }
        }
        h = hn;
        seq[t] = h;
      }
    }
    for (int64_t t = 0; t < T; ++t) {
      for (int64_t u = 0; u < H; ++u) out[(b * T + t) * H + u] = seq[t][u];
    }
  }
  return out;
}

// Random models of odd shapes, weights scaled so that many gates saturate
// (pre-activations of tens), against the double-precision reference.
void TestAgainstReference(Cell cell, int64_t layers, int64_t units, int64_t input_size, int64_t steps,
                          int64_t batch, float scale) {
  HandModelConfig c;
  c.name = "random";
  c.cell = cell;
  c.layers = layers;
  c.units = units;
  c.input_size = input_size;
  c.time_steps = steps;
  c.batch = batch;
  std::mt19937 rng(static_cast<unsigned>(units * 131 + input_size));
  std::uniform_real_distribution<float> uniform(-scale, scale);
  std::vector<float> weights(WeightFloats(c)), input(InputFloats(c));
  for (float& v : weights) v = uniform(rng);
  for (float& v : input) v = uniform(rng) / scale * 3.0f;
  const std::vector<double> want = Reference(c, weights, input);
  for (Isa isa : SupportedIsas()) {
    for (int variant = 0; variant < 3; ++variant) {  // 1 thread, 2 threads, 1 thread computing step 0's product
      const int threads = variant == 1 ? 2 : 1;
      const bool full = variant == 2;
      std::string error;
      std::unique_ptr<HandRnn> rnn = HandRnn::Create(c, weights, HandRnnOptions{isa, threads, full}, &error);
      const std::string what = std::string(IsaName(isa)) + " threads=" + std::to_string(threads) +
                               (full ? " full_first_step" : "") + " random " +
                               CellName(cell) + " layers=" + std::to_string(layers) + " units=" +
                               std::to_string(units) + " input=" + std::to_string(input_size) + " steps=" +
                               std::to_string(steps) + " batch=" + std::to_string(batch) + " scale=" +
                               std::to_string(scale);
      if (!rnn) {
        Check(false, what + ": " + error);
        continue;
      }
      std::vector<float> got(OutputFloats(c), __builtin_nanf(""));
      rnn->Run(input.data(), got.data());
      // Golden tolerance; the error grows with the dot-product length and the
      // weight scale, so scale atol by both.
      const double atol = 1e-5 * scale * std::sqrt(static_cast<double>(units + input_size)) / 4;
      const GoldenResult r = CompareToGolden(got.data(), want.data(), static_cast<int64_t>(got.size()),
                                             std::max(atol, 1e-5), 1e-4);
      Check(r.ok, what + " vs double reference " + r.Describe());
    }
  }
}

// Writes a model named `name` to the temp dir with the given info text and
// weights bytes, and returns the error HandRnn::Load gives.
std::string LoadModified(const std::string& name, const std::string& info, const std::string& weights) {
  const std::string tmp = TempDir() + "/hand_rnn_test_" + name;
  WriteText(tmp + "_info.json", info);
  WriteText(tmp + "_weights.bin", weights);
  std::string error;
  std::unique_ptr<HandRnn> rnn = HandRnn::Load(tmp, HandRnnOptions{Isa::kScalar, 1}, &error);
  if (rnn) return "(loaded)";
  return error;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

void TestBadFiles(const std::string& prefix) {
  const HandModelFiles files = HandFilesFromPrefix(prefix);
  const std::string info = ReadText(files.info());
  const std::string weights = ReadText(files.weights());
  Check(!info.empty() && !weights.empty(), "model files readable for the bad-file tests");
  if (info.empty() || weights.empty()) return;

  auto expect = [&](const std::string& case_name, const std::string& error, const std::string& part) {
    Check(Contains(error, part), "bad file '" + case_name + "' -> " + error);
    Check(error.find('\n') == std::string::npos, "bad file '" + case_name + "' error is one line");
  };
  std::string error;
  std::unique_ptr<HandRnn> none = HandRnn::Load(TempDir() + "/no_such_model", HandRnnOptions{}, &error);
  expect("missing model", none ? "(loaded)" : error, "no_such_model_info.json: cannot open");

  const std::string no_weights = TempDir() + "/hand_rnn_test_noweights";
  WriteText(no_weights + "_info.json", info);
  std::remove((no_weights + "_weights.bin").c_str());
  none = HandRnn::Load(no_weights, HandRnnOptions{Isa::kScalar, 1}, &error);
  expect("missing weights", none ? "(loaded)" : error, "noweights_weights.bin: cannot open");
  expect("truncated weights", LoadModified("truncated", info, weights.substr(0, weights.size() / 2)),
         "bytes, expected " + std::to_string(weights.size()));
  expect("empty weights", LoadModified("empty", info, ""), "0 bytes, expected");
  std::string nan_weights = weights;
  const float nan = __builtin_nanf("");
  std::memcpy(&nan_weights[4 * 1000], &nan, 4);
  expect("NaN weight", LoadModified("nan", info, nan_weights), "non-finite value at float 1000");
  expect("not JSON", LoadModified("garbage", "{\"config\": {\"cell\": \"lstm\",", weights),
         "_info.json: not valid JSON");
  expect("bad cell", LoadModified("cell", Replace(info, "\"lstm\"", "\"rnn\""), weights),
         "field 'config.cell'");
  expect("missing units", LoadModified("units", Replace(info, "\"units\"", "\"unit_count\""), weights),
         "missing field 'config.units'");
  expect("string layers", LoadModified("layers", Replace(info, "\"layers\": 2", "\"layers\": \"2\""), weights),
         "field 'config.layers' must be an integer");
  expect("zero time_steps",
         LoadModified("steps", Replace(info, "\"time_steps\": 2", "\"time_steps\": 0"), weights),
         "field 'time_steps' must be in");
  expect("wrong fma_count", LoadModified("fma", Replace(info, "546816", "546817"), weights),
         "field 'fma_count' is 546817");
}

// Skipping step 0's recurrent product reads each layer's R once less.
void TestStreamedBytes(const std::string& prefix) {
  std::string error;
  std::unique_ptr<HandRnn> skip = HandRnn::Load(prefix, HandRnnOptions{Isa::kScalar, 1, false}, &error);
  std::unique_ptr<HandRnn> full = HandRnn::Load(prefix, HandRnnOptions{Isa::kScalar, 1, true}, &error);
  Check(skip && full, "streamed bytes: model loads " + error);
  if (!skip || !full) return;
  const HandModelConfig& c = skip->config();
  const int64_t r_bytes = 4 * c.layers * c.units * Gates(c.cell) * c.units * c.batch;  // scalar: no padding
  Check(full->streamed_bytes() - skip->streamed_bytes() == r_bytes,
        "streamed bytes: full_first_step reads one R per layer more (" + std::to_string(full->streamed_bytes()) +
            " - " + std::to_string(skip->streamed_bytes()) + " == " + std::to_string(r_bytes) + ")");
}

int Main(int argc, char** argv) {
  std::string lstm, gru;
  FlagParser flags;
  flags.AddString("lstm_prefix", &lstm, "PATH", "the default LSTM's exported files (model/model)");
  flags.AddString("gru_prefix", &gru, "PATH", "the 3-layer GRU's exported files (tfcompile/tests/gru_3layer)");
  flags.Required("lstm_prefix");
  flags.Required("gru_prefix");
  const std::string flag_error = flags.ParseAll(argc, argv);
  if (!flag_error.empty()) {
    std::fprintf(stderr, "rnn_test: %s\n", flag_error.c_str());
    return 2;
  }
  std::string isas;
  for (Isa isa : SupportedIsas()) isas += std::string(" ") + IsaName(isa);
  std::printf("ISA paths on this CPU:%s\n", isas.c_str());
  for (Isa isa : SupportedIsas()) {
    for (int threads : {1, 2, 3}) {
      TestGoldenFiles(lstm, isa, threads);
      TestLstmHeaderAndBatch(lstm, isa, threads);
      TestGoldenFiles(gru, isa, threads);
    }
    TestGoldenFiles(lstm, isa, 1, /*full_first_step=*/true);
    TestGoldenFiles(gru, isa, 2, /*full_first_step=*/true);
  }
  TestStreamedBytes(lstm);
  std::string error;
  Check(!HandRnn::Load(lstm, HandRnnOptions{std::nullopt, 0}, &error) && Contains(error, "threads must be"),
        "threads=0 rejected: " + error);
  TestAgainstReference(Cell::kLstm, 3, 20, 7, 5, 2, 0.3f);
  TestAgainstReference(Cell::kGru, 2, 37, 1, 4, 1, 0.3f);
  TestAgainstReference(Cell::kLstm, 1, 33, 50, 3, 1, 3.0f);   // saturating gates
  TestAgainstReference(Cell::kGru, 1, 70, 64, 3, 1, 3.0f);
  TestAgainstReference(Cell::kLstm, 2, 1, 1, 1, 1, 0.5f);     // smallest shape
  TestBadFiles(lstm);
  std::printf("%s: %d failure(s)\n", g_failures == 0 ? "OK" : "FAILED", g_failures);
  return g_failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tflatency

int main(int argc, char** argv) { return tflatency::Main(argc, argv); }
