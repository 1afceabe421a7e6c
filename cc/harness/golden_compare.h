// Compares a computed output with a golden output, element by element.
// The correctness gate of every C++ path: a benchmark reports no time for a
// computation that failed it.
#ifndef TFLATENCY_CC_HARNESS_GOLDEN_COMPARE_H_
#define TFLATENCY_CC_HARNESS_GOLDEN_COMPARE_H_

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

namespace tflatency {

struct GoldenResult {
  bool ok = true;
  double max_abs_diff = 0;
  int64_t worst_index = -1;
  std::string output;  // named in the verdict when the model has several outputs
  std::string Describe() const {
    std::ostringstream out;
    out << (ok ? "passed" : "FAILED") << ": " << (output.empty() ? "" : "output '" + output + "': ")
        << "max |got - golden| = " << max_abs_diff;
    if (!ok) out << " at element " << worst_index;
    return out.str();
  }
};

// Passes when |got - want| <= atol + rtol * |want| for every element (NaN fails).
template <typename Got, typename Want>
GoldenResult CompareToGolden(const Got* got, const Want* want, int64_t n, double atol, double rtol) {
  GoldenResult result;
  for (int64_t i = 0; i < n; ++i) {
    const double g = static_cast<double>(got[i]);
    const double w = static_cast<double>(want[i]);
    const double diff = std::fabs(g - w);
    const bool element_ok = diff <= atol + rtol * std::fabs(w);  // false for NaN
    if (!element_ok && result.ok) result.worst_index = i;
    result.ok = result.ok && element_ok;
    if (!(diff <= result.max_abs_diff)) {
      result.max_abs_diff = diff;
      if (!result.ok && !element_ok) result.worst_index = i;
    }
  }
  return result;
}

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_GOLDEN_COMPARE_H_
