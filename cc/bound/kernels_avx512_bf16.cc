// The bf16 narrowed-activation kernels of the bounds (narrow_kernels.h): the
// rows' rounding to bf16 and the dot-product panel on AVX512_BF16's vdpbf16ps.
// Only this file's functions carry the avx512bf16 target; they run only where
// CpuSupports(IsaExtension::kAvx512Bf16).
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "cc/bound/kernels.h"
#include "cc/bound/narrow_kernels.h"

// As cc/hand/rnn_avx512.cc: GCC bug 105593 (a false -Wmaybe-uninitialized in AVX-512 intrinsics).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define TFLATENCY_DOT_ISA "avx512f,avx512bw,avx512bf16,avx2,fma"

namespace tflatency {
namespace avx512 {
namespace {

#include "cc/bound/dot_panel_avx512.h"

struct Bf16Dot {
  using Acc = __m512;
  static constexpr int kBytes = 2;
  static TFLATENCY_DOT_INLINE Acc Start(const DotPanelArgs& a, int r, int v) {
    return _mm512_loadu_ps(a.init + r * a.init_stride + v * kLanes);
  }
  // Per fp32 lane: + the products of its 2 bf16 pairs.
  static TFLATENCY_DOT_INLINE Acc Step(Acc acc, __m512i x, __m512i w) {
    return _mm512_dpbf16_ps(acc, (__m512bh)x, (__m512bh)w);
  }
  static TFLATENCY_DOT_INLINE void Finish(const DotPanelArgs& a, int r, int v, Acc sum) {
    _mm512_storeu_ps(a.out + r * a.out_stride + v * kLanes, sum);
  }
};

}  // namespace

void DotPanelBf16(const DotPanelArgs& args) { DotDispatch<Bf16Dot>(args); }

// Bf16Bits in integers, 16 at a time: bits + 0x7FFF + (bit 16), the upper half (ties to even).
TFLATENCY_DOT_TARGET void NarrowRowsBf16(int64_t rows, const float* x, int64_t x_stride, int64_t k, void* out,
                                         int64_t out_stride, float* scales) {
  const __m512i one = _mm512_set1_epi32(1), half = _mm512_set1_epi32(0x7FFF);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * x_stride;
    uint16_t* b = static_cast<uint16_t*>(out) + r * out_stride;
    for (int64_t i = 0; i < k; i += kLanes) {
      const __m512i bits = _mm512_castps_si512(LoadTail(xr + i, k - i));
      const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), one);
      const __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(half, odd)), 16);
      _mm512_mask_cvtepi32_storeu_epi16(b + i, TailMask(k - i), rounded);
    }
    if (k % 2 != 0) b[k] = 0;
    scales[r] = 1.0f;
  }
}

}  // namespace avx512
}  // namespace tflatency
