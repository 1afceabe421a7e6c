// The hand-written kernel's portable path: plain C++ floats (one "lane") for
// the loops of rnn_kernel_impl.h, e^x from <cmath>. Built with
// -fno-tree-vectorize (see cc/hand/BUILD) so that it stays scalar and shows what the
// vector paths are worth.
#include <cmath>
#include <cstdint>
#include <cstring>

#define HAND_TARGET
#define HAND_V_INLINE static inline __attribute__((always_inline))

namespace tflatency {
namespace hand {
namespace {

struct Scalar {
  using R = float;
  static constexpr int kLanes = 1;
  static constexpr int kUnitVecs = 2;
  static constexpr int kProjVecs = 4;
  static constexpr int kProjRows = 2;

  HAND_V_INLINE R Load(const float* p) { return *p; }
  HAND_V_INLINE R LoadW(const float* p) { return *p; }
  HAND_V_INLINE R LoadW(const uint16_t* p) {  // bf16 bits: the upper half of a float
    const uint32_t bits = static_cast<uint32_t>(*p) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  HAND_V_INLINE R LoadW(const int8_t* p) { return static_cast<float>(*p); }
  HAND_V_INLINE void Store(float* p, R v) { *p = v; }
  HAND_V_INLINE R Set1(float x) { return x; }
  HAND_V_INLINE R Zero() { return 0.0f; }
  HAND_V_INLINE R Add(R a, R b) { return a + b; }
  HAND_V_INLINE R Sub(R a, R b) { return a - b; }
  HAND_V_INLINE R Mul(R a, R b) { return a * b; }
  HAND_V_INLINE R Fmadd(R a, R b, R c) { return a * b + c; }
  HAND_V_INLINE R Div(R a, R b) { return a / b; }
  HAND_V_INLINE R Exp(R x) { return std::exp(std::fmin(std::fmax(x, -87.0f), 88.0f)); }
};

}  // namespace
}  // namespace hand
}  // namespace tflatency

#include "cc/hand/rnn_kernel_impl.h"

namespace tflatency {
namespace hand {

Geometry ScalarGeometry() { return GeometryOf<Scalar>(); }

void RunScalar(const Plan& plan, const Workspace& ws, int worker, const float* input, float* output) {
  switch (plan.precision) {
    case WeightPrecision::kBf16: return RunModel<Scalar, uint16_t>(plan, ws, worker, input, output);
    case WeightPrecision::kInt8: return RunModel<Scalar, int8_t>(plan, ws, worker, input, output);
    default: return RunModel<Scalar>(plan, ws, worker, input, output);
  }
}

}  // namespace hand
}  // namespace tflatency
