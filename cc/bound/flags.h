// bound_bench's own flags, parsed after benchmark::Initialize has taken the
// --benchmark_* ones: the model's shape (cc/harness/rnn_shape_flags.h,
// required) and
//   --isa=avx512|avx2|scalar   (default: the widest this CPU supports)
#ifndef TFLATENCY_CC_BOUND_FLAGS_H_
#define TFLATENCY_CC_BOUND_FLAGS_H_

#include <string>

#include "cc/common/isa.h"
#include "cc/common/rnn_shape.h"
#include "cc/harness/flags.h"
#include "cc/harness/rnn_shape_flags.h"

namespace tflatency {

// What the bounds are measured for.
struct BoundConfig {
  RnnShape shape;
  Isa isa = Isa::kScalar;
  bool isa_forced = false;  // --isa given
};

class BoundFlags {
 public:
  void AddTo(FlagParser* parser);
  // After a successful parse: the config, or one line naming the flag whose
  // value cannot be used (an ISA this CPU lacks, a model too large).
  std::string ToConfig(BoundConfig* config) const;

 private:
  RnnShapeFlags shape_;
  std::string isa_;
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_FLAGS_H_
