// The hand-written kernel's hot loops, written once over a vector type V and
// instantiated by each ISA file (rnn_avx512.cc, _avx2.cc, _scalar.cc), which
// first defines HAND_TARGET (its __attribute__((target(...))), or nothing) and V:
//   V::R                               the register type
//   kLanes, kUnitVecs, kProjVecs, kProjRows   its hand::Geometry
//   Load, Store, Set1, Zero, Add, Sub, Mul, Fmadd(a, b, c) = a*b + c, Div, Exp
//   LoadW(const W*) for each weight type W it instantiates RunModel<V, W> with: float, and
//   for reduced precision uint16_t (bf16 bits: widened to fp32 exactly) and int8_t
//   (converted to fp32 exactly; the per-column scale is applied to the sum, see kScaled)
//   and for the narrowed-activation types W = Int8Act, Bf16Act (rnn_plan.h) also the integer
//   type I, IZero, LoadI, NarrowInt8 / NarrowBf16(x, n, out): n floats narrowed into out,
//   returning the row's scale, NarrowInt8Remainder (int8's second digit), Broadcast4(p): 4 bytes into every int32 lane,
//   DotU8S8(acc, b, w): acc + per lane the sum of 4 u8 x s8 products (vpdpbusd),
//   DotBf16(acc, b, w): acc + per lane 2 bf16 products (vdpbf16ps), ISubToFloat(a, p): float(a - int32 at p)
// Everything here has internal linkage, so no instantiation compiled for one
// ISA can be picked by the linker for another. Layout: rnn_plan.h.
#ifndef HAND_TARGET
#error "define HAND_TARGET before including rnn_kernel_impl.h"
#endif

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cc/hand/rnn_plan.h"

namespace tflatency {
namespace hand {
namespace {

#define HAND_INLINE HAND_TARGET inline __attribute__((always_inline))

// The weight types whose products narrow the activations too (plan.narrow_activations):
// int8 weights with 8-bit x and h (vpdpbusd), bf16 weights with bf16 x and h (vdpbf16ps).
struct Int8Act {};
struct Bf16Act {};
template <class W>
constexpr bool kNarrowAct = std::is_same_v<W, Int8Act> || std::is_same_v<W, Bf16Act>;
// Rows each of the model's inputs x_t is narrowed into (rnn_plan.h: int8 gets a second digit).
template <class W>
constexpr int kInputDigits = InputDigits(std::is_same_v<W, Int8Act> ? WeightPrecision::kInt8 : WeightPrecision::kBf16);
// Values of a column per 4-byte lane in their re-laid-out panels.
template <class W>
constexpr int kPerLane = std::is_same_v<W, Int8Act> ? 4 : 2;

// int8 weights hold q = round(w / s) with one scale s per output column
// (rnn_plan.h): a dot product is s * sum(q * x), so the scale is applied once
// to each accumulated column. fp32 and bf16 weights are their own values.
template <class W>
constexpr bool kScaled = std::is_same_v<W, int8_t>;

// The slice's panels of weight type W (fp32: the packed floats; else the narrowed copy).
template <class W>
inline auto KPanels(const PackedSlice& slice) {
  if constexpr (std::is_same_v<W, float>) {
    return slice.k_panels;
  } else if constexpr (kNarrowAct<W>) {
    return static_cast<const uint8_t*>(slice.k_pairs);
  } else {
    return static_cast<const W*>(slice.k_narrow);
  }
}
template <class W>
inline auto RPanels(const PackedSlice& slice) {
  if constexpr (std::is_same_v<W, float>) {
    return slice.r_panels;
  } else if constexpr (kNarrowAct<W>) {
    return static_cast<const uint8_t*>(slice.r_pairs);
  } else {
    return static_cast<const W*>(slice.r_narrow);
  }
}

// Narrows n floats of x into out (rnn_plan.h); returns the row's scale (int8; bf16: 1).
template <class V, class W>
HAND_INLINE float NarrowRow(const float* x, int64_t n, uint8_t* out) {
  if constexpr (std::is_same_v<W, Int8Act>) return V::NarrowInt8(x, n, out);
  return V::NarrowBf16(x, n, out);
}

// sigmoid(x) = 1 / (1 + e^-x); accurate to a few ulp (V::Exp is ~1 ulp, the
// division is exact-rounded).
template <class V>
HAND_INLINE typename V::R Sigmoid(typename V::R x) {
  const typename V::R one = V::Set1(1.0f);
  return V::Div(one, V::Add(one, V::Exp(V::Sub(V::Zero(), x))));
}

// tanh(x) = 1 - 2 / (e^{2x} + 1): absolute error a few 1e-8 everywhere, which
// is what the golden tolerance (1e-5 + 1e-4 |want|) cares about near 0.
template <class V>
HAND_INLINE typename V::R Tanh(typename V::R x) {
  const typename V::R one = V::Set1(1.0f);
  const typename V::R two = V::Set1(2.0f);
  return V::Sub(one, V::Div(two, V::Add(V::Exp(V::Add(x, x)), one)));
}

// gx[r][0..NV*L) = bias + x_r * K_panel for RB rows; the panel is [d][width]
// (int8: bias + scale * (x_r * Q_panel)).
template <class V, int RB, int NV, class W>
HAND_TARGET void ProjectPanel(const W* w, int64_t width, int64_t d, const float* x, int64_t x_stride,
                              const float* bias, const float* scale, float* gx, int64_t gx_stride) {
  constexpr int L = V::kLanes;
  typename V::R acc[RB][NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) {
    const typename V::R b = kScaled<W> ? V::Zero() : V::Load(bias + v * L);
#pragma GCC unroll 4
    for (int r = 0; r < RB; ++r) acc[r][v] = b;
  }
#pragma GCC unroll 2
  for (int64_t k = 0; k < d; ++k) {
    typename V::R xb[RB];
#pragma GCC unroll 4
    for (int r = 0; r < RB; ++r) xb[r] = V::Set1(x[r * x_stride + k]);
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      const typename V::R wv = V::LoadW(w + v * L);
#pragma GCC unroll 4
      for (int r = 0; r < RB; ++r) acc[r][v] = V::Fmadd(wv, xb[r], acc[r][v]);
    }
    w += width;
  }
  if constexpr (kScaled<W>) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      const typename V::R s = V::Load(scale + v * L), b = V::Load(bias + v * L);
#pragma GCC unroll 4
      for (int r = 0; r < RB; ++r) acc[r][v] = V::Fmadd(acc[r][v], s, b);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < RB; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) V::Store(gx + r * gx_stride + v * L, acc[r][v]);
  }
}

