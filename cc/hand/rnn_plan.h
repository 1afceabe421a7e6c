// Internal to the hand-written kernel: the packed weight layout ("plan") that
// rnn.cc builds at load time and the per-ISA kernels (rnn_avx512.cc,
// rnn_avx2.cc, rnn_scalar.cc) stream at run time.
//
// Columns. Each layer's G*H gate columns (G = 4 for LSTM i,f,g,o; 3 for GRU
// z,r,n) are padded to H' (a multiple of U = unit_vecs * lanes units) and
// permuted so that a block of U units owns G*unit_vecs consecutive vectors,
// gate-major: [gate 0 units u..u+U) | gate 1 ... | gate G-1 ...]. A recurrent
// panel then ends with every gate of its U units in registers, and the cell
// update happens right there, with no gate buffer.
//
// Per layer, per inference:
//   projection  gx[t] = x_t * K + bias for all time steps at once (the inputs of
//               a layer are all known before it starts), so K is streamed once
//               for up to proj_rows steps. K is stored in panels of proj_vecs
//               vectors of the permuted columns, each panel row-major [D][width].
//   recurrence  for each step t: per block of U units, acc = gx[t] (GRU n gate:
//               the recurrent bias) + h_{t-1} * R, then the cell update. R is
//               stored as H'/U panels, each row-major [H][G*U]: streamed once per
//               step, front to back. Step 0 skips the product: h_{-1} is the
//               model's zero initial state (unless the plan asks for it, to
//               measure what the shortcut saves).
//
// Reduced precision. bf16 and int8 weights use the same panels, element for
// element, in a narrowed copy (k_narrow, r_narrow): bf16 = the upper 16 bits
// of the float rounded to nearest even; int8 = round(w / s) in [-127, 127]
// with one scale s = max |w| / 127 per output column of K and of R (its
// permuted column, like k_bias: k_scale, r_scale, and r_inv_scale = 1 / s).
// Biases, inputs, states and every sum stay fp32.
//
// Narrowed activations (Plan::narrow_activations, AVX-512 only): the products
// in the weights' own precision, with the dot-product instructions that take 4
// bytes per 32-bit lane: AVX512_VNNI's vpdpbusd (int8: u8 x s8, 4 products
// summed into an int32 lane) and AVX512_BF16's vdpbf16ps (bf16: 2 products
// added to an fp32 lane). Each input row x_t of a layer (once per layer) and
// h_{t-1} (every step) is narrowed first, by each worker into its own
// Workspace::act rows: int8 with one scale per row, s = max |x| / 127 (0 for an
// all-zero row), q = round(x / s) + 128 in [1, 255]; bf16 rounded to nearest
// even. K's and R's narrowed panels are re-laid out as [ceil(rows / P)][width][P]
// (k_pairs, r_pairs; P = 4 int8 or 2 bf16 values of a column in one lane; rows
// past the end are 0). int8 also keeps per permuted column an int32 offset
// 128 * sum_k q_w[k] (k_offset, r_offset), so that a column's sum is
// s_w * s_x * float(sum_k q_x[k] q_w[k] - offset): the integer sum is exact, so
// the VNNI kernel and its emulation on plain AVX-512F give identical results.
// bf16 accumulates in fp32 in vdpbf16ps's documented order (the odd element's
// product, then the even one's), which its emulation follows.
// With int8, the model's input (x_t of layer 0) gets a second digit: it is
// narrowed twice, q_hi as above and q_lo = round((x - s q_hi) / s_lo) + 128 with
// s_lo = s / 254 (the remainder lies within s / 2), and the projection sums both
// rows against the same loaded weights: s_w (s (sum_hi - offset) + s_lo
// (sum_lo - offset)). The model's input is the one activation with no bounded
// range (the default model's is N(0, 1): 255 steps of max |x| / 127 are coarse),
// and one digit of it is most of 8-bit activations' error: on the default model
// max abs error 8.5e-4 with one digit, 5.0e-4 with two (int8 weights alone:
// 3.2e-4; LiteRT's dynamic-range int8: 6.5e-4; python/tflatency/quantized_emulation.py
// reproduces the kernel's), for one more vpdpbusd per
// weight vector and time step of layer 0, not another pass over K. The layers
// above take h of the layer below, within (-1, 1), and h_{t-1} with one digit
// (a second one for all of them: 3.4e-4, twice the extra products).
//
// Workers. With W workers (threads), each owns a contiguous range of unit
// blocks ("slice") in every layer, with its own copy of that range's K and R
// panels, so each core streams only its share. Workers meet at a barrier after
// every time step (the next step, and the next layer, read all of h).
#ifndef TFLATENCY_CC_HAND_RNN_PLAN_H_
#define TFLATENCY_CC_HAND_RNN_PLAN_H_

