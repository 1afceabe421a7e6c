// The column split of the multi-core bounds (see worker_columns.h).
#include "cc/bound/worker_columns.h"

#include <algorithm>

namespace tflatency {

int64_t WorkerColumn(const RnnShape& shape, int64_t lanes, int64_t workers, int64_t w) {
  const int64_t gh = Gates(shape.cell) * shape.units;
  const int64_t vectors = (gh + lanes - 1) / lanes;
  return std::min(gh, lanes * (vectors * w / workers));
}

}  // namespace tflatency
