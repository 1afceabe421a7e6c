// The per-step sequence of matvecs of bound/weight_stream_per_step (see per_step_model.h).
#include "cc/bound/per_step_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tflatency {

PerStepStreamModel::PerStepStreamModel(const RnnShape& shape, Isa isa, uint64_t seed) : shape_(shape) {
  Uniform uniform(seed);
  const int64_t h = shape.units, n = Gates(shape.cell) * h, b = shape.batch;
  const float scale = 1.0f / std::sqrt(static_cast<float>(h));  // as python/tflatency/weights.py
  auto make = [&](int64_t k) {
    Product p{k, n, std::vector<float>(k * n), std::vector<float>(n), nullptr};
    for (float& v : p.w) v = uniform.Next(scale);
    for (float& v : p.bias) v = uniform.Next(scale);
    p.packed.reset(new PackedMatrix(isa, p.w.data(), p.bias.data(), k, n, b));
    return p;
  };
  int64_t widest_input = 0;
  for (int64_t l = 0; l < shape.layers; ++l) {
    Layer layer;
    layer.input_width = LayerInputSize(shape, l);
    widest_input = std::max(widest_input, layer.input_width);
    if (shape.cell == Cell::kLstm) {
      layer.products.push_back(make(layer.input_width + h));
    } else {
      layer.products.push_back(make(layer.input_width));
      layer.products.push_back(make(h));
    }
    layers_.push_back(std::move(layer));
  }
  const int64_t steps = shape.time_steps;
  input_ = AllocateFloats(steps * b * shape.input_size);
  for (int64_t i = 0; i < steps * b * shape.input_size; ++i) input_[i] = uniform.Next(1.0f);
  seq_[0] = AllocateFloats(steps * b * h);
  seq_[1] = AllocateFloats(steps * b * h);
  concat_ = AllocateFloats(b * (widest_input + h));
  h_ = AllocateFloats(b * h);
  gates_[0] = AllocateFloats(b * n);
  gates_[1] = AllocateFloats(b * n);
}

int64_t PerStepStreamModel::packed_bytes() const {
  int64_t bytes = 0;
  for (const Layer& layer : layers_) {
    for (const Product& p : layer.products) bytes += p.packed->packed_bytes();
  }
  return bytes;
}

std::string PerStepStreamModel::Verify() {
  std::string error;
  RunLayers(&error);
  return error;
}

void PerStepStreamModel::Apply(const Product& p, const float* x, int64_t x_stride, float* y, std::string* check,
                        const char* what, int64_t layer, int64_t step) {
  p.packed->Apply(x, x_stride, shape_.batch, y, p.n);
  if (check == nullptr || !check->empty()) return;
  const std::string error =
      CheckAgainstReference(p.w.data(), p.bias.data(), p.k, p.n, x, x_stride, shape_.batch, y, p.n);
  if (!error.empty()) {
    *check = std::string(IsaName(p.packed->isa())) + " matvec wrong at layer " + std::to_string(layer) +
             " step " + std::to_string(step) + " (" + what + "): " + error;
  }
}

void PerStepStreamModel::RunLayers(std::string* check) {
  const int64_t h = shape_.units, b = shape_.batch;
  const float* seq_in = input_.get();
  for (int64_t l = 0; l < shape_.layers; ++l) {
    const Layer& layer = layers_[l];
    const int64_t d = layer.input_width;
    float* seq_out = seq_[l % 2].get();
    std::memset(h_.get(), 0, b * h * 4);
    for (int64_t t = 0; t < shape_.time_steps; ++t) {
      const float* x_t = seq_in + t * b * d;
      if (shape_.cell == Cell::kLstm) {
        const Product& p = layer.products[0];
        for (int64_t r = 0; r < b; ++r) {
          std::memcpy(concat_.get() + r * p.k, x_t + r * d, d * 4);
          std::memcpy(concat_.get() + r * p.k + d, h_.get() + r * h, h * 4);
        }
        Apply(p, concat_.get(), p.k, gates_[0].get(), check, "[x, h] kernel", l, t);
        for (int64_t r = 0; r < b; ++r) std::memcpy(h_.get() + r * h, gates_[0].get() + r * p.n, h * 4);
      } else {
        const Product& px = layer.products[0];
        const Product& ph = layer.products[1];
        Apply(px, x_t, d, gates_[0].get(), check, "input kernel", l, t);
        Apply(ph, h_.get(), h, gates_[1].get(), check, "recurrent kernel", l, t);
        for (int64_t r = 0; r < b; ++r) {
          for (int64_t j = 0; j < h; ++j) h_[r * h + j] = gates_[0][r * px.n + j] + gates_[1][r * ph.n + j];
        }
      }
      std::memcpy(seq_out + t * b * h, h_.get(), b * h * 4);
    }
    seq_in = seq_out;
  }
}

}  // namespace tflatency
