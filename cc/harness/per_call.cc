// The per-call latency mode (see per_call.h).
#include "cc/harness/per_call.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <thread>
#include <utility>

#include "benchmark/benchmark.h"
#include "cc/common/json.h"
#include "cc/harness/fault_injection.h"

namespace tflatency {
namespace per_call {
namespace {

constexpr int kTimerReads = 1001;

std::vector<std::pair<std::string, Loader>>& Registry() {
  static std::vector<std::pair<std::string, Loader>> cases;
  return cases;
}

// Peak resident set of the process so far, MB (ru_maxrss is in KiB on Linux); NaN if unknown.
double PeakRssMb() {
  rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return std::nan("");
  return usage.ru_maxrss / 1024.0;
}

// Current resident set, MB (/proc/self/statm, second field, in pages); NaN if unknown.
double CurrentRssMb() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return std::nan("");
  long size = 0, resident = -1;
  const int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  if (n != 2) return std::nan("");
  return static_cast<double>(resident) * sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

using Clock = std::chrono::steady_clock;

// The profiler's gate (python/tflatency/profile/record.py): with TFLATENCY_PROFILE_GATE=DIR,
// creates DIR/<phase> holding this process's id and waits until the profiler removes it (at most kGateWaitSeconds),
// so that a profiler attached by process id sees the timed calls and nothing else.
constexpr int kGateWaitSeconds = 300;
void ProfileGate(const char* phase) {
  const char* dir = std::getenv("TFLATENCY_PROFILE_GATE");
  if (dir == nullptr || *dir == '\0') return;
  const std::string path = std::string(dir) + "/" + phase;
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return;
  std::fprintf(f, "%d\n", static_cast<int>(getpid()));  // whom to attach to (a launcher may sit in between)
  if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) return;
  struct stat st;
  const Clock::time_point give_up = Clock::now() + std::chrono::seconds(kGateWaitSeconds);
  while (stat(path.c_str(), &st) == 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

int64_t Nanoseconds(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// Median of kTimerReads back-to-back clock reads, ns.
int64_t TimerOverheadNs() {
  std::vector<int64_t> diffs(kTimerReads);
  for (int64_t& d : diffs) {
    const Clock::time_point a = Clock::now();
    const Clock::time_point b = Clock::now();
    d = Nanoseconds(b - a);
  }
  std::nth_element(diffs.begin(), diffs.begin() + diffs.size() / 2, diffs.end());
  return diffs[diffs.size() / 2];
}

struct Result {
  std::string name, program, golden_check;
  int64_t warmup = kWarmupCalls;
  int64_t timer_overhead_ns = 0;
  double load_ms = 0, first_inference_us = 0, peak_rss_mb = 0, peak_rss_before_mb = 0, rss_growth_mb = 0;
  std::vector<int64_t> samples_ns;
};

// Writes `result` to `path` through a temporary file in the same folder. "" or the error.
std::string WriteJson(const Result& r, const std::string& path) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return "cannot write " + tmp + ": " + std::strerror(errno);
  std::fprintf(f,
               "{\"name\": %s, \"program\": %s, \"clock\": \"std::chrono::steady_clock\", \"count\": %zu, "
               "\"warmup\": %lld, \"timer_overhead_ns\": %lld, \"load_ms\": %.6f, \"first_inference_us\": %.3f, "
               "\"peak_rss_mb\": %s, \"peak_rss_before_mb\": %s, \"rss_growth_mb\": %s, "
               "\"golden_check\": %s,\n\"samples_ns\": [",
               JsonString(r.name).c_str(), JsonString(r.program).c_str(), r.samples_ns.size(), static_cast<long long>(r.warmup),
               static_cast<long long>(r.timer_overhead_ns), r.load_ms, r.first_inference_us,
               JsonNumber(r.peak_rss_mb, "%.3f").c_str(), JsonNumber(r.peak_rss_before_mb, "%.3f").c_str(),
               JsonNumber(r.rss_growth_mb, "%.3f").c_str(), JsonString(r.golden_check).c_str());
  for (size_t i = 0; i < r.samples_ns.size(); ++i) {
    std::fprintf(f, "%s%lld", i == 0 ? "" : ", ", static_cast<long long>(r.samples_ns[i]));
  }
  std::fprintf(f, "]}\n");
  const bool ok = std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  if (std::fclose(f) != 0 || !ok) {
    std::remove(tmp.c_str());
    return "cannot write " + tmp;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string error = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
    std::remove(tmp.c_str());
    return error;
  }
  return "";
}

// The registered case `filter` selects (google-benchmark's rule: a regular-expression
// search in the name, which carries /real_time), or "" with *error set.
std::string SelectCase(const std::string& filter, std::string* error) {
  std::vector<std::string> names, matched;
  for (const auto& entry : Registry()) names.push_back(entry.first);
  const std::string spec = (filter.empty() || filter == "all") ? "." : filter;
  try {
    const std::regex re(spec, std::regex::extended);
    for (const std::string& name : names) {
      if (std::regex_search(name, re) || std::regex_search(name + "/real_time", re)) matched.push_back(name);
    }
  } catch (const std::regex_error&) {
    *error = "--benchmark_filter='" + filter + "' is not a valid regular expression";
    return "";
  }
  if (matched.size() == 1) return matched[0];
  std::string all;
  for (const std::string& name : (matched.empty() ? names : matched)) all += (all.empty() ? "" : ", ") + name;
  *error = "--per_call_out needs --benchmark_filter to select exactly one case; '" + filter + "' selects " +
           std::to_string(matched.size()) + (matched.empty() ? " (cases: " : " (") + all + ")";
  return "";
}

}  // namespace

void Flags::AddTo(FlagParser* parser) {
  parser->AddString("per_call_out", &out, "FILE",
                    "instead of google-benchmark: per-call latencies of the one case --benchmark_filter selects");
  parser->AddPositiveInt("per_call_count", &count, kMaxCount, "N", "timed calls of --per_call_out (default 5000)");
}

void Register(const std::string& name, Loader loader) { Registry().emplace_back(name, std::move(loader)); }

int Run(const std::string& program, const Flags& flags) {
  std::string error;
  const std::string name = SelectCase(benchmark::GetBenchmarkFilter(), &error);
  if (name.empty()) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), error.c_str());
    return 2;
  }
  const Loader* loader = nullptr;
  for (const auto& entry : Registry()) {
    if (entry.first == name) loader = &entry.second;
  }
  MaybeInjectFault(name);
  auto fail = [&](const std::string& why) {
    std::fprintf(stderr, "%s: %s: %s; no samples written\n", program.c_str(), name.c_str(), why.c_str());
    return 1;
  };
  auto call_error = [](const Case& c) {
    const std::string why = c.error ? c.error() : "";
    return "golden check FAILED: could not run" + (why.empty() ? std::string() : ": " + why);
  };

