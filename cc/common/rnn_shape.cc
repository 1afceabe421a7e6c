// Counts derived from an RnnShape (see rnn_shape.h).
#include "cc/common/rnn_shape.h"

namespace tflatency {

const char* CellName(Cell cell) { return cell == Cell::kGru ? "gru" : "lstm"; }

bool CellFromName(const std::string& name, Cell* cell) {
  for (Cell candidate : {Cell::kLstm, Cell::kGru}) {
    if (name == CellName(candidate)) {
      *cell = candidate;
      return true;
    }
  }
  return false;
}

int64_t Gates(Cell cell) { return cell == Cell::kGru ? 3 : 4; }

int64_t BiasVectors(Cell cell) { return cell == Cell::kGru ? 2 : 1; }

int64_t LayerInputSize(const RnnShape& shape, int64_t layer) { return layer == 0 ? shape.input_size : shape.units; }

int64_t FmaCount(const RnnShape& shape) {
  int64_t per_step = 0;
  for (int64_t l = 0; l < shape.layers; ++l) {
    per_step += Gates(shape.cell) * shape.units * (LayerInputSize(shape, l) + shape.units);
  }
  return per_step * shape.time_steps * shape.batch;
}

int64_t NeededFmaCount(const RnnShape& shape) {
  return FmaCount(shape) - shape.layers * Gates(shape.cell) * shape.units * shape.units * shape.batch;
}

int64_t WeightFloats(const RnnShape& shape) {
  const int64_t gh = Gates(shape.cell) * shape.units;
  int64_t floats = 0;
  for (int64_t l = 0; l < shape.layers; ++l) {
    floats += gh * (LayerInputSize(shape, l) + shape.units + BiasVectors(shape.cell));
  }
  return floats;
}

int64_t WeightBytes(const RnnShape& shape) { return 4 * WeightFloats(shape); }

int64_t StreamedWeightBytes(const RnnShape& shape) {
  const int64_t gh = Gates(shape.cell) * shape.units;
  int64_t floats = 0;
  for (int64_t l = 0; l < shape.layers; ++l) {
    floats += gh * (LayerInputSize(shape, l) + 1 + (shape.time_steps - 1) * shape.units);
  }
  return floats * 4;
}

int64_t PerStepWeightBytes(const RnnShape& shape) { return WeightBytes(shape) * shape.time_steps; }

int64_t InputFloats(const RnnShape& shape) { return shape.batch * shape.time_steps * shape.input_size; }

int64_t OutputFloats(const RnnShape& shape) { return shape.batch * shape.time_steps * shape.units; }

}  // namespace tflatency