template <class V, int RB, int NV, class W>
HAND_INLINE void ProjectPanelNv(int nv, const W* w, int64_t width, int64_t d, const float* x,
                                int64_t x_stride, const float* bias, const float* scale, float* gx,
                                int64_t gx_stride) {
  if constexpr (NV >= 1) {
    if (nv == NV) return ProjectPanel<V, RB, NV>(w, width, d, x, x_stride, bias, scale, gx, gx_stride);
    ProjectPanelNv<V, RB, NV - 1>(nv, w, width, d, x, x_stride, bias, scale, gx, gx_stride);
  }
}

template <class V, int RB, class W>
HAND_INLINE void ProjectRows(int rb, int nv, const W* w, int64_t width, int64_t d, const float* x,
                             int64_t x_stride, const float* bias, const float* scale, float* gx, int64_t gx_stride) {
  if constexpr (RB >= 1) {
    if (rb == RB) {
      return ProjectPanelNv<V, RB, V::kProjVecs>(nv, w, width, d, x, x_stride, bias, scale, gx, gx_stride);
    }
    ProjectRows<V, RB - 1>(rb, nv, w, width, d, x, x_stride, bias, scale, gx, gx_stride);
  }
}

// gx[t] = x_t * K + bias for every time step, over one slice's columns.
template <class V, class W>
HAND_TARGET void Project(const Plan& plan, const PackedSlice& slice, const float* x, int64_t x_stride, float* gx) {
  constexpr int L = V::kLanes;
  const int64_t block_cols = (plan.gate_cols / plan.units_padded) * V::kUnitVecs * L;  // G*U
  const int64_t col_begin = slice.block_begin * block_cols, col_end = slice.block_end * block_cols;
  const int64_t cols = plan.gate_cols, d = slice.input;
  for (int64_t t0 = 0; t0 < plan.time_steps; t0 += V::kProjRows) {
    const int rb = static_cast<int>(plan.time_steps - t0 < V::kProjRows ? plan.time_steps - t0 : V::kProjRows);
    const W* w = KPanels<W>(slice);
    for (int64_t col0 = col_begin; col0 < col_end; col0 += V::kProjVecs * L) {
      const int64_t width = col_end - col0 < V::kProjVecs * L ? col_end - col0 : V::kProjVecs * L;
      ProjectRows<V, V::kProjRows>(rb, static_cast<int>(width / L), w, width, d, x + t0 * x_stride, x_stride,
                                   slice.k_bias + col0, kScaled<W> ? slice.k_scale + col0 : nullptr,
                                   gx + t0 * cols + col0, cols);
      w += width * d;
    }
  }
}

