// The reduced-precision weight-stream bound (see narrow_stream_model.h).
#include "cc/bound/narrow_stream_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include "cc/bound/kernels.h"

namespace tflatency {
namespace {

constexpr int64_t kAlign = 64;
constexpr int64_t kL1BlockBytes = 16 * 1024;

int64_t RoundUp(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

}  // namespace

NarrowMatrix::NarrowMatrix(Isa isa, WeightPrecision precision, const float* w, const float* bias, int64_t k,
                           int64_t n, int64_t max_rows)
    : kernel_(NarrowPanelKernel(isa, precision)),
      precision_(precision),
      lanes_(Lanes(isa)),
      group_rows_(static_cast<int>(std::min<int64_t>(max_rows, kMaxPanelRows))),
      bytes_(PrecisionBytes(precision)),
      k_(k),
      n_(n),
      max_rows_(max_rows),
      has_bias_(bias != nullptr) {
  if (kernel_ == nullptr) std::abort();
  const bool int8 = precision == WeightPrecision::kInt8;
  // W as it will be computed with: rounded to bf16, or int8 values and their column scales.
  effective_.assign(w, w + k * n);
  std::vector<float> q(k * n), scale(n, 1.0f);
  if (int8) {
    QuantizeColumnsInt8(w, k, n, n, nullptr, q.data(), scale.data());
    for (int64_t i = 0; i < k * n; ++i) effective_[i] = q[i] * scale[i % n];
  } else {
    for (int64_t i = 0; i < k * n; ++i) q[i] = effective_[i] = RoundToBf16(w[i]);
  }
  // Panels as PackedMatrix splits them.
  const int64_t vectors = (n + lanes_ - 1) / lanes_;
  const int64_t max_vecs = MaxPanelVectors(isa, group_rows_);
  const int64_t count = (vectors + max_vecs - 1) / max_vecs;
  int64_t col0 = 0, w_bytes = 0, floats = 0, widest = 0;
  for (int64_t p = 0; p < count; ++p) {
    const int vecs = static_cast<int>(vectors / count + (p < vectors % count ? 1 : 0));
    const int64_t width = int64_t{vecs} * lanes_;
    panels_.push_back({col0, std::min(width, n - col0), vecs, w_bytes, floats});
    w_bytes += RoundUp(k * width * bytes_, kAlign);
    floats += RoundUp(2 * width, 16);
    streamed_bytes_ += k * width * bytes_ + (has_bias_ ? 4 * width : 0) + (int8 ? 4 * width : 0);
    col0 += width;
    widest = std::max(widest, width);
  }
  weights_.reset(static_cast<uint8_t*>(std::aligned_alloc(kAlign, std::max<int64_t>(w_bytes, kAlign))));
  if (!weights_) throw std::bad_alloc();
  std::memset(weights_.get(), 0, w_bytes);
  floats_ = AllocateFloats(floats);
  for (const Panel& panel : panels_) {
    const int64_t width = int64_t{panel.vecs} * lanes_;
    uint8_t* dst = weights_.get() + panel.w_offset;
    for (int64_t r = 0; r < k; ++r) {
      for (int64_t c = 0; c < panel.cols; ++c) {
        const float v = q[r * n + panel.col0 + c];
        const int64_t at = r * width + c;
        if (int8) {
          reinterpret_cast<int8_t*>(dst)[at] = static_cast<int8_t>(v);
        } else {
          reinterpret_cast<uint16_t*>(dst)[at] = Bf16Bits(v);
        }
      }
    }
    float* f = floats_.get() + panel.f_offset;
    for (int64_t c = 0; c < width; ++c) {
      f[c] = has_bias_ && c < panel.cols ? bias[panel.col0 + c] : 0.0f;
      f[width + c] = c < panel.cols ? scale[panel.col0 + c] : 1.0f;
    }
  }
  scratch_ = AllocateFloats(max_rows * widest);
}

void NarrowMatrix::Apply(const float* x, int64_t x_stride, int64_t rows, float* y, int64_t y_stride,
                         const float* init, int64_t init_stride) const {
  if (rows > max_rows_ || (init == nullptr && !has_bias_)) std::abort();
  float* scratch = scratch_.get();
  for (const Panel& panel : panels_) {
    const int64_t width = int64_t{panel.vecs} * lanes_;
    const float* bias = floats_.get() + panel.f_offset;
    const float* scale = bias + width;
    const uint8_t* w = weights_.get() + panel.w_offset;
    // Scratch holds each row's running sum, starting from init (zero-padded to whole vectors) or the bias.
    for (int64_t r = 0; r < rows; ++r) {
      if (init == nullptr) {
        std::memcpy(scratch + r * width, bias, width * 4);
      } else {
        std::memcpy(scratch + r * width, init + r * init_stride + panel.col0, panel.cols * 4);
        std::memset(scratch + r * width + panel.cols, 0, (width - panel.cols) * 4);
      }
    }
    const int64_t block = rows <= group_rows_ ? k_ : std::max<int64_t>(1, kL1BlockBytes / (width * bytes_));
    for (int64_t k0 = 0; k0 < k_; k0 += block) {
      const int64_t kc = std::min(block, k_ - k0);
      for (int64_t r = 0; r < rows; r += group_rows_) {
        const int group = static_cast<int>(std::min<int64_t>(group_rows_, rows - r));
        float* acc = scratch + r * width;
        kernel_(panel.vecs, group, w + k0 * width * bytes_, kc, x + r * x_stride + k0, x_stride, acc, width, scale,
                acc, width);
      }
    }
    for (int64_t r = 0; r < rows; ++r) std::memcpy(y + r * y_stride + panel.col0, scratch + r * width, panel.cols * 4);
  }
}

std::string NarrowStreamModel::Supported(Isa isa, WeightPrecision precision) {
  if (!CpuSupports(isa)) return UnsupportedReason(isa);
  if (NarrowPanelKernel(isa, precision) == nullptr) {
    return std::string("no ") + IsaName(isa) + " kernel for " + PrecisionName(precision) + " weights";
  }
  return "";
}

NarrowStreamModel::NarrowStreamModel(const RnnShape& shape, Isa isa, WeightPrecision precision, uint64_t seed)
    : shape_(shape), isa_(isa), precision_(precision) {
  Uniform uniform(seed);
  const int64_t h = shape.units, gh = Gates(shape.cell) * h, b = shape.batch, steps = shape.time_steps;
  const float scale = 1.0f / std::sqrt(static_cast<float>(h));  // as stream_model.cc
  for (int64_t l = 0; l < shape.layers; ++l) {
    Layer layer;
    const int64_t d = LayerInputSize(shape, l);
    layer.input_width = d;
    std::vector<float> kernel(d * gh), recurrent(h * gh);
    layer.bias.assign(gh, 0.0f);
    for (float& v : kernel) v = uniform.Next(scale);
    for (float& v : recurrent) v = uniform.Next(scale);
    for (int64_t v = 0; v < BiasVectors(shape.cell); ++v) {
      for (float& x : layer.bias) x += uniform.Next(scale);
    }
    layer.input.reset(new NarrowMatrix(isa, precision, kernel.data(), layer.bias.data(), d, gh, steps * b));
    layer.recurrent.reset(new NarrowMatrix(isa, precision, recurrent.data(), nullptr, h, gh, b));
    layers_.push_back(std::move(layer));
  }
  input_ = AllocateFloats(steps * b * shape.input_size);
  for (int64_t i = 0; i < steps * b * shape.input_size; ++i) input_[i] = uniform.Next(1.0f);
  gx_ = AllocateFloats(steps * b * gh);
  seq_[0] = AllocateFloats(steps * b * h);
  seq_[1] = AllocateFloats(steps * b * h);
}

const float* NarrowStreamModel::output() const {
  return seq_[(shape_.layers - 1) % 2].get() + (shape_.time_steps - 1) * shape_.batch * shape_.units;
}

int64_t NarrowStreamModel::streamed_bytes() const {
  int64_t bytes = 0;
  for (const Layer& layer : layers_) {
    bytes += layer.input->streamed_bytes() + (shape_.time_steps - 1) * layer.recurrent->streamed_bytes();
  }
  return bytes;
}

void NarrowStreamModel::Run() { RunChecked(nullptr); }

std::string NarrowStreamModel::Verify() {
  std::string error;
  RunChecked(&error);
  return error;
}

// As StreamModel::RunWorker with one worker: h_t is the first `units` gate sums of step t.
void NarrowStreamModel::RunChecked(std::string* check) {
  const int64_t h = shape_.units, gh = Gates(shape_.cell) * h, b = shape_.batch, steps = shape_.time_steps;
  std::vector<float> init;
  auto fail = [&](const std::string& error, const char* what, int64_t l) {
    if (check == nullptr || !check->empty() || error.empty()) return;
    *check = std::string(IsaName(isa_)) + " " + PrecisionName(precision_) + " matvec wrong at layer " +
             std::to_string(l) + " (" + what + "): " + error;
  };
  const float* x = input_.get();
  for (int64_t l = 0; l < shape_.layers; ++l) {
    const Layer& layer = layers_[l];
    const int64_t d = layer.input_width;
    float* seq = seq_[l % 2].get();
    layer.input->Apply(x, d, steps * b, gx_.get(), gh);
    if (check != nullptr) {
      fail(CheckAgainstReference(layer.input->effective_weights().data(), layer.bias.data(), d, gh, x, d, steps * b,
                                 gx_.get(), gh),
           "input kernel, all steps", l);
    }
    for (int64_t t = 0; t < steps; ++t) {
      float* gates = gx_.get() + t * b * gh;
      if (t > 0) {  // step 0: h_{-1} = 0, the product adds nothing
        const float* h_prev = seq + (t - 1) * b * h;
        if (check != nullptr) init.assign(gates, gates + b * gh);
        layer.recurrent->Apply(h_prev, h, b, gates, gh, gates, gh);
        if (check != nullptr) {
          fail(CheckAgainstReference(layer.recurrent->effective_weights().data(), init.data(), h, gh, h_prev, h, b,
                                     gates, gh, gh),
               "recurrent kernel", l);
        }
      }
      for (int64_t r = 0; r < b; ++r) std::memcpy(seq + (t * b + r) * h, gates + r * gh, h * 4);
    }
    x = seq;
  }
}

}  // namespace tflatency
