// //cc/bound:dot_kernels_test: the narrowed-activation bounds (narrow_kernels.h's
// dot-product panels, bound/weight_stream_int8_vnni and _bf16_dpbf16) compute
// what they claim. The scalar narrowing of a row (a row of zeros, values at .5
// of a step, the extremes, k not a multiple of the group); on a CPU with the
// extension, the vector narrowing bit for bit against it, each panel (through
// NarrowMatrix: 1-4 rows in one pass, more in k blocks, bias or in-place init)
// against a scalar emulation of the same arithmetic (int8: equal bit for bit;
// bf16: within about an ulp of the accumulation), Check catching a wrong
// element, the whole stream's Verify and bytes; elsewhere those print that they
// skip. Then the n/a reasons, also under TFLATENCY_ISA_MAX=avx2. Plain main:
// prints each failure, exits 1 if any.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "cc/bound/kernels.h"
#include "cc/bound/narrow_kernels.h"
#include "cc/bound/narrow_stream_model.h"
#include "cc/common/isa.h"
#include "cc/common/precision.h"
#include "cc/common/rnn_shape.h"

namespace tflatency {
namespace {

int failures = 0;

void Expect(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

float Pseudo(int64_t i) {  // deterministic values in [-1, 1)
  uint32_t z = static_cast<uint32_t>(i) * 2654435761u + 12345u;
  z ^= z >> 15;
  z *= 2246822519u;
  z ^= z >> 13;
  return static_cast<float>(z >> 8) / 8388608.0f - 1.0f;
}

int64_t Padded(WeightPrecision precision, int64_t k) {
  return (k + DotProductGroup(precision) - 1) / DotProductGroup(precision) * DotProductGroup(precision);
}

// NarrowRow's int8 values minus 128 (padding included) and its scale.
std::vector<int> Int8Row(const std::vector<float>& x, float* scale) {
  std::vector<uint8_t> q(Padded(WeightPrecision::kInt8, x.size()));
  *scale = NarrowRow(WeightPrecision::kInt8, x.data(), x.size(), q.data());
  std::vector<int> values;
  for (uint8_t b : q) values.push_back(b - 128);
  return values;
}

std::string Join(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}

void TestNarrowRowReference() {
  float scale = 0.0f;
  std::vector<int> q = Int8Row({0.0f, 0.0f, -0.0f, 0.0f, 0.0f}, &scale);
  Expect(scale == 1.0f && q == std::vector<int>(8, 0), "int8 row of zeros: scale 1, all 0 (q 128), padded to 8: " +
                                                           std::to_string(scale) + ": " + Join(q));
  // max 127: scale exactly 1, so x / s is x; .5 goes to the even neighbour; the extremes give q 1 and 255.
  q = Int8Row({127.0f, -127.0f, 2.5f, -2.5f, 0.5f, 1.5f, -1.5f, 126.5f, 3.5f}, &scale);
  Expect(scale == 1.0f && q == std::vector<int>({127, -127, 2, -2, 0, 2, -2, 126, 4, 0, 0, 0}),
         "int8 row at .5 steps, padded 9 -> 12: " + std::to_string(scale) + ": " + Join(q));
  // A negative max: its value saturates to -127 (q 1); 1.0 is 63.5 steps of 2/127, ties to even 64.
  q = Int8Row({-2.0f, 1.0f, 0.0f}, &scale);
  Expect(scale == 2.0f / 127 && q == std::vector<int>({-127, 64, 0, 0}),
         "int8 row with a negative max: " + std::to_string(scale) + ": " + Join(q));
  // bf16: 1 + 2^-8 is halfway between 1 and 1 + 2^-7: to even, 1; 1 + 3 * 2^-8: to 1 + 2^-6; padded with 0.
  const std::vector<float> x = {1.0f, 1.00390625f, 1.01171875f};
  uint16_t b[4] = {1, 1, 1, 1};
  Expect(NarrowRow(WeightPrecision::kBf16, x.data(), 3, b) == 1.0f && Bf16ToFloat(b[0]) == 1.0f &&
             Bf16ToFloat(b[1]) == 1.0f && Bf16ToFloat(b[2]) == 1.015625f && b[3] == 0,
         "bf16 row: ties to even, padded with 0");
}

// Rows for the panels: pseudo-random, row 1 all zero, row 2 the .5 steps of a max-127 row.
std::vector<float> TestRows(int64_t rows, int64_t k, int64_t stride, int64_t seed) {
  std::vector<float> x(rows * stride, 99.0f);  // 99 between rows: must not be read
  const float steps[] = {127.0f, -2.5f, 0.5f, 1.5f, -126.5f};
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < k; ++i) {
      x[r * stride + i] = r == 1 ? 0.0f : r == 2 ? steps[i % 5] : Pseudo(seed + r * 7919 + i);
    }
  }
  return x;
}

// DotKernels::narrow_rows against NarrowRow, bit for bit.
void TestNarrowRows(WeightPrecision precision, const DotKernels& kernels) {
  for (int64_t k : {1, 2, 3, 5, 15, 16, 17, 33, 150, 278}) {
    const int64_t rows = 4, stride = k + 3, padded = Padded(precision, k), bytes = PrecisionBytes(precision);
    const std::vector<float> x = TestRows(rows, k, stride, 100 * k);
    std::vector<uint8_t> got(rows * padded * bytes, 0xAB), want(padded * bytes);
    std::vector<float> scales(rows);
    kernels.narrow_rows(rows, x.data(), stride, k, got.data(), padded, scales.data());
    for (int64_t r = 0; r < rows; ++r) {
      const float scale = NarrowRow(precision, &x[r * stride], k, want.data());
      Expect(scales[r] == scale && std::equal(want.begin(), want.end(), got.begin() + r * padded * bytes),
             std::string(PrecisionName(precision)) + " narrow_rows k=" + std::to_string(k) + " row " +
                 std::to_string(r) + " differs from NarrowRow");
    }
  }
}

// The panel's arithmetic in scalar code: y[r][c] = init[r][c] + the dot product of row r and column c,
// int8 exactly as the kernel rounds (one FMA), bf16 as vdpbf16ps (per pair: + odd product, + even product).
std::vector<float> Emulate(WeightPrecision precision, const std::vector<float>& w, int64_t k, int64_t n,
                           const std::vector<float>& x, int64_t x_stride, int64_t rows,
                           const std::vector<float>& init, std::vector<double>* magnitude) {
  const int64_t padded = Padded(precision, k);
  std::vector<float> q(k * n), w_scale(n), y(rows * n);
  QuantizeColumnsInt8(w.data(), k, n, n, nullptr, q.data(), w_scale.data());
  magnitude->assign(rows * n, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<uint8_t> row(padded * 2);
    const float x_scale = NarrowRow(precision, &x[r * x_stride], k, row.data());
    const uint16_t* bits = reinterpret_cast<const uint16_t*>(row.data());
    for (int64_t c = 0; c < n; ++c) {
      const float in = init[r * n + c];
      (*magnitude)[r * n + c] = std::fabs(in);
      if (precision == WeightPrecision::kInt8) {
        int64_t sum = 0;
        for (int64_t i = 0; i < k; ++i) sum += int64_t{row[i] - 128} * static_cast<int>(q[i * n + c]);
        y[r * n + c] = std::fma(static_cast<float>(sum), w_scale[c] * x_scale, in);
        continue;
      }
      float acc = in;
      for (int64_t i = 0; i < padded; i += 2) {
        for (int64_t j : {i + 1, i}) {
          const float xj = Bf16ToFloat(bits[j]), wj = j < k ? RoundToBf16(w[j * n + c]) : 0.0f;
          acc = std::fma(xj, wj, acc);
          (*magnitude)[r * n + c] += std::fabs(static_cast<double>(xj) * wj);
        }
      }
      y[r * n + c] = acc;
    }
  }
  return y;
}

// One NarrowMatrix with narrowed activations against Emulate: with the packed bias, or an init given
// in place (y = init on entry); rows past kMaxPanelRows go through k blocks.
void TestPanel(WeightPrecision precision, int64_t k, int64_t n, int64_t rows, int64_t max_rows, bool bias) {
  const std::string what = std::string(PrecisionName(precision)) + " dot panel k=" + std::to_string(k) +
                           " n=" + std::to_string(n) + " rows=" + std::to_string(rows) + "/" +
                           std::to_string(max_rows) + (bias ? " bias" : " in place");
  const int64_t x_stride = k + 3, y_stride = n + 5;
  std::vector<float> w(k * n), b(n), init(rows * n), y(rows * y_stride, -7.0f);
  for (int64_t i = 0; i < k * n; ++i) w[i] = Pseudo(i + 17 * k);
  for (int64_t c = 0; c < n; ++c) b[c] = Pseudo(1000003 + c);
  const std::vector<float> x = TestRows(rows, k, x_stride, 2000003 + n);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      init[r * n + c] = bias ? b[c] : Pseudo(3000017 + r * n + c);
      if (!bias) y[r * y_stride + c] = init[r * n + c];
    }
  }
  NarrowMatrix matrix(Isa::kAvx512, precision, NarrowActivations::kNarrowed, w.data(), bias ? b.data() : nullptr,
                      k, n, max_rows);
  if (bias) {
    matrix.Apply(x.data(), x_stride, rows, y.data(), y_stride);
  } else {
    matrix.Apply(x.data(), x_stride, rows, y.data(), y_stride, y.data(), y_stride);
  }
  std::vector<double> magnitude;
  const std::vector<float> want = Emulate(precision, w, k, n, x, x_stride, rows, init, &magnitude);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < n + 5; ++c) {
      const float got = y[r * y_stride + c];
      if (c >= n) {
        Expect(got == -7.0f, what + ": wrote past column n");
        continue;
      }
      const float expected = want[r * n + c];
      // bf16: the accumulation's rounding, in about one ulp of its magnitude.
      const double tolerance = precision == WeightPrecision::kInt8 ? 0.0 : 2 * FLT_EPSILON * magnitude[r * n + c];
      if (!(std::fabs(static_cast<double>(got) - expected) <= tolerance)) {
        Expect(false, what + ": row " + std::to_string(r) + " column " + std::to_string(c) + ": got " +
                          std::to_string(got) + ", want " + std::to_string(expected));
        return;
      }
    }
  }
  const std::string check = matrix.Check(x.data(), x_stride, rows, y.data(), y_stride, init.data(), n);
  Expect(check.empty(), what + ": Check: " + check);
  // One wrong element of a pseudo-random row: an int8 integer sum off by one (the column's smallest step),
  // a bf16 sum off by 1/8.
  const int64_t r = 0, c = n / 2;
  float step = 0.125f;
  if (precision == WeightPrecision::kInt8) {
    std::vector<uint8_t> row(Padded(precision, k));
    std::vector<float> q(k * n), w_scale(n);
    QuantizeColumnsInt8(w.data(), k, n, n, nullptr, q.data(), w_scale.data());
    step = w_scale[c] * NarrowRow(precision, &x[r * x_stride], k, row.data());
  }
  y[r * y_stride + c] += step;
  Expect(!matrix.Check(x.data(), x_stride, rows, y.data(), y_stride, init.data(), n).empty(),
         what + ": Check missed an element off by " + std::to_string(step));
}

