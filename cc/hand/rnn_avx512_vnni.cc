// The hand-written kernel's int8-activation path with AVX512_VNNI: the vector
// type of rnn_v512.h whose DotU8S8 is vpdpbusd, for RunModel<V, Int8Act>
// (rnn_plan.h). Only this file's functions carry the avx512vnni target; rnn.cc
// calls them only when CpuSupports(IsaExtension::kAvx512Vnni).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

// As in rnn_avx512.cc: GCC bug 105593 (a false -Wmaybe-uninitialized in AVX-512 intrinsics).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define HAND_TARGET __attribute__((target("avx512f,avx512dq,avx512vnni,avx2,fma")))
#define HAND_V_INLINE static inline __attribute__((always_inline, target("avx512f,avx512dq,avx512vnni,avx2,fma")))

namespace tflatency {
namespace hand {
namespace {

#include "cc/hand/rnn_v512.h"

struct V512Vnni : V512Base {
  // Per int32 lane: acc + the sum of 4 products of b's unsigned bytes and w's signed bytes.
  HAND_V_INLINE I DotU8S8(I acc, I b, I w) { return _mm512_dpbusd_epi32(acc, b, w); }
};

}  // namespace
}  // namespace hand
}  // namespace tflatency

#include "cc/hand/rnn_kernel_impl.h"

namespace tflatency {
namespace hand {

void RunAvx512Vnni(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output) {
  RunModel<V512Vnni, Int8Act>(plan, ws, worker, input, output);
}

}  // namespace hand
}  // namespace tflatency
