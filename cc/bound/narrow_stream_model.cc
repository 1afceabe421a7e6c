// The reduced-precision weight-stream bound (see narrow_stream_model.h).
#include "cc/bound/narrow_stream_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>

#include "cc/bound/kernels.h"

namespace tflatency {
namespace {

constexpr int64_t kAlign = 64;
constexpr int64_t kL1BlockBytes = 16 * 1024;

int64_t RoundUp(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

}  // namespace

NarrowMatrix::NarrowMatrix(Isa isa, WeightPrecision precision, NarrowActivations activations, const float* w,
                           const float* bias, int64_t k, int64_t n, int64_t max_rows)
    : kernel_(NarrowPanelKernel(isa, precision)),
      dot_(DotKernel(isa, precision)),
      precision_(precision),
      activations_(activations),
      lanes_(Lanes(isa)),
      group_rows_(static_cast<int>(std::min<int64_t>(max_rows, kMaxPanelRows))),
      bytes_(PrecisionBytes(precision)),
      group_(activations == NarrowActivations::kNarrowed ? DotProductGroup(precision) : 1),
      k_(k),
      padded_k_(RoundUp(k, group_)),
      n_(n),
      max_rows_(max_rows),
      has_bias_(bias != nullptr) {
  if (dot() ? dot_.panel == nullptr : kernel_ == nullptr) std::abort();
  const bool int8 = precision == WeightPrecision::kInt8;
  // W as it will be computed with: rounded to bf16, or int8 values and their column scales.
  effective_.assign(w, w + k * n);
  q_.resize(k * n);
  scale_.assign(n, 1.0f);
  if (int8) {
    QuantizeColumnsInt8(w, k, n, n, nullptr, q_.data(), scale_.data());
    for (int64_t i = 0; i < k * n; ++i) effective_[i] = q_[i] * scale_[i % n];
  } else {
    for (int64_t i = 0; i < k * n; ++i) q_[i] = effective_[i] = RoundToBf16(w[i]);
  }
  // Panels as PackedMatrix splits them.
  const int64_t vectors = (n + lanes_ - 1) / lanes_;
  const int64_t max_vecs = MaxPanelVectors(isa, group_rows_);
  const int64_t count = (vectors + max_vecs - 1) / max_vecs;
  const bool offsets = dot() && int8;
  int64_t col0 = 0, w_bytes = 0, floats = 0, widest = 0;
  for (int64_t p = 0; p < count; ++p) {
    const int vecs = static_cast<int>(vectors / count + (p < vectors % count ? 1 : 0));
    const int64_t width = int64_t{vecs} * lanes_;
    panels_.push_back({col0, std::min(width, n - col0), vecs, w_bytes, floats});
    w_bytes += RoundUp(padded_k_ * width * bytes_, kAlign);
    floats += RoundUp(2 * width, 16);
    streamed_bytes_ += padded_k_ * width * bytes_ + 4 * width * (has_bias_ + int8 + offsets);
    col0 += width;
    widest = std::max(widest, width);
  }
  weights_.reset(static_cast<uint8_t*>(std::aligned_alloc(kAlign, std::max<int64_t>(w_bytes, kAlign))));
  if (!weights_) throw std::bad_alloc();
  std::memset(weights_.get(), 0, w_bytes);
  floats_ = AllocateFloats(floats);
  if (offsets) offsets_.assign(col0, 0);
  for (const Panel& panel : panels_) {
    const int64_t width = int64_t{panel.vecs} * lanes_;
    uint8_t* dst = weights_.get() + panel.w_offset;
    for (int64_t r = 0; r < k; ++r) {
      for (int64_t c = 0; c < panel.cols; ++c) {
        const float v = q_[r * n + panel.col0 + c];
        // Row r of column c: row-major [k][width], or [k / group][width][group] (the same when group is 1).
        const int64_t at = (r / group_ * width + c) * group_ + r % group_;
        if (int8) {
          reinterpret_cast<int8_t*>(dst)[at] = static_cast<int8_t>(v);
        } else {
          reinterpret_cast<uint16_t*>(dst)[at] = Bf16Bits(v);
        }
        if (offsets) offsets_[panel.col0 + c] += 128 * static_cast<int32_t>(v);
      }
    }
    float* f = floats_.get() + panel.f_offset;
    for (int64_t c = 0; c < width; ++c) {
      f[c] = has_bias_ && c < panel.cols ? bias[panel.col0 + c] : 0.0f;
      f[width + c] = c < panel.cols ? scale_[panel.col0 + c] : 1.0f;
    }
  }
  scratch_ = AllocateFloats(max_rows * widest);
  if (dot()) {
    const int64_t x_bytes = RoundUp(max_rows * padded_k_ * bytes_, kAlign);
    x_narrowed_.reset(static_cast<uint8_t*>(std::aligned_alloc(kAlign, x_bytes)));
    if (!x_narrowed_) throw std::bad_alloc();
    x_scale_ = AllocateFloats(max_rows);
    if (int8) sums_.reset(new int32_t[max_rows * widest]);
  }
}

void NarrowMatrix::Apply(const float* x, int64_t x_stride, int64_t rows, float* y, int64_t y_stride,
                         const float* init, int64_t init_stride) const {
  if (rows > max_rows_ || (init == nullptr && !has_bias_)) std::abort();
  if (dot()) dot_.narrow_rows(rows, x, x_stride, k_, x_narrowed_.get(), padded_k_, x_scale_.get());
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
    const int64_t block = rows <= group_rows_
                              ? padded_k_
                              : std::max<int64_t>(group_, kL1BlockBytes / (width * bytes_) / group_ * group_);
    for (int64_t k0 = 0; k0 < padded_k_; k0 += block) {
      const int64_t kc = std::min(block, padded_k_ - k0);
      for (int64_t r = 0; r < rows; r += group_rows_) {
        const int group = static_cast<int>(std::min<int64_t>(group_rows_, rows - r));
        float* acc = scratch + r * width;
        if (!dot()) {
          kernel_(panel.vecs, group, w + k0 * width * bytes_, kc, x + r * x_stride + k0, x_stride, acc, width,
                  scale, acc, width);
          continue;
        }
        DotPanelArgs a;
        a.vecs = panel.vecs;
        a.rows = group;
        a.w = w + k0 * width * bytes_;
        a.groups = kc / group_;
        a.x = x_narrowed_.get() + (r * padded_k_ + k0) * bytes_;
        a.x_stride = padded_k_;
        a.init = a.out = acc;
        a.init_stride = a.out_stride = width;
        if (precision_ == WeightPrecision::kInt8) {
          a.x_scale = x_scale_.get() + r;
          a.w_scale = scale;
          a.w_offset = offsets_.data() + panel.col0;
          a.sums = sums_.get() + r * width;
          a.sums_stride = width;
          a.sums_in = k0 > 0;
          a.sums_out = k0 + kc < padded_k_;
        }
        dot_.panel(a);
      }
    }
    for (int64_t r = 0; r < rows; ++r) std::memcpy(y + r * y_stride + panel.col0, scratch + r * width, panel.cols * 4);
  }
}

std::string NarrowMatrix::Check(const float* x, int64_t x_stride, int64_t rows, const float* y, int64_t y_stride,
                                const float* init, int64_t init_stride) const {
  const bool exact = dot() && precision_ == WeightPrecision::kInt8;
  // The activations as the kernel computes with them, and (exact) the int8 values q - 128 and row scales.
  std::vector<float> xs(rows * k_), x_scale(rows, 1.0f);
  std::vector<int32_t> xq(rows * k_);
  std::vector<uint8_t> row(padded_k_ * 2);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * x_stride;
    if (dot()) x_scale[r] = NarrowRow(precision_, xr, k_, row.data());
    for (int64_t i = 0; i < k_; ++i) {
      if (!dot()) {
        xs[r * k_ + i] = xr[i];
      } else if (exact) {
        xq[r * k_ + i] = row[i] - 128;
        xs[r * k_ + i] = xq[r * k_ + i] * x_scale[r];
      } else {
        xs[r * k_ + i] = Bf16ToFloat(reinterpret_cast<const uint16_t*>(row.data())[i]);
      }
    }
  }
  const std::string error = CheckAgainstReference(effective_.data(), init, k_, n_, xs.data(), k_, rows, y, y_stride,
                                                  init_stride);
  if (!error.empty() || !exact) return error;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < n_; ++c) {
      int64_t sum = 0;
      for (int64_t i = 0; i < k_; ++i) sum += int64_t{xq[r * k_ + i]} * static_cast<int32_t>(q_[i * n_ + c]);
      const float want = std::fma(static_cast<float>(sum), scale_[c] * x_scale[r], init[r * init_stride + c]);
      const float got = y[r * y_stride + c];
      if (got != want) {
        char line[200];
        std::snprintf(line, sizeof(line), "row %lld column %lld: got %.9g, want %.9g (integer sum %lld)",
                      static_cast<long long>(r), static_cast<long long>(c), got, want, static_cast<long long>(sum));
        return line;
      }
    }
  }
  return "";
}