void TestStream(WeightPrecision precision) {
  // {cell, layers, units, input_size, time_steps, batch}
  const RnnShape shapes[] = {{Cell::kLstm, 2, 128, 150, 2, 1},  // configs/rnn_547k.json
                             {Cell::kGru, 3, 37, 11, 3, 6}, {Cell::kLstm, 2, 2, 3, 5, 1},
                             {Cell::kLstm, 2, 40, 23, 9, 2}};  // 18 input rows: k blocks
  for (const RnnShape& shape : shapes) {
    const std::string what = std::string(PrecisionName(precision)) + " dot stream " + CellName(shape.cell) +
                             " H=" + std::to_string(shape.units) + " B=" + std::to_string(shape.batch);
    NarrowStreamModel model(shape, Isa::kAvx512, precision, NarrowActivations::kNarrowed);
    const std::string error = model.Verify();
    Expect(error.empty(), what + ": " + error);
    if (shape.units == 128) {  // K and R, their bias, int8 scales and offsets: just over 1/2 or 1/4 of fp32
      const double fraction = static_cast<double>(model.streamed_bytes()) / StreamedWeightBytes(shape);
      const double want = precision == WeightPrecision::kBf16 ? 0.5 : 0.25;
      Expect(fraction > want && fraction < want + 0.03, what + " bytes fraction " + std::to_string(fraction));
    }
  }
}

