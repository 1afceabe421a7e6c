// The hand-written kernel's hot loops, written once over a vector type V and
// instantiated by each ISA file (rnn_avx512.cc, _avx2.cc, _scalar.cc), which
// first defines HAND_TARGET (its __attribute__((target(...))), or nothing) and V:
//   V::R                               the register type
//   kLanes, kUnitVecs, kProjVecs, kProjRows   its hand::Geometry
//   Load, Store, Set1, Zero, Add, Sub, Mul, Fmadd(a, b, c) = a*b + c, Div, Exp
//   LoadW(const W*) for each weight type W it instantiates RunModel<V, W> with: float, and
//   for reduced precision uint16_t (bf16 bits: widened to fp32 exactly) and int8_t
//   (converted to fp32 exactly; the per-column scale is applied to the sum, see kScaled)
//   and for W = Int8Act (int8 weights and 8-bit activations, rnn_plan.h) also the integer
//   type I and IZero, QuantizeH(h, out): 16 lanes of h -> round(127 h) + 128 as bytes,
//   Broadcast4(p): 4 bytes into every int32 lane, DotU8S8(acc, b, w): acc + per lane the
//   sum of 4 u8 x s8 products (vpdpbusd), ISubToFloat(a, p): float(a - int32 at p)
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

// The weight type of int8 weights whose recurrent product also quantizes h (plan.int8_activations).
struct Int8Act {};

// int8 weights hold q = round(w / s) with one scale s per output column
// (rnn_plan.h): a dot product is s * sum(q * x), so the scale is applied once
// to each accumulated column. fp32 and bf16 weights are their own values.
template <class W>
constexpr bool kScaled = std::is_same_v<W, int8_t>;
// The projection's weight type (Int8Act projects with the widened int8 weights).
template <class W>
using ProjectionWeight = std::conditional_t<std::is_same_v<W, Int8Act>, int8_t, W>;