// Narrowed activations: gx[r][0..NV*L) = bias + x_r * K_panel for RB time steps already narrowed,
// each into D rows (1; kInputDigits for the model's input), one row every act_row bytes of act
// (int8: each digit's sum scaled by its act_scale and the columns' scale, the offset removed, the
// digits added), over NV vectors of a panel [groups][group_stride bytes] of L lanes of 4 bytes.
template <class V, int RB, int NV, class WT, int D>
HAND_TARGET void ProjectPanelNarrow(const uint8_t* w, int64_t groups, int64_t group_stride, const uint8_t* act,
                                    int64_t act_row, const float* act_scale, const float* bias, const float* scale,
                                    const int32_t* offset, float* gx, int64_t gx_stride) {
  constexpr int L = V::kLanes;
  constexpr bool int8 = std::is_same_v<WT, Int8Act>;
  std::conditional_t<int8, typename V::I, typename V::R> acc[RB * D][NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) {
#pragma GCC unroll 8
    for (int r = 0; r < RB * D; ++r) {
      if constexpr (int8) {
        acc[r][v] = V::IZero();
      } else {
        acc[r][v] = V::Load(bias + v * L);
      }
    }
  }
#pragma GCC unroll 2
  for (int64_t k = 0; k < groups; ++k) {
    typename V::I xb[RB * D];
#pragma GCC unroll 8
    for (int r = 0; r < RB * D; ++r) xb[r] = V::Broadcast4(act + r * act_row + 4 * k);
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      const typename V::I wv = V::LoadI(w + v * L * 4);
#pragma GCC unroll 8
      for (int r = 0; r < RB * D; ++r) {
        if constexpr (int8) {
          acc[r][v] = V::DotU8S8(acc[r][v], xb[r], wv);
        } else {
          acc[r][v] = V::DotBf16(acc[r][v], xb[r], wv);
        }
      }
    }
    w += group_stride;
  }
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) {
    if constexpr (int8) {
      const typename V::R s = V::Load(scale + v * L), b = V::Load(bias + v * L);
#pragma GCC unroll 4
      for (int r = 0; r < RB; ++r) {
        typename V::R sum = b;  // the smallest digit first
#pragma GCC unroll 2
        for (int j = D - 1; j >= 0; --j) {
          sum = V::Fmadd(V::ISubToFloat(acc[r * D + j][v], offset + v * L), V::Mul(s, V::Set1(act_scale[r * D + j])),
                         sum);
        }
        V::Store(gx + r * gx_stride + v * L, sum);
      }
    } else {
#pragma GCC unroll 4
      for (int r = 0; r < RB; ++r) V::Store(gx + r * gx_stride + v * L, acc[r][v]);
    }
  }
}

template <class V, int RB, int NV, class WT, int D>
HAND_INLINE void ProjectPanelNarrowNv(int nv, const uint8_t* w, int64_t groups, int64_t group_stride,
                                      const uint8_t* act, int64_t act_row, const float* act_scale, const float* bias,
                                      const float* scale, const int32_t* offset, float* gx, int64_t gx_stride) {
  if constexpr (NV >= 1) {
    if (nv == NV) {
      return ProjectPanelNarrow<V, RB, NV, WT, D>(w, groups, group_stride, act, act_row, act_scale, bias, scale, offset,
                                               gx, gx_stride);
    }
    ProjectPanelNarrowNv<V, RB, NV - 1, WT, D>(nv, w, groups, group_stride, act, act_row, act_scale, bias, scale, offset,
                                            gx, gx_stride);
  }
}

