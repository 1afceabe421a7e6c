"""scripts/bench --profile and scripts/profile: each case in a fresh process, its per-call mode under a profiler, a fixed number of calls.

For each case: calls = SECONDS of its per-call median (at least MIN_CALLS),
after the per-call mode's own load, first inference and 200 warm-up calls,
which the profiler does not see (record.py's gate). What it writes into
<results>/profiles/ for a case <stem> (names.file_stem):

  <stem>.json    {"name", "program", "tool", "event", "frequency_hz", "calls", "median_us",
                  "samples", "buckets": {key: samples}, "unresolved_modules": {library: samples},
                  "stripped_modules": [the unresolved libraries whose file has no symbol table],
                  "folded", "flamegraph", "error"}  (error: one line, every other number null)
  <stem>.folded  the folded stacks (flamegraph.pl and inferno read them too)
  <stem>.svg     the flame graph
  <stem>.log     the program's output

and, when a cpp_api path is profiled, step_stats.json: session_bench's per-op view
(--step_stats_out: Session::Run with FULL_TRACE in every thread config; cc/step_stats.h),
or {"error": one line}.
A profile that cannot be taken is a file with its error; the timing results are never touched.
"""

import json
import os
import statistics
import subprocess

from tflatency.bench import names
from tflatency.bench import process
from tflatency.bench import run as run_lib
from tflatency.profile import buckets
from tflatency.profile import flamegraph
from tflatency.profile import fold
from tflatency.profile import paths
from tflatency.profile import record
from tflatency.profile import symbols
from tflatency.report import naming

FOLDER = "profiles"
STEP_STATS_FILE = "step_stats.json"
STEP_STATS_RUNS = 200
SESSION_BENCH = "//cc:session_bench"
SECONDS = 2.0
MIN_CALLS, MAX_CALLS, DEFAULT_CALLS = 200, 2_000_000, 2000


def calls_for(median_us, seconds=SECONDS):
    """Timed calls that take about `seconds` at `median_us` per call (DEFAULT_CALLS without a median)."""
    if not median_us:
        return DEFAULT_CALLS
    return max(MIN_CALLS, min(MAX_CALLS, int(round(seconds * 1e6 / median_us))))


def per_call_median_us(path):
    """Median of a .percall.json's samples, us; None if it has none."""
    try:
        with open(path, encoding="utf-8") as f:
            samples = json.load(f).get("samples_ns") or []
    except (OSError, ValueError):
        return None
    return statistics.median(samples) / 1000.0 if samples else None


