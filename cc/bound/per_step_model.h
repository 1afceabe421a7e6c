// bound/weight_stream_per_step -- NOT a lower bound: the model's gate matrix
// products in the naive per-step order (layer after layer, each over all time
// steps, as python/tflatency/rnn_model.py computes them), every weight matrix
// and bias streamed once per time step (PerStepWeightBytes: 2.2 MB for the
// default model). Kept for comparison with the true memory bound of
// stream_model.h, which streams each input kernel once per inference.
// Only the products: no gate nonlinearities, so the next h is simply the first
// `units` gate outputs (GRU: input part plus recurrent part), which keeps the
// real data dependence between steps and layers. Weights and input are uniform
// random from a fixed seed (not the Python model's: only timing matters).
#ifndef TFLATENCY_CC_BOUND_PER_STEP_MODEL_H_
#define TFLATENCY_CC_BOUND_PER_STEP_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cc/bound/matvec.h"
#include "cc/common/isa.h"
#include "cc/common/rnn_shape.h"

namespace tflatency {

class PerStepStreamModel {
 public:
  PerStepStreamModel(const RnnShape& shape, Isa isa, uint64_t seed = 20240601);

  // One inference's worth of products: each layer's matrices once per time step.
  void Run() { RunLayers(nullptr); }
  // Run, checking every product against the scalar reference on the same
  // input. Empty if all were right, else one line naming the first wrong one.
  std::string Verify();

  const float* output() const { return h_.get(); }  // last layer's last h, batch x units
  int64_t packed_bytes() const;

 private:
  struct Product {  // y = x * w + bias, w row-major [k][n]
    int64_t k, n;
    std::vector<float> w, bias;
    std::unique_ptr<PackedMatrix> packed;
  };
  struct Layer {
    int64_t input_width;
    std::vector<Product> products;  // LSTM: one on [x, h]; GRU: one on x, one on h
  };

  void Apply(const Product& product, const float* x, int64_t x_stride, float* y, std::string* check,
             const char* what, int64_t layer, int64_t step);
  void RunLayers(std::string* check);

  RnnShape shape_;
  std::vector<Layer> layers_;
  AlignedFloats input_, seq_[2], concat_, h_, gates_[2];
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_PER_STEP_MODEL_H_