template <class V, int RB, class WT, int D>
HAND_INLINE void ProjectRowsNarrow(int rb, int nv, const uint8_t* w, int64_t groups, int64_t group_stride,
                                   const uint8_t* act, int64_t act_row, const float* act_scale, const float* bias,
                                   const float* scale, const int32_t* offset, float* gx, int64_t gx_stride) {
  if constexpr (RB >= 1) {
    if (rb == RB) {
      return ProjectPanelNarrowNv<V, RB, V::kProjVecs / D, WT, D>(nv, w, groups, group_stride, act, act_row,
                                                                         act_scale, bias, scale, offset, gx, gx_stride);
    }
    ProjectRowsNarrow<V, RB - 1, WT, D>(rb, nv, w, groups, group_stride, act, act_row, act_scale, bias, scale, offset, gx,
                                     gx_stride);
  }
}

// Narrowed activations: x_t into its D rows at act (returning their scales in act_scale).
template <class V, class WT, int D>
HAND_INLINE void NarrowInput(const float* x, int64_t n, uint8_t* act, int64_t act_row, float* act_scale) {
  act_scale[0] = NarrowRow<V, WT>(x, n, act);
  if constexpr (D == 2) act_scale[1] = V::NarrowInt8Remainder(x, n, act, act_scale[0], act + act_row);
}

// Narrowed activations: gx[t] = x_t * K + bias for every time step, over one slice's columns; this
// worker first narrows every x_t into its D rows of ws.act. A panel of kProjVecs vectors is taken
// kProjVecs / D vectors at a time (the accumulators of every digit must fit in registers).
template <class V, class WT, int D>
HAND_TARGET void ProjectNarrow(const Plan& plan, const Workspace& ws, int worker, const PackedSlice& slice,
                               const float* x, int64_t x_stride, float* gx) {
  constexpr int L = V::kLanes, kSubVecs = V::kProjVecs / D;
  const int64_t block_cols = (plan.gate_cols / plan.units_padded) * V::kUnitVecs * L;  // G*U
  const int64_t col_begin = slice.block_begin * block_cols, col_end = slice.block_end * block_cols;
  const int64_t cols = plan.gate_cols, d = slice.input, groups = (d + kPerLane<WT> - 1) / kPerLane<WT>;
  uint8_t* act = ws.act + worker * ws.act_rows * ws.act_row;
  float* act_scale = ws.act_scale + worker * ws.act_rows;
  for (int64_t t = 0; t < plan.time_steps; ++t) {
    NarrowInput<V, WT, D>(x + t * x_stride, d, act + t * D * ws.act_row, ws.act_row, act_scale + t * D);
  }
  const int32_t* offset = std::is_same_v<WT, Int8Act> ? slice.k_offset : nullptr;
  for (int64_t t0 = 0; t0 < plan.time_steps; t0 += V::kProjRows) {
    const int rb = static_cast<int>(plan.time_steps - t0 < V::kProjRows ? plan.time_steps - t0 : V::kProjRows);
    const uint8_t* w = KPanels<WT>(slice);
    for (int64_t col0 = col_begin; col0 < col_end; col0 += V::kProjVecs * L) {
      const int64_t width = col_end - col0 < V::kProjVecs * L ? col_end - col0 : V::kProjVecs * L;
      for (int64_t sub = 0; sub < width; sub += kSubVecs * L) {
        const int64_t c = col0 + sub;
        ProjectRowsNarrow<V, V::kProjRows, WT, D>(
            rb, static_cast<int>((width - sub < kSubVecs * L ? width - sub : kSubVecs * L) / L), w + sub * 4, groups,
            width * 4, act + t0 * D * ws.act_row, ws.act_row, act_scale + t0 * D, slice.k_bias + c,
            offset ? slice.k_scale + c : nullptr, offset ? offset + c : nullptr, gx + t0 * cols + c, cols);
      }
      w += width * groups * 4;
    }
  }
}

