// A small fixed team of threads meeting at a spin barrier, shared by the
// hand-written kernel's multi-core mode (unpinned) and the two-core bounds
// (bound/*_2cores, each helper pinned to its own CPU so that each core's L2
// keeps its share of the weights between inferences). The calling thread is
// worker 0, persistent helper threads are workers 1..n-1 (a helper is pinned
// when the constructor is given a CPU for it; worker 0 is pinned by its
// caller, with ScopedPin, if at all). Run() starts one job on all of them;
// Barrier() is the spin barrier they meet at where the computation needs one
// (after every recurrent step). Helpers spin while jobs come back to back and
// sleep on a condition variable after ~1 ms idle, so an idle team costs
// nothing.
#ifndef TFLATENCY_CC_COMMON_SPIN_TEAM_H_
#define TFLATENCY_CC_COMMON_SPIN_TEAM_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tflatency {

// The CPUs this process may run on (sched_getaffinity), ascending; on failure
// 0..hardware_concurrency-1.
std::vector<int> AllowedCpus();

// Pins the calling thread to one CPU for its lifetime, then restores the
// thread's previous affinity. ok() is false (and nothing changes) if the CPU
// is negative or the kernel refused.
class ScopedPin {
 public:
  explicit ScopedPin(int cpu);
  ~ScopedPin();
  ScopedPin(const ScopedPin&) = delete;
  ScopedPin& operator=(const ScopedPin&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
  std::vector<unsigned char> saved_;  // the previous cpu_set_t, as bytes
};

class SpinTeam {
 public:
  using Job = void (*)(void* context, int worker);

  // workers >= 1; starts workers - 1 helpers, helper i pinned to cpus[i] when
  // cpus has that entry (cpus[0] is for worker 0: see ScopedPin).
  SpinTeam(int workers, const std::vector<int>& cpus);
  ~SpinTeam();
  SpinTeam(const SpinTeam&) = delete;
  SpinTeam& operator=(const SpinTeam&) = delete;

  // Runs job(context, 0) here and job(context, i) on helper i; returns when
  // worker 0's share returns. Every job must end with a Barrier(), after which
  // no worker touches anything shared: then the job's results are complete
  // when Run returns, and the next Run may follow at once.
  void Run(Job job, void* context);
  // Returns when every worker has called it the same number of times.
  void Barrier(int worker);
  static void BarrierThunk(void* team, int worker) { static_cast<SpinTeam*>(team)->Barrier(worker); }
  // Mean wall time of one Barrier when all workers call `count` of them back
  // to back in one job (the cost of one synchronisation between the workers'
  // CPUs right now: on a VM it varies with where the host places them).
  double MeasureBarrierNs(int count);

  int workers() const { return workers_; }
  // True if every helper was pinned to its CPU.
  bool helpers_pinned() const { return helpers_pinned_; }
  // "0,1": the CPU of each worker (worker 0's as given), "" without cpus.
  const std::string& cpu_list() const { return cpu_list_; }
  int worker0_cpu() const { return worker0_cpu_; }

 private:
  struct alignas(64) Counter {
    std::atomic<uint64_t> value{0};
  };
  // The job and its generation on one cache line of their own: a Run moves
  // exactly this line to the helpers (the job is written before the release
  // of the new generation, read after its acquire).
  struct alignas(64) Go {
    std::atomic<uint64_t> generation{0};
    Job job = nullptr;
    void* context = nullptr;
  };
  void HelperLoop(int worker, int cpu);

  // Read-mostly: written at construction and at destruction only, so these
  // lines stay shared between the cores while jobs run.
  const int workers_;
  int worker0_cpu_ = -1;
  bool helpers_pinned_ = true;
  std::string cpu_list_;
  std::unique_ptr<Counter[]> arrived_;  // barrier arrivals, one line per worker
  std::atomic<bool> stop_{false};
  std::vector<std::thread> helpers_;
  Go go_;
  // Touched only while helpers start, fall asleep or wake up.
  alignas(64) std::atomic<int> started_{0};  // helpers that have tried to pin themselves
  std::atomic<int> pin_failures_{0};
  std::atomic<int> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_COMMON_SPIN_TEAM_H_
