// The matvec panels of the reduced-precision weight-stream bounds
// (narrow_stream_model.h), in two modes (NarrowActivations):
//  - fp32 activations: as kernels.h's panel, but the weights are bf16 bits
//    (uint16_t) or int8 values, widened to fp32 exactly as they are loaded, with
//    fp32 accumulation, the same arithmetic as the hand kernel's (cc/hand):
//      out[r] = init[r] + acc[r]                  (bf16)
//      out[r] = init[r] + scale * acc[r]          (int8, one scale per column)
//    with acc[r] = sum_k x[r][k] * w[k][0..width). AVX-512 and AVX2 (the fp32
//    panel's template in kernels_<isa>.cc) and scalar, with kernels.h's kMaxPanelVectors.
//  - narrowed activations: the rows are narrowed too (NarrowRow) and multiplied
//    with the weights by AVX-512's dot-product instructions, each 32-bit lane
//    taking DotProductGroup consecutive k of one column: AVX512_VNNI's vpdpbusd (int8,
//    exact int32 sums) and AVX512_BF16's vdpbf16ps (bf16, fp32 accumulation);
//    DotPanelArgs says what one panel call computes. kernels_avx512_vnni.cc and
//    kernels_avx512_bf16.cc, from dot_panel_avx512.h.
#ifndef TFLATENCY_CC_BOUND_NARROW_KERNELS_H_
#define TFLATENCY_CC_BOUND_NARROW_KERNELS_H_

#include <cstdint>

#include "cc/common/isa.h"
#include "cc/common/precision.h"

namespace tflatency {

enum class NarrowActivations {
  kFp32,      // fp32 activations, the weights widened to fp32: fp32 FMAs (NarrowPanelFn)
  kNarrowed,  // activations narrowed like the weights, dot-product instructions (DotPanelFn)
};

// w: `vecs` vectors of Lanes(isa) weights per row, kcount rows, narrowed; scale: width floats (int8; else
// ignored); init/out rows as in kernels.h's PanelFn (init may alias out).
using NarrowPanelFn = void (*)(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                               const float* init, int64_t init_stride, const float* scale, float* out,
                               int64_t out_stride);

// The panel kernel for reduced-precision weights on `isa`, or null where there is none
// (fp32: kernels.h).
NarrowPanelFn NarrowPanelKernel(Isa isa, WeightPrecision precision);

// One row of k activations as the dot-product panels take it, k rounded up to DotProductGroup elements:
//   int8: s = max_k |x[k]| / 127 (1 if that is 0), q[k] = clamp(rne(x[k] / s), -127, 127) + 128 as uint8
//         (padding 128: the value 0); returns s;
//   bf16: Bf16Bits(x[k]) (padding 0); returns 1.
// The scalar reference: DotKernels::narrow_rows gives the same bits.
float NarrowRow(WeightPrecision precision, const float* x, int64_t k, void* out);

// One call of a dot-product panel: `rows` rows times `vecs` vectors of 16 columns (width = 16 * vecs),
//   sum[r][c] = sum over the call's k of xq[r][k] * wq[k][c]
//   int8: out[r][c] = init[r][c] + (w_scale[c] * x_scale[r]) * float(sum[r][c] - w_offset[c]) (one FMA),
//         sum in int32 (exact), xq the uint8 q + 128, so w_offset[c] = 128 * sum over all k of wq[k][c];
//   bf16: out[r][c] = the fp32 accumulator started at init[r][c] after vdpbf16ps over the call's k.
// bf16 over k in blocks: pass the previous block's out as init. int8 over k in blocks: the int32 sums
// go through `sums` (sums_in: start from them, else from 0; sums_out: store them, no out).
struct DotPanelArgs {
  int vecs = 0, rows = 0;  // vecs <= MaxPanelVectors(Isa::kAvx512, rows), rows <= kMaxPanelRows
  const void* w = nullptr;  // [groups][width][DotProductGroup] narrowed weights, 64-byte aligned
  int64_t groups = 0;       // DotProductGroup k each
  const void* x = nullptr;  // rows as NarrowRow makes them, row r at element r * x_stride
  int64_t x_stride = 0;
  const float* init = nullptr;  // row r at r * init_stride; may alias out
  int64_t init_stride = 0;
  float* out = nullptr;
  int64_t out_stride = 0;
  const float* x_scale = nullptr;     // int8: per row
  const float* w_scale = nullptr;     // int8: per column
  const int32_t* w_offset = nullptr;  // int8: per column
  int32_t* sums = nullptr;            // int8, k-blocked: row r at r * sums_stride
  int64_t sums_stride = 0;
  bool sums_in = false, sums_out = false;
};
using DotPanelFn = void (*)(const DotPanelArgs& args);
// NarrowRow over `rows` rows (row r of x at r * x_stride floats, of out at r * out_stride elements);
// scales[r] gets each row's scale.
using NarrowRowsFn = void (*)(int64_t rows, const float* x, int64_t x_stride, int64_t k, void* out,
                              int64_t out_stride, float* scales);

struct DotKernels {
  NarrowRowsFn narrow_rows = nullptr;
  DotPanelFn panel = nullptr;
};
// The dot-product kernels for `precision` on `isa` (AVX-512 bf16 and int8 only; else null members).
// They may run only where CpuSupports(DotProductExtension(precision)).
DotKernels DotKernel(Isa isa, WeightPrecision precision);

namespace avx512 {
void NarrowPanelBf16(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
void NarrowPanelInt8(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
void DotPanelVnni(const DotPanelArgs& args);
void NarrowRowsInt8(int64_t rows, const float* x, int64_t x_stride, int64_t k, void* out, int64_t out_stride,
                    float* scales);
void DotPanelBf16(const DotPanelArgs& args);
void NarrowRowsBf16(int64_t rows, const float* x, int64_t x_stride, int64_t k, void* out, int64_t out_stride,
                    float* scales);
}  // namespace avx512

namespace avx2 {
void NarrowPanelBf16(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
void NarrowPanelInt8(int vecs, int rows, const void* w, int64_t kcount, const float* x, int64_t x_stride,
                     const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride);
}  // namespace avx2

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_NARROW_KERNELS_H_