// acc[0..N) += h * panel, the panel [h_rows][N vectors] streamed front to back;
// returns where the next panel starts.
// int8: the columns' scales s and 1/s (`scale`, `inv_scale`, this block's
// N vectors): acc = (acc / s + h * Q) * s, so the sum needs no second set of
// registers.
template <class V, int N, class W>
HAND_INLINE const W* AccumulateRecurrent(typename V::R* acc, const W* w, const float* h, int64_t h_rows,
                                         const float* scale, const float* inv_scale) {
  if constexpr (kScaled<W>) {
#pragma GCC unroll 16
    for (int v = 0; v < N; ++v) acc[v] = V::Mul(acc[v], V::Load(inv_scale + v * V::kLanes));
  }
#pragma GCC unroll 2
  for (int64_t k = 0; k < h_rows; ++k) {
    const typename V::R hk = V::Set1(h[k]);
#pragma GCC unroll 16
    for (int v = 0; v < N; ++v) acc[v] = V::Fmadd(V::LoadW(w + v * V::kLanes), hk, acc[v]);
    w += N * V::kLanes;
  }
  if constexpr (kScaled<W>) {
#pragma GCC unroll 16
    for (int v = 0; v < N; ++v) acc[v] = V::Mul(acc[v], V::Load(scale + v * V::kLanes));
  }
  return w;
}

// Narrowed activations: acc[0..N) += h * panel over the panel [groups][N vectors of L lanes][4 bytes],
// h narrowed in act (int8: the integer sums scaled by h's act_scale and the columns' scale, their
// offset removed); returns where the next panel starts.
template <class V, int N, class WT>
HAND_INLINE const uint8_t* AccumulateNarrow(typename V::R* acc, const uint8_t* w, const uint8_t* act, int64_t groups,
                                            const float* scale, const int32_t* offset, float act_scale) {
  constexpr int L = V::kLanes;
  if constexpr (std::is_same_v<WT, Int8Act>) {
    typename V::I sum[N];
#pragma GCC unroll 16
    for (int v = 0; v < N; ++v) sum[v] = V::IZero();
#pragma GCC unroll 2
    for (int64_t k = 0; k < groups; ++k) {
      const typename V::I b = V::Broadcast4(act + 4 * k);
#pragma GCC unroll 16
      for (int v = 0; v < N; ++v) sum[v] = V::DotU8S8(sum[v], b, V::LoadI(w + v * L * 4));
      w += N * L * 4;
    }
    const typename V::R s = V::Set1(act_scale);
#pragma GCC unroll 16
    for (int v = 0; v < N; ++v) {
      acc[v] = V::Fmadd(V::ISubToFloat(sum[v], offset + v * L), V::Mul(V::Load(scale + v * L), s), acc[v]);
    }
  } else {
#pragma GCC unroll 2
    for (int64_t k = 0; k < groups; ++k) {
      const typename V::I b = V::Broadcast4(act + 4 * k);
#pragma GCC unroll 16
      for (int v = 0; v < N; ++v) acc[v] = V::DotBf16(acc[v], b, V::LoadI(w + v * L * 4));
      w += N * L * 4;
    }
  }
  return w;
}

// The recurrent product of one block for weight type WT (scale, inv_scale, offset: this block's;
// act, act_scale: h narrowed).
template <class V, int N, class WT, class P>
HAND_INLINE P Recurrent(typename V::R* acc, P w, const float* h_prev, const uint8_t* act, float act_scale,
                        int64_t h_rows, const float* scale, const float* inv_scale, const int32_t* offset) {
  if constexpr (kNarrowAct<WT>) {
    return AccumulateNarrow<V, N, WT>(acc, w, act, (h_rows + kPerLane<WT> - 1) / kPerLane<WT>, scale, offset,
                                      act_scale);
  } else {
    return AccumulateRecurrent<V, N>(acc, w, h_prev, h_rows, scale, inv_scale);
  }
}

// Per-column arrays of a slice's recurrent blocks for weight type WT, from its first block on:
// scale (int8 weights, widened or not), inv_scale (widened int8), offset (Int8Act); null where unused.
struct ColumnArrays {
  const float* scale;
  const float* inv_scale;
  const int32_t* offset;
};
template <class WT>
inline ColumnArrays BlockColumns(const PackedSlice& slice, int64_t first_col) {
  constexpr bool int8 = kScaled<WT> || std::is_same_v<WT, Int8Act>;
  return ColumnArrays{int8 ? slice.r_scale + first_col : nullptr,
                      kScaled<WT> ? slice.r_inv_scale + first_col : nullptr,
                      std::is_same_v<WT, Int8Act> ? slice.r_offset + first_col : nullptr};
}

