// bound_bench's own flags, parsed after benchmark::Initialize has taken the
// --benchmark_* ones: an RNN's shape (cc/harness/rnn_shape_flags.h), or any
// model's size (a user's model: scripts/bench --saved_model/--keras),
//   --weight_bytes=N [--fma_count=N]   every weight byte streamed once; the FMAs
//                                      at peak rate (absent: unknown, no such case)
// and
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
  RnnShape shape;          // an RNN's, or for any model the one-matrix stand-in below
  bool any_model = false;  // --weight_bytes: not an RNN; only fma_peak and weight_stream apply
  int64_t fma_count = 0;   // any model's --fma_count; 0: unknown
  Isa isa = Isa::kScalar;
  bool isa_forced = false;  // --isa given
};

// Any model's weight stream as the RNN stream model's simplest case: one LSTM
// layer of 16 units, one time step, batch 1, so one input kernel of 64 columns
// and as many rows as make `weight_bytes` (rounded up to a whole row), read once
// with its bias: every weight byte streamed once through the same matvec kernel.
RnnShape StreamShapeForBytes(int64_t weight_bytes);

class BoundFlags {
 public:
  void AddTo(FlagParser* parser);
  // After a successful parse: the config, or one line naming the flag whose
  // value cannot be used (an ISA this CPU lacks, a model too large).
  std::string ToConfig(BoundConfig* config) const;

 private:
  RnnShapeFlags shape_;
  int64_t weight_bytes_ = 0;
  int64_t fma_count_ = 0;
  std::string isa_;
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_FLAGS_H_
