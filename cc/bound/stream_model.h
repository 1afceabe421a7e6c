// The memory bound of one inference (bound/weight_stream, and split across
// cores bound/weight_stream_2cores): the model's gate matrix products in the
// order that reads the fewest weight bytes any single-inference algorithm can
// (StreamedWeightBytes in cc/common/rnn_shape.h), on fp32 weights packed for one ISA:
// per layer,
//   input pass   GX[t] = x_t * K + bias for ALL time steps (and batch rows) in
//                one [T*B x D_in] x [D_in x G*H] product: K and the bias are
//                streamed once per inference (the layer's inputs are all known
//                once the layer below, or the input sequence, is complete);
//   recurrence   for each step t: GX[t] += h_{t-1} * R (in place), then h_t is
//                taken from it: R [H x G*H] streamed once per step (step t+1
//                needs all of h_t, so no two steps can share a pass). Step 0
//                skips the product: h_{-1} is the zero initial state, so it
//                adds exactly nothing (the hand kernel skips it too).
// Only the products: no gate nonlinearities. h_t is `units` of the gate
// outputs, which keeps the real data dependence between steps and layers:
// with W workers, worker w owns the contiguous gate columns [c_w, c_{w+1}) of
// every matrix (WorkerColumn in worker_columns.h; its own packed copy of them,
// all its matrices in one block in the order it reads them, so each core
// streams only its share, front to back, from its own L2) and produces the units
// [c_w / G, c_{w+1} / G) of h_t (the last worker: up to H) from the first
// columns of its share -- as if the columns were stored unit-block by
// unit-block, all gates of a unit together, as a real multi-core kernel stores
// them. The workers meet at the team's spin barrier after every recurrent step
// (the next step, and the next layer, read all of h_t); nowhere else.
// GRU: its input and recurrent bias vectors are folded into one (see
// StreamedWeightBytes). Weights and input are uniform random from a fixed seed.
#ifndef TFLATENCY_CC_BOUND_STREAM_MODEL_H_
#define TFLATENCY_CC_BOUND_STREAM_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cc/bound/matvec.h"
#include "cc/common/isa.h"
#include "cc/common/rnn_shape.h"
#include "cc/common/spin_team.h"

namespace tflatency {

class StreamModel {
 public:
  // team null: one worker, this thread. Otherwise team->workers() workers, each
  // running its share on its own thread; the team must outlive the model.
  StreamModel(const RnnShape& shape, Isa isa, SpinTeam* team = nullptr, uint64_t seed = 20240601);

  // One inference's worth of products, all workers.
  void Run();
  // Run, checking every product of every worker against the scalar reference
  // on the same input. Empty if all were right, else one line naming the first
  // wrong one.
  std::string Verify();

  const float* output() const;  // last layer's last h, batch x units
  int workers() const { return workers_; }
  // Packed weight bytes held, all workers together.
  int64_t packed_bytes() const;
  // Packed bytes one Run reads, all workers together: per layer each K slice
  // (with its bias row) once and each R slice time_steps - 1 times (=
  // StreamedWeightBytes plus the zero columns padding panels to whole vectors).
  int64_t streamed_packed_bytes() const;

 private:
  struct Product {  // y = init + x * w, w row-major [k][n]; init the bias if it has one
    int64_t k = 0, n = 0;
    std::vector<float> w, bias;
    std::unique_ptr<PackedMatrix> packed;
  };
  struct Slice {  // one worker's share of one layer
    int64_t col0 = 0, cols = 0;    // gate columns [col0, col0 + cols)
    int64_t unit0 = 0, units = 0;  // h units it produces, from its first `units` columns
    Product input, recurrent;      // empty when cols == 0
  };
  struct Layer {
    int64_t input_width = 0;
    std::vector<Slice> slices;  // one per worker
  };

  static void TeamJob(void* self, int worker);
  void RunWorker(int worker, std::string* check);

  RnnShape shape_;
  Isa isa_;
  SpinTeam* team_;
  int workers_;
  std::vector<AlignedFloats> arenas_;  // per worker: its packed weights, in stream order
  std::vector<Layer> layers_;
  AlignedFloats input_;   // [T][B][input_size]
  AlignedFloats gx_;      // [T][B][G*H], each worker writes its own columns
  AlignedFloats seq_[2];  // [T][B][H]: a layer's h sequence (ping-pong)
  bool verifying_ = false;
  std::vector<std::string> errors_;  // per worker, while verifying
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_STREAM_MODEL_H_
