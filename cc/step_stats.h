// Per-op view of the TF C++ API (issue 16): Session::Run with RunOptions
// FULL_TRACE, and what its step stats say about one call. For each traced run:
//   nodes       NodeExecStats recorded (every executed node, _SOURCE and _Arg/_Retval included)
//   kernel_sum  sum over nodes of op_end_rel - op_start_rel (time inside OpKernel::Compute)
//   busy        the union of those intervals over all threads (time some kernel ran)
//   overlap     kernel_sum / busy: how many kernels ran at once, on average, while any ran
//               (1: one after another). Not a thread count: TensorFlow leaves NodeExecStats'
//               thread_id at 0 for every node (seen on the TF this project pins), so the
//               threads a step used cannot be counted from its step stats.
//   span        first node start to last node end (the executor's part of the step)
//   gap         span - busy: inside the step, no kernel running (scheduling, hand-offs)
//   outside     Session::Run's wall time - span (feeds, fetches, executor set-up, tracing)
// Medians over the runs, plus the heaviest op types by (median) kernel time. Tracing costs time
// itself: these are times under FULL_TRACE, for shares, not for the latency figure.
#ifndef TFLATENCY_CC_STEP_STATS_H_
#define TFLATENCY_CC_STEP_STATS_H_

#include <string>
#include <utility>
#include <vector>

#include "tensorflow/core/framework/tensor.h"
#include "tensorflow/core/public/session.h"

namespace tflatency {

struct OpTime {
  std::string op;     // the op type (MatMul, ...): from timeline_label's "name = Op(...)", else node_name
  double us = 0;      // kernel time per run summed over its nodes, median over the runs
  double nodes = 0;   // nodes of this op in the first traced run
};

struct StepStatsSummary {
  std::string name;   // e.g. cpp_api/inline/rnn
  std::string config; // the thread configuration's description
  int runs = 0;
  double nodes = 0, overlap = 0, wall_us = 0, span_us = 0, kernel_sum_us = 0, busy_us = 0, gap_us = 0,
         outside_us = 0;  // medians over the runs
  std::vector<OpTime> top_ops;  // heaviest first
};

// Runs `runs` traced Session::Run calls (after `warmup` untraced and traced ones); "" or an error line.
std::string CollectStepStats(tensorflow::Session* session,
                             const std::vector<std::pair<std::string, tensorflow::Tensor>>& inputs,
                             const std::vector<std::string>& output_names, int warmup, int runs,
                             StepStatsSummary* summary);

// {"program", "trace_level", "paths": [...]} to `path`; "" or an error line.
std::string WriteStepStatsJson(const std::vector<StepStatsSummary>& summaries, const std::string& path);

}  // namespace tflatency

#endif  // TFLATENCY_CC_STEP_STATS_H_
