// The model-shape flags (see rnn_shape_flags.h).
#include "cc/harness/rnn_shape_flags.h"

#include <algorithm>
#include <cstdio>

namespace tflatency {
namespace {

constexpr int64_t kMaxDimension = int64_t{1} << 24;
// As python/tflatency/model_config.py's MAX_WEIGHT_BYTES, and the same for activations.
constexpr double kMaxWeightBytes = 4.0 * (1ull << 30);
constexpr double kMaxActivationBytes = 4.0 * (1ull << 30);
constexpr double kMaxFmaCount = 1e18;  // int64_t holds 9.2e18.

// Empty when the model is small enough to allocate and count without overflow,
// else one line saying why not.
std::string CheckShapeSize(const RnnShape& s) {
  // In double, so that the check itself cannot overflow.
  const double gh = static_cast<double>(Gates(s.cell)) * s.units;
  const double widest = std::max<double>(s.input_size, s.units) + s.units;
  const double rows = (s.input_size + s.units) + (s.layers - 1.0) * (2.0 * s.units);
  const double weights = 4.0 * gh * (rows + s.layers * BiasVectors(s.cell));
  const double activations = 4.0 * s.time_steps * s.batch * (widest + 2 * gh);
  const double fmas = gh * rows * s.time_steps * s.batch;
  char line[200];
  if (weights > kMaxWeightBytes) {
    std::snprintf(line, sizeof(line),
                  "model too large: %.1f GiB of weights exceeds the 4 GiB limit (reduce --units or --layers)",
                  weights / (1ull << 30));
    return line;
  }
  if (activations > kMaxActivationBytes) {
    std::snprintf(line, sizeof(line),
                  "model too large: %.1f GiB of activations exceeds the 4 GiB limit "
                  "(reduce --time_steps or --batch)",
                  activations / (1ull << 30));
    return line;
  }
  if (fmas > kMaxFmaCount) return "model too large: more than 1e18 FMAs (reduce --time_steps or --batch)";
  return "";
}

}  // namespace

void RnnShapeFlags::AddTo(FlagParser* parser, const std::string& source, const std::string& unless) {
  const std::string from = "; " + source;
  parser->AddChoice("cell", &cell_, {"lstm", "gru"}, "the model's cell" + from);
  parser->AddPositiveInt("layers", &shape_.layers, kMaxDimension, "N", "stacked layers" + from);
  parser->AddPositiveInt("units", &shape_.units, kMaxDimension, "N", "units per layer" + from);
  parser->AddPositiveInt("input_size", &shape_.input_size, kMaxDimension, "N", "features per time step" + from);
  parser->AddPositiveInt("time_steps", &shape_.time_steps, kMaxDimension, "N", "time steps" + from);
  parser->AddPositiveInt("batch", &shape_.batch, kMaxDimension, "N", "sequences per inference" + from);
  for (const char* name : {"cell", "layers", "units", "input_size", "time_steps", "batch"}) {
    parser->Required(name, unless);
  }
}

std::string RnnShapeFlags::ToShape(RnnShape* shape) const {
  RnnShape s = shape_;
  CellFromName(cell_, &s.cell);  // the parser has checked it
  const std::string error = CheckShapeSize(s);
  if (error.empty()) *shape = s;
  return error;
}

}  // namespace tflatency
