// The memory bound of one inference with reduced-precision weights
// (bound/weight_stream_bf16, bound/weight_stream_int8): the same products in the
// same order as bound/weight_stream (stream_model.h: per layer the input kernel K
// once for all steps, then the recurrent kernel R once per step after the
// first), on one core, but with K and R stored as bf16 or int8 (one scale per
// column, cc/common/precision.h) and widened to fp32 as they stream, fp32
// accumulation: the hand kernel's arithmetic (narrow_kernels.h). Biases, inputs
// and gate sums stay fp32. Each matrix is packed in panels like matvec.h's
// (a panel's narrowed rows front to back; its bias and int8 scales, fp32, beside it).
#ifndef TFLATENCY_CC_BOUND_NARROW_STREAM_MODEL_H_
#define TFLATENCY_CC_BOUND_NARROW_STREAM_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cc/bound/matvec.h"
#include "cc/bound/narrow_kernels.h"
#include "cc/common/isa.h"
#include "cc/common/precision.h"
#include "cc/common/rnn_shape.h"

namespace tflatency {

// y = init + x * W with W row-major [k][n] narrowed to `precision` and packed in panels.
class NarrowMatrix {
 public:
  // Requires NarrowPanelKernel(isa, precision) != null. bias may be null (then Apply needs an init).
  NarrowMatrix(Isa isa, WeightPrecision precision, const float* w, const float* bias, int64_t k, int64_t n,
               int64_t max_rows);
  // As PackedMatrix::Apply (init null: the bias; init may alias y; more than kMaxPanelRows rows:
  // k in L1-sized blocks, each block read once for all rows).
  void Apply(const float* x, int64_t x_stride, int64_t rows, float* y, int64_t y_stride,
             const float* init = nullptr, int64_t init_stride = 0) const;
  // W as the kernel computes with it (bf16-rounded, or q * scale), row-major [k][n]: the reference's.
  const std::vector<float>& effective_weights() const { return effective_; }
  // Bytes one Apply reads: narrowed W with its padding columns, fp32 bias and int8 scales.
  int64_t streamed_bytes() const { return streamed_bytes_; }

 private:
  struct Panel {
    int64_t col0, cols;
    int vecs;
    int64_t w_offset;  // bytes into weights_
    int64_t f_offset;  // floats into floats_: the panel's bias (width), then its scales (width)
  };
  struct FreeBytes {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  NarrowPanelFn kernel_;
  WeightPrecision precision_;
  int lanes_, group_rows_, bytes_;
  int64_t k_, n_, max_rows_;
  bool has_bias_;
  std::vector<Panel> panels_;
  std::unique_ptr<uint8_t[], FreeBytes> weights_;
  AlignedFloats floats_, scratch_;
  std::vector<float> effective_;
  int64_t streamed_bytes_ = 0;
};

class NarrowStreamModel {
 public:
  // Requires NarrowPanelKernel(isa, precision) != null (see Supported).
  NarrowStreamModel(const RnnShape& shape, Isa isa, WeightPrecision precision, uint64_t seed = 20240601);
  // "" if this ISA has a kernel for `precision`, else why not (a row's n/a reason).
  static std::string Supported(Isa isa, WeightPrecision precision);

  void Run();
  // Run, checking every product against the double-precision reference on the weights as narrowed.
  std::string Verify();
  const float* output() const;
  // Bytes one Run reads: per layer K (and its bias, int8 scales) once, R (and its scales) steps - 1 times.
  int64_t streamed_bytes() const;

 private:
  void RunChecked(std::string* check);
  struct Layer {
    int64_t input_width = 0;
    std::vector<float> bias;
    std::unique_ptr<NarrowMatrix> input, recurrent;
  };
  RnnShape shape_;
  Isa isa_;
  WeightPrecision precision_;
  std::vector<Layer> layers_;
  AlignedFloats input_, gx_, seq_[2];
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_NARROW_STREAM_MODEL_H_
