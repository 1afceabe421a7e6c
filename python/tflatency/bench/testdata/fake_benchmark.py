"""A fake benchmark program for the orchestrator's tests: google-benchmark's command line, no benchmark.

  fake_benchmark.py --fake_cases=NAME=BEHAVIOUR[,NAME=BEHAVIOUR...] [--fake_dir=DIR]
                    [--benchmark_list_tests=true] [--benchmark_filter=REGEX]
                    [--benchmark_out=FILE --benchmark_out_format=json]
                    [--benchmark_repetitions=N] [--benchmark_min_time=T]
                    [--per_call_out=FILE --per_call_count=N] [--engines=E] [--pin_cpu=N]

Lists its cases as NAME/real_time, like the project's programs. Runs the one
case --benchmark_filter selects with its BEHAVIOUR:

  ok                writes google-benchmark JSON (N repetitions of ~1 us); status 0
  crash             prints a line, then aborts (signal 6)
  hang              prints a line, then sleeps forever (the time limit ends it)
  golden_fail       writes JSON whose row is an error (a failed golden check); status 1
  exit3             prints a line, exits with status 3
  no_results        exits 0 without writing anything
  slow              starts a child (sleep), writes DIR/<case>.pids ("<own pid> <child pid>"), sleeps 60 s, then ok
  slow_stubborn     as slow, but ignores SIGTERM (only SIGKILL ends it)
  per_call_crash    ok, but its per-call run aborts
  per_call_no_file  ok, but its per-call run exits 0 without a file
  profile_crash     ok, but a second per-call run (scripts/bench --profile's) aborts

With --per_call_out it writes a per-call file (tflatency/per_call.py's format);
under a profiler (TFLATENCY_PROFILE_GATE set) first ~0.2 s of "calls" (a busy
loop) between tflatency.per_call.profile_gate's start and stop, so it has samples.
Every run that selects a case touches DIR/<case>.started and appends its
command line to DIR/runs.jsonl. An unknown flag: one line, status 2.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

# Run as a plain script: the real profiler gate (tflatency.per_call) from this tree's python/.
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
from tflatency import per_call as per_call_lib  # pylint: disable=wrong-import-position


def _parse():
    parser = argparse.ArgumentParser(allow_abbrev=False)
    parser.add_argument("--fake_cases", required=True)
    parser.add_argument("--fake_dir")
    parser.add_argument("--benchmark_list_tests", default="false")
    parser.add_argument("--benchmark_filter", default=".")
    parser.add_argument("--benchmark_out")
    parser.add_argument("--benchmark_out_format")
    parser.add_argument("--benchmark_repetitions", type=int, default=1)
    parser.add_argument("--benchmark_min_time")
    parser.add_argument("--per_call_out")
    parser.add_argument("--per_call_count", type=int, default=5000)
    parser.add_argument("--engines")
    parser.add_argument("--pin_cpu")
    args, unknown = parser.parse_known_args()
    if unknown:
        print(f"fake_benchmark: unrecognized command-line flag: {unknown[0]}", file=sys.stderr)
        sys.exit(2)
    return args


def _record(fake_dir, case):
    if not fake_dir:
        return
    with open(os.path.join(fake_dir, case.replace("/", "__") + ".started"), "w") as f:
        f.write(f"{os.getpid()}\n")
    with open(os.path.join(fake_dir, "runs.jsonl"), "a") as f:
        f.write(json.dumps({"case": case, "argv": sys.argv[1:]}) + "\n")


def _write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=2)


def _benchmark_json(case, repetitions, error=None):
    rows = []
    for index in range(repetitions):
        row = {"name": f"{case}/real_time", "run_name": f"{case}/real_time", "run_type": "iteration",
               "repetitions": repetitions, "repetition_index": index, "threads": 1, "iterations": 1000,
               "real_time": 1.0 + 0.01 * index, "cpu_time": 1.0, "time_unit": "us"}
        if error:
            row.update(error_occurred=True, error_message=error)
        rows.append(row)
    return {"context": {"host_name": "fake", "executable": sys.argv[0], "num_cpus": 2,
                        "library_build_type": "release"}, "benchmarks": rows}


def _per_call_json(case, count):
    return {"name": case, "program": "fake_benchmark", "clock": "fake", "count": count, "warmup": 0,
            "timer_overhead_ns": 20, "load_ms": 1.0, "first_inference_us": 2.0, "peak_rss_mb": 10.0,
            "peak_rss_before_mb": 10.0, "rss_growth_mb": 0.0, "golden_check": "ok",
            "samples_ns": [1000 + i % 7 for i in range(count)]}


def _busy(seconds):
    end, total = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        total += sum(range(1000))
    return total


def _be_slow(args, case, stubborn):
    if stubborn:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "60"])
    with open(os.path.join(args.fake_dir, case.replace("/", "__") + ".pids"), "w") as f:
        f.write(f"{os.getpid()} {child.pid}\n")
    time.sleep(60)


def main():
    args = _parse()
    cases = dict(item.split("=", 1) for item in args.fake_cases.split(",") if item)
    if args.benchmark_list_tests == "true":
        if not cases:
            print("fake_benchmark: no cases", file=sys.stderr)
        for case in cases:
            print(f"{case}/real_time")
        return 0
    selected = [c for c in cases if re.search(args.benchmark_filter, f"{c}/real_time")]
    if len(selected) != 1:
        print(f"fake_benchmark: --benchmark_filter={args.benchmark_filter} selects {len(selected)} cases",
              file=sys.stderr)
        return 2
    case = selected[0]
    behaviour = cases[case]
    _record(args.fake_dir, case)
    per_call = args.per_call_out is not None
    print(f"fake_benchmark: {case}: {behaviour}{' (per-call)' if per_call else ''}", flush=True)
    if behaviour == "crash" or (behaviour == "per_call_crash" and per_call):
        print(f"fake_benchmark: crashing {case} on purpose", file=sys.stderr, flush=True)
        os.abort()
    if behaviour == "hang":
        print(f"fake_benchmark: hanging {case} on purpose", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)
    if behaviour == "exit3":
        print(f"fake_benchmark: {case} cannot run", file=sys.stderr)
        return 3
    if behaviour == "no_results" or (behaviour == "per_call_no_file" and per_call):
        print(f"fake_benchmark: {case} wrote nothing", file=sys.stderr)
        return 0
    if behaviour in ("slow", "slow_stubborn"):
        _be_slow(args, case, behaviour == "slow_stubborn")
    if per_call:
        done = os.path.join(args.fake_dir or "", case.replace("/", "__") + ".per_call_done")
        if behaviour == "profile_crash" and os.path.exists(done):
            print(f"fake_benchmark: crashing {case} under the profiler on purpose", file=sys.stderr, flush=True)
            os.abort()
        if os.environ.get(per_call_lib.PROFILE_GATE_ENV):  # under the profiler: something to sample
            per_call_lib.profile_gate("start")
            _busy(0.2)
            per_call_lib.profile_gate("stop")
        _write_json(args.per_call_out, _per_call_json(case, args.per_call_count))
        if args.fake_dir:
            open(done, "w").close()
        return 0
    if behaviour == "golden_fail":
        _write_json(args.benchmark_out, _benchmark_json(
            case, 1, error="golden check FAILED: max |got - golden| = 1 at element 0"))
        return 1
    _write_json(args.benchmark_out, _benchmark_json(case, args.benchmark_repetitions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
