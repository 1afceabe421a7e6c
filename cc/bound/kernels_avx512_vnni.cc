// The int8 narrowed-activation kernels of the bounds (narrow_kernels.h): the
// rows' dynamic quantization and the dot-product panel on AVX512_VNNI's
// vpdpbusd. Only this file's functions carry the avx512vnni target; they run
// only where CpuSupports(IsaExtension::kAvx512Vnni).
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "cc/bound/kernels.h"
#include "cc/bound/narrow_kernels.h"
#include "cc/common/precision.h"

// As cc/hand/rnn_avx512.cc: GCC bug 105593 (a false -Wmaybe-uninitialized in AVX-512 intrinsics).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define TFLATENCY_DOT_ISA "avx512f,avx512bw,avx512vnni,avx2,fma"

namespace tflatency {
namespace avx512 {
namespace {

#include "cc/bound/dot_panel_avx512.h"

struct VnniDot {
  using Acc = __m512i;
  static constexpr int kBytes = 1;
  static TFLATENCY_DOT_INLINE Acc Start(const DotPanelArgs& a, int r, int v) {
    return a.sums_in ? _mm512_loadu_si512(a.sums + r * a.sums_stride + v * kLanes) : _mm512_setzero_si512();
  }
  // Per int32 lane: the sum of 4 products of x's unsigned bytes and w's signed bytes.
  static TFLATENCY_DOT_INLINE Acc Step(Acc acc, __m512i x, __m512i w) { return _mm512_dpbusd_epi32(acc, x, w); }
  static TFLATENCY_DOT_INLINE void Finish(const DotPanelArgs& a, int r, int v, Acc sum) {
    if (a.sums_out) {
      _mm512_storeu_si512(a.sums + r * a.sums_stride + v * kLanes, sum);
      return;
    }
    const __m512 scale = _mm512_mul_ps(_mm512_loadu_ps(a.w_scale + v * kLanes), _mm512_set1_ps(a.x_scale[r]));
    const __m512 exact = _mm512_cvtepi32_ps(_mm512_sub_epi32(sum, _mm512_loadu_si512(a.w_offset + v * kLanes)));
    const __m512 init = _mm512_loadu_ps(a.init + r * a.init_stride + v * kLanes);
    _mm512_storeu_ps(a.out + r * a.out_stride + v * kLanes, _mm512_fmadd_ps(exact, scale, init));
  }
};

}  // namespace

void DotPanelVnni(const DotPanelArgs& args) { DotDispatch<VnniDot>(args); }

TFLATENCY_DOT_TARGET void NarrowRowsInt8(int64_t rows, const float* x, int64_t x_stride, int64_t k, void* out,
                                         int64_t out_stride, float* scales) {
  const int64_t padded = (k + 3) / 4 * 4;
  const __m512i low = _mm512_set1_epi32(-kInt8Max), high = _mm512_set1_epi32(kInt8Max);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * x_stride;
    uint8_t* q = static_cast<uint8_t*>(out) + r * out_stride;
    __m512 max_abs = _mm512_setzero_ps();
    for (int64_t i = 0; i < k; i += kLanes) max_abs = _mm512_max_ps(max_abs, _mm512_abs_ps(LoadTail(xr + i, k - i)));
    alignas(64) float lanes[kLanes];
    _mm512_store_ps(lanes, max_abs);
    float m = 0.0f;
    for (float lane : lanes) m = lane > m ? lane : m;
    const float scale = m > 0.0f ? m / kInt8Max : 1.0f;
    scales[r] = scale;
    const __m512 s = _mm512_set1_ps(scale);
    for (int64_t i = 0; i < k; i += kLanes) {
      // x / s rounded to nearest even (MXCSR's default), saturated, + 128: uint8 1..255.
      const __m512i v = _mm512_cvtps_epi32(_mm512_div_ps(LoadTail(xr + i, k - i), s));
      const __m512i biased = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v, low), high), _mm512_set1_epi32(128));
      _mm512_mask_cvtepi32_storeu_epi8(q + i, TailMask(k - i), biased);
    }
    for (int64_t i = k; i < padded; ++i) q[i] = 128;
  }
}

}  // namespace avx512
}  // namespace tflatency
