// Counts derived from a RecurrentShape (see bound_shape.h).
#include "cc/bound_shape.h"

#include <algorithm>
#include <cstdio>

namespace tflatency {
namespace {

// As python/tflatency/model_config.py's MAX_WEIGHT_BYTES, and the same for activations.
constexpr double kMaxWeightBytes = 4.0 * (1ull << 30);
constexpr double kMaxActivationBytes = 4.0 * (1ull << 30);
constexpr double kMaxFmaCount = 1e18;  // int64_t holds 9.2e18.

}  // namespace

const char* CellName(Cell cell) { return cell == Cell::kLstm ? "lstm" : "gru"; }

int64_t Gates(Cell cell) { return cell == Cell::kLstm ? 4 : 3; }

int64_t BiasVectors(Cell cell) { return cell == Cell::kLstm ? 1 : 2; }

int64_t LayerInputSize(const RecurrentShape& shape, int64_t layer) {
  return layer == 0 ? shape.input_size : shape.units;
}

int64_t FmaCount(const RecurrentShape& shape) {
  int64_t per_step = 0;
  for (int64_t l = 0; l < shape.layers; ++l) {
    per_step += Gates(shape.cell) * shape.units * (LayerInputSize(shape, l) + shape.units);
  }
  return per_step * shape.time_steps * shape.batch;
}

int64_t NeededFmaCount(const RecurrentShape& shape) {
  return FmaCount(shape) - shape.layers * Gates(shape.cell) * shape.units * shape.units * shape.batch;
}

int64_t WeightBytes(const RecurrentShape& shape) {
  const int64_t gh = Gates(shape.cell) * shape.units;
  int64_t floats = 0;
  for (int64_t l = 0; l < shape.layers; ++l) {
    floats += gh * (LayerInputSize(shape, l) + shape.units) + BiasVectors(shape.cell) * gh;
  }
  return floats * 4;
}

int64_t StreamedWeightBytes(const RecurrentShape& shape) {
  const int64_t gh = Gates(shape.cell) * shape.units;
  int64_t floats = 0;
  for (int64_t l = 0; l < shape.layers; ++l) {
    floats += gh * (LayerInputSize(shape, l) + 1 + (shape.time_steps - 1) * shape.units);
  }
  return floats * 4;
}

int64_t PerStepWeightBytes(const RecurrentShape& shape) { return WeightBytes(shape) * shape.time_steps; }

int64_t WorkerColumn(const RecurrentShape& shape, int64_t lanes, int64_t workers, int64_t w) {
  const int64_t gh = Gates(shape.cell) * shape.units;
  const int64_t vectors = (gh + lanes - 1) / lanes;
  return std::min(gh, lanes * (vectors * w / workers));
}

std::string CheckShapeSize(const RecurrentShape& s) {
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

}  // namespace tflatency
