// Reduced-precision weights, one definition for the hand-written kernel
// (cc/hand/rnn_plan.h) and the bounds (cc/bound/narrow_stream_model.h): fp32 ->
// bf16 (round to nearest even) and fp32 -> int8 with one symmetric scale per
// output column. Both are applied once, at load time; the kernels widen the
// narrowed values back to fp32 exactly and accumulate in fp32.
#ifndef TFLATENCY_CC_COMMON_PRECISION_H_
#define TFLATENCY_CC_COMMON_PRECISION_H_

#include <cstdint>
#include <string>

#include "cc/common/isa.h"

namespace tflatency {

// The weights' precision (the kernels always accumulate in fp32).
enum class WeightPrecision { kFp32, kBf16, kInt8 };

const char* PrecisionName(WeightPrecision precision);  // "fp32", "bf16", "int8"
bool PrecisionFromName(const std::string& name, WeightPrecision* precision);
int PrecisionBytes(WeightPrecision precision);  // bytes per weight: 4, 2, 1

// The upper 16 bits of x rounded to nearest, ties to even (x finite), and back.
uint16_t Bf16Bits(float x);
float Bf16ToFloat(uint16_t bits);
inline float RoundToBf16(float x) { return Bf16ToFloat(Bf16Bits(x)); }

// Narrowed activations (bf16, int8 weights on the avx512 path): the dot-product instruction that
// multiplies them with the weights, its extension (AVX512_BF16's vdpbf16ps, AVX512_VNNI's vpdpbusd),
// its name in a path's name ("dpbf16", "vnni"), and the values one 32-bit lane of it takes (2, 4; fp32: 1).
IsaExtension DotProductExtension(WeightPrecision precision);
const char* DotProductName(WeightPrecision precision);
int DotProductGroup(WeightPrecision precision);

constexpr int kInt8Max = 127;  // symmetric: -127..127, so -s*127 and s*127 are both exact

// Per-column int8 quantization of a row-major [rows][cols] matrix: scale[j] =
// max_i |w[i][j]| / 127 (1 for an all-zero column), q[i][j] = w[i][j] / scale[j]
// rounded to nearest (ties to even), saturated to [-127, 127]. q may be the
// caller's int8 array or null; q_as_float (or null) gets the same values as floats; both
// laid out like w (row i at i * stride).
void QuantizeColumnsInt8(const float* w, int64_t rows, int64_t cols, int64_t stride, int8_t* q,
                         float* q_as_float, float* scale);

}  // namespace tflatency

#endif  // TFLATENCY_CC_COMMON_PRECISION_H_