def _write_json(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def profile_case(planned, median_us, results_dir, time_limit, env=None, run_under=(), seconds=SECONDS,
                 perf_problem=None, table=None, py_spy=False):
    """Profiles one plan.PlannedCase into results_dir/profiles; returns the dict it wrote.
    py_spy: a Python program under py-spy --native instead of perf (paths.tool_for)."""
    table = table or buckets.load_table()
    out = os.path.join(results_dir, FOLDER)
    os.makedirs(out, exist_ok=True)
    suffix = planned.program.name_suffix
    stem = names.file_stem(planned.case, suffix)
    tool = paths.tool_for(planned.program.label, py_spy)
    calls = calls_for(median_us, seconds)
    result = {"name": names.report_name(planned.case, suffix), "program": planned.program.label, "tool": tool,
              "event": None, "frequency_hz": None, "calls": calls,
              "median_us": None if median_us is None else round(median_us, 3), "samples": None,
              "buckets": None, "unresolved_modules": None, "stripped_modules": None, "folded": None,
              "flamegraph": None, "error": None}
    if tool == "perf" and perf_problem:
        result["error"] = perf_problem
    else:
        scratch = os.path.join(out, stem + ".percall.tmp.json")
        argv = run_lib.per_call_command(planned, scratch, calls, run_under)
        try:
            recording = record.record(argv, tool, os.path.join(out, stem + ".log"), time_limit, env)
        except record.ProfileError as e:
            result["error"] = str(e)
        else:
            tally = buckets.tally(recording.folded, table)
            with open(os.path.join(out, stem + ".folded"), "w", encoding="utf-8") as f:
                f.write(fold.to_text(recording.folded))
            with open(os.path.join(out, stem + ".svg"), "w", encoding="utf-8") as f:
                f.write(flamegraph.render(recording.folded, f"{result['name']}: {recording.tool}, "
                                          f"{recording.event}, {calls} calls", table))
            stripped = sorted(m for m in tally.unresolved_modules if m in recording.libraries
                              and symbols.has_symbol_table(recording.libraries[m]) is False)
            result.update(event=recording.event, frequency_hz=recording.frequency_hz, samples=tally.samples,
                          buckets=tally.buckets, unresolved_modules=tally.unresolved_modules,
                          stripped_modules=stripped,
                          folded=stem + ".folded", flamegraph=stem + ".svg")
        finally:
            if os.path.exists(scratch):
                os.remove(scratch)
    _write_json(os.path.join(out, stem + ".json"), result)
    return result


def main_paths(medians):
    """paths.select over the fp32 paths only: the fastest AOT build, LiteRT or ONNX Runtime row is the
    fastest fp32 one (a bf16/int8 twin computes something else)."""
    return paths.select({n: m for n, m in medians.items() if naming.precision_of(n) == naming.FP32})


def profile_run(results_dir, planned, time_limit, env=None, run_under=(), seconds=SECONDS, say=print):
    """scripts/bench --profile: after the timing passes, the main paths (paths.py) of a run's planned
    cases that have a per-call file, one fresh process each. Returns the profile dicts."""
    by_name, medians = {}, {}
    for case in planned:
        name = names.report_name(case.case, case.program.name_suffix)
        percall = os.path.join(results_dir, names.file_stem(case.case, case.program.name_suffix) + ".percall.json")
        if case.program.per_call and os.path.exists(percall):
            by_name[name], medians[name] = case, per_call_median_us(percall)
    chosen = main_paths(medians)
    needs_perf = any(paths.tool_for(by_name[n].program.label) == "perf" for n in chosen)
    perf_problem = record.perf_available() if needs_perf else ""
    table = buckets.load_table()
    results = []
    for index, name in enumerate(chosen):
        say(f"bench: profile [{index + 1}/{len(chosen)}] {name}", flush=True)
        results.append(profile_case(by_name[name], medians[name], results_dir, time_limit, env, run_under,
                                    seconds, perf_problem, table))
    session = [by_name[n].program for n in chosen if by_name[n].program.label == SESSION_BENCH]
    if session:
        say("bench: profile: step stats of cpp_api (Session::Run with FULL_TRACE)", flush=True)
        step_stats(session[0], results_dir, time_limit, env, run_under)
    return results


def step_stats(program, results_dir, time_limit, env=None, run_under=(), runs=STEP_STATS_RUNS):
    """session_bench --step_stats_out into results_dir/profiles/step_stats.json; returns what it holds."""
    out = os.path.join(results_dir, FOLDER)
    os.makedirs(out, exist_ok=True)
    path, log = os.path.join(out, STEP_STATS_FILE), os.path.join(out, "step_stats.log")
    with open(log, "wb") as f:
        exit = process.run([*run_under, *program.argv, f"--step_stats_out={path}", f"--step_stats_runs={runs}",
                            *program.flags], timeout=time_limit, stdout=f, stderr=subprocess.STDOUT, env=env)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if exit.ok:
            return data
    except (OSError, ValueError):
        pass
    reason = f"timed out after {time_limit}s" if exit.timed_out else f"exit status {exit.returncode}"
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    data = {"error": f"session_bench --step_stats_out failed ({reason}): {lines[-1] if lines else 'no output'}"}
    _write_json(path, data)
    return data