void TestNotApplicable() {
  for (WeightPrecision precision : {WeightPrecision::kInt8, WeightPrecision::kBf16}) {
    const std::string name = std::string(PrecisionName(precision)) + " dot stream";
    const std::string reason = UnsupportedReason(DotProductExtension(precision));
    if (reason.empty()) {  // this CPU has it: only on avx512
      const std::string why = NarrowStreamModel::Supported(Isa::kAvx2, precision, NarrowActivations::kNarrowed);
      Expect(why == std::string("no avx2 kernel for ") + PrecisionName(precision) + " weights and activations",
             name + " on avx2: " + why);
    }
    setenv("TFLATENCY_ISA_MAX", "avx2", 1);
    const std::string want = UnsupportedReason(DotProductExtension(precision));
    Expect(!want.empty() && want.find('\n') == std::string::npos,
           name + ": one-line UnsupportedReason under TFLATENCY_ISA_MAX=avx2: '" + want + "'");
    for (Isa isa : {Isa::kAvx512, Isa::kAvx2}) {
      const std::string why = NarrowStreamModel::Supported(isa, precision, NarrowActivations::kNarrowed);
      Expect(why == want, std::string("TFLATENCY_ISA_MAX=avx2: ") + name + " on " + IsaName(isa) + " n/a: '" +
                              why + "', want '" + want + "'");
    }
    // The widening bound of the same precision still runs on avx2.
    Expect(NarrowStreamModel::Supported(Isa::kAvx2, precision).empty(), name + ": widening avx2 bound n/a");
    unsetenv("TFLATENCY_ISA_MAX");
  }
}