// One LSTM step over a slice: for every block of U = M*L units, acc = gx_t +
// h_prev * R, then c = sig(f) c + sig(i) tanh(g), h = sig(o) tanh(c).
// kZeroState: h_prev is the zero initial state, so the product (exactly 0) is skipped.
// act, act_scale: h_prev narrowed (narrowed activations only).
template <class V, bool kZeroState, class WT>
HAND_TARGET void LstmStep(const Plan& plan, const PackedSlice& slice, const float* gx_t, const float* h_prev,
                          const uint8_t* act, float act_scale, float* c, float* h_out) {
  constexpr int L = V::kLanes, M = V::kUnitVecs, G = 4, W = G * M * L;
  [[maybe_unused]] const int64_t h_rows = plan.units;
  [[maybe_unused]] auto w = RPanels<WT>(slice);
  [[maybe_unused]] auto [scale, inv_scale, offset] = BlockColumns<WT>(slice, slice.block_begin * W);
  gx_t += slice.block_begin * W;
  for (int64_t u0 = slice.block_begin * M * L; u0 < slice.block_end * M * L; u0 += M * L) {
    typename V::R acc[G * M];
#pragma GCC unroll 16
    for (int v = 0; v < G * M; ++v) acc[v] = V::Load(gx_t + v * L);
    if constexpr (!kZeroState) {
      w = Recurrent<V, G * M, WT>(acc, w, h_prev, act, act_scale, h_rows, scale, inv_scale, offset);
    }
    if (scale) scale += W;
    if (inv_scale) inv_scale += W;
    if (offset) offset += W;
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) {
      const typename V::R i = Sigmoid<V>(acc[0 * M + m]);
      const typename V::R f = Sigmoid<V>(acc[1 * M + m]);
      const typename V::R g = Tanh<V>(acc[2 * M + m]);
      const typename V::R o = Sigmoid<V>(acc[3 * M + m]);
      const typename V::R cn = V::Fmadd(f, V::Load(c + u0 + m * L), V::Mul(i, g));
      V::Store(c + u0 + m * L, cn);
      V::Store(h_out + u0 + m * L, V::Mul(o, Tanh<V>(cn)));
    }
    gx_t += W;
  }
}

// One GRU step (reset_after) over a slice: acc_z, acc_r = gx_t (input and
// recurrent bias folded in) + h_prev * R_zr; acc_n = rb_n + h_prev * R_n;
// z = sig(acc_z), r = sig(acc_r), n = tanh(gx_n + r acc_n), h = n + z (h_prev - n).
// kZeroState: h_prev is the zero initial state, so the product (exactly 0) is skipped.
// act, act_scale: h_prev narrowed (narrowed activations only).
template <class V, bool kZeroState, class WT>
HAND_TARGET void GruStep(const Plan& plan, const PackedSlice& slice, const float* gx_t, const float* h_prev,
                         const uint8_t* act, float act_scale, float* h_out) {
  constexpr int L = V::kLanes, M = V::kUnitVecs, G = 3, W = G * M * L;
  [[maybe_unused]] const int64_t h_rows = plan.units;
  [[maybe_unused]] auto w = RPanels<WT>(slice);
  [[maybe_unused]] auto [scale, inv_scale, offset] = BlockColumns<WT>(slice, slice.block_begin * W);
  gx_t += slice.block_begin * W;
  for (int64_t u0 = slice.block_begin * M * L; u0 < slice.block_end * M * L; u0 += M * L) {
    typename V::R acc[G * M];
#pragma GCC unroll 16
    for (int v = 0; v < 2 * M; ++v) acc[v] = V::Load(gx_t + v * L);
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) acc[2 * M + m] = V::Load(slice.r_bias_n + u0 + m * L);
    if constexpr (!kZeroState) {
      w = Recurrent<V, G * M, WT>(acc, w, h_prev, act, act_scale, h_rows, scale, inv_scale, offset);
    }
    if (scale) scale += W;
    if (inv_scale) inv_scale += W;
    if (offset) offset += W;
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) {
      const typename V::R z = Sigmoid<V>(acc[0 * M + m]);
      const typename V::R r = Sigmoid<V>(acc[1 * M + m]);
      const typename V::R n = Tanh<V>(V::Fmadd(r, acc[2 * M + m], V::Load(gx_t + (2 * M + m) * L)));
      const typename V::R hp = V::Load(h_prev + u0 + m * L);
      V::Store(h_out + u0 + m * L, V::Fmadd(z, V::Sub(hp, n), n));
    }
    gx_t += W;
  }
}

