// AVX-512 kernels of the bound benchmarks (see kernels.h). Only this
// file's functions carry target("avx512f"); they run only when the CPU has it.
#include <immintrin.h>

#include <array>
#include <utility>

#include "cc/bound/kernels.h"

#define TFLATENCY_AVX512 __attribute__((target("avx512f,avx2,fma")))

namespace tflatency {
namespace avx512 {
namespace {

using Fn = void (*)(const float*, int64_t, const float*, int64_t, const float*, int64_t, float*, int64_t);

// One panel of V vectors for R input rows: R*V accumulators in registers for
// all of k, each weight vector loaded once and used for every row.
template <int V, int R>
TFLATENCY_AVX512 void PanelT(const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
                             int64_t init_stride, float* out, int64_t out_stride) {
  __m512 acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) acc[r][v] = _mm512_loadu_ps(init + r * init_stride + v * kLanes);
  }
  for (int64_t k = 0; k < kcount; ++k) {
    __m512 xk[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) xk[r] = _mm512_set1_ps(x[r * x_stride + k]);
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) {
      __m512 wv = _mm512_load_ps(w + v * kLanes);
      // Several rows: load the weight vector once into a register (left to
      // itself GCC folds the load into every row's FMA, reading L1 R times).
      if (R > 1) __asm__("" : "+v"(wv));
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r][v] = _mm512_fmadd_ps(wv, xk[r], acc[r][v]);
    }
    w += V * kLanes;
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) _mm512_storeu_ps(out + r * out_stride + v * kLanes, acc[r][v]);
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

TFLATENCY_AVX512 float FmaPeak(int64_t rounds, float m, float c) {
  const __m512 vm = _mm512_set1_ps(m);
  const __m512 vc = _mm512_set1_ps(c);
  __m512 acc[kPeakAccumulators];
#pragma GCC unroll 16
  for (int a = 0; a < kPeakAccumulators; ++a) acc[a] = _mm512_set1_ps(static_cast<float>(a));
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int a = 0; a < kPeakAccumulators; ++a) acc[a] = _mm512_fmadd_ps(acc[a], vm, vc);
  }
#pragma GCC unroll 16
  for (int a = 1; a < kPeakAccumulators; ++a) acc[0] = _mm512_add_ps(acc[0], acc[a]);
  // Not _mm512_reduce_add_ps: GCC 12 warns inside it (-Wuninitialized, a false positive).
  alignas(64) float lanes[kLanes];
  _mm512_store_ps(lanes, acc[0]);
  float sum = 0.0f;
  for (float lane : lanes) sum += lane;
  return sum;
}

}  // namespace avx512
}  // namespace tflatency
