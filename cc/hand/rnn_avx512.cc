// The hand-written kernel's AVX-512 path: 16-lane vectors (rnn_v512.h) for the
// loops of rnn_kernel_impl.h, every weight precision, and the int8-activation
// kernel with vpdpbusd emulated (rnn_avx512_vnni.cc has the real one). Only this
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

// V512Base with vpdpbusd emulated in AVX-512F integer arithmetic (exact: the same sums), so the
// int8-activation kernel runs (for tests) where AVX512_VNNI is missing.
struct V512 : V512Base {
  HAND_V_INLINE I DotU8S8(I acc, I b, const int8_t* w) {
    const __m512i wv = _mm512_loadu_si512(w);
    const __m512i byte = _mm512_set1_epi32(0xFF);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const __m512i u = _mm512_and_si512(_mm512_srli_epi32(b, 8 * j), byte);      // unsigned byte j of h
      const __m512i s = _mm512_srai_epi32(_mm512_slli_epi32(wv, 24 - 8 * j), 24);  // signed byte j of w
      acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(u, s));
    }
    return acc;
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
    case WeightPrecision::kInt8:
      if (plan.int8_activations) return RunModel<V512, Int8Act>(plan, ws, worker, input, output);
      return RunModel<V512, int8_t>(plan, ws, worker, input, output);
    default: return RunModel<V512>(plan, ws, worker, input, output);
  }
}

}  // namespace hand
}  // namespace tflatency
