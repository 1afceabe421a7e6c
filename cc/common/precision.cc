// Reduced-precision weights (see precision.h).
#include "cc/common/precision.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tflatency {

const char* PrecisionName(WeightPrecision precision) {
  switch (precision) {
    case WeightPrecision::kBf16: return "bf16";
    case WeightPrecision::kInt8: return "int8";
    default: return "fp32";
  }
}

bool PrecisionFromName(const std::string& name, WeightPrecision* precision) {
  for (WeightPrecision p : {WeightPrecision::kFp32, WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    if (name == PrecisionName(p)) {
      *precision = p;
      return true;
    }
  }
  return false;
}

int PrecisionBytes(WeightPrecision precision) {
  switch (precision) {
    case WeightPrecision::kBf16: return 2;
    case WeightPrecision::kInt8: return 1;
    default: return 4;
  }
}

uint16_t Bf16Bits(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  bits += 0x7FFFu + ((bits >> 16) & 1u);  // round to nearest, ties to even (finite x)
  return static_cast<uint16_t>(bits >> 16);
}

float Bf16ToFloat(uint16_t bits) {
  const uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float x;
  std::memcpy(&x, &wide, 4);
  return x;
}

void QuantizeColumnsInt8(const float* w, int64_t rows, int64_t cols, int64_t stride, int8_t* q,
                         float* q_as_float, float* scale) {
  for (int64_t j = 0; j < cols; ++j) {
    float max_abs = 0.0f;
    for (int64_t i = 0; i < rows; ++i) max_abs = std::max(max_abs, std::fabs(w[i * stride + j]));
    scale[j] = max_abs > 0.0f ? max_abs / kInt8Max : 1.0f;
    for (int64_t i = 0; i < rows; ++i) {
      const float v = std::nearbyint(w[i * stride + j] / scale[j]);  // default rounding: to nearest even
      const float clamped = std::min(std::max(v, -static_cast<float>(kInt8Max)), static_cast<float>(kInt8Max));
      if (q != nullptr) q[i * stride + j] = static_cast<int8_t>(clamped);
      if (q_as_float != nullptr) q_as_float[i * stride + j] = clamped;
    }
  }
}

IsaExtension DotProductExtension(WeightPrecision precision) {
  return precision == WeightPrecision::kInt8 ? IsaExtension::kAvx512Vnni : IsaExtension::kAvx512Bf16;
}

const char* DotProductName(WeightPrecision precision) {
  return precision == WeightPrecision::kInt8 ? "vnni" : "dpbf16";
}

int DotProductGroup(WeightPrecision precision) {
  switch (precision) {
    case WeightPrecision::kInt8: return 4;
    case WeightPrecision::kBf16: return 2;
    default: return 1;
  }
}

}  // namespace tflatency
