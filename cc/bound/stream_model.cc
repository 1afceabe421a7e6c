// The minimal-traffic sequence of matvecs of the weight-stream bound (see stream_model.h).
#include "cc/bound/stream_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cc/bound/worker_columns.h"

namespace tflatency {

StreamModel::StreamModel(const RnnShape& shape, Isa isa, SpinTeam* team, uint64_t seed)
    : shape_(shape), isa_(isa), team_(team), workers_(team == nullptr ? 1 : team->workers()) {
  Uniform uniform(seed);
  const int64_t h = shape.units, g = Gates(shape.cell), gh = g * h, b = shape.batch, steps = shape.time_steps;
  const float scale = 1.0f / std::sqrt(static_cast<float>(h));  // as python/tflatency/weights.py
  // Columns [col0, col0 + cols) of a row-major [k][gh] matrix.
  auto slice_of = [&](const std::vector<float>& full, int64_t k, int64_t col0, int64_t cols) {
    std::vector<float> part(k * cols);
    for (int64_t r = 0; r < k; ++r) std::copy_n(full.begin() + r * gh + col0, cols, part.begin() + r * cols);
    return part;
  };
  // Each worker's packed weights in one block, in the order it streams them
  // (layer 0: K, R; layer 1: K, R; ...): one front-to-back stream per core per
  // inference (R re-read each step), as a real kernel would lay them out.
  std::vector<int64_t> arena_floats(workers_, 0);
  const int64_t lanes = Lanes(isa);
  for (int w = 0; w < workers_; ++w) {
    const int64_t cols = WorkerColumn(shape, lanes, workers_, w + 1) - WorkerColumn(shape, lanes, workers_, w);
    if (cols == 0) continue;
    for (int64_t l = 0; l < shape.layers; ++l) {
      arena_floats[w] += PackedMatrix::PackedFloats(isa, LayerInputSize(shape, l), cols, steps * b, true) +
                         PackedMatrix::PackedFloats(isa, h, cols, b, false);
    }
  }
  std::vector<float*> next(workers_);
  for (int w = 0; w < workers_; ++w) {
    arenas_.push_back(AllocateFloats(arena_floats[w]));
    next[w] = arenas_.back().get();
  }
  for (int64_t l = 0; l < shape.layers; ++l) {
    Layer layer;
    const int64_t d = LayerInputSize(shape, l);
    layer.input_width = d;
    std::vector<float> kernel(d * gh), recurrent(h * gh), bias(gh);
    for (float& v : kernel) v = uniform.Next(scale);
    for (float& v : recurrent) v = uniform.Next(scale);
    for (int64_t v = 0; v < BiasVectors(shape.cell); ++v) {  // GRU: input + recurrent bias, folded
      for (float& x : bias) x += uniform.Next(scale);
    }
    for (int w = 0; w < workers_; ++w) {
      Slice s;
      s.col0 = WorkerColumn(shape, lanes, workers_, w);
      s.cols = WorkerColumn(shape, lanes, workers_, w + 1) - s.col0;
      s.unit0 = s.col0 / g;
      s.units = (w + 1 == workers_ ? h : (s.col0 + s.cols) / g) - s.unit0;
      if (s.cols > 0) {
        s.input.k = d;
        s.input.n = s.cols;
        s.input.w = slice_of(kernel, d, s.col0, s.cols);
        s.input.bias.assign(bias.begin() + s.col0, bias.begin() + s.col0 + s.cols);
        s.input.packed.reset(
            new PackedMatrix(isa, s.input.w.data(), s.input.bias.data(), d, s.cols, steps * b, next[w]));
        next[w] += PackedMatrix::PackedFloats(isa, d, s.cols, steps * b, true);
        s.recurrent.k = h;
        s.recurrent.n = s.cols;
        s.recurrent.w = slice_of(recurrent, h, s.col0, s.cols);
        s.recurrent.packed.reset(new PackedMatrix(isa, s.recurrent.w.data(), nullptr, h, s.cols, b, next[w]));
        next[w] += PackedMatrix::PackedFloats(isa, h, s.cols, b, false);
      }
      layer.slices.push_back(std::move(s));
    }
    layers_.push_back(std::move(layer));
  }
  input_ = AllocateFloats(steps * b * shape.input_size);
  for (int64_t i = 0; i < steps * b * shape.input_size; ++i) input_[i] = uniform.Next(1.0f);
  gx_ = AllocateFloats(steps * b * gh);
  seq_[0] = AllocateFloats(steps * b * h);
  seq_[1] = AllocateFloats(steps * b * h);
  errors_.resize(workers_);
}

const float* StreamModel::output() const {
  return seq_[(shape_.layers - 1) % 2].get() + (shape_.time_steps - 1) * shape_.batch * shape_.units;
}

int64_t StreamModel::packed_bytes() const {
  int64_t bytes = 0;
  for (const Layer& layer : layers_) {
    for (const Slice& s : layer.slices) {
      if (s.cols > 0) bytes += s.input.packed->packed_bytes() + s.recurrent.packed->packed_bytes();
    }
  }
  return bytes;
}

int64_t StreamModel::streamed_packed_bytes() const {
  int64_t bytes = 0;
  for (const Layer& layer : layers_) {
    for (const Slice& s : layer.slices) {
      if (s.cols > 0) {
        bytes += s.input.packed->streamed_bytes() + (shape_.time_steps - 1) * s.recurrent.packed->streamed_bytes();
      }
    }
  }
  return bytes;
}

void StreamModel::Run() {
  if (team_ == nullptr) {
    RunWorker(0, nullptr);
  } else {
    team_->Run(&StreamModel::TeamJob, this);
  }
}

void StreamModel::TeamJob(void* self, int worker) {
  StreamModel* model = static_cast<StreamModel*>(self);
  model->RunWorker(worker, model->verifying_ ? &model->errors_[worker] : nullptr);
}

std::string StreamModel::Verify() {
  for (std::string& e : errors_) e.clear();
  verifying_ = true;
  if (team_ == nullptr) {
    RunWorker(0, &errors_[0]);
  } else {
    team_->Run(&StreamModel::TeamJob, this);
  }
  verifying_ = false;
  for (const std::string& e : errors_) {
    if (!e.empty()) return e;
  }
  return "";
}

void StreamModel::RunWorker(int worker, std::string* check) {
  // Nothing of this object is touched after the last barrier (locals only):
  // worker 0 may already have returned from Run, and the model be destroyed.
  const int64_t h = shape_.units, gh = Gates(shape_.cell) * h, b = shape_.batch, steps = shape_.time_steps;
  const int64_t layers = shape_.layers;
  SpinTeam* const team = workers_ > 1 ? team_ : nullptr;
  std::vector<float> init;  // verifying: GX[t] before the in-place recurrent product
  auto fail = [&](const std::string& error, const char* what, int64_t l, int64_t t) {
    if (check == nullptr || !check->empty() || error.empty()) return;
    *check = std::string(IsaName(isa_)) + " matvec wrong at worker " + std::to_string(worker) + " layer " +
             std::to_string(l) + (t < 0 ? "" : " step " + std::to_string(t)) + " (" + what + "): " + error;
  };
  const float* x = input_.get();
  for (int64_t l = 0; l < layers; ++l) {
    const Slice& s = layers_[l].slices[worker];
    const int64_t d = layers_[l].input_width;
    float* seq = seq_[l % 2].get();
    // Input pass: all steps' (and batch rows') inputs against K in one stream.
    if (s.cols > 0) {
      s.input.packed->Apply(x, d, steps * b, gx_.get() + s.col0, gh);
      if (check != nullptr) {
        fail(CheckAgainstReference(s.input.w.data(), s.input.bias.data(), d, s.cols, x, d, steps * b,
                                   gx_.get() + s.col0, gh),
             "input kernel, all steps", l, -1);
      }
    }
    for (int64_t t = 0; t < steps; ++t) {
      const float* h_prev = t == 0 ? nullptr : seq + (t - 1) * b * h;
      float* gates = gx_.get() + t * b * gh + s.col0;
      if (s.cols > 0) {
        if (t > 0) {  // step 0: h_{-1} = 0, the product adds nothing
          if (check != nullptr) {
            init.resize(b * s.cols);
            for (int64_t r = 0; r < b; ++r) std::memcpy(&init[r * s.cols], gates + r * gh, s.cols * 4);
          }
          s.recurrent.packed->Apply(h_prev, h, b, gates, gh, gates, gh);
          if (check != nullptr) {
            fail(CheckAgainstReference(s.recurrent.w.data(), init.data(), h, s.cols, h_prev, h, b, gates, gh,
                                       s.cols),
                 "recurrent kernel", l, t);
          }
        }
        for (int64_t r = 0; r < b; ++r) {
          std::memcpy(seq + (t * b + r) * h + s.unit0, gates + r * gh, s.units * 4);
        }
      }
      if (team != nullptr) team->Barrier(worker);  // all of h_t is written
    }
    x = seq;
  }
}

}  // namespace tflatency
