// //cc/common:rnn_counts: the counts cc/common/rnn_shape.h derives from a shape
// given as flags (cc/harness/rnn_shape_flags.h), printed as one JSON object, so
// that rnn_counts_test can hold them against python/tflatency/model_config.py:
//   rnn_counts --cell=gru --layers=3 --units=64 --input_size=40 --time_steps=3 --batch=1
//   {"cell": "gru", "gates": 3, "bias_vectors": 2, "fma_count": 207360, ...}
// Exits 2 with one line on a bad flag.
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cc/common/rnn_shape.h"
#include "cc/harness/flags.h"
#include "cc/harness/rnn_shape_flags.h"

int main(int argc, char** argv) {
  tflatency::FlagParser parser;
  tflatency::RnnShapeFlags shape_flags;
  shape_flags.AddTo(&parser, "the shape whose counts to print");
  std::string error = parser.ParseAll(argc, argv);
  tflatency::RnnShape shape;
  if (error.empty()) error = shape_flags.ToShape(&shape);
  if (!error.empty()) {
    std::fprintf(stderr, "rnn_counts: %s\n", error.c_str());
    return 2;
  }
  const std::vector<std::pair<const char*, int64_t>> counts = {
      {"gates", tflatency::Gates(shape.cell)},
      {"bias_vectors", tflatency::BiasVectors(shape.cell)},
      {"fma_count", tflatency::FmaCount(shape)},
      {"needed_fma_count", tflatency::NeededFmaCount(shape)},
      {"weight_floats", tflatency::WeightFloats(shape)},
      {"weight_bytes", tflatency::WeightBytes(shape)},
      {"streamed_weight_bytes", tflatency::StreamedWeightBytes(shape)},
      {"per_step_weight_bytes", tflatency::PerStepWeightBytes(shape)},
      {"input_floats", tflatency::InputFloats(shape)},
      {"output_floats", tflatency::OutputFloats(shape)},
  };
  std::printf("{\"cell\": \"%s\"", tflatency::CellName(shape.cell));
  for (const auto& count : counts) std::printf(", \"%s\": %lld", count.first, static_cast<long long>(count.second));
  std::printf("}\n");
  return 0;
}
