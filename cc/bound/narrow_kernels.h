// The matvec panel of the reduced-precision weight-stream bounds
// (narrow_stream_model.h): as kernels.h's panel, but the weights are bf16 bits
// (uint16_t) or int8 values, widened to fp32 exactly as they are loaded, with
// fp32 accumulation, the same arithmetic as the hand kernel's (cc/hand):
//   out[r] = init[r] + acc[r]                  (bf16)
//   out[r] = init[r] + scale * acc[r]          (int8, one scale per column)
// with acc[r] = sum_k x[r][k] * w[k][0..width). AVX-512 and AVX2 (the fp32 panel's
// template in kernels_<isa>.cc) and scalar, with kernels.h's kMaxPanelVectors.
#ifndef TFLATENCY_CC_BOUND_NARROW_KERNELS_H_
#define TFLATENCY_CC_BOUND_NARROW_KERNELS_H_

#include <cstdint>

#include "cc/common/isa.h"
#include "cc/common/precision.h"

namespace tflatency {

// w: `vecs` vectors of Lanes(isa) weights per row, kcount rows, narrowed; scale: width floats (int8; else
// ignored); init/out rows as in kernels.h's PanelFn (init may alias out).
using NarrowPanelFn = void (*)(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                               const float* init, int64_t init_stride, const float* scale, float* out,
                               int64_t out_stride);

// The panel kernel for reduced-precision weights on `isa`, or null where there is none
// (fp32: kernels.h).
NarrowPanelFn NarrowPanelKernel(Isa isa, WeightPrecision precision);

namespace avx512 {
void NarrowPanelBf16(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
void NarrowPanelInt8(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
}  // namespace avx512

namespace avx2 {
void NarrowPanelBf16(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
void NarrowPanelInt8(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
}  // namespace avx2

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_NARROW_KERNELS_H_
