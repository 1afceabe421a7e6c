// The column split of the multi-core bounds (bound/*_2cores): worker w of
// `workers` owns gate columns [WorkerColumn(w), WorkerColumn(w + 1)) of every
// weight matrix (each G*H wide), a contiguous share cut at whole vectors of
// `lanes` floats; WorkerColumn(0) = 0, WorkerColumn(workers) = G*H.
#ifndef TFLATENCY_CC_BOUND_WORKER_COLUMNS_H_
#define TFLATENCY_CC_BOUND_WORKER_COLUMNS_H_

#include <cstdint>

#include "cc/common/rnn_shape.h"

namespace tflatency {

int64_t WorkerColumn(const RnnShape& shape, int64_t lanes, int64_t workers, int64_t w);

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_WORKER_COLUMNS_H_
