// The hand-written kernel's AVX-512 path: 16-lane vectors (rnn_v512.h) for the
// loops of rnn_kernel_impl.h, every weight precision, and the narrowed-activation
// kernels with vpdpbusd and vdpbf16ps emulated (rnn_avx512_vnni.cc and
// rnn_avx512_bf16.cc have the real ones). Only this
// file's functions carry its target attribute; rnn.cc calls them only when the
// CPU has AVX-512F/DQ.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

// GCC 12's unmasked AVX-512 intrinsics pass _mm512_undefined_ps() through and
// trip -Wmaybe-uninitialized when inlined (GCC bug 105593); nothing is unset.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define HAND_TARGET __attribute__((target("avx512f,avx512dq,avx2,fma")))
#define HAND_V_INLINE static inline __attribute__((always_inline, target("avx512f,avx512dq,avx2,fma")))

namespace tflatency {
namespace hand {
namespace {

#include "cc/hand/rnn_v512.h"

// V512Base with vpdpbusd and vdpbf16ps emulated in AVX-512F arithmetic, so the narrowed-activation
// kernels run (for tests) where AVX512_VNNI or AVX512_BF16 is missing: the same integer sums, and the
// bf16 products (exact in fp32) added in the instruction's documented order, odd element first.
struct V512 : V512Base {
  HAND_V_INLINE I DotU8S8(I acc, I b, I w) {
    const __m512i byte = _mm512_set1_epi32(0xFF);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const __m512i u = _mm512_and_si512(_mm512_srli_epi32(b, 8 * j), byte);     // unsigned byte j of x
      const __m512i s = _mm512_srai_epi32(_mm512_slli_epi32(w, 24 - 8 * j), 24);  // signed byte j of w
      acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(u, s));
    }
    return acc;
  }
  HAND_V_INLINE R DotBf16(R acc, I b, I w) {
    const __m512i high = _mm512_set1_epi32(static_cast<int>(0xFFFF0000u));
    acc = Fmadd(_mm512_castsi512_ps(_mm512_and_si512(w, high)), _mm512_castsi512_ps(_mm512_and_si512(b, high)), acc);
    return Fmadd(_mm512_castsi512_ps(_mm512_slli_epi32(w, 16)), _mm512_castsi512_ps(_mm512_slli_epi32(b, 16)), acc);
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
    case WeightPrecision::kBf16:
      if (plan.narrow_activations) return RunModel<V512, Bf16Act>(plan, ws, worker, input, output);
      return RunModel<V512, uint16_t>(plan, ws, worker, input, output);
    case WeightPrecision::kInt8:
      if (plan.narrow_activations) return RunModel<V512, Int8Act>(plan, ws, worker, input, output);
      return RunModel<V512, int8_t>(plan, ws, worker, input, output);
    default: return RunModel<V512>(plan, ws, worker, input, output);
  }
}

}  // namespace hand
}  // namespace tflatency