// One worker's share of one inference; worker 0 also copies out the result.
// W: the weight type of the panels (float, uint16_t = bf16, int8_t, Int8Act, Bf16Act).
template <class V, class W = float>
HAND_TARGET void RunModel(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output) {
  const int64_t T = plan.time_steps, H = plan.units, Hp = plan.units_padded;
  const bool team = plan.workers > 1;
  for (int64_t b = 0; b < plan.batch; ++b) {
    const float* x = input + b * T * plan.input_size;
    int64_t x_stride = plan.input_size;
    for (int64_t l = 0; l < plan.layers; ++l) {
      const PackedSlice& slice = plan.slice[l * plan.workers + worker];
      if constexpr (kNarrowAct<W>) {
        if (l == 0) {
          ProjectNarrow<V, W, kInputDigits<W>>(plan, ws, worker, slice, x, x_stride, ws.gx);
        } else {  // x is the layer below's h, within (-1, 1)
          ProjectNarrow<V, W, 1>(plan, ws, worker, slice, x, x_stride, ws.gx);
        }
      } else {
        Project<V, W>(plan, slice, x, x_stride, ws.gx);
      }
      float* seq = ws.seq[l & 1];
      const float* h_prev = ws.zeros;
      const int64_t u_begin = slice.block_begin * V::kUnitVecs * V::kLanes;
      const int64_t u_end = slice.block_end * V::kUnitVecs * V::kLanes;
      if (plan.cell == Cell::kLstm) std::memset(ws.c + u_begin, 0, sizeof(float) * (u_end - u_begin));
      // Narrowed activations: this worker's copy of all of h_{t-1}, narrowed (the last of its act rows).
      [[maybe_unused]] uint8_t* act = kNarrowAct<W> ? ws.act + ((worker + 1) * ws.act_rows - 1) * ws.act_row : nullptr;
      for (int64_t t = 0; t < T; ++t) {
        const float* gx_t = ws.gx + t * plan.gate_cols;
        const bool zero_state = t == 0 && plan.skip_zero_state_product;
        float* h_t = seq + t * Hp;
        float act_scale = 0.0f;
        if constexpr (kNarrowAct<W>) {
          if (!zero_state) act_scale = NarrowRow<V, W>(h_prev, H, act);
        }
        if (plan.cell == Cell::kLstm) {
          if (zero_state) {
            LstmStep<V, true, W>(plan, slice, gx_t, h_prev, act, act_scale, ws.c, h_t);
          } else {
            LstmStep<V, false, W>(plan, slice, gx_t, h_prev, act, act_scale, ws.c, h_t);
          }
        } else if (zero_state) {
          GruStep<V, true, W>(plan, slice, gx_t, h_prev, act, act_scale, h_t);
        } else {
          GruStep<V, false, W>(plan, slice, gx_t, h_prev, act, act_scale, h_t);
        }
        if (team) plan.barrier.wait(plan.barrier.context, worker);  // all of h_t is written
        h_prev = seq + t * Hp;
      }
      x = seq;
      x_stride = Hp;
    }
    if (worker == 0) {
      for (int64_t t = 0; t < T; ++t) std::memcpy(output + (b * T + t) * H, x + t * Hp, sizeof(float) * H);
    }
    // The next batch row overwrites the sequence buffers worker 0 just read.
    if (team && b + 1 < plan.batch) plan.barrier.wait(plan.barrier.context, worker);
  }
}

template <class V>
Geometry GeometryOf() {
  return Geometry{V::kLanes, V::kUnitVecs, V::kProjVecs, V::kProjRows};
}

#undef HAND_INLINE

}  // namespace
}  // namespace hand
}  // namespace tflatency
