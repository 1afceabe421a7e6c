// Helper threads (pinned or not) and spin barrier (see spin_team.h).
#include "cc/common/spin_team.h"

#include <pthread.h>
#include <sched.h>

#include <chrono>
#include <cstring>

namespace tflatency {
namespace {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins with pause, then yields (a descheduled partner should get the CPU).
template <class Done>
void SpinUntil(Done done) {
  for (int spins = 0; !done(); ++spins) {
    if (spins < (1 << 14)) {
      CpuRelax();
    } else {
      std::this_thread::yield();
    }
  }
}

bool PinThisThread(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

}  // namespace

std::vector<int> AllowedCpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
  }
  if (cpus.empty()) {
    for (unsigned cpu = 0; cpu < std::thread::hardware_concurrency(); ++cpu) cpus.push_back(static_cast<int>(cpu));
  }
  return cpus;
}

ScopedPin::ScopedPin(int cpu) {
  cpu_set_t saved;
  CPU_ZERO(&saved);
  if (cpu < 0 || pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) != 0) return;
  if (!PinThisThread(cpu)) return;
  saved_.resize(sizeof(saved));
  std::memcpy(saved_.data(), &saved, sizeof(saved));
  ok_ = true;
}

ScopedPin::~ScopedPin() {
  if (!ok_) return;
  cpu_set_t saved;
  std::memcpy(&saved, saved_.data(), sizeof(saved));
  pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
}

SpinTeam::SpinTeam(int workers, const std::vector<int>& cpus)
    : workers_(workers < 1 ? 1 : workers), arrived_(new Counter[workers < 1 ? 1 : workers]) {
  if (!cpus.empty()) worker0_cpu_ = cpus[0];
  for (int i = 0; i < workers_; ++i) {
    if (i < static_cast<int>(cpus.size())) cpu_list_ += (i == 0 ? "" : ",") + std::to_string(cpus[i]);
  }
  for (int i = 1; i < workers_; ++i) {
    helpers_.emplace_back(&SpinTeam::HelperLoop, this, i, i < static_cast<int>(cpus.size()) ? cpus[i] : -1);
  }
  // Wait until every helper has tried to pin itself, so helpers_pinned() is final.
  SpinUntil([&] { return started_.load(std::memory_order_acquire) == workers_ - 1; });
  helpers_pinned_ = pin_failures_.load() == 0;
}

SpinTeam::~SpinTeam() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void SpinTeam::Run(Job job, void* context) {
  // Helpers read the job only after they see the new generation, and the
  // previous job ended with a barrier every helper passed after its reads.
  go_.job = job;
  go_.context = context;
  go_.generation.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }
  job(context, 0);
}

void SpinTeam::Barrier(int worker) {
  const uint64_t mine = arrived_[worker].value.load(std::memory_order_relaxed) + 1;
  arrived_[worker].value.store(mine, std::memory_order_release);
  for (int other = 0; other < workers_; ++other) {
    if (other == worker) continue;
    SpinUntil([&] { return arrived_[other].value.load(std::memory_order_acquire) >= mine; });
  }
}

double SpinTeam::MeasureBarrierNs(int count) {
  struct Context {
    SpinTeam* team;
    int count;
  } context{this, count < 1 ? 1 : count};
  auto job = [](void* p, int worker) {
    const Context* c = static_cast<const Context*>(p);
    SpinTeam* const team = c->team;
    const int n = c->count;  // locals only after the last barrier
    for (int i = 0; i < n; ++i) team->Barrier(worker);
  };
  Run(job, &context);  // warm up: helpers awake, counters' lines in place
  const auto start = std::chrono::steady_clock::now();
  Run(job, &context);
  const auto end = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(end - start).count() / context.count;
}

void SpinTeam::HelperLoop(int worker, int cpu) {
  if (!PinThisThread(cpu)) pin_failures_.fetch_add(1);
  started_.fetch_add(1, std::memory_order_release);
  uint64_t seen = 0;
  while (true) {
    // Spin about a millisecond for the next job, then sleep until Run or stop.
    const auto spin_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    uint64_t gen = go_.generation.load(std::memory_order_acquire);
    for (int spins = 0; gen == seen && !stop_.load(std::memory_order_relaxed); ++spins) {
      CpuRelax();
      if ((spins & 1023) == 1023 && std::chrono::steady_clock::now() > spin_end) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        wake_.wait(lock, [&] { return stop_.load() || go_.generation.load(std::memory_order_seq_cst) != seen; });
        sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      }
      gen = go_.generation.load(std::memory_order_acquire);
    }
    if (stop_.load()) return;
    seen = gen;
    go_.job(go_.context, worker);
  }
}

}  // namespace tflatency
