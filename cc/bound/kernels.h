// The innermost loops of the bound benchmarks, one set per ISA, each compiled
// with its own __attribute__((target(...))) (no global -march), chosen at run
// time by the dispatchers at the bottom:
//   FMA loops: the original investigation's naive AVX2 loop, and peak FMA
//     throughput with register-resident accumulators;
//   matvec panel: for each of `rows` (1..kMaxPanelRows) input rows r,
//     acc[r] = init[r]; acc[r] += x[r][k] * w[k][0..width) for k < kcount;
//     out[r] = acc[r], over a panel of `vecs` vectors packed row after row
//     (matvec.h); each weight vector is loaded once for all rows.
#ifndef TFLATENCY_CC_BOUND_KERNELS_H_
#define TFLATENCY_CC_BOUND_KERNELS_H_

#include <cstdint>

#include "cc/common/isa.h"

namespace tflatency {

// Independent accumulators of the peak loop: covers FMA latency (4-5 cycles)
// times 2 FMA pipes with room to spare; 12 ymm + 2 constants fit AVX2's 16 registers.
constexpr int kPeakAccumulators = 12;
// The original investigation's loop: "a trivial vectorized loop", a few accumulators.
constexpr int kOriginalAccumulators = 4;

// Input rows one panel kernel call handles at once (batch rows share each weight load).
constexpr int kMaxPanelRows = 4;

// Signature shared by every ISA's panel kernel. `w` is 64-byte aligned with rows
// of width = vecs*Lanes(isa) floats; row r of x, init and out starts at
// r*x_stride, r*init_stride (0: one init for all rows, e.g. the bias) and
// r*out_stride; each init/out row holds width floats; init and out may alias.
// vecs <= MaxPanelVectors(isa, rows).
using PanelFn = void (*)(int vecs, int rows, const float* w, int64_t kcount, const float* x, int64_t x_stride,
                         const float* init, int64_t init_stride, float* out, int64_t out_stride);

namespace avx512 {
constexpr int kLanes = 16;
// Accumulators rows*vecs <= 24 of 32 zmm; one row: 16 zmm, 256 columns per panel.
constexpr int kMaxPanelVectors[kMaxPanelRows] = {16, 12, 8, 6};
float FmaPeak(int64_t rounds, float m, float c);  // rounds * kPeakAccumulators * kLanes FMAs
void Panel(int vecs, int rows, const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
           int64_t init_stride, float* out, int64_t out_stride);
}  // namespace avx512

namespace avx2 {
constexpr int kLanes = 8;
// Accumulators plus row broadcasts fit 16 ymm; one row: 12 ymm, 96 columns per panel.
constexpr int kMaxPanelVectors[kMaxPanelRows] = {12, 6, 4, 2};
float FmaPeak(int64_t rounds, float m, float c);
float OriginalFmaLoop(int64_t rounds, float m, float c);  // rounds * kOriginalAccumulators * kLanes FMAs
void Panel(int vecs, int rows, const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
           int64_t init_stride, float* out, int64_t out_stride);
}  // namespace avx2

// Portable C++ built with -fno-tree-vectorize, so it really is one float per
// instruction (multiply then add: no FMA instruction without the fma ISA).
namespace scalar {
constexpr int kLanes = 1;
constexpr int kMaxPanelVectors[kMaxPanelRows] = {8, 4, 3, 2};
float FmaPeak(int64_t rounds, float m, float c);
void Panel(int vecs, int rows, const float* w, int64_t kcount, const float* x, int64_t x_stride, const float* init,
           int64_t init_stride, float* out, int64_t out_stride);
}  // namespace scalar

int Lanes(Isa isa);
int MaxPanelVectors(Isa isa, int rows);  // rows in 1..kMaxPanelRows
PanelFn PanelKernel(Isa isa);
// Performs at least `fmas` multiply-accumulates at peak rate; the result only
// exists to be consumed. m and c should come from outside the caller's view.
float FmaPeak(Isa isa, int64_t fmas, float m, float c);
// The original investigation's AVX2 loop; requires CpuSupports(Isa::kAvx2).
float OriginalFmaLoop(int64_t fmas, float m, float c);

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_KERNELS_H_
