// Packing, applying and checking the weight-stream matvec (see matvec.h).
#include "cc/bound/matvec.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>

namespace tflatency {
namespace {

constexpr int64_t kAlignFloats = 16;          // 64 bytes: a cache line, a zmm
constexpr int64_t kL1BlockBytes = 16 * 1024;  // a third of a 48 KB L1d

int64_t RoundUp(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

}  // namespace

AlignedFloats AllocateFloats(int64_t count) {
  const size_t bytes = static_cast<size_t>(RoundUp(std::max<int64_t>(count, 1), kAlignFloats)) * 4;
  void* p = std::aligned_alloc(64, bytes);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, bytes);
  return AlignedFloats(static_cast<float*>(p));
}

int64_t PackedMatrix::PackedFloats(Isa isa, int64_t k, int64_t n, int64_t max_rows, bool has_bias) {
  // As the constructor lays the panels out.
  const int64_t lanes = Lanes(isa);
  const int64_t vectors = (n + lanes - 1) / lanes;
  const int64_t max_vecs = MaxPanelVectors(isa, static_cast<int>(std::min<int64_t>(max_rows, kMaxPanelRows)));
  const int64_t count = (vectors + max_vecs - 1) / max_vecs;
  int64_t floats = 0;
  for (int64_t p = 0; p < count; ++p) {
    const int64_t vecs = vectors / count + (p < vectors % count ? 1 : 0);
    floats += RoundUp((k + (has_bias ? 1 : 0)) * vecs * lanes, kAlignFloats);
  }
  return floats;
}

PackedMatrix::PackedMatrix(Isa isa, const float* w, const float* bias, int64_t k, int64_t n, int64_t max_rows,
                           float* storage)
    : isa_(isa),
      has_bias_(bias != nullptr),
      kernel_(PanelKernel(isa)),
      lanes_(Lanes(isa)),
      group_rows_(static_cast<int>(std::min<int64_t>(max_rows, kMaxPanelRows))),
      k_(k),
      n_(n),
      max_rows_(max_rows) {
  // Split the vectors evenly over the fewest panels the registers allow.
  const int64_t vectors = (n + lanes_ - 1) / lanes_;
  const int64_t max_vecs = MaxPanelVectors(isa, group_rows_);
  const int64_t count = (vectors + max_vecs - 1) / max_vecs;
  int64_t col0 = 0, widest = 0;
  for (int64_t p = 0; p < count; ++p) {
    const int vecs = static_cast<int>(vectors / count + (p < vectors % count ? 1 : 0));
    const int64_t width = int64_t{vecs} * lanes_;
    panels_.push_back({col0, std::min(width, n - col0), vecs, packed_floats_});
    streamed_floats_ += (k + (has_bias_ ? 1 : 0)) * width;
    packed_floats_ += RoundUp((k + (has_bias_ ? 1 : 0)) * width, kAlignFloats);
    col0 += width;
    widest = std::max(widest, width);
  }
  if (storage == nullptr) {
    owned_ = AllocateFloats(packed_floats_);
    storage = owned_.get();
  } else {
    std::memset(storage, 0, packed_floats_ * 4);
  }
  data_ = storage;
  for (const Panel& panel : panels_) {
    const int64_t width = int64_t{panel.vecs} * lanes_;
    float* dst = data_ + panel.offset;
    if (has_bias_) {
      std::memcpy(dst, bias + panel.col0, panel.cols * 4);
      dst += width;
    }
    for (int64_t r = 0; r < k; ++r) {
      std::memcpy(dst + r * width, w + r * n + panel.col0, panel.cols * 4);
    }
  }
  scratch_ = AllocateFloats(max_rows * widest);
}

void PackedMatrix::Apply(const float* x, int64_t x_stride, int64_t rows, float* y, int64_t y_stride,
                         const float* init, int64_t init_stride) const {
  if (rows > max_rows_ || (init == nullptr && !has_bias_)) std::abort();
  float* scratch = scratch_.get();
  // Rows of an external init into scratch, zero-padded to the panel width (the
  // kernel reads whole vectors, and init may alias y).
  auto init_to_scratch = [&](const Panel& panel, int64_t width) {
    for (int64_t r = 0; r < rows; ++r) {
      std::memcpy(scratch + r * width, init + r * init_stride + panel.col0, panel.cols * 4);
      std::memset(scratch + r * width + panel.cols, 0, (width - panel.cols) * 4);
    }
  };
  for (const Panel& panel : panels_) {
    const int64_t width = int64_t{panel.vecs} * lanes_;
    const float* bias = has_bias_ ? data_ + panel.offset : nullptr;
    const float* w = data_ + panel.offset + (has_bias_ ? width : 0);
    if (rows <= group_rows_) {
      // One pass over the panel, accumulators in registers throughout.
      const bool direct = panel.cols == width;
      float* out = direct ? y + panel.col0 : scratch;
      const int64_t out_stride = direct ? y_stride : width;
      const float* in = init == nullptr ? bias : direct ? init + panel.col0 : scratch;
      const int64_t in_stride = init == nullptr ? 0 : direct ? init_stride : width;
      if (init != nullptr && !direct) init_to_scratch(panel, width);
      kernel_(panel.vecs, static_cast<int>(rows), w, k_, x, x_stride, in, in_stride, out, out_stride);
      if (!direct) {
        for (int64_t r = 0; r < rows; ++r) {
          std::memcpy(y + r * y_stride + panel.col0, scratch + r * width, panel.cols * 4);
        }
      }
      continue;
    }
    if (init != nullptr) init_to_scratch(panel, width);
    const int64_t block = std::max<int64_t>(1, kL1BlockBytes / (width * 4));
    for (int64_t k0 = 0; k0 < k_; k0 += block) {
      const int64_t kc = std::min(block, k_ - k0);
      const bool from_bias = k0 == 0 && init == nullptr;
      for (int64_t r = 0; r < rows; r += group_rows_) {
        const int group = static_cast<int>(std::min<int64_t>(group_rows_, rows - r));
        float* acc = scratch + r * width;
        kernel_(panel.vecs, group, w + k0 * width, kc, x + r * x_stride + k0, x_stride, from_bias ? bias : acc,
                from_bias ? 0 : width, acc, width);
      }
    }
    for (int64_t r = 0; r < rows; ++r) {
      std::memcpy(y + r * y_stride + panel.col0, scratch + r * width, panel.cols * 4);
    }
  }
}

std::string CheckAgainstReference(const float* w, const float* bias, int64_t k, int64_t n, const float* x,
                                  int64_t x_stride, int64_t rows, const float* y, int64_t y_stride,
                                  int64_t bias_stride) {
  std::vector<double> sum(n), magnitude(n);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * x_stride;
    const float* br = bias + r * bias_stride;
    for (int64_t j = 0; j < n; ++j) {
      sum[j] = br[j];
      magnitude[j] = std::fabs(br[j]);
    }
    for (int64_t i = 0; i < k; ++i) {
      const float* wi = w + i * n;
      for (int64_t j = 0; j < n; ++j) {
        const double term = static_cast<double>(xr[i]) * wi[j];
        sum[j] += term;
        magnitude[j] += std::fabs(term);
      }
    }
    for (int64_t j = 0; j < n; ++j) {
      const double got = y[r * y_stride + j];
      const double tolerance = (k + 1) * static_cast<double>(FLT_EPSILON) * magnitude[j];
      if (!(std::fabs(got - sum[j]) <= tolerance)) {
        char line[200];
        std::snprintf(line, sizeof(line), "row %lld column %lld: got %.9g, want %.9g (tolerance %.3g)",
                      static_cast<long long>(r), static_cast<long long>(j), got, sum[j], tolerance);
        return line;
      }
    }
  }
  return "";
}

}  // namespace tflatency
