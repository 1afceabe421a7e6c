// The hand-written kernel's bf16-activation path with AVX512_BF16: the vector
// type of rnn_v512.h whose DotBf16 is vdpbf16ps, for RunModel<V, Bf16Act>
// (rnn_plan.h). Only this file's functions carry the avx512bf16 target; rnn.cc
// calls them only when CpuSupports(IsaExtension::kAvx512Bf16).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

// As in rnn_avx512.cc: GCC bug 105593 (a false -Wmaybe-uninitialized in AVX-512 intrinsics).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define HAND_TARGET __attribute__((target("avx512f,avx512dq,avx512bf16,avx2,fma")))
#define HAND_V_INLINE static inline __attribute__((always_inline, target("avx512f,avx512dq,avx512bf16,avx2,fma")))

namespace tflatency {
namespace hand {
namespace {

#include "cc/hand/rnn_v512.h"

struct V512Bf16 : V512Base {
  // Per fp32 lane: acc + the products of b's and w's two bf16 values.
  HAND_V_INLINE R DotBf16(R acc, I b, I w) { return _mm512_dpbf16_ps(acc, (__m512bh)b, (__m512bh)w); }
};

}  // namespace
}  // namespace hand
}  // namespace tflatency

#include "cc/hand/rnn_kernel_impl.h"

namespace tflatency {
namespace hand {

void RunAvx512Bf16(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output) {
  RunModel<V512Bf16, Bf16Act>(plan, ws, worker, input, output);
}

}  // namespace hand
}  // namespace tflatency