int Main() {
  TestNarrowRowReference();
  for (WeightPrecision precision : {WeightPrecision::kInt8, WeightPrecision::kBf16}) {
    const IsaExtension extension = DotProductExtension(precision);
    if (!CpuSupports(extension)) {
      std::printf("skipping the native %s checks: %s\n", ExtensionName(extension),
                  UnsupportedReason(extension).c_str());
      continue;
    }
    std::printf("testing %s kernels\n", ExtensionName(extension));
    TestNarrowRows(precision, DotKernel(Isa::kAvx512, precision));
    for (const auto& rows : std::vector<std::pair<int64_t, int64_t>>{
             {1, 1}, {2, 2}, {3, 3}, {4, 4}, {1, 4}, {3, 9}, {7, 7}, {13, 13}}) {
      for (const auto& kn : std::vector<std::pair<int64_t, int64_t>>{
               {1, 1}, {3, 17}, {5, 7}, {6, 33}, {13, 250}, {150, 512}, {128, 512}, {278, 1000}, {301, 96}}) {
        for (bool bias : {true, false}) TestPanel(precision, kn.first, kn.second, rows.first, rows.second, bias);
      }
    }
    TestStream(precision);
  }
  TestNotApplicable();
  std::printf(failures == 0 ? "all passed\n" : "%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tflatency

int main() { return tflatency::Main(); }
