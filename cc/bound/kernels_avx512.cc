// AVX-512 kernels of the bound benchmarks (kernels.h), the fp32 panel and the
// reduced-precision ones (narrow_kernels.h) from one template. Only this
// file's functions carry target("avx512f"); they run only when the CPU has it.
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "cc/bound/kernels.h"
#include "cc/bound/narrow_kernels.h"

#define TFLATENCY_AVX512 __attribute__((target("avx512f,avx2,fma")))

namespace tflatency {
namespace avx512 {
namespace {

// The weights as streamed: fp32, bf16 bits (uint16_t) or int8, each widened to
// fp32 exactly as it is loaded (narrow_kernels.h).
TFLATENCY_AVX512 inline __m512 LoadWeights(const float* p) { return _mm512_load_ps(p); }
TFLATENCY_AVX512 inline __m512 LoadWeights(const uint16_t* p) {
  const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}
TFLATENCY_AVX512 inline __m512 LoadWeights(const int8_t* p) {
  return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
}

using Fn = void (*)(const void*, int64_t, const float*, int64_t, const float*, int64_t, const float*, float*,
                    int64_t);

// One panel of V vectors for R input rows: R*V accumulators in registers for
// all of k, each weight vector loaded once and used for every row. fp32
// (kernels.h): the accumulators start at init. bf16 / int8 (narrow_kernels.h):
// they start at zero and init (+ the int8 column scale times the sum) is added at the end.
template <class W, int V, int R>
TFLATENCY_AVX512 void PanelT(const void* weights, int64_t kcount, const float* x, int64_t x_stride, const float* init,
                             int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  constexpr bool kFp32 = std::is_same_v<W, float>;
  const W* w = static_cast<const W*>(weights);
  __m512 acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) acc[r][v] = kFp32 ? _mm512_loadu_ps(init + r * init_stride + v * kLanes) : _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < kcount; ++k) {
    __m512 xk[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) xk[r] = _mm512_set1_ps(x[r * x_stride + k]);
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) {
      __m512 wv = LoadWeights(w + v * kLanes);
      // Several rows: load the weight vector once into a register (left to
      // itself GCC folds the load into every row's FMA, reading L1 R times).
      if (kFp32 && R > 1) __asm__("" : "+v"(wv));
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r][v] = _mm512_fmadd_ps(wv, xk[r], acc[r][v]);
    }
    w += V * kLanes;
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) {
      __m512 y = acc[r][v];
      if constexpr (!kFp32) {
        const __m512 in = _mm512_loadu_ps(init + r * init_stride + v * kLanes);
        y = std::is_same_v<W, int8_t> ? _mm512_fmadd_ps(y, _mm512_loadu_ps(scale + v * kLanes), in)
                                      : _mm512_add_ps(y, in);
      }
      _mm512_storeu_ps(out + r * out_stride + v * kLanes, y);
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

void Panel(int vecs, int rows, const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
           int64_t init_stride, float* out, int64_t out_stride) {
  Dispatch<float>(vecs, rows, w, kcount, x, x_stride, init, init_stride, nullptr, out, out_stride);
}

void NarrowPanelBf16(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  Dispatch<uint16_t>(vecs, rows, w, kcount, x, x_stride, init, init_stride, scale, out, out_stride);
}

void NarrowPanelInt8(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  Dispatch<int8_t>(vecs, rows, w, kcount, x, x_stride, init, init_stride, scale, out, out_stride);
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
