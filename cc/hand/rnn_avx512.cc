// The hand-written kernel's AVX-512 path: 16-lane vectors for the loops of
// rnn_kernel_impl.h. Only this file's functions carry the AVX-512 target
// attribute; rnn.cc calls them only when the CPU has AVX-512F/DQ.
#include <immintrin.h>

#include <cstdint>

// GCC 12's unmasked AVX-512 intrinsics pass _mm512_undefined_ps() through and
// trip -Wmaybe-uninitialized when inlined (GCC bug 105593); nothing is unset.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define HAND_TARGET __attribute__((target("avx512f,avx512dq,avx2,fma")))
#define HAND_V_INLINE static inline __attribute__((always_inline, target("avx512f,avx512dq,avx2,fma")))

namespace tflatency {
namespace hand {
namespace {

struct V512 {
  using R = __m512;
  static constexpr int kLanes = 16;
  static constexpr int kUnitVecs = 2;   // LSTM: 8 accumulators per panel, 32 units
  static constexpr int kProjVecs = 8;
  static constexpr int kProjRows = 3;   // 3 x 8 accumulators + 3 broadcasts < 32 zmm

  HAND_V_INLINE R Load(const float* p) { return _mm512_loadu_ps(p); }
  HAND_V_INLINE R LoadW(const float* p) { return Load(p); }
  // bf16 bits -> fp32: zero-extend to 32 bits and shift into the upper half (exact).
  HAND_V_INLINE R LoadW(const uint16_t* p) {
    const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
  }
  // int8 -> int32 -> fp32 (exact); the column scale is applied to the sum.
  HAND_V_INLINE R LoadW(const int8_t* p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
  }
  HAND_V_INLINE void Store(float* p, R v) { _mm512_storeu_ps(p, v); }
  HAND_V_INLINE R Set1(float x) { return _mm512_set1_ps(x); }
  HAND_V_INLINE R Zero() { return _mm512_setzero_ps(); }
  HAND_V_INLINE R Add(R a, R b) { return _mm512_add_ps(a, b); }
  HAND_V_INLINE R Sub(R a, R b) { return _mm512_sub_ps(a, b); }
  HAND_V_INLINE R Mul(R a, R b) { return _mm512_mul_ps(a, b); }
  HAND_V_INLINE R Fmadd(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  HAND_V_INLINE R Div(R a, R b) { return _mm512_div_ps(a, b); }
  // e^x, Cephes expf: n = round(x log2 e), r = x - n ln 2 (two-part), degree-6
  // polynomial, scaled by 2^n; inputs clamped to [-87, 88] (no inf, no denormals).
  HAND_V_INLINE R Exp(R x) {
    x = _mm512_min_ps(_mm512_max_ps(x, Set1(-87.0f)), Set1(88.0f));
    const R n = _mm512_roundscale_ps(Mul(x, Set1(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    R r = _mm512_fnmadd_ps(n, Set1(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, Set1(-2.12194440e-4f), r);
    R p = Set1(1.9875691500e-4f);
    p = Fmadd(p, r, Set1(1.3981999507e-3f));
    p = Fmadd(p, r, Set1(8.3334519073e-3f));
    p = Fmadd(p, r, Set1(4.1665795894e-2f));
    p = Fmadd(p, r, Set1(1.6666665459e-1f));
    p = Fmadd(p, r, Set1(5.0000001201e-1f));
    const R y = Fmadd(p, Mul(r, r), Add(r, Set1(1.0f)));
    return _mm512_scalef_ps(y, n);
  }
};

}  // namespace
}  // namespace hand
}  // namespace tflatency

#include "cc/hand/rnn_kernel_impl.h"

namespace tflatency {
namespace hand {

Geometry Avx512Geometry() { return GeometryOf<V512>(); }

void RunAvx512(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output) {
  switch (plan.precision) {
    case WeightPrecision::kBf16: return RunModel<V512, uint16_t>(plan, ws, worker, input, output);
    case WeightPrecision::kInt8: return RunModel<V512, int8_t>(plan, ws, worker, input, output);
    default: return RunModel<V512>(plan, ws, worker, input, output);
  }
}

}  // namespace hand
}  // namespace tflatency
