// The name, dtype and shape of one input or output of a model, as written into
// each generated golden header; lets bindings check arguments without TF.
#ifndef TFLATENCY_CC_HARNESS_TENSOR_SPEC_H_
#define TFLATENCY_CC_HARNESS_TENSOR_SPEC_H_

#include <cstdint>

namespace tflatency {

struct TensorSpec {
  static constexpr int kMaxRank = 8;
  const char* name;   // the signature's key: "x", "output_0"
  const char* dtype;  // NumPy's name: "float32", "int32", "int64", "bool"
  int rank;
  int64_t dims[kMaxRank];
  int64_t size;  // elements
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_TENSOR_SPEC_H_
