// AVX2+FMA panels of the reduced-precision weight-stream bounds (see
// narrow_kernels.h); the scalar ones and the dispatch are in narrow_kernels.cc.
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <utility>

#include "cc/bound/kernels.h"
#include "cc/bound/narrow_kernels.h"

#define TFLATENCY_AVX2 __attribute__((target("avx2,fma")))

namespace tflatency {
namespace avx2 {
namespace {

TFLATENCY_AVX2 inline __m256 Widen(const uint16_t* p) {
  const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

TFLATENCY_AVX2 inline __m256 Widen(const int8_t* p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}

using Fn = void (*)(const void*, int64_t, const float*, int64_t, const float*, int64_t, const float*, float*,
                    int64_t);

template <class W, int V, int R>
TFLATENCY_AVX2 void PanelT(const void* weights, int64_t kcount, const float* x, int64_t x_stride, const float* init,
                           int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  const W* w = static_cast<const W*>(weights);
  __m256 acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) acc[r][v] = _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < kcount; ++k) {
    __m256 xk[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) xk[r] = _mm256_broadcast_ss(x + r * x_stride + k);
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) {
      const __m256 wv = Widen(w + v * kLanes);
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r][v] = _mm256_fmadd_ps(wv, xk[r], acc[r][v]);
    }
    w += V * kLanes;
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) {
      const __m256 in = _mm256_loadu_ps(init + r * init_stride + v * kLanes);
      const __m256 y = std::is_same_v<W, int8_t> ? _mm256_fmadd_ps(acc[r][v], _mm256_loadu_ps(scale + v * kLanes), in)
                                                 : _mm256_add_ps(acc[r][v], in);
      _mm256_storeu_ps(out + r * out_stride + v * kLanes, y);
    }
  }
}

template <class W, int R, int... I>
constexpr std::array<Fn, sizeof...(I)> MakeTable(std::integer_sequence<int, I...>) {
  return {&PanelT<W, I + 1, R>...};
}

template <class W>
void Dispatch(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
              int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  static constexpr auto k1 = MakeTable<W, 1>(std::make_integer_sequence<int, kMaxPanelVectors[0]>());
  static constexpr auto k2 = MakeTable<W, 2>(std::make_integer_sequence<int, kMaxPanelVectors[1]>());
  static constexpr auto k3 = MakeTable<W, 3>(std::make_integer_sequence<int, kMaxPanelVectors[2]>());
  static constexpr auto k4 = MakeTable<W, 4>(std::make_integer_sequence<int, kMaxPanelVectors[3]>());
  static_assert(kMaxPanelRows == 4, "one table per row count");
  const Fn fn = rows == 1 ? k1[vecs - 1] : rows == 2 ? k2[vecs - 1] : rows == 3 ? k3[vecs - 1] : k4[vecs - 1];
  fn(w, kcount, x, x_stride, init, init_stride, scale, out, out_stride);
}

}  // namespace

void NarrowPanelBf16(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  Dispatch<uint16_t>(vecs, rows, w, kcount, x, x_stride, init, init_stride, scale, out, out_stride);
}

void NarrowPanelInt8(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  Dispatch<int8_t>(vecs, rows, w, kcount, x, x_stride, init, init_stride, scale, out, out_stride);
}

}  // namespace avx2
}  // namespace tflatency
