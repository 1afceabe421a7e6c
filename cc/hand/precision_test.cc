// //cc/hand:precision_test: the hand-written kernel with bf16 and int8 weights
// (cc/common/precision.h). Quantization round trips (bf16 rounding to nearest even, int8
// scales, rounding and range); each reduced-precision kernel against the fp32
// kernel run on the weights it actually holds (bf16-rounded, or q * scale), on
// the default LSTM and the 3-layer GRU, random odd shapes, 1 and 2 threads,
// every ISA this CPU supports; the narrowed-activation kernels (vpdpbusd,
// vdpbf16ps) against their AVX-512F emulation; the golden gate at the info.json's
// reduced_precision_atol passing, and failing for wrong weights or a too tight
// tolerance; n/a reasons for an ISA the CPU lacks (forced with TFLATENCY_ISA_MAX).
// Plain main: prints one line per check, exits non-zero on any failure.
// Flags: --lstm_prefix=PATH --gru_prefix=PATH (cc/hand/BUILD passes both).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cc/common/isa.h"
#include "cc/hand/golden_files.h"
#include "cc/hand/model.h"
#include "cc/common/precision.h"
#include "cc/hand/rnn.h"
#include "cc/harness/flags.h"
#include "cc/harness/golden_compare.h"

namespace tflatency {
namespace {

int g_failures = 0;

void Check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
  if (!ok) ++g_failures;
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

float FromBits(uint32_t bits) {
  float x;
  std::memcpy(&x, &bits, 4);
  return x;
}

void TestBf16RoundTrip() {
  Check(Bf16Bits(1.0f) == 0x3F80, "bf16: 1.0 -> 0x3F80");
  Check(Bf16Bits(FromBits(0x3F808000)) == 0x3F80, "bf16: a tie rounds to even (down)");
  Check(Bf16Bits(FromBits(0x3F818000)) == 0x3F82, "bf16: a tie rounds to even (up)");
  Check(Bf16Bits(FromBits(0x3F808001)) == 0x3F81, "bf16: above the tie rounds up");
  Check(Bf16Bits(-2.5f) == 0xC020 && Bf16ToFloat(0xC020) == -2.5f, "bf16: -2.5 exact both ways");
  bool exact = true;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-4.0f, 4.0f);
  for (int i = 0; i < 10000; ++i) {
    const float x = uniform(rng), r = RoundToBf16(x);
    exact = exact && RoundToBf16(r) == r && std::fabs(r - x) <= std::ldexp(std::fabs(x), -8);
  }
  Check(exact, "bf16: rounding is idempotent and within half an ulp (2^-8 relative)");
}

void TestInt8RoundTrip() {
  // 3 rows x 4 columns: a plain column, one with a tie, an all-zero one, a negative maximum.
  const std::vector<float> w = {1.27f, 0.5f, 0.0f, -2.54f,   //
                                -0.01f, 0.25f, 0.0f, 1.0f,  //
                                0.635f, -0.5f, 0.0f, 0.02f};
  std::vector<int8_t> q(12);
  std::vector<float> qf(12), scale(4);
  QuantizeColumnsInt8(w.data(), 3, 4, 4, q.data(), qf.data(), scale.data());
  Check(std::fabs(scale[0] - 0.01f) < 1e-9f && std::fabs(scale[3] - 0.02f) < 1e-9f,
        "int8: scale = max |column| / 127");
  Check(scale[2] == 1.0f && q[2] == 0 && q[6] == 0 && q[10] == 0, "int8: an all-zero column has scale 1, q 0");
  Check(q[0] == 127 && q[3] == -127 && q[9] == -127 && q[1] == 127, "int8: each column's maximum maps to +-127");
  Check(q[4] == -1 && q[7] == 50 && q[11] == 1, "int8: round to nearest");
  Check(q[8] == 64, "int8: 63.5 rounds to even (64)");
  bool same = true, within = true;
  for (int i = 0; i < 12; ++i) {
    same = same && qf[i] == q[i];
    within = within && std::fabs(q[i] * scale[i % 4] - w[i]) <= 0.5f * scale[i % 4] * 1.0001f;
  }
  Check(same, "int8: the float copy holds the same integers");
  Check(within, "int8: dequantized within half a step of the weight");
}

// Weights that must fail every gate: layer 0's input kernel negated.
std::vector<float> WrongWeights(const HandModelConfig& c, std::vector<float> weights) {
  for (int64_t i = 0; i < LayerInputSize(c, 0) * Gates(c.cell) * c.units; ++i) weights[i] = -weights[i];
  return weights;
}

// The fp32 weights the reduced-precision kernel computes with: K and R bf16-rounded, or q * scale.
std::vector<float> Dequantized(const HandModelConfig& c, std::vector<float> weights, WeightPrecision precision) {
  const int64_t GH = Gates(c.cell) * c.units;
  float* w = weights.data();
  for (int64_t l = 0; l < c.layers; ++l) {
    const int64_t rows[2] = {LayerInputSize(c, l), c.units};
    for (int64_t rows_of : rows) {
      if (precision == WeightPrecision::kBf16) {
        for (int64_t i = 0; i < rows_of * GH; ++i) w[i] = RoundToBf16(w[i]);
      } else {
        std::vector<float> scale(GH);
        QuantizeColumnsInt8(w, rows_of, GH, GH, nullptr, w, scale.data());
        for (int64_t i = 0; i < rows_of * GH; ++i) w[i] *= scale[i % GH];
      }
      w += rows_of * GH;
    }
    w += GH * (c.cell == Cell::kGru ? 2 : 1);
  }
  return weights;
}

// The reduced-precision kernel vs the fp32 kernel on its dequantized weights: the same products,
// summed in another order (int8: the scale applied to the sum), so equal to a few fp32 ulps.
void TestAgainstDequantized(const HandModelConfig& c, const std::vector<float>& weights,
                            const std::vector<float>& input, Isa isa, int threads, WeightPrecision precision,
                            const std::string& what) {
  std::string error;
  HandRnnOptions options{isa, threads};
  options.precision = precision;
  std::unique_ptr<HandRnn> reduced = HandRnn::Create(c, weights, options, &error);
  std::unique_ptr<HandRnn> fp32 = HandRnn::Create(c, Dequantized(c, weights, precision), HandRnnOptions{isa, threads},
                                                  &error);
  const std::string name = std::string(PrecisionName(precision)) + " " + IsaName(isa) + " threads=" +
                           std::to_string(threads) + " " + what;
  Check(reduced && fp32, name + " creates" + (error.empty() ? "" : ": " + error));
  if (!reduced || !fp32) return;
  std::vector<float> got(OutputFloats(c), NAN), want(OutputFloats(c), NAN);
  reduced->Run(input.data(), got.data());
  fp32->Run(input.data(), want.data());
  const GoldenResult result = CompareToGolden(got.data(), want.data(), OutputFloats(c), 2e-6, 1e-5);
  Check(result.ok, name + " matches the fp32 kernel on its dequantized weights: " + result.Describe());
  Check(reduced->precision() == precision && reduced->isa() == isa, name + " reports its precision and ISA");
}

// Narrowed activations (avx512): the kernel with the dot-product instruction against its AVX-512F
// emulation (int8: bit for bit, the integer sums are exact; bf16: within a few fp32 ulps, should the
// instruction round otherwise than its documented order); the emulation within the reduced tolerance
// of the fp32 kernel on the dequantized weights, and not equal to the kernel that keeps x and h in fp32.
void TestNarrowActivations(const HandModelConfig& c, const std::vector<float>& weights,
                           const std::vector<float>& input, int threads, WeightPrecision precision,
                           const std::string& what) {
  if (!CpuSupports(Isa::kAvx512)) return;
  std::string error;
  const std::string name = std::string(PrecisionName(precision)) + " activations threads=" +
                           std::to_string(threads) + " " + what;
  auto create = [&](NarrowActivations activations, const std::vector<float>& w, WeightPrecision p) {
    HandRnnOptions options{Isa::kAvx512, threads};
    options.precision = p;
    options.narrow_activations = activations;
    return HandRnn::Create(c, w, options, &error);
  };
  std::unique_ptr<HandRnn> emulated = create(NarrowActivations::kEmulated, weights, precision);
  std::unique_ptr<HandRnn> widened = create(NarrowActivations::kNone, weights, precision);
  std::unique_ptr<HandRnn> fp32 = create(NarrowActivations::kNone, Dequantized(c, weights, precision),
                                         WeightPrecision::kFp32);
  Check(emulated && widened && fp32, name + " creates" + (error.empty() ? "" : ": " + error));
  if (!emulated || !widened || !fp32) return;
  const int64_t n = OutputFloats(c);
  std::vector<float> got(n, NAN), keep(n, NAN), want(n, NAN);
  emulated->Run(input.data(), got.data());
  widened->Run(input.data(), keep.data());
  fp32->Run(input.data(), want.data());
  const GoldenResult close = CompareToGolden(got.data(), want.data(), n, c.reduced_precision_atol, 0.0);
  Check(close.ok, name + " (emulated) within the reduced tolerance of fp32 on its weights: " + close.Describe());
  Check(std::memcmp(got.data(), keep.data(), n * 4) != 0, name + " narrows x and h (differs from the kernel that keeps them in fp32)");
  const std::string why = UnsupportedReason(DotProductExtension(precision));
  if (!why.empty()) {
    std::printf("SKIP: %s native: %s\n", name.c_str(), why.c_str());
    return;
  }
  std::unique_ptr<HandRnn> native = create(NarrowActivations::kNative, weights, precision);
  Check(native && native->narrow_activations() == NarrowActivations::kNative, name + " native creates: " + error);
  if (!native) return;
  std::vector<float> dot(n, NAN);
  native->Run(input.data(), dot.data());
  if (precision == WeightPrecision::kInt8) {
    Check(std::memcmp(dot.data(), got.data(), n * 4) == 0, name + " vpdpbusd equals its emulation bit for bit");
  } else {
    const GoldenResult same = CompareToGolden(dot.data(), got.data(), n, 1e-6, 1e-5);
    Check(same.ok, name + " vdpbf16ps within a few ulps of its emulation (" +
                       (std::memcmp(dot.data(), got.data(), n * 4) == 0 ? "bit for bit" : "not bit for bit") +
                       "): " + same.Describe());
  }
}

void TestRandom(Cell cell, int64_t layers, int64_t units, int64_t input_size, int64_t steps) {
  HandModelConfig c;
  c.name = "random";
  c.cell = cell;
  c.layers = layers;
  c.units = units;
  c.input_size = input_size;
  c.time_steps = steps;
  c.batch = 1;
  c.reduced_precision_atol = 2e-2;
  std::mt19937 rng(static_cast<unsigned>(units * 31 + input_size));
  std::uniform_real_distribution<float> uniform(-0.4f, 0.4f);
  std::vector<float> weights(WeightFloats(c)), input(InputFloats(c));
  for (float& v : weights) v = uniform(rng);
  for (float& v : input) v = uniform(rng) * 5.0f;
  const std::string what = std::string(CellName(cell)) + " " + std::to_string(layers) + "x" + std::to_string(units) +
                           " d=" + std::to_string(input_size);
  for (Isa isa : SupportedIsas()) {
    for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
      for (int threads : {1, 2}) TestAgainstDequantized(c, weights, input, isa, threads, precision, what);
    }
  }
  for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    for (int threads : {1, 2}) TestNarrowActivations(c, weights, input, threads, precision, what);
  }
}

