// The hand-written kernel's AVX2 path: 8-lane vectors (16 ymm registers) for the
// loops of rnn_kernel_impl.h. Only this file's functions carry the AVX2
// target attribute; rnn.cc calls them only when the CPU has AVX2 and FMA.
#include <immintrin.h>

#include <cstdint>

#define HAND_TARGET __attribute__((target("avx2,fma")))
#define HAND_V_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

namespace tflatency {
namespace hand {
namespace {

struct V256 {
  using R = __m256;
  static constexpr int kLanes = 8;
  static constexpr int kUnitVecs = 2;  // LSTM: 8 accumulators per panel, 16 units
  static constexpr int kProjVecs = 4;
  static constexpr int kProjRows = 2;  // 2 x 4 accumulators + 2 broadcasts + 1 weight

  HAND_V_INLINE R Load(const float* p) { return _mm256_loadu_ps(p); }
  HAND_V_INLINE R LoadW(const float* p) { return Load(p); }
  // bf16 bits -> fp32: zero-extend to 32 bits and shift into the upper half (exact).
  HAND_V_INLINE R LoadW(const uint16_t* p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
  }
  // int8 -> int32 -> fp32 (exact); the column scale is applied to the sum.
  HAND_V_INLINE R LoadW(const int8_t* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  }
  HAND_V_INLINE void Store(float* p, R v) { _mm256_storeu_ps(p, v); }
  HAND_V_INLINE R Set1(float x) { return _mm256_set1_ps(x); }
  HAND_V_INLINE R Zero() { return _mm256_setzero_ps(); }
  HAND_V_INLINE R Add(R a, R b) { return _mm256_add_ps(a, b); }
  HAND_V_INLINE R Sub(R a, R b) { return _mm256_sub_ps(a, b); }
  HAND_V_INLINE R Mul(R a, R b) { return _mm256_mul_ps(a, b); }
  HAND_V_INLINE R Fmadd(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  HAND_V_INLINE R Div(R a, R b) { return _mm256_div_ps(a, b); }
  // e^x as in rnn_avx512.cc; 2^n is built in the exponent bits
  // (n in [-126, 127] after the clamp, so always a normal float).
  HAND_V_INLINE R Exp(R x) {
    x = _mm256_min_ps(_mm256_max_ps(x, Set1(-87.0f)), Set1(88.0f));
    const R n = _mm256_round_ps(Mul(x, Set1(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    R r = _mm256_fnmadd_ps(n, Set1(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, Set1(-2.12194440e-4f), r);
    R p = Set1(1.9875691500e-4f);
    p = Fmadd(p, r, Set1(1.3981999507e-3f));
    p = Fmadd(p, r, Set1(8.3334519073e-3f));
    p = Fmadd(p, r, Set1(4.1665795894e-2f));
    p = Fmadd(p, r, Set1(1.6666665459e-1f));
    p = Fmadd(p, r, Set1(5.0000001201e-1f));
    const R y = Fmadd(p, Mul(r, r), Add(r, Set1(1.0f)));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return Mul(y, _mm256_castsi256_ps(bits));
  }
};

}  // namespace
}  // namespace hand
}  // namespace tflatency

#include "cc/hand/rnn_kernel_impl.h"

namespace tflatency {
namespace hand {

Geometry Avx2Geometry() { return GeometryOf<V256>(); }

void RunAvx2(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output) {
  switch (plan.precision) {
    case WeightPrecision::kBf16: return RunModel<V256, uint16_t>(plan, ws, worker, input, output);
    case WeightPrecision::kInt8: return RunModel<V256, int8_t>(plan, ws, worker, input, output);
    default: return RunModel<V256>(plan, ws, worker, input, output);
  }
}

}  // namespace hand
}  // namespace tflatency
