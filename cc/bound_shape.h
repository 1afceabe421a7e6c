// The shape of the recurrent model whose hardware bound //cc:bound_bench measures,
// and the counts derived from it (FMAs, weight bytes). Mirrors
// python/tflatency/model_config.py so the C++ and Python counts agree.
#ifndef TFLATENCY_CC_BOUND_SHAPE_H_
#define TFLATENCY_CC_BOUND_SHAPE_H_

#include <cstdint>
#include <string>

namespace tflatency {

enum class Cell { kLstm, kGru };

// Defaults are the default model (configs/rnn_547k.json).
struct RecurrentShape {
  Cell cell = Cell::kLstm;
  int64_t layers = 2;
  int64_t units = 128;
  int64_t input_size = 150;
  int64_t time_steps = 2;
  int64_t batch = 1;
};

const char* CellName(Cell cell);
int64_t Gates(Cell cell);          // LSTM 4 (i, f, g, o), GRU 3 (z, r, n).
int64_t BiasVectors(Cell cell);    // LSTM 1, GRU 2 (reset_after: input and recurrent bias).
int64_t LayerInputSize(const RecurrentShape& shape, int64_t layer);  // input_size, then units.

// Multiply-accumulates in the gate matrix products of one inference as
// TensorFlow computes them: sum over layers of gates*H*(D_in+H), times
// time_steps and batch.
int64_t FmaCount(const RecurrentShape& shape);
// The ones any algorithm needs: FmaCount without step 0's recurrent products,
// which multiply the zero initial state (batch * gates*H*H per layer).
int64_t NeededFmaCount(const RecurrentShape& shape);
// fp32 parameters: per layer gates*H*(D_in+H) weights plus the bias vector(s).
int64_t WeightBytes(const RecurrentShape& shape);
// The fewest weight bytes any one-inference algorithm must read (the
// bound/weight_stream count), per layer with G*H = gate columns:
//   input kernel     [D_in x G*H] once: the products for all time_steps * batch
//                    input rows in one pass (a layer's inputs are all known once
//                    the layer below, or the input sequence, is complete);
//   bias             one vector of G*H, once, with the input kernel (GRU: its
//                    input and recurrent biases folded into one; reset_after
//                    really needs the n-gate part of the recurrent bias, H more
//                    floats per step, which a lower bound may leave out);
//   recurrent kernel [H x G*H] once per time step but the first (the batch rows
//                    share a pass; step t+1 needs all of h_t, so the steps
//                    cannot share one; step 0 multiplies the zero initial state).
// 4 * sum over layers of G*H * (D_in + 1 + (time_steps - 1) * H); independent of batch.
int64_t StreamedWeightBytes(const RecurrentShape& shape);
// bound/weight_stream_per_step (NOT a lower bound): every parameter, biases
// included, once per time step = WeightBytes * time_steps.
int64_t PerStepWeightBytes(const RecurrentShape& shape);

// The column split of the multi-core bounds: worker w of `workers` owns gate
// columns [WorkerColumn(w), WorkerColumn(w + 1)) of every weight matrix (each
// G*H wide), a contiguous share cut at whole vectors of `lanes` floats;
// WorkerColumn(0) = 0, WorkerColumn(workers) = G*H.
int64_t WorkerColumn(const RecurrentShape& shape, int64_t lanes, int64_t workers, int64_t w);

// Empty when the model is small enough to allocate and count without overflow,
// else one line saying why not.
std::string CheckShapeSize(const RecurrentShape& shape);

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_SHAPE_H_