// The slice's panels of weight type W (fp32: the packed floats; else the narrowed copy).
template <class W>
inline const W* KPanels(const PackedSlice& slice) {
  if constexpr (std::is_same_v<W, float>) return slice.k_panels;
  return static_cast<const W*>(slice.k_narrow);
}
template <class W>
inline auto RPanels(const PackedSlice& slice) {
  if constexpr (std::is_same_v<W, float>) {
    return slice.r_panels;
  } else if constexpr (std::is_same_v<W, Int8Act>) {
    return slice.r_vnni;
  } else {
    return static_cast<const W*>(slice.r_narrow);
  }
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

// int8 activations: acc[0..N) += act_scale * float(sum_k hq[k] * q[k] - offset) over the panel
// [h4][N vectors of L int32 lanes][4 bytes]; returns where the next panel starts.
template <class V, int N>
HAND_INLINE const int8_t* AccumulateInt8Act(typename V::R* acc, const int8_t* w, const uint8_t* hq, int64_t h4,
                                            const int32_t* offset, const float* act_scale) {
  typename V::I sum[N];
#pragma GCC unroll 16
  for (int v = 0; v < N; ++v) sum[v] = V::IZero();
#pragma GCC unroll 2
  for (int64_t k = 0; k < h4; ++k) {
    const typename V::I b = V::Broadcast4(hq + 4 * k);
#pragma GCC unroll 16
    for (int v = 0; v < N; ++v) sum[v] = V::DotU8S8(sum[v], b, w + v * V::kLanes * 4);
    w += N * V::kLanes * 4;
  }
#pragma GCC unroll 16
  for (int v = 0; v < N; ++v) {
    acc[v] = V::Fmadd(V::ISubToFloat(sum[v], offset + v * V::kLanes), V::Load(act_scale + v * V::kLanes), acc[v]);
  }
  return w;
}

// The recurrent product of one block for weight type WT (scale, inv_scale, offset: this block's).
template <class V, int N, class WT, class P>
HAND_INLINE P Recurrent(typename V::R* acc, P w, const float* h_prev, const uint8_t* hq, int64_t h_rows,
                        const float* scale, const float* inv_scale, const int32_t* offset) {
  if constexpr (std::is_same_v<WT, Int8Act>) {
    return AccumulateInt8Act<V, N>(acc, w, hq, (h_rows + 3) / 4, offset, scale);
  } else {
    return AccumulateRecurrent<V, N>(acc, w, h_prev, h_rows, scale, inv_scale);
  }
}

// Column scales of a block for weight type WT: int8's s (and 1/s), Int8Act's s/127 (and its offsets).
template <class WT>
inline const float* BlockScales(const PackedSlice& slice) {
  if constexpr (std::is_same_v<WT, Int8Act>) return slice.r_act_scale;
  return kScaled<WT> ? slice.r_scale : nullptr;
}

// One LSTM step over a slice: for every block of U = M*L units, acc = gx_t +
// h_prev * R, then c = sig(f) c + sig(i) tanh(g), h = sig(o) tanh(c).
// kZeroState: h_prev is the zero initial state, so the product (exactly 0) is skipped.
template <class V, bool kZeroState, class WT>
HAND_TARGET void LstmStep(const Plan& plan, const PackedSlice& slice, const float* gx_t, const float* h_prev,
                          const uint8_t* hq, float* c, float* h_out) {
  constexpr int L = V::kLanes, M = V::kUnitVecs, G = 4, W = G * M * L;
  [[maybe_unused]] const int64_t h_rows = plan.units;
  [[maybe_unused]] auto w = RPanels<WT>(slice);
  [[maybe_unused]] const float* scale = BlockScales<WT>(slice) ? BlockScales<WT>(slice) + slice.block_begin * W : nullptr;
  [[maybe_unused]] const float* inv_scale = kScaled<WT> ? slice.r_inv_scale + slice.block_begin * W : nullptr;
  [[maybe_unused]] const int32_t* offset = slice.r_offset;
  gx_t += slice.block_begin * W;
  for (int64_t u0 = slice.block_begin * M * L; u0 < slice.block_end * M * L; u0 += M * L) {
    typename V::R acc[G * M];
#pragma GCC unroll 16
    for (int v = 0; v < G * M; ++v) acc[v] = V::Load(gx_t + v * L);
    if constexpr (!kZeroState) w = Recurrent<V, G * M, WT>(acc, w, h_prev, hq, h_rows, scale, inv_scale, offset);
    if constexpr (kScaled<WT>) scale += W, inv_scale += W;
    if constexpr (std::is_same_v<WT, Int8Act>) scale += W, offset += W;
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
template <class V, bool kZeroState, class WT>
HAND_TARGET void GruStep(const Plan& plan, const PackedSlice& slice, const float* gx_t, const float* h_prev,
                         const uint8_t* hq, float* h_out) {
  constexpr int L = V::kLanes, M = V::kUnitVecs, G = 3, W = G * M * L;
  [[maybe_unused]] const int64_t h_rows = plan.units;
  [[maybe_unused]] auto w = RPanels<WT>(slice);
  [[maybe_unused]] const float* scale = BlockScales<WT>(slice) ? BlockScales<WT>(slice) + slice.block_begin * W : nullptr;
  [[maybe_unused]] const float* inv_scale = kScaled<WT> ? slice.r_inv_scale + slice.block_begin * W : nullptr;
  [[maybe_unused]] const int32_t* offset = slice.r_offset;
  gx_t += slice.block_begin * W;
  for (int64_t u0 = slice.block_begin * M * L; u0 < slice.block_end * M * L; u0 += M * L) {
    typename V::R acc[G * M];
#pragma GCC unroll 16
    for (int v = 0; v < 2 * M; ++v) acc[v] = V::Load(gx_t + v * L);
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) acc[2 * M + m] = V::Load(slice.r_bias_n + u0 + m * L);
    if constexpr (!kZeroState) w = Recurrent<V, G * M, WT>(acc, w, h_prev, hq, h_rows, scale, inv_scale, offset);
    if constexpr (kScaled<WT>) scale += W, inv_scale += W;
    if constexpr (std::is_same_v<WT, Int8Act>) scale += W, offset += W;
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
// W: the weight type of the panels (float, uint16_t = bf16, int8_t, Int8Act).
template <class V, class W = float>
HAND_TARGET void RunModel(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output) {
  const int64_t T = plan.time_steps, H = plan.units, Hp = plan.units_padded;
  const bool team = plan.workers > 1;
  for (int64_t b = 0; b < plan.batch; ++b) {
    const float* x = input + b * T * plan.input_size;
    int64_t x_stride = plan.input_size;
    for (int64_t l = 0; l < plan.layers; ++l) {
      const PackedSlice& slice = plan.slice[l * plan.workers + worker];
      Project<V, ProjectionWeight<W>>(plan, slice, x, x_stride, ws.gx);
      float* seq = ws.seq[l & 1];
      const float* h_prev = ws.zeros;
      const int64_t u_begin = slice.block_begin * V::kUnitVecs * V::kLanes;
      const int64_t u_end = slice.block_end * V::kUnitVecs * V::kLanes;
      if (plan.cell == Cell::kLstm) std::memset(ws.c + u_begin, 0, sizeof(float) * (u_end - u_begin));
      for (int64_t t = 0; t < T; ++t) {
        const float* gx_t = ws.gx + t * plan.gate_cols;
        const bool zero_state = t == 0 && plan.skip_zero_state_product;
        float* h_t = seq + t * Hp;
        [[maybe_unused]] uint8_t* hq = nullptr;
        if constexpr (std::is_same_v<W, Int8Act>) {
          hq = ws.hq + worker * ws.hq_stride;  // this worker's copy of all of h_{t-1}, quantized
          if (!zero_state) {
            for (int64_t u = 0; u < H; u += V::kLanes) V::QuantizeH(h_prev + u, hq + u);
          }
        }
        if (plan.cell == Cell::kLstm) {
          if (zero_state) {
            LstmStep<V, true, W>(plan, slice, gx_t, h_prev, hq, ws.c, h_t);
          } else {
            LstmStep<V, false, W>(plan, slice, gx_t, h_prev, hq, ws.c, h_t);
          }
        } else if (zero_state) {
          GruStep<V, true, W>(plan, slice, gx_t, h_prev, hq, h_t);
        } else {
          GruStep<V, false, W>(plan, slice, gx_t, h_prev, hq, h_t);
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
