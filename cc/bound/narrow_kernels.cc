// The scalar panels of the reduced-precision weight-stream bounds and the
// dispatch (see narrow_kernels.h). Built with -fno-tree-vectorize, like kernels_scalar.cc.
#include "cc/bound/narrow_kernels.h"

#include <cstring>
#include <type_traits>

namespace tflatency {
namespace {

inline float Widen(uint16_t bits) { return Bf16ToFloat(bits); }
inline float Widen(int8_t q) { return static_cast<float>(q); }

constexpr int kScalarMaxWidth = 8;  // scalar::kMaxPanelVectors[0] lanes of 1

template <class W>
void ScalarPanel(int vecs, int rows, const void* weights, int64_t kcount, const float* x, int64_t x_stride,
                 const float* init, int64_t init_stride, const float* scale, float* out, int64_t out_stride) {
  const W* w = static_cast<const W*>(weights);
  for (int r = 0; r < rows; ++r) {
    float acc[kScalarMaxWidth] = {};
    for (int64_t k = 0; k < kcount; ++k) {
      const float xk = x[r * x_stride + k];
      for (int v = 0; v < vecs; ++v) acc[v] += Widen(w[k * vecs + v]) * xk;
    }
    for (int v = 0; v < vecs; ++v) {
      const float in = init[r * init_stride + v];
      out[r * out_stride + v] = std::is_same_v<W, int8_t> ? in + scale[v] * acc[v] : in + acc[v];
    }
  }
}

}  // namespace

NarrowPanelFn NarrowPanelKernel(Isa isa, WeightPrecision precision) {
  const bool int8 = precision == WeightPrecision::kInt8;
  if (precision == WeightPrecision::kFp32) return nullptr;
  switch (isa) {
    case Isa::kAvx512: return int8 ? &avx512::NarrowPanelInt8 : &avx512::NarrowPanelBf16;
    case Isa::kAvx2: return int8 ? &avx2::NarrowPanelInt8 : &avx2::NarrowPanelBf16;
    case Isa::kScalar: return int8 ? &ScalarPanel<int8_t> : &ScalarPanel<uint16_t>;
    default: return nullptr;
  }
}

}  // namespace tflatency
