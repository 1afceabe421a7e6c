// //cc/bound:kernels_test: the bound kernels compute what they claim, for every
// ISA this CPU supports: each matvec panel kernel against the scalar double
// reference (odd shapes, several rows, the default model's shapes, with the
// packed bias or an external, in-place init), the whole model-shaped stream in
// the minimal-traffic order on one worker and split over a two-thread team
// (and the old per-step order), the number of FMAs the FMA loops really
// perform (one core and split over the team), the FMA/weight/streamed-byte
// counts of the default model and a GRU, the column split, the team's barrier,
// and bound_bench's flags. Plain main: prints each failure, exits 1 if any.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cc/bound/flags.h"
#include "cc/bound/fma_team.h"
#include "cc/bound/kernels.h"
#include "cc/bound/narrow_stream_model.h"
#include "cc/bound/matvec.h"
#include "cc/bound/per_step_model.h"
#include "cc/bound/stream_model.h"
#include "cc/bound/worker_columns.h"
#include "cc/common/isa.h"
#include "cc/common/precision.h"
#include "cc/common/rnn_shape.h"
#include "cc/common/spin_team.h"

namespace tflatency {
namespace {

int failures = 0;

void Expect(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

template <class T>
void ExpectEq(T got, T want, const std::string& what) {
  Expect(got == want, what + ": got " + std::to_string(got) + ", want " + std::to_string(want));
}

// configs/rnn_547k.json, the default model (test data: C++ has no default model).
RnnShape Rnn547k() {
  RnnShape shape;
  shape.cell = Cell::kLstm;
  shape.layers = 2;
  shape.units = 128;
  shape.input_size = 150;
  shape.time_steps = 2;
  shape.batch = 1;
  return shape;
}

float Pseudo(int64_t i) {  // deterministic values in [-1, 1)
  uint32_t z = static_cast<uint32_t>(i) * 2654435761u + 12345u;
  z ^= z >> 15;
  z *= 2246822519u;
  z ^= z >> 13;
  return static_cast<float>(z >> 8) / 8388608.0f - 1.0f;
}

void TestMatvec(Isa isa, int64_t k, int64_t n, int64_t rows, int64_t max_rows) {
  std::vector<float> w(k * n), bias(n), x(rows * (k + 3)), y(rows * (n + 5), -7.0f);
  for (int64_t i = 0; i < k * n; ++i) w[i] = Pseudo(i);
  for (int64_t j = 0; j < n; ++j) bias[j] = Pseudo(1000003 + j);
  for (size_t i = 0; i < x.size(); ++i) x[i] = Pseudo(2000003 + i);
  PackedMatrix packed(isa, w.data(), bias.data(), k, n, max_rows);
  ExpectEq<int64_t>(packed.packed_bytes(), 4 * PackedMatrix::PackedFloats(isa, k, n, max_rows, true),
                    "PackedFloats agrees with the packing");
  packed.Apply(x.data(), k + 3, rows, y.data(), n + 5);  // strides wider than rows: checks strides
  const std::string error = CheckAgainstReference(w.data(), bias.data(), k, n, x.data(), k + 3, rows, y.data(), n + 5);
  Expect(error.empty(), std::string(IsaName(isa)) + " matvec k=" + std::to_string(k) + " n=" + std::to_string(n) +
                            " rows=" + std::to_string(rows) + "/" + std::to_string(max_rows) + ": " + error);
  y[(rows - 1) * (n + 5) + n / 2] += 0.25f;  // one missing term is about this big: caught?
  Expect(!CheckAgainstReference(w.data(), bias.data(), k, n, x.data(), k + 3, rows, y.data(), n + 5).empty(),
         "CheckAgainstReference missed a wrong element");
  for (int64_t r = 0; r < rows; ++r) {  // the padding between rows of y is untouched
    for (int64_t j = n; j < n + 5; ++j) Expect(y[r * (n + 5) + j] == -7.0f, "matvec wrote past column n");
  }
}

// y = init + x * W with init a per-row buffer (no packed bias), in place
// (init == y) and from a separate buffer.
void TestMatvecInit(Isa isa, int64_t k, int64_t n, int64_t rows, bool in_place) {
  const int64_t stride = n + 5;
  std::vector<float> w(k * n), init(rows * stride), x(rows * (k + 3)), y(rows * stride, -7.0f);
  for (int64_t i = 0; i < k * n; ++i) w[i] = Pseudo(3000017 + i);
  for (size_t i = 0; i < init.size(); ++i) init[i] = Pseudo(4000037 + i);
  for (size_t i = 0; i < x.size(); ++i) x[i] = Pseudo(5000011 + i);
  // In caller-given storage, between two guard floats that must stay untouched.
  const int64_t floats = PackedMatrix::PackedFloats(isa, k, n, rows, false);
  AlignedFloats storage = AllocateFloats(floats + 32);
  storage[15] = 123.0f;
  storage[16 + floats] = 456.0f;
  PackedMatrix packed(isa, w.data(), nullptr, k, n, rows, storage.get() + 16);
  Expect(!packed.has_bias(), "bias-less PackedMatrix reports a bias");
  Expect(storage[15] == 123.0f && storage[16 + floats] == 456.0f, "PackedMatrix wrote outside its storage");
  if (in_place) {
    for (int64_t r = 0; r < rows; ++r) std::copy_n(&init[r * stride], n, &y[r * stride]);
    packed.Apply(x.data(), k + 3, rows, y.data(), stride, y.data(), stride);
  } else {
    packed.Apply(x.data(), k + 3, rows, y.data(), stride, init.data(), stride);
  }
  const std::string error =
      CheckAgainstReference(w.data(), init.data(), k, n, x.data(), k + 3, rows, y.data(), stride, stride);
  Expect(error.empty(), std::string(IsaName(isa)) + " matvec with init k=" + std::to_string(k) + " n=" +
                            std::to_string(n) + " rows=" + std::to_string(rows) +
                            (in_place ? " in place" : "") + ": " + error);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = n; j < stride; ++j) {
      Expect(y[r * stride + j] == -7.0f, "matvec with init wrote past column n");
    }
  }
}

void TestFmaLoops(Isa isa) {
  // m = c = 1: each accumulator a ends at a + rounds, so the sum reveals how many FMAs ran.
  const int64_t lanes = Lanes(isa), rounds = 10;
  const float got = FmaPeak(isa, kPeakAccumulators * lanes * rounds, 1.0f, 1.0f);
  const float want = lanes * (kPeakAccumulators * (kPeakAccumulators - 1) / 2 + kPeakAccumulators * rounds);
  Expect(got == want, std::string(IsaName(isa)) + " FmaPeak: got " + std::to_string(got) + ", want " +
                          std::to_string(want));
  if (isa == Isa::kAvx2) {
    const float original = OriginalFmaLoop(kOriginalAccumulators * 8 * rounds, 1.0f, 1.0f);
    Expect(original == 8.0f * (6 + 4 * rounds), "OriginalFmaLoop: got " + std::to_string(original));
  }
}

void TestCounts() {
  const RnnShape lstm = Rnn547k();
  ExpectEq<int64_t>(FmaCount(lstm), 546816, "default FmaCount");
  ExpectEq<int64_t>(WeightBytes(lstm), (4 * 128 * 278 + 4 * 128 * 256 + 2 * 512) * 4, "default WeightBytes");
  // The FMAs any algorithm needs: step 0's recurrent products multiply the zero
  // initial state, 2 layers x 128 x 512 of them.
  ExpectEq<int64_t>(NeededFmaCount(lstm), 546816 - 2 * 128 * 512, "default NeededFmaCount");
  // The minimal weight traffic of one inference of the default model (G*H = 4*128
  // = 512 gate columns, T = 2 steps): per layer the input kernel once and the
  // recurrent kernel once per step after the first (step 0 multiplies h = 0), in fp32:
  //   layer 0 input kernel      150 x 512 x 4 B =   307,200
  //   layer 1 input kernel      128 x 512 x 4 B =   262,144
  //   recurrent kernels  2 layers x 1 step x 128 x 512 x 4 B = 524,288
  //                                              = 1,093,632 of kernels,
  // plus one 512-float bias vector per layer, once: 2 x 2,048 B.
  const int64_t gh = 4 * 128, steps = 2;
  const int64_t kernels = (150 * gh + 128 * gh + 2 * (steps - 1) * 128 * gh) * 4;
  ExpectEq<int64_t>(kernels, 1093632, "default model's minimal kernel traffic (derivation above)");
  ExpectEq<int64_t>(StreamedWeightBytes(lstm), kernels + 2 * gh * 4, "default StreamedWeightBytes");
  // The old per-step order re-reads every parameter (biases included) each step.
  ExpectEq<int64_t>(PerStepWeightBytes(lstm), 2 * WeightBytes(lstm), "default PerStepWeightBytes");
  RnnShape lstm_batch = lstm;  // batch rows share every pass
  lstm_batch.batch = 7;
  ExpectEq<int64_t>(StreamedWeightBytes(lstm_batch), StreamedWeightBytes(lstm), "StreamedWeightBytes, batch 7");
  // The column split: contiguous halves at whole vectors, covering all 512 columns.
  ExpectEq<int64_t>(WorkerColumn(lstm, 16, 2, 0), 0, "WorkerColumn(0)");
  ExpectEq<int64_t>(WorkerColumn(lstm, 16, 2, 1), 256, "WorkerColumn(1) of 2");
  ExpectEq<int64_t>(WorkerColumn(lstm, 16, 2, 2), 512, "WorkerColumn(2) of 2");
  RnnShape odd = lstm;
  odd.units = 37;  // 148 columns: 10 vectors of 16, 5 each
  ExpectEq<int64_t>(WorkerColumn(odd, 16, 2, 1), 80, "WorkerColumn(1) of 2, 148 columns");
  ExpectEq<int64_t>(WorkerColumn(odd, 16, 2, 2), 148, "WorkerColumn(2) of 2, 148 columns");
  RnnShape gru = Rnn547k();  // configs/gru_3layer.json
  gru.cell = Cell::kGru;
  gru.layers = 3;
  gru.units = 64;
  gru.input_size = 40;
  gru.time_steps = 3;
  // 3 steps * (3*64*(40+64) + 2 * 3*64*(64+64)) = 3 * 69120
  ExpectEq<int64_t>(FmaCount(gru), 207360, "GRU FmaCount");
  // weights plus two bias vectors per layer: 3*64*104 + 2*3*64*128 + 3 * 2*192 floats
  ExpectEq<int64_t>(WeightBytes(gru), (19968 + 49152 + 1152) * 4, "GRU WeightBytes");
  // Per layer G*H * (D_in + 1 bias + (T-1)*H) floats: 192 * (40 + 1 + 2*64) + 2 * 192 * (64 + 1 + 2*64)
  ExpectEq<int64_t>(StreamedWeightBytes(gru), (192 * 169 + 2 * 192 * 193) * 4, "GRU StreamedWeightBytes");
  ExpectEq<int64_t>(NeededFmaCount(gru), 207360 - 3 * 192 * 64, "GRU NeededFmaCount");
  ExpectEq<int64_t>(PerStepWeightBytes(gru), 3 * WeightBytes(gru), "GRU PerStepWeightBytes");
  gru.batch = 5;
  ExpectEq<int64_t>(FmaCount(gru), 5 * 207360, "GRU FmaCount, batch 5");
}

// Two workers: every Barrier returns only once both have arrived, many times over.
void TestTeamBarrier(SpinTeam* team) {
  struct Context {
    SpinTeam* team;
    std::atomic<int> count[2];
    bool ok = true;
  } context{team, {{0}, {0}}, true};
  auto job = [](void* p, int worker) {
    Context* c = static_cast<Context*>(p);
    for (int i = 1; i <= 1000; ++i) {
      c->count[worker].store(i, std::memory_order_relaxed);
      c->team->Barrier(worker);
      // Past the barrier, the other worker has stored at least i.
      if (c->count[1 - worker].load(std::memory_order_relaxed) < i) c->ok = false;
      c->team->Barrier(worker);
    }
  };
  for (int run = 0; run < 3; ++run) team->Run(job, &context);
  Expect(context.ok, "SpinTeam::Barrier let a worker through early");
  ExpectEq(context.count[1].load(), 1000, "helper ran its share of the job");
}

// Each FmaPeak call with m = c = 1 returns lanes * (A(A-1)/2 + A * rounds), A =
// kPeakAccumulators: the team's sum reveals how many FMAs really ran.
void TestFmaTeam(Isa isa, SpinTeam* team, const RnnShape& shape) {
  FmaPeakTeam fmas(shape, isa, team);
  const int64_t round = int64_t{kPeakAccumulators} * Lanes(isa);
  const int64_t needed = NeededFmaCount(shape);
  Expect(fmas.performed_fmas() >= needed && fmas.performed_fmas() < needed + fmas.calls() * round,
         std::string(IsaName(isa)) + " FmaPeakTeam performs " + std::to_string(fmas.performed_fmas()) +
             " FMAs for " + std::to_string(needed));
  const double per_call = Lanes(isa) * (kPeakAccumulators * (kPeakAccumulators - 1) / 2);
  const double want = static_cast<double>(fmas.calls()) * per_call + static_cast<double>(fmas.performed_fmas());
  const float got = fmas.Run(1.0f, 1.0f);
  Expect(got == want, std::string(IsaName(isa)) + " FmaPeakTeam result: got " + std::to_string(got) + ", want " +
                          std::to_string(want));
}

// bound_bench's flag parsing on `args`: "" and *config, or the error. Every
// argument but "--other" must be taken out of argv.
std::string Parse(std::vector<std::string> args, BoundConfig* config) {
  std::vector<char*> argv;
  args.insert(args.begin(), "bound_bench");
  for (std::string& a : args) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  FlagParser parser;
  BoundFlags flags;
  flags.AddTo(&parser);
  std::string error = parser.Parse(&argc, argv.data());
  ExpectEq(argc, 2, "flags left after parsing (only --other)");
  if (error.empty()) error = flags.ToConfig(config);
  return error;
}

const std::vector<std::string> kShape = {"--cell=lstm", "--layers=2",     "--units=128",
                                         "--input_size=150", "--time_steps=2", "--batch=1"};

// kShape followed by `more` (a later flag wins).
std::vector<std::string> Shape(std::vector<std::string> more) {
  std::vector<std::string> args = kShape;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

void TestFlags() {
  BoundConfig config;
  Expect(Parse(Shape({"--cell=gru", "--units=64", "--other", "--layers=3", "--isa=scalar"}), &config).empty(),
         "valid flags");
  Expect(config.shape.cell == Cell::kGru && config.shape.units == 64 && config.shape.layers == 3 &&
             config.shape.input_size == 150 && config.isa == Isa::kScalar && config.isa_forced,
         "valid flags parsed");
  BoundConfig widest;
  Expect(Parse(Shape({"--other"}), &widest).empty() && widest.isa == BestIsa() && !widest.isa_forced,
         "no --isa: the widest this CPU supports");
  // Each bad value, and the start of the one-line error it gets.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"--units=0", "--units must be a positive integer, got '0'"},
      {"--units=-3", "--units must be a positive integer, got '-3'"},
      {"--batch=abc", "--batch must be a positive integer, got 'abc'"},
      {"--cell=rnn", "--cell must be lstm or gru, got 'rnn'"},
      {"--time_steps=", "--time_steps must be a positive integer, got ''"},
      {"--layers", "--layers needs a value: --layers=N"},
      {"--isa=sse9", "--isa must be avx512, avx2 or scalar, got 'sse9'"},
      {"--input_size=1e3", "--input_size must be a positive integer, got '1e3'"},
      {"--units=16777217", "--units must be at most 16777216, got 16777217"},
      {"--units=16777216", "model too large: "}};  // "12582912.0 GiB of weights exceeds ..."
  for (const auto& [arg, want] : bad) {
    BoundConfig c;
    const std::string error = Parse(Shape({arg, "--other"}), &c);
    Expect(error.compare(0, want.size(), want) == 0 && error.find('\n') == std::string::npos,
           arg + " should be rejected with '" + want + "', got '" + error + "'");
  }
  BoundConfig missing;
  const std::string error = Parse({"--units=64", "--other"}, &missing);
  Expect(error == "missing --cell=lstm|gru (the model's cell; bazel run //cc:bound_bench passes the benchmarked "
                  "model's)",
         "no shape flags: " + error);
}

// The reduced-precision weight streams: right on the weights as narrowed, about 1/2 (bf16) and 1/4
// (int8) of the fp32 bytes; every ISA the CPU supports has a kernel.
void TestNarrowStream(Isa isa, const RnnShape& shape, const std::string& what) {
  for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    const std::string name = what + " " + PrecisionName(precision) + " stream";
    const std::string why = NarrowStreamModel::Supported(isa, precision);
    Expect(why.empty(), name + " supported: " + why);
    NarrowStreamModel model(shape, isa, precision);
    const std::string error = model.Verify();
    Expect(error.empty(), name + ": " + error);
    const double fraction = static_cast<double>(model.streamed_bytes()) / StreamedWeightBytes(shape);
    if (shape.units == 128) {
      const double want = precision == WeightPrecision::kBf16 ? 0.5 : 0.25;
      Expect(fraction > want && fraction < want + 0.03, name + " bytes fraction " + std::to_string(fraction));
    }
  }
}