void TestModel(const std::string& prefix) {
  std::string error;
  HandModelConfig c;
  error = LoadHandModelConfig(HandFilesFromPrefix(prefix).info(), &c);
  Check(error.empty(), prefix + " config loads" + (error.empty() ? "" : ": " + error));
  if (!error.empty()) return;
  Check(c.reduced_precision_atol == 2e-2, prefix + " info.json records reduced_precision_atol 0.02");
  std::vector<float> weights;
  error = ReadFloatFile(HandFilesFromPrefix(prefix).weights(), WeightFloats(c), &weights);
  HandGolden golden;
  if (error.empty()) error = LoadHandGolden(prefix, c, &golden);
  Check(error.empty(), prefix + " weights and golden files load" + (error.empty() ? "" : ": " + error));
  if (!error.empty()) return;
  for (Isa isa : SupportedIsas()) {
    for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
      for (int threads : {1, 2}) {
        TestAgainstDequantized(c, weights, golden.input, isa, threads, precision, prefix);
        HandRnnOptions options{isa, threads};
        options.precision = precision;
        const std::string name = std::string(PrecisionName(precision)) + " " + IsaName(isa) + " threads=" +
                                 std::to_string(threads) + " " + prefix;
        std::unique_ptr<HandRnn> rnn = HandRnn::Create(c, weights, options, &error);
        if (!rnn) continue;
        const GoldenResult pass = CheckHandGolden(rnn.get(), golden);
        Check(pass.ok && pass.max_abs_diff > 1e-6, name + " passes the reduced-precision gate (and is not fp32): " +
                                                        pass.Describe());
        Check(HandGoldenAtol(*rnn) == c.reduced_precision_atol && HandGoldenRtol(*rnn) == 0.0,
              name + " gate tolerance: max abs error <= reduced_precision_atol");
        if (threads != 1) continue;
        // A tolerance just under its own error fails; wrong weights (K of layer 0 negated) fail.
        HandModelConfig tight = c;
        tight.reduced_precision_atol = pass.max_abs_diff * 0.99;
        std::unique_ptr<HandRnn> strict = HandRnn::Create(tight, weights, options, &error);
        Check(strict && !CheckHandGolden(strict.get(), golden).ok, name + " fails a tolerance just under its error");
        std::unique_ptr<HandRnn> bad = HandRnn::Create(c, WrongWeights(c, weights), options, &error);
        const GoldenResult fail = bad ? CheckHandGolden(bad.get(), golden) : GoldenResult{};
        Check(bad && !fail.ok, name + " with wrong weights fails its gate: " + fail.Describe());
      }
    }
  }
  // Narrowed activations: as above, and gated on the model's golden output (wrong weights fail).
  for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    for (int threads : {1, 2}) {
      TestNarrowActivations(c, weights, golden.input, threads, precision, prefix);
      if (!CpuSupports(Isa::kAvx512)) continue;
      HandRnnOptions options{Isa::kAvx512, threads};
      options.precision = precision;
      options.narrow_activations = CpuSupports(DotProductExtension(precision)) ? NarrowActivations::kNative
                                                                               : NarrowActivations::kEmulated;
      const std::string name = std::string(PrecisionName(precision)) + " activations threads=" +
                               std::to_string(threads) + " " + prefix;
      std::unique_ptr<HandRnn> rnn = HandRnn::Create(c, weights, options, &error);
      const GoldenResult pass = rnn ? CheckHandGolden(rnn.get(), golden) : GoldenResult{};
      Check(rnn && pass.ok && pass.max_abs_diff > 1e-6, name + " passes the reduced-precision gate: " + pass.Describe());
      std::unique_ptr<HandRnn> bad = HandRnn::Create(c, WrongWeights(c, weights), options, &error);
      const GoldenResult fail = bad ? CheckHandGolden(bad.get(), golden) : GoldenResult{};
      Check(bad && !fail.ok, name + " with wrong weights fails its gate: " + fail.Describe());
    }
  }
}