  Result result;
  result.name = name;
  result.program = program;
  Case c;
  Clock::time_point start = Clock::now();
  error = (*loader)(&c);
  result.load_ms = Nanoseconds(Clock::now() - start) * 1e-6;
  if (!error.empty()) return fail("could not load: " + error);

  start = Clock::now();
  const bool first_ok = c.call();
  result.first_inference_us = Nanoseconds(Clock::now() - start) * 1e-3;
  if (!first_ok) return fail(call_error(c));
  const GoldenResult check = c.check();
  if (!check.ok) return fail("golden check " + check.Describe());
  result.golden_check = "golden check " + check.Describe();

  for (int64_t i = 0; i < result.warmup; ++i) {
    if (!c.call()) return fail(call_error(c));
  }
  result.timer_overhead_ns = TimerOverheadNs();

  result.samples_ns.assign(flags.count, 0);  // allocated and touched before the RSS baseline
  CurrentRssMb();  // once untimed: its own first-use allocations are not growth
  result.peak_rss_before_mb = PeakRssMb();
  const double rss_before = CurrentRssMb();
  ProfileGate("start");
  for (int64_t& sample : result.samples_ns) {
    const Clock::time_point t0 = Clock::now();
    const bool ok = c.call();
    const Clock::time_point t1 = Clock::now();
    if (!ok) return fail(call_error(c));
    sample = Nanoseconds(t1 - t0);
  }
  ProfileGate("stop");
  const double rss_after = CurrentRssMb();
  result.peak_rss_mb = PeakRssMb();
  result.rss_growth_mb = rss_after - rss_before;  // NaN if either is unknown
  const GoldenResult after = c.check();  // the timed calls still compute the right thing
  if (!after.ok) return fail("golden check after the timed calls " + after.Describe());

  // Relative to where `bazel run` was called, like the Python programs.
  const char* caller_dir = std::getenv("BUILD_WORKING_DIRECTORY");
  const std::string out = (flags.out[0] == '/' || caller_dir == nullptr) ? flags.out
                                                                         : std::string(caller_dir) + "/" + flags.out;
  error = WriteJson(result, out);
  if (!error.empty()) {
    std::fprintf(stderr, "%s: --per_call_out=%s: %s\n", program.c_str(), flags.out.c_str(), error.c_str());
    return 2;
  }
  return 0;
}

}  // namespace per_call
}  // namespace tflatency
