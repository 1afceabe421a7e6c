// The memory bound of one inference with reduced-precision weights
// (bound/weight_stream_bf16, bound/weight_stream_int8 and, with the activations
// narrowed too, bound/weight_stream_int8_vnni, bound/weight_stream_bf16_dpbf16):
// the same products in the same order as bound/weight_stream (stream_model.h:
// per layer the input kernel K once for all steps, then the recurrent kernel R
// once per step after the first), on one core, but with K and R stored as bf16
// or int8 (one scale per column, cc/common/precision.h). NarrowActivations
// (narrow_kernels.h) says how they are multiplied: widened to fp32 as they
// stream, fp32 accumulation (the hand kernel's arithmetic); or with each matrix's
// input rows narrowed as well (int8: one dynamic scale per row; bf16: rounded),
// inside the timed work, and AVX-512's dot-product instructions. Biases, inputs
// and gate sums stay fp32. Each matrix is packed in panels like matvec.h's (a
// panel's narrowed rows front to back, or with narrowed activations its groups
// of DotProductGroup rows, one column's group per 32-bit lane; its bias, int8 scales and
// int8 offsets beside it).
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
  // Requires NarrowStreamModel::Supported(isa, precision, activations) == "". bias may be null (then
  // Apply needs an init).
  NarrowMatrix(Isa isa, WeightPrecision precision, NarrowActivations activations, const float* w,
               const float* bias, int64_t k, int64_t n, int64_t max_rows);
  // As PackedMatrix::Apply (init null: the bias; init may alias y; more than kMaxPanelRows rows:
  // k in L1-sized blocks, each block read once for all rows). Narrowed activations: x's rows are
  // narrowed first (DotKernels::narrow_rows).
  void Apply(const float* x, int64_t x_stride, int64_t rows, float* y, int64_t y_stride,
             const float* init = nullptr, int64_t init_stride = 0) const;
  // "" if y is init + x * W as Apply computes it, else one line naming the first wrong element: every
  // product against the double-precision reference on the weights and the activations as narrowed
  // (CheckAgainstReference's tolerance), and with int8 dot products the integer sums exactly (y bit
  // for bit init + (s_w s_x) float(sum), one FMA).
  std::string Check(const float* x, int64_t x_stride, int64_t rows, const float* y, int64_t y_stride,
                    const float* init, int64_t init_stride) const;
  // W as the kernel computes with it (bf16-rounded, or q * scale), row-major [k][n]: the reference's.
  const std::vector<float>& effective_weights() const { return effective_; }
  // Bytes one Apply reads: narrowed W with its padding (columns; narrowed activations: rows to whole
  // groups), fp32 bias, int8 scales and, narrowed int8, the int32 column offsets.
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
  bool dot() const { return activations_ == NarrowActivations::kNarrowed; }
  NarrowPanelFn kernel_;  // fp32 activations
  DotKernels dot_;        // narrowed activations
  WeightPrecision precision_;
  NarrowActivations activations_;
  int lanes_, group_rows_, bytes_;
  int group_;  // k per 32-bit lane: DotProductGroup, 1 with fp32 activations
  int64_t k_, padded_k_, n_, max_rows_;
  bool has_bias_;
  std::vector<Panel> panels_;
  std::unique_ptr<uint8_t[], FreeBytes> weights_, x_narrowed_;
  AlignedFloats floats_, scratch_, x_scale_;
  std::unique_ptr<int32_t[]> sums_;  // int8 dot products over k blocks
  std::vector<int32_t> offsets_;     // int8 dot products: per column (padded as the panels), 128 * sum_k q
  std::vector<float> effective_, q_, scale_;  // W as computed with; int8: q and the column scales
  int64_t streamed_bytes_ = 0;
};

class NarrowStreamModel {
 public:
  // Requires Supported(isa, precision, activations) == "".
  NarrowStreamModel(const RnnShape& shape, Isa isa, WeightPrecision precision,
                    NarrowActivations activations = NarrowActivations::kFp32, uint64_t seed = 20240601);
  // "" if this CPU can run a kernel for `precision` on this ISA, else why not (a row's n/a reason):
  // narrowed activations need DotProductExtension(precision) (UnsupportedReason(IsaExtension), also when
  // TFLATENCY_ISA_MAX caps the avx512 path) and the avx512 ISA.
  static std::string Supported(Isa isa, WeightPrecision precision,
                               NarrowActivations activations = NarrowActivations::kFp32);

  void Run();
  // Run, checking every product (NarrowMatrix::Check): against the double-precision reference on
  // the weights and activations as narrowed; int8 dot products' integer sums exactly.
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
  NarrowActivations activations_;
  std::vector<Layer> layers_;
  AlignedFloats input_, gx_, seq_[2];
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_NARROW_STREAM_MODEL_H_
