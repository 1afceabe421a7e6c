// The model-shape flags of the programs that take a recurrent model's shape
// on the command line (bound_bench, rnn_counts), all required: there is no
// default model in C++. `bazel run //cc:bound_bench` passes the benchmarked
// model's through --flagfile (//model:model_shape_flags).
//   --cell=lstm|gru --layers=N --units=N --input_size=N --time_steps=N --batch=N
#ifndef TFLATENCY_CC_HARNESS_RNN_SHAPE_FLAGS_H_
#define TFLATENCY_CC_HARNESS_RNN_SHAPE_FLAGS_H_

#include <cstdint>
#include <string>

#include "cc/common/rnn_shape.h"
#include "cc/harness/flags.h"

namespace tflatency {

class RnnShapeFlags {
 public:
  // Adds the six flags, required (unless flag `unless` is given, when it is not
  // empty); `source` ends each one's help, saying where the value usually comes from.
  void AddTo(FlagParser* parser, const std::string& source, const std::string& unless = "");
  // After a successful parse: the shape, or one line saying why it cannot be
  // used (too large to allocate or to count without overflow).
  std::string ToShape(RnnShape* shape) const;

 private:
  std::string cell_;
  RnnShape shape_;
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_RNN_SHAPE_FLAGS_H_
