// Golden check of the hand-written kernel against an exported model's own
// files (<prefix>_input0.bin, <prefix>_output0.bin, tolerance from _info.json),
// so the benchmark and the test work for any exported LSTM/GRU config.
#ifndef TFLATENCY_CC_HAND_GOLDEN_FILES_H_
#define TFLATENCY_CC_HAND_GOLDEN_FILES_H_

#include <string>
#include <vector>

#include "cc/hand/rnn.h"
#include "cc/harness/golden_compare.h"

namespace tflatency {

struct HandGolden {
  std::vector<float> input, output;
};

// Reads the golden input and output of the model at `prefix`, sized by
// `config`. Returns "" or one line naming the file.
std::string LoadHandGolden(const std::string& prefix, const HandModelConfig& config, HandGolden* golden);

// The golden check's tolerance for `rnn`: the model's atol/rtol for fp32 weights; for bf16 and
// int8 max |got - golden| <= reduced_precision_atol (rtol 0).
double HandGoldenAtol(const HandRnn& rnn);
double HandGoldenRtol(const HandRnn& rnn);
// Runs `rnn` once on the golden input and compares with the golden output at those tolerances.
GoldenResult CheckHandGolden(HandRnn* rnn, const HandGolden& golden);

}  // namespace tflatency

#endif  // TFLATENCY_CC_HAND_GOLDEN_FILES_H_