int Main() {
  TestCounts();
  TestFlags();
  SpinTeam team(2, AllowedCpus());  // pinned if this process may use two CPUs; works unpinned too
  TestTeamBarrier(&team);
  for (Isa isa : SupportedIsas()) {
    std::printf("testing %s kernels\n", IsaName(isa));
    // rows: one pass for up to kMaxPanelRows, k-blocked beyond; fewer rows than packed for.
    for (const auto& rows :
         std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {7, 7}, {1, 4}, {3, 9}}) {
      for (const auto& kn : std::vector<std::pair<int64_t, int64_t>>{
               {1, 1}, {5, 7}, {13, 33}, {17, 250}, {40, 192}, {64, 1000}, {278, 512}, {256, 512}, {300, 17}}) {
        TestMatvec(isa, kn.first, kn.second, rows.first, rows.second);
      }
    }
    for (int64_t rows : {1, 2, 4, 6}) {
      for (const auto& kn : std::vector<std::pair<int64_t, int64_t>>{{5, 7}, {37, 111}, {128, 256}, {128, 512}}) {
        TestMatvecInit(isa, kn.first, kn.second, rows, false);
        TestMatvecInit(isa, kn.first, kn.second, rows, true);
      }
    }
    TestFmaLoops(isa);
    std::vector<RnnShape> shapes = {Rnn547k()};
    RnnShape gru = Rnn547k();
    gru.cell = Cell::kGru;
    gru.layers = 3;
    gru.units = 37;
    gru.input_size = 11;
    gru.time_steps = 3;
    gru.batch = 6;
    shapes.push_back(gru);
    RnnShape tiny = Rnn547k();  // fewer columns than the vectors two workers can split: one worker gets none
    tiny.units = 2;
    tiny.input_size = 3;
    tiny.time_steps = 5;
    shapes.push_back(tiny);
    RnnShape long_seq = Rnn547k();  // more input rows than one panel pass: the k-blocked input pass
    long_seq.units = 40;
    long_seq.input_size = 24;
    long_seq.time_steps = 9;
    long_seq.batch = 2;
    shapes.push_back(long_seq);
    for (const RnnShape& shape : shapes) {
      const std::string what = std::string(IsaName(isa)) + " " + CellName(shape.cell) + " H=" +
                               std::to_string(shape.units) + " T=" + std::to_string(shape.time_steps) + " B=" +
                               std::to_string(shape.batch);
      StreamModel one(shape, isa);
      const std::string one_error = one.Verify();
      Expect(one_error.empty(), what + " stream: " + one_error);
      ExpectEq<int64_t>(one.workers(), 1, what + " stream workers");
      StreamModel two(shape, isa, &team);
      const std::string two_error = two.Verify();
      Expect(two_error.empty(), what + " stream, 2 workers: " + two_error);
      ExpectEq<int64_t>(two.workers(), 2, what + " stream workers, team");
      // Streamed bytes: the formula plus only the zero columns padding each
      // worker's slice to whole vectors (< lanes per matrix row read).
      int64_t slack = 0;
      for (int64_t l = 0; l < shape.layers; ++l) {
        slack += 2 * (Lanes(isa) - 1) * (LayerInputSize(shape, l) + 1 + (shape.time_steps - 1) * shape.units);
      }
      for (const StreamModel* m : {&one, &two}) {
        Expect(m->streamed_packed_bytes() >= StreamedWeightBytes(shape) &&
                   m->streamed_packed_bytes() <= StreamedWeightBytes(shape) + 4 * slack,
               what + " streamed_packed_bytes " + std::to_string(m->streamed_packed_bytes()) + " vs " +
                   std::to_string(StreamedWeightBytes(shape)));
      }
      if (shape.cell == Cell::kLstm && shape.units == 128) {
        // The default model's halves are whole vectors: exactly the formula's bytes.
        ExpectEq<int64_t>(one.streamed_packed_bytes(), StreamedWeightBytes(shape), what + " packed = formula");
        ExpectEq<int64_t>(two.streamed_packed_bytes(), StreamedWeightBytes(shape), what + " packed = formula, 2");
      }
      const std::string per_step_error = PerStepStreamModel(shape, isa).Verify();
      Expect(per_step_error.empty(), what + " per-step stream: " + per_step_error);
      TestFmaTeam(isa, &team, shape);
      TestNarrowStream(isa, shape, what);
    }
  }
  // An ISA the CPU lacks (forced): the reduced-precision bound says n/a with the reason.
  setenv("TFLATENCY_ISA_MAX", "scalar", 1);
  for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    const std::string why = NarrowStreamModel::Supported(Isa::kAvx2, precision);
    Expect(why == "this CPU does not support the avx2 path", std::string("TFLATENCY_ISA_MAX=scalar: avx2 ") +
                                                                 PrecisionName(precision) + " stream n/a: " + why);
  }
  unsetenv("TFLATENCY_ISA_MAX");
  std::printf(failures == 0 ? "all passed\n" : "%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tflatency

int main() { return tflatency::Main(); }
