// Compares every output of a model with its golden data, by the outputs'
// TensorSpecs (any of the dtypes a golden header holds: float32, int32, int64,
// bool). One verdict for the model: the first output that fails, else the one
// with the largest difference; the output is named when the model has several,
// so single-output models read exactly as before ("FAILED: max |got - golden|
// = ... at element i").
#ifndef TFLATENCY_CC_HARNESS_GOLDEN_OUTPUTS_H_
#define TFLATENCY_CC_HARNESS_GOLDEN_OUTPUTS_H_

#include <cstdint>
#include <cstring>
#include <string>

#include "cc/harness/golden_compare.h"
#include "cc/harness/tensor_spec.h"

namespace tflatency {

// One output, `got` and `want` holding spec.size elements of spec.dtype.
inline GoldenResult CompareTensor(const void* got, const void* want, const TensorSpec& spec, double atol,
                                  double rtol) {
  const std::string dtype = spec.dtype;
  if (dtype == "float32") {
    return CompareToGolden(static_cast<const float*>(got), static_cast<const float*>(want), spec.size, atol, rtol);
  }
  if (dtype == "int32") {
    return CompareToGolden(static_cast<const int32_t*>(got), static_cast<const int32_t*>(want), spec.size, atol,
                           rtol);
  }
  if (dtype == "int64") {
    return CompareToGolden(static_cast<const int64_t*>(got), static_cast<const int64_t*>(want), spec.size, atol,
                           rtol);
  }
  // bool: compared as bytes 0/1
  return CompareToGolden(static_cast<const uint8_t*>(got), static_cast<const uint8_t*>(want), spec.size, 0.0, 0.0);
}

// Every output of Golden (a generated golden struct); output_data(j) is the
// computed output j (in Golden's order, sorted by name), or nullptr when missing.
template <class Golden, class OutputData>
GoldenResult CompareOutputs(OutputData output_data) {
  GoldenResult verdict;
  for (int j = 0; j < Golden::kNumOutputs; ++j) {
    const void* got = output_data(j);
    GoldenResult result;
    if (got == nullptr) {
      result.ok = false;
      result.max_abs_diff = -1;
    } else {
      result = CompareTensor(got, Golden::kOutputData[j], Golden::kOutputSpecs[j], Golden::kAtol[j],
                             Golden::kRtol[j]);
    }
    if (Golden::kNumOutputs > 1) result.output = Golden::kOutputSpecs[j].name;
    if (!result.ok) return result;
    if (j == 0 || result.max_abs_diff > verdict.max_abs_diff) verdict = result;
  }
  return verdict;
}

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_GOLDEN_OUTPUTS_H_
