// The shape of a stacked recurrent model (LSTM or GRU) and every count derived
// from it, for the hand-written kernel (cc/hand) and the hardware bounds
// (cc/bound). The same counts as python/tflatency/model_config.py;
// rnn_counts_test checks both against each other on every config in configs/
// and on odd shapes, and Gates/BiasVectors against python/tflatency/rnn_cells.json.
// There is no default model here: a shape comes from a model config (flags or
// an exported model's _info.json).
#ifndef TFLATENCY_CC_COMMON_RNN_SHAPE_H_
#define TFLATENCY_CC_COMMON_RNN_SHAPE_H_

#include <cstdint>
#include <string>

namespace tflatency {

enum class Cell { kLstm, kGru };

const char* CellName(Cell cell);  // "lstm", "gru"
bool CellFromName(const std::string& name, Cell* cell);
int64_t Gates(Cell cell);        // LSTM 4 (i, f, g, o), GRU 3 (z, r, n)
int64_t BiasVectors(Cell cell);  // LSTM 1, GRU 2 (reset_after: input and recurrent bias)

// Sizes are zero until set: every field comes from a model config.
struct RnnShape {
  Cell cell = Cell::kLstm;
  int64_t layers = 0;
  int64_t units = 0;       // H
  int64_t input_size = 0;  // D of the first layer
  int64_t time_steps = 0;  // T
  int64_t batch = 0;       // B
};

int64_t LayerInputSize(const RnnShape& shape, int64_t layer);  // input_size, then units

// Multiply-accumulates in the gate matrix products of one inference as
// TensorFlow computes them: sum over layers of gates*H*(D_in+H), times
// time_steps and batch.
int64_t FmaCount(const RnnShape& shape);
// The ones any algorithm needs: FmaCount without step 0's recurrent products,
// which multiply the zero initial state (batch * gates*H*H per layer).
int64_t NeededFmaCount(const RnnShape& shape);
// fp32 parameters in the exported weights file: per layer kernel [D_in x G*H],
// recurrent kernel [H x G*H] and the bias vector(s) of G*H.
int64_t WeightFloats(const RnnShape& shape);
int64_t WeightBytes(const RnnShape& shape);  // 4 * WeightFloats
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
int64_t StreamedWeightBytes(const RnnShape& shape);
// bound/weight_stream_per_step (NOT a lower bound): every parameter, biases
// included, once per time step = WeightBytes * time_steps.
int64_t PerStepWeightBytes(const RnnShape& shape);
int64_t InputFloats(const RnnShape& shape);   // batch * time_steps * input_size
int64_t OutputFloats(const RnnShape& shape);  // batch * time_steps * units

}  // namespace tflatency

#endif  // TFLATENCY_CC_COMMON_RNN_SHAPE_H_
