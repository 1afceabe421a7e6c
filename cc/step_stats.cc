// Session::Run step stats, summarised (see step_stats.h).
#include "cc/step_stats.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "cc/common/json.h"
#include "tensorflow/core/framework/step_stats.pb.h"
#include "tensorflow/core/protobuf/config.pb.h"

namespace tflatency {
namespace {

constexpr size_t kTopOps = 8;

int64_t StartNs(const tensorflow::NodeExecStats& n) {
  return n.all_start_nanos() != 0 ? n.all_start_nanos() : n.all_start_micros() * 1000;
}
int64_t Rel(int64_t nanos, int64_t micros) { return nanos != 0 ? nanos : micros * 1000; }

// "name = MatMul(a, b)" -> "MatMul"; else the node name.
std::string OpOf(const tensorflow::NodeExecStats& n) {
  const std::string& label = n.timeline_label();
  const size_t eq = label.find(" = ");
  const size_t paren = label.find('(', eq == std::string::npos ? 0 : eq);
  if (eq != std::string::npos && paren != std::string::npos) return label.substr(eq + 3, paren - eq - 3);
  return n.node_name();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

std::string CollectStepStats(tensorflow::Session* session,
                             const std::vector<std::pair<std::string, tensorflow::Tensor>>& inputs,
                             const std::vector<std::string>& output_names, int warmup, int runs,
                             StepStatsSummary* summary) {
  tensorflow::RunOptions options;
  options.set_trace_level(tensorflow::RunOptions::FULL_TRACE);
  std::vector<tensorflow::Tensor> outputs;
  for (int i = 0; i < warmup; ++i) {
    tensorflow::RunMetadata metadata;
    const auto status = session->Run(i % 2 ? options : tensorflow::RunOptions(), inputs, output_names, {},
                                     &outputs, &metadata);
    if (!status.ok()) return "Session::Run failed: " + std::string(status.message());
  }
  std::vector<double> nodes, overlap, wall, span, kernel_sum, busy, gap, outside;
  std::map<std::string, std::vector<double>> op_us;  // per op type: kernel time of each run
  std::map<std::string, double> op_nodes;            // per op type: nodes per run
  for (int r = 0; r < runs; ++r) {
    tensorflow::RunMetadata metadata;
    const auto t0 = std::chrono::steady_clock::now();
    const auto status = session->Run(options, inputs, output_names, {}, &outputs, &metadata);
    const auto t1 = std::chrono::steady_clock::now();
    if (!status.ok()) return "Session::Run failed: " + std::string(status.message());
    std::vector<std::pair<int64_t, int64_t>> kernels;  // absolute ns
    int64_t first = INT64_MAX, last = INT64_MIN;
    double sum = 0;
    int count = 0;
    std::map<std::string, double> run_op_us;
    for (const auto& device : metadata.step_stats().dev_stats()) {
      for (const auto& n : device.node_stats()) {
        const int64_t start = StartNs(n);
        const int64_t op_start = start + Rel(n.op_start_rel_nanos(), n.op_start_rel_micros());
        const int64_t op_end = start + Rel(n.op_end_rel_nanos(), n.op_end_rel_micros());
        const int64_t end = start + Rel(n.all_end_rel_nanos(), n.all_end_rel_micros());
        first = std::min(first, start);
        last = std::max(last, std::max(end, op_end));
        kernels.emplace_back(op_start, op_end);
        sum += (op_end - op_start) * 1e-3;
        ++count;
        const std::string op = OpOf(n);
        run_op_us[op] += (op_end - op_start) * 1e-3;
        if (r == 0) op_nodes[op] += 1;
      }
    }
    if (count == 0) return "FULL_TRACE recorded no node stats";
    for (const auto& [op, us] : run_op_us) op_us[op].push_back(us);
    std::sort(kernels.begin(), kernels.end());
    double union_us = 0;
    int64_t open_start = kernels[0].first, open_end = kernels[0].second;
    for (const auto& k : kernels) {
      if (k.first > open_end) {
        union_us += (open_end - open_start) * 1e-3;
        open_start = k.first;
      }
      open_end = std::max(open_end, k.second);
    }
    union_us += (open_end - open_start) * 1e-3;
    const double wall_us = std::chrono::duration<double, std::micro>(t1 - t0).count();
    const double span_us = (last - first) * 1e-3;
    nodes.push_back(count);
    overlap.push_back(union_us > 0 ? sum / union_us : 1.0);
    wall.push_back(wall_us);
    span.push_back(span_us);
    kernel_sum.push_back(sum);
    busy.push_back(union_us);
    gap.push_back(span_us - union_us);
    outside.push_back(wall_us - span_us);
  }
  summary->runs = runs;
  summary->nodes = Median(nodes);
  summary->overlap = Median(overlap);
  summary->wall_us = Median(wall);
  summary->span_us = Median(span);
  summary->kernel_sum_us = Median(kernel_sum);
  summary->busy_us = Median(busy);
  summary->gap_us = Median(gap);
  summary->outside_us = Median(outside);
  for (auto& [name, us] : op_us) {
    us.resize(runs, 0.0);  // a run that did not execute the op: 0
    summary->top_ops.push_back(OpTime{name, Median(us), op_nodes[name]});
  }
  std::sort(summary->top_ops.begin(), summary->top_ops.end(),
            [](const OpTime& a, const OpTime& b) { return a.us > b.us; });
  if (summary->top_ops.size() > kTopOps) summary->top_ops.resize(kTopOps);
  return "";
}

std::string WriteStepStatsJson(const std::vector<StepStatsSummary>& summaries, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return "cannot write " + path;
  std::fprintf(f, "{\"program\": \"session_bench\", \"trace_level\": \"FULL_TRACE\", \"paths\": [");
  for (size_t i = 0; i < summaries.size(); ++i) {
    const StepStatsSummary& s = summaries[i];
    std::fprintf(f,
                 "%s\n  {\"name\": %s, \"config\": %s, \"runs\": %d, \"nodes\": %.1f, \"overlap\": %.3f, "
                 "\"wall_us\": %.3f, \"span_us\": %.3f, \"kernel_sum_us\": %.3f, \"busy_us\": %.3f, "
                 "\"gap_us\": %.3f, \"outside_us\": %.3f, \"top_ops\": [",
                 i ? "," : "", JsonString(s.name).c_str(), JsonString(s.config).c_str(), s.runs, s.nodes, s.overlap,
                 s.wall_us, s.span_us, s.kernel_sum_us, s.busy_us, s.gap_us, s.outside_us);
    for (size_t j = 0; j < s.top_ops.size(); ++j) {
      std::fprintf(f, "%s{\"op\": %s, \"us\": %.3f, \"nodes\": %.2f}", j ? ", " : "", JsonString(s.top_ops[j].op).c_str(),
                   s.top_ops[j].us, s.top_ops[j].nodes);
    }
    std::fprintf(f, "]}");
  }
  std::fprintf(f, "\n]}\n");
  return std::fclose(f) == 0 ? "" : "cannot write " + path;
}

}  // namespace tflatency
