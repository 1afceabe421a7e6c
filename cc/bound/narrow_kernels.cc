// The scalar panels of the reduced-precision weight-stream bounds, the scalar
// reference of the activations' narrowing, and the dispatch (see
// narrow_kernels.h). Built with -fno-tree-vectorize, like kernels_scalar.cc.
#include "cc/bound/narrow_kernels.h"

#include <algorithm>
#include <cmath>
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

float NarrowRow(WeightPrecision precision, const float* x, int64_t k, void* out) {
  const int64_t group = DotProductGroup(precision), padded = (k + group - 1) / group * group;
  if (precision == WeightPrecision::kBf16) {
    uint16_t* bits = static_cast<uint16_t*>(out);
    for (int64_t i = 0; i < padded; ++i) bits[i] = i < k ? Bf16Bits(x[i]) : 0;
    return 1.0f;
  }
  float max_abs = 0.0f;
  for (int64_t i = 0; i < k; ++i) max_abs = std::max(max_abs, std::fabs(x[i]));
  const float scale = max_abs > 0.0f ? max_abs / kInt8Max : 1.0f;
  const float limit = static_cast<float>(kInt8Max);
  uint8_t* q = static_cast<uint8_t*>(out);
  for (int64_t i = 0; i < padded; ++i) {
    const float v = i < k ? std::nearbyint(x[i] / scale) : 0.0f;  // default rounding: to nearest even
    q[i] = static_cast<uint8_t>(static_cast<int>(std::min(std::max(v, -limit), limit)) + 128);
  }
  return scale;
}

DotKernels DotKernel(Isa isa, WeightPrecision precision) {
  if (isa != Isa::kAvx512) return {};
  switch (precision) {
    case WeightPrecision::kInt8: return {&avx512::NarrowRowsInt8, &avx512::DotPanelVnni};
    case WeightPrecision::kBf16: return {&avx512::NarrowRowsBf16, &avx512::DotPanelBf16};
    default: return {};
  }
}

}  // namespace tflatency
