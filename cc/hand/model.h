// An exported recurrent model as the hand-written kernel sees it: the config
// read from <prefix>_info.json, and the raw float32 files next to it
// (<prefix>_weights.bin, <prefix>_input0.bin, <prefix>_output0.bin) written by
// //python:export_model. Every failure is one line naming the file and field.
#ifndef TFLATENCY_CC_HAND_MODEL_H_
#define TFLATENCY_CC_HAND_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cc/common/rnn_shape.h"

namespace tflatency {

// The model's shape (and with it every count: cc/common/rnn_shape.h), name and
// golden tolerance.
struct HandModelConfig : RnnShape {
  std::string name = "unnamed";
  double atol = 1e-5;  // golden tolerance: |got - want| <= atol + rtol * |want|
  double rtol = 1e-4;
  // Max |got - golden| of a bf16 or int8 path: info.json's "reduced_precision_atol"
  // (tflatency.golden.REDUCED_PRECISION_ATOL, the one place it is stated); NaN when the file has none.
  double reduced_precision_atol = __builtin_nan("");
};

// "" if the shape is usable (positive, not absurdly large), else why not.
std::string CheckHandConfig(const HandModelConfig& config);

// The files of an exported model. `prefix` is the path prefix (".../rnn_547k");
// a path to the _info.json file itself is accepted too.
struct HandModelFiles {
  std::string prefix;
  std::string info() const { return prefix + "_info.json"; }
  std::string weights() const { return prefix + "_weights.bin"; }
  std::string input0() const { return prefix + "_input0.bin"; }
  std::string output() const { return prefix + "_output0.bin"; }
};
HandModelFiles HandFilesFromPrefix(const std::string& prefix_or_info);

// Reads <prefix>_info.json ("config" block, outputs.0.atol and .rtol; checks fma_count against
// FmaCount of the config). Returns "" or the error.
std::string LoadHandModelConfig(const std::string& info_path, HandModelConfig* config);

// Reads a raw little-endian float32 file that must hold exactly `count` floats,
// all finite. Returns "" or the error.
std::string ReadFloatFile(const std::string& path, int64_t count, std::vector<float>* out);

}  // namespace tflatency

#endif  // TFLATENCY_CC_HAND_MODEL_H_