#include <cstdint>

#include "cc/common/precision.h"
#include "cc/common/rnn_shape.h"

namespace tflatency {
namespace hand {

// Vector geometry of one ISA's kernels (compile-time constants there).
struct Geometry {
  int lanes;      // floats per vector
  int unit_vecs;  // vectors of units per recurrent panel (U = unit_vecs * lanes)
  int proj_vecs;  // vectors per projection panel
  int proj_rows;  // time steps one projection pass handles (register budget)
};

// One worker's share of one layer: unit blocks [block_begin, block_end), i.e.
// permuted columns [block_begin * G*U, block_end * G*U).
struct PackedSlice {
  int64_t input;                     // D: rows of K
  int64_t block_begin, block_end;    // recurrent panels (blocks of U units)
  const float* k_panels;  // projection panels over this slice's columns
  const float* k_bias;    // [G*H'] permuted, whole layer: LSTM bias; GRU bias (+ recurrent bias for z, r)
  const float* r_panels;  // this slice's recurrent panels, [H][G*U] each
  const float* r_bias_n;  // GRU: recurrent bias of the n gate, [H'] unit order, whole layer; LSTM: null
  // Reduced precision only (Plan::precision): the same panels narrowed (bf16: uint16_t bits,
  // int8: int8_t), and for int8 the per-column scales, [G*H'] permuted, whole layer (padding: 1).
  const void* k_narrow = nullptr;
  const void* r_narrow = nullptr;
  const float* k_scale = nullptr;
  const float* r_scale = nullptr;
  const float* r_inv_scale = nullptr;
  // Narrowed activations only: this slice's K and R panels re-laid out for the dot-product
  // instructions, and (int8) the per-column offsets, [G*H'] permuted, whole layer.
  const void* k_pairs = nullptr;
  const void* r_pairs = nullptr;
  const int32_t* k_offset = nullptr;
  const int32_t* r_offset = nullptr;
};

using tflatency::WeightPrecision;

// Called by each worker after every time step; returns when all have arrived.
struct Barrier {
  void (*wait)(void* context, int worker);
  void* context;
};

struct Plan {
  Cell cell;
  int64_t layers, units, units_padded, input_size, time_steps, batch;
  int64_t gate_cols;  // G * H'
  Geometry geometry;
  int workers;
  bool skip_zero_state_product;  // step 0: acc = gx[0], no h_{-1} * R (h_{-1} = 0)
  WeightPrecision precision;     // which panels the kernels stream
  bool narrow_activations;       // bf16, int8: x and h narrowed too (k_pairs, r_pairs)
  const PackedSlice* slice;  // [layers][workers]
  Barrier barrier;           // unused with one worker
};

// Narrowed activations: the rows each of the model's inputs x_t is narrowed into (int8: two digits).
constexpr int InputDigits(WeightPrecision precision) { return precision == WeightPrecision::kInt8 ? 2 : 1; }

// Scratch for Run, allocated once at load time, shared by the workers (each
// writes only its own columns / units); all 64-byte aligned.
struct Workspace {
  float* gx;       // [time_steps][gate_cols]
  float* seq[2];   // [time_steps][H'] each: a layer's h sequence (ping-pong)
  float* c;        // [H'] LSTM cell state
  float* zeros;    // [H'] h_{-1}
  // Narrowed activations: per worker act_rows rows of act_row bytes (a layer's x_t, one row each,
  // the model's input InputDigits rows each; then h_{t-1} in the last) at
  // act + worker * act_rows * act_row, and their int8 scales at act_scale + worker * act_rows.
  uint8_t* act;
  float* act_scale;
  int64_t act_rows, act_row;
};

// One worker's share of one inference over all batch rows: input
// [batch][T][D0]; worker 0 also writes output [batch][T][H].
using RunFn = void (*)(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output);

// Each ISA file exports its geometry and run function. The AVX ones may be
// called only when cc/common/isa.h says the CPU supports them. Each takes every
// WeightPrecision; narrowed activations are AVX-512 only: RunAvx512Vnni (int8,
// vpdpbusd) and RunAvx512Bf16 (bf16, vdpbf16ps) where the CPU has the
// extension, RunAvx512 emulating both with AVX-512F arithmetic (for tests).
Geometry Avx512Geometry();
void RunAvx512(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output);
void RunAvx512Vnni(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output);
void RunAvx512Bf16(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output);
Geometry Avx2Geometry();
void RunAvx2(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output);
Geometry ScalarGeometry();
void RunScalar(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output);

}  // namespace hand
}  // namespace tflatency

#endif  // TFLATENCY_CC_HAND_RNN_PLAN_H_
