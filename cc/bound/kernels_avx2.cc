// AVX2+FMA kernels of the bound benchmarks (see kernels.h), including the
// original investigation's naive loop. Only this file's functions carry
// target("avx2,fma"); they run only when the CPU has both.
#include <immintrin.h>

#include <array>
#include <utility>

#include "cc/bound/kernels.h"

#define TFLATENCY_AVX2 __attribute__((target("avx2,fma")))

namespace tflatency {
namespace avx2 {
namespace {

TFLATENCY_AVX2 float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

using Fn = void (*)(const float*, int64_t, const float*, int64_t, const float*, int64_t, float*, int64_t);

// One panel of V vectors for R input rows: R*V accumulators in registers for
// all of k, each weight vector loaded once and used for every row.
template <int V, int R>
TFLATENCY_AVX2 void PanelT(const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
                           int64_t init_stride, float* out, int64_t out_stride) {
  __m256 acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) acc[r][v] = _mm256_loadu_ps(init + r * init_stride + v * kLanes);
  }
  for (int64_t k = 0; k < kcount; ++k) {
    __m256 xk[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) xk[r] = _mm256_broadcast_ss(x + r * x_stride + k);
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) {
      __m256 wv = _mm256_load_ps(w + v * kLanes);
      // Several rows: load the weight vector once into a register (left to
      // itself GCC folds the load into every row's FMA, reading L1 R times).
      if (R > 1) __asm__("" : "+v"(wv));
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r][v] = _mm256_fmadd_ps(wv, xk[r], acc[r][v]);
    }
    w += V * kLanes;
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) _mm256_storeu_ps(out + r * out_stride + v * kLanes, acc[r][v]);
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

TFLATENCY_AVX2 float FmaPeak(int64_t rounds, float m, float c) {
  const __m256 vm = _mm256_set1_ps(m);
  const __m256 vc = _mm256_set1_ps(c);
  __m256 acc[kPeakAccumulators];
#pragma GCC unroll 16
  for (int a = 0; a < kPeakAccumulators; ++a) acc[a] = _mm256_set1_ps(static_cast<float>(a));
  for (int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int a = 0; a < kPeakAccumulators; ++a) acc[a] = _mm256_fmadd_ps(acc[a], vm, vc);
  }
#pragma GCC unroll 16
  for (int a = 1; a < kPeakAccumulators; ++a) acc[0] = _mm256_add_ps(acc[0], acc[a]);
  return HorizontalSum(acc[0]);
}

// As the original investigation measured "547K 32-bit FMA ops using AVX2": a
// plain loop of _mm256_fmadd_ps on a few accumulators, so it runs at the FMA
// latency, not the FMA throughput.
TFLATENCY_AVX2 float OriginalFmaLoop(int64_t rounds, float m, float c) {
  const __m256 vm = _mm256_set1_ps(m);
  const __m256 vc = _mm256_set1_ps(c);
  __m256 a0 = _mm256_set1_ps(0.0f), a1 = _mm256_set1_ps(1.0f);
  __m256 a2 = _mm256_set1_ps(2.0f), a3 = _mm256_set1_ps(3.0f);
  static_assert(kOriginalAccumulators == 4, "the loop below has four accumulators");
  for (int64_t r = 0; r < rounds; ++r) {
    a0 = _mm256_fmadd_ps(a0, vm, vc);
    a1 = _mm256_fmadd_ps(a1, vm, vc);
    a2 = _mm256_fmadd_ps(a2, vm, vc);
    a3 = _mm256_fmadd_ps(a3, vm, vc);
  }
  return HorizontalSum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
}

}  // namespace avx2
}  // namespace tflatency
