// The compute bound split across a team (see fma_team.h).
#include "cc/bound/fma_team.h"

#include "cc/bound/kernels.h"
#include "cc/bound/worker_columns.h"

namespace tflatency {

FmaPeakTeam::FmaPeakTeam(const RnnShape& shape, Isa isa, SpinTeam* team)
    : isa_(isa), team_(team), phases_(team->workers()), results_(new Result[team->workers()]) {
  const int workers = team->workers();
  for (int w = 0; w < workers; ++w) {
    const int64_t cols = WorkerColumn(shape, Lanes(isa), workers, w + 1) - WorkerColumn(shape, Lanes(isa), workers, w);
    for (int64_t l = 0; l < shape.layers; ++l) {
      phases_[w].push_back({shape.time_steps * shape.batch * LayerInputSize(shape, l) * cols, false});
      for (int64_t t = 0; t < shape.time_steps; ++t) {
        phases_[w].push_back({t == 0 ? 0 : shape.batch * shape.units * cols, true});
      }
    }
  }
}

int64_t FmaPeakTeam::performed_fmas() const {
  const int64_t round = int64_t{kPeakAccumulators} * Lanes(isa_);
  int64_t total = 0;
  for (const auto& worker : phases_) {
    for (const Phase& p : worker) total += (p.fmas + round - 1) / round * round;
  }
  return total;
}

int64_t FmaPeakTeam::calls() const {
  int64_t total = 0;
  for (const auto& worker : phases_) {
    for (const Phase& p : worker) total += p.fmas > 0 ? 1 : 0;
  }
  return total;
}

float FmaPeakTeam::Run(float m, float c) {
  if (m_ != m || c_ != c) {
    m_ = m;
    c_ = c;
  }
  team_->Run(&FmaPeakTeam::TeamJob, this);
  float sum = 0.0f;
  for (int w = 0; w < team_->workers(); ++w) sum += results_[w].value;
  return sum;
}

void FmaPeakTeam::TeamJob(void* self, int worker) {
  FmaPeakTeam* t = static_cast<FmaPeakTeam*>(self);
  // Locals only once the last barrier is passed: worker 0 may already have
  // returned from Run and the caller destroyed this object.
  SpinTeam* const team = t->team_;
  const Isa isa = t->isa_;
  const float m = t->m_, c = t->c_;
  const Phase* const phases = t->phases_[worker].data();
  const size_t count = t->phases_[worker].size();
  float* const result = &t->results_[worker].value;
  float sum = 0.0f;
  for (size_t i = 0; i < count; ++i) {
    if (phases[i].fmas > 0) sum += FmaPeak(isa, phases[i].fmas, m, c);
    // Published before the last barrier (the last phase is a step: it has one),
    // so Run can read every worker's result when worker 0 returns.
    if (i + 1 == count) *result = sum;
    if (phases[i].barrier_after) team->Barrier(worker);
  }
}

}  // namespace tflatency