std::string NarrowStreamModel::Supported(Isa isa, WeightPrecision precision, NarrowActivations activations) {
  const bool dot = activations == NarrowActivations::kNarrowed;
  if (dot && precision != WeightPrecision::kFp32 && !CpuSupports(DotProductExtension(precision))) {
    return UnsupportedReason(DotProductExtension(precision));
  }
  if (!CpuSupports(isa)) return UnsupportedReason(isa);
  if (dot ? DotKernel(isa, precision).panel == nullptr : NarrowPanelKernel(isa, precision) == nullptr) {
    return std::string("no ") + IsaName(isa) + " kernel for " + PrecisionName(precision) + " weights" +
           (dot ? " and activations" : "");
  }
  return "";
}

NarrowStreamModel::NarrowStreamModel(const RnnShape& shape, Isa isa, WeightPrecision precision,
                                     NarrowActivations activations, uint64_t seed)
    : shape_(shape), isa_(isa), precision_(precision), activations_(activations) {
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
    layer.input.reset(new NarrowMatrix(isa, precision, activations, kernel.data(), layer.bias.data(), d, gh, steps * b));
    layer.recurrent.reset(new NarrowMatrix(isa, precision, activations, recurrent.data(), nullptr, h, gh, b));
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
    const bool dot = activations_ == NarrowActivations::kNarrowed;
    *check = std::string(IsaName(isa_)) + " " + PrecisionName(precision_) +
             (dot ? std::string(" ") + ExtensionName(DotProductExtension(precision_)) : "") + " matvec wrong at layer " +
             std::to_string(l) + " (" + what + "): " + error;
  };
  const float* x = input_.get();
  for (int64_t l = 0; l < shape_.layers; ++l) {
    const Layer& layer = layers_[l];
    const int64_t d = layer.input_width;
    float* seq = seq_[l % 2].get();
    layer.input->Apply(x, d, steps * b, gx_.get(), gh);
    if (check != nullptr) {
      fail(layer.input->Check(x, d, steps * b, gx_.get(), gh, layer.bias.data(), 0), "input kernel, all steps", l);
    }
    for (int64_t t = 0; t < steps; ++t) {
      float* gates = gx_.get() + t * b * gh;
      if (t > 0) {  // step 0: h_{-1} = 0, the product adds nothing
        const float* h_prev = seq + (t - 1) * b * h;
        if (check != nullptr) init.assign(gates, gates + b * gh);
        layer.recurrent->Apply(h_prev, h, b, gates, gh, gates, gh);
        if (check != nullptr) {
          fail(layer.recurrent->Check(h_prev, h, b, gates, gh, init.data(), gh), "recurrent kernel", l);
        }
      }
      for (int64_t r = 0; r < b; ++r) std::memcpy(seq + (t * b + r) * h, gates + r * gh, h * 4);
    }
    x = seq;
  }
}

}  // namespace tflatency
