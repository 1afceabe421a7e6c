// Scalar kernels of the bound benchmarks (see kernels.h): the fallback
// when the CPU has neither AVX-512 nor AVX2+FMA, and the --isa=scalar baseline.
// //cc:bound_kernels builds with -fno-tree-vectorize, so these stay one float
// per instruction.
#include <array>
#include <utility>

#include "cc/bound/kernels.h"

namespace tflatency {
namespace scalar {
namespace {

using Fn = void (*)(const float*, int64_t, const float*, int64_t, const float*, int64_t, float*, int64_t);

// One panel of V columns for R input rows, R*V scalar accumulators.
template <int V, int R>
void PanelT(const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
            int64_t init_stride, float* out, int64_t out_stride) {
  float acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) acc[r][v] = init[r * init_stride + v];
  }
  for (int64_t k = 0; k < kcount; ++k) {
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      const float xk = x[r * x_stride + k];
#pragma GCC unroll 16
      for (int v = 0; v < V; ++v) acc[r][v] += xk * w[v];
    }
    w += V;
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) out[r * out_stride + v] = acc[r][v];
  }
}

template <int R, int... I>
constexpr std::array<Fn, sizeof...(I)> MakeTable(std::integer_sequence<int, I...>) {
  return {&PanelT<I + 1, R>...};
}

constexpr auto kPanels1 = MakeTable<1>(std::make_integer_sequence<int, kMaxPanelVectors[0]>());
constexpr auto kPanels2 = MakeTable<2>(std::make_integer_sequence<int, kMaxPanelVectors[1]>());
constexpr auto kPanels3 = MakeTable<3>(std::make_integer_sequence<int, kMaxPanelVectors[2]>());
constexpr auto kPanels4 = MakeTable<4>(std::make_integer_sequence<int, kMaxPanelVectors[3]>());
static_assert(kMaxPanelRows == 4, "one table per row count");

}  // namespace

void Panel(int vecs, int rows, const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
           int64_t init_stride, float* out, int64_t out_stride) {
  const Fn fn = rows == 1 ? kPanels1[vecs - 1]
                : rows == 2 ? kPanels2[vecs - 1]
                : rows == 3 ? kPanels3[vecs - 1]
                            : kPanels4[vecs - 1];
  fn(w, kcount, x, x_stride, init, init_stride, out, out_stride);
}

float FmaPeak(int64_t rounds, float m, float c) {
  float acc[kPeakAccumulators];
#pragma GCC unroll 16
  for (int a = 0; a < kPeakAccumulators; ++a) acc[a] = static_cast<float>(a);
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int a = 0; a < kPeakAccumulators; ++a) acc[a] = acc[a] * m + c;
  }
  float sum = 0.0f;
  for (int a = 0; a < kPeakAccumulators; ++a) sum += acc[a];
  return sum;
}

}  // namespace scalar
}  // namespace tflatency
