// The matrix-vector product of the weight-stream bound: y = x * W + bias with
// W row-major [k][n] (Keras layout), packed for one ISA's panel kernel, and the
// scalar double-precision reference every result is checked against.
#ifndef TFLATENCY_CC_BOUND_MATVEC_H_
#define TFLATENCY_CC_BOUND_MATVEC_H_

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cc/bound/kernels.h"
#include "cc/common/isa.h"

namespace tflatency {

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using AlignedFloats = std::unique_ptr<float[], FreeDeleter>;
AlignedFloats AllocateFloats(int64_t count);  // 64-byte aligned, zeroed

// splitmix64: a fixed, portable stream of uniform floats in [-scale, scale),
// the bound models' weights and inputs (only timing matters, not the values).
class Uniform {
 public:
  explicit Uniform(uint64_t seed) : state_(seed) {}
  float Next(float scale) {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return scale * (static_cast<float>(z >> 40) * (2.0f / 16777216.0f) - 1.0f);
  }

 private:
  uint64_t state_;
};

// W and bias repacked so that one product streams them front to back once:
// the columns are split into panels of at most MaxPanelVectors(isa, rows)
// vectors (as many accumulators as the kernel keeps in registers for up to
// kMaxPanelRows batch rows), and each panel is stored contiguously as its bias
// (if there is one) then its k rows, padded with zero columns to whole vectors.
class PackedMatrix {
 public:
  // max_rows: the most rows (batch) one Apply will be given. bias may be null:
  // then nothing but W is packed, and every Apply must give an init. storage:
  // where to pack, PackedFloats(...) floats, 64-byte aligned, owned by the
  // caller and outliving this object (several matrices can then be laid out
  // one after the other in the order they are streamed); null: allocated here.
  PackedMatrix(Isa isa, const float* w, const float* bias, int64_t k, int64_t n, int64_t max_rows,
               float* storage = nullptr);
  // The floats the packing of such a matrix takes (a multiple of 16: 64 bytes).
  static int64_t PackedFloats(Isa isa, int64_t k, int64_t n, int64_t max_rows, bool has_bias);

  // y[r][0..n) = init[r][0..n) + x[r][0..k) * W for r < rows, where init is
  // the packed bias when init is null; rows of x start every x_stride floats,
  // rows of y every y_stride, rows of init every init_stride. init may alias y
  // (in place: y += x * W). Up to kMaxPanelRows rows share one pass; with more,
  // k is cut into L1-sized blocks so each block of W is still read from L2
  // once for all rows.
  void Apply(const float* x, int64_t x_stride, int64_t rows, float* y, int64_t y_stride,
             const float* init = nullptr, int64_t init_stride = 0) const;

  Isa isa() const { return isa_; }
  int64_t k() const { return k_; }
  int64_t n() const { return n_; }
  bool has_bias() const { return has_bias_; }
  int64_t panel_count() const { return static_cast<int64_t>(panels_.size()); }
  // Bytes packed, the 64-byte alignment of each panel included.
  int64_t packed_bytes() const { return packed_floats_ * 4; }
  // Bytes one Apply reads from the packing: W (and the bias, if packed), with
  // the zero columns that pad panels to whole vectors, not the alignment gaps.
  int64_t streamed_bytes() const { return streamed_floats_ * 4; }

 private:
  struct Panel {
    int64_t col0;
    int64_t cols;
    int vecs;
    int64_t offset;  // floats from data_ to the panel's bias (or, without one, its first row of W)
  };
  Isa isa_;
  bool has_bias_;
  PanelFn kernel_;
  int lanes_;
  int group_rows_;  // rows one kernel call handles: min(max_rows, kMaxPanelRows)
  int64_t k_, n_, max_rows_;
  int64_t packed_floats_ = 0;
  int64_t streamed_floats_ = 0;
  std::vector<Panel> panels_;
  AlignedFloats owned_;  // the packing, unless the caller gave storage
  float* data_;
  AlignedFloats scratch_;  // max_rows_ x widest panel; Apply is not reentrant
};

// Empty if y[r][j] is within floating-point rounding of the double-precision
// x[r] * W + bias[r] for every r < rows and j < n, else one line naming the
// first wrong element; row r of bias starts at r * bias_stride (0: one bias for
// all rows; a per-row init is a bias with a stride). The tolerance is the
// standard bound for a float dot product of length k+1:
// (k+1) * FLT_EPSILON * (|bias[j]| + sum_k |x[k] * W[k][j]|).
std::string CheckAgainstReference(const float* w, const float* bias, int64_t k, int64_t n, const float* x,
                                  int64_t x_stride, int64_t rows, const float* y, int64_t y_stride,
                                  int64_t bias_stride = 0);

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_MATVEC_H_