void TestNotApplicable(const std::string& prefix) {
  std::string error;
  HandRnnOptions options{Isa::kAvx512, 1};
  options.precision = WeightPrecision::kInt8;
  setenv("TFLATENCY_ISA_MAX", "avx2", 1);
  bool refused = !HandRnn::Load(prefix, options, &error);
  Check(refused && error == "this CPU does not support the avx512 path",
        "TFLATENCY_ISA_MAX=avx2: loading avx512 int8 fails with the reason: " + error);
  setenv("TFLATENCY_ISA_MAX", "scalar", 1);
  options.isa = Isa::kAvx2;
  options.precision = WeightPrecision::kBf16;
  refused = !HandRnn::Load(prefix, options, &error);
  Check(refused && error == "this CPU does not support the avx2 path",
        "TFLATENCY_ISA_MAX=scalar: loading avx2 bf16 fails with the reason: " + error);
  options.isa.reset();
  std::unique_ptr<HandRnn> automatic = HandRnn::Load(prefix, options, &error);
  Check(automatic && automatic->isa() == Isa::kScalar, "TFLATENCY_ISA_MAX=scalar: bf16 auto picks scalar");
  unsetenv("TFLATENCY_ISA_MAX");
  automatic = HandRnn::Load(prefix, options, &error);
  Check(automatic && automatic->isa() == BestIsa(), "bf16 auto picks the widest ISA");
  // Narrowed activations: bf16 or int8 weights on avx512 only; the dot products only where the CPU has them.
  options.narrow_activations = NarrowActivations::kEmulated;
  options.isa = Isa::kAvx512;
  options.precision = WeightPrecision::kFp32;
  refused = !HandRnn::Load(prefix, options, &error);
  Check(refused && error == "narrowed activations need bf16 or int8 weights on the avx512 path",
        "narrowed activations with fp32 weights: " + error);
  options.isa = Isa::kScalar;  // every CPU has it
  options.precision = WeightPrecision::kInt8;
  refused = !HandRnn::Load(prefix, options, &error);
  Check(refused && error == "narrowed activations need bf16 or int8 weights on the avx512 path",
        "narrowed activations on scalar: " + error);
  options.isa = Isa::kAvx512;
  options.narrow_activations = NarrowActivations::kNative;
  for (WeightPrecision precision : {WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    options.precision = precision;
    const IsaExtension extension = DotProductExtension(precision);
    const std::string what = std::string(ExtensionName(extension)) + " " + PrecisionName(precision) + " activations";
    setenv("TFLATENCY_ISA_MAX", "avx2", 1);
    refused = !HandRnn::Load(prefix, options, &error);
    Check(refused && error == "this CPU does not support the avx512 path" && !CpuSupports(extension),
          "TFLATENCY_ISA_MAX=avx2: " + what + " fail with the reason: " + error);
    unsetenv("TFLATENCY_ISA_MAX");
    refused = !HandRnn::Load(prefix, options, &error);
    Check(refused == !CpuSupports(extension) &&
              (!refused || error == std::string("this CPU does not support ") + ExtensionName(extension)),
          what + " follow the CPU: " + (refused ? error : std::string("loaded")));
  }
  options.narrow_activations = NarrowActivations::kNone;
  HandModelConfig c;
  LoadHandModelConfig(HandFilesFromPrefix(prefix).info(), &c);
  c.reduced_precision_atol = NAN;  // an info.json from before the field
  std::vector<float> weights(WeightFloats(c), 0.0f);
  options.isa = Isa::kScalar;
  Check(!HandRnn::Create(c, weights, options, &error) && Contains(error, "reduced_precision_atol"),
        "no recorded tolerance: refused: " + error);
}

void TestStreamedBytes(const std::string& prefix) {
  std::string error;
  int64_t bytes[3] = {};
  for (WeightPrecision precision : {WeightPrecision::kFp32, WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    HandRnnOptions options{Isa::kScalar, 1};
    options.precision = precision;
    std::unique_ptr<HandRnn> rnn = HandRnn::Load(prefix, options, &error);
    if (rnn) bytes[static_cast<int>(precision)] = rnn->streamed_bytes();
  }
  Check(bytes[1] < 0.55 * bytes[0] && bytes[1] > 0.45 * bytes[0], "bf16 streams about half the fp32 bytes");
  Check(bytes[2] < 0.30 * bytes[0] && bytes[2] > 0.2 * bytes[0], "int8 streams about a quarter of the fp32 bytes");
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
    std::fprintf(stderr, "precision_test: %s\n", flag_error.c_str());
    return 2;
  }
  TestBf16RoundTrip();
  TestInt8RoundTrip();
  TestRandom(Cell::kLstm, 2, 20, 7, 5);
  TestRandom(Cell::kGru, 2, 37, 3, 4);
  TestRandom(Cell::kLstm, 1, 33, 50, 3);
  TestModel(lstm);
  TestModel(gru);
  TestNotApplicable(lstm);
  TestStreamedBytes(lstm);
  std::printf("%s: %d failure(s)\n", g_failures == 0 ? "OK" : "FAILED", g_failures);
  return g_failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tflatency

int main(int argc, char** argv) { return tflatency::Main(argc, argv); }
