// The compute bound split across cores (bound/fma_peak_2cores): the model's
// FMAs at peak rate (register-resident, as bound/fma_peak), divided among a
// team exactly as bound/weight_stream_2cores divides the products, and with
// the same synchronisation: worker w owns gate columns [c_w, c_{w+1})
// (WorkerColumn in worker_columns.h) and does, per layer,
//   input pass   time_steps * batch * D_in * (c_{w+1} - c_w) FMAs, then
//   per step     batch * H * (c_{w+1} - c_w) FMAs (none at step 0: the zero
//                initial state), then the team's spin barrier (the next step
//                needs all of h).
// The workers' shares add up to NeededFmaCount (each phase rounded up to whole
// rounds of the peak loop: performed_fmas()).
#ifndef TFLATENCY_CC_BOUND_FMA_TEAM_H_
#define TFLATENCY_CC_BOUND_FMA_TEAM_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "cc/common/isa.h"
#include "cc/common/rnn_shape.h"
#include "cc/common/spin_team.h"

namespace tflatency {

class FmaPeakTeam {
 public:
  // The team must outlive this object.
  FmaPeakTeam(const RnnShape& shape, Isa isa, SpinTeam* team);

  // One inference's FMAs on all workers; returns the sum of every worker's
  // FmaPeak results (to be consumed). m and c as for FmaPeak.
  float Run(float m, float c);

  // FMAs one Run performs, all workers: each phase rounded up to a multiple of
  // kPeakAccumulators * Lanes(isa).
  int64_t performed_fmas() const;
  // FmaPeak calls (phases with at least one FMA) one Run makes, all workers.
  int64_t calls() const;

 private:
  struct Phase {
    int64_t fmas;
    bool barrier_after;
  };
  struct alignas(64) Result {
    float value = 0.0f;
  };
  static void TeamJob(void* self, int worker);

  // Read-only while jobs run (m_, c_ are rewritten only when they change), so
  // the helpers never wait for a line worker 0 has just written.
  Isa isa_;
  SpinTeam* team_;
  std::vector<std::vector<Phase>> phases_;  // per worker
  std::unique_ptr<Result[]> results_;       // per worker, a line each
  float m_ = 0.0f, c_ = 0.0f;
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_BOUND_FMA_TEAM_H_
