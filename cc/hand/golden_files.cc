// Golden files of an exported model for the hand-written kernel (see golden_files.h).
#include "cc/hand/golden_files.h"

namespace tflatency {

std::string LoadHandGolden(const std::string& prefix, const HandModelConfig& config, HandGolden* golden) {
  const HandModelFiles files = HandFilesFromPrefix(prefix);
  std::string error = ReadFloatFile(files.input0(), InputFloats(config), &golden->input);
  if (error.empty()) error = ReadFloatFile(files.output(), OutputFloats(config), &golden->output);
  return error;
}

double HandGoldenAtol(const HandRnn& rnn) {
  return rnn.precision() == WeightPrecision::kFp32 ? rnn.config().atol : rnn.max_abs_error_allowed();
}

double HandGoldenRtol(const HandRnn& rnn) {
  return rnn.precision() == WeightPrecision::kFp32 ? rnn.config().rtol : 0.0;
}

GoldenResult CheckHandGolden(HandRnn* rnn, const HandGolden& golden) {
  // NaN-filled first, so an element the kernel never wrote fails.
  std::vector<float> got(golden.output.size(), __builtin_nanf(""));
  rnn->Run(golden.input.data(), got.data());
  const double atol = HandGoldenAtol(*rnn), rtol = HandGoldenRtol(*rnn);
  return CompareToGolden(got.data(), golden.output.data(), static_cast<int64_t>(got.size()), atol, rtol);
}

}  // namespace tflatency
