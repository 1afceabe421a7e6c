"""scripts/profile: one case, timed call by call, then profiled (perf or py-spy), in fresh processes.

  scripts/profile CASE [--seconds=S] [--py_spy] [--results_dir=DIR] [--model_config=PATH]
  (= PYTHONPATH=python python -m tflatency.bench.profile_main ..., from the root)

CASE is a report name (python/signature/rnn, cpp_api/inline/rnn, aot/znver3/rnn,
peer/onnxruntime/iobinding_pinned/rnn, ...). Builds only the program that runs it,
runs its per-call mode once (1000 calls: the golden check and the median), then
once more under the profiler for about --seconds (default 2) of calls after
load and warm-up (profiling.py): perf, or for a Python program with --py_spy,
py-spy --native (Python frames too; it stops the process for every sample).
For a cpp_api case, session_bench's per-op view too. Writes DIR (default results/<UTC>-<host>-profile): <stem>.percall.json and
profiles/ (as scripts/bench --profile), prints each bucket's share, the flame
graph's path, and DIR last. A user's model: TFLATENCY_PREPARED_MODEL=$(scripts/prepare ...)
in front. Exit status: 0 profiled, 1 the case could not run or be profiled, 2 bad input.
"""

import os
import re
import subprocess
import sys
import tempfile

from tflatency.bench import interrupt

from tflatency.bench import bazel
from tflatency.bench import errors
from tflatency.bench import flags as bench_flags
from tflatency.bench import matrix
from tflatency.bench import model_run
from tflatency.bench import names
from tflatency.bench import plan
from tflatency.bench import process
from tflatency.bench import profiling
from tflatency.bench import results
from tflatency.bench import run as run_lib
from tflatency.bench.errors import RunFailed
from tflatency.bench.errors import UsageError
from tflatency.bench.programs import Program
from tflatency.profile import buckets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CALIBRATION_CALLS = 1000
TIME_LIMIT_SECONDS = 600
_CASE = re.compile(r"[a-z_]+/([^/\s]+/)?[^/\s]+/[^/\s]+")  # peer cases name their engine too
_SECONDS = re.compile(r"[0-9]*\.?[0-9]+")
USAGE = "usage: scripts/profile CASE [--seconds=S] [--py_spy] [--results_dir=DIR] [--model_config=PATH]"


class _Settings:  # what matrix needs: the min_time units and the pinned CPU
    min_time = "0.5"

    def __init__(self):
        self.pin_cpu = None


def parse(argv):
    """(case, seconds, results_dir or None, model_config, py_spy) or UsageError with one line."""
    case, seconds, results_dir, config, py_spy = None, profiling.SECONDS, None, None, False
    for arg in argv[1:]:
        name, has_value, value = arg.partition("=")
        if arg == "--py_spy":
            py_spy = True
        elif arg.startswith("--") and has_value and name == "--seconds":
            if not _SECONDS.fullmatch(value) or float(value) <= 0:
                raise UsageError(f"--seconds must be a positive number of seconds, got '{value}'")
            seconds = float(value)
        elif arg.startswith("--") and has_value and name == "--results_dir":
            results_dir = os.path.realpath(value)
            if os.path.lexists(results_dir):
                raise UsageError(f"--results_dir={results_dir} already exists (results are never overwritten)")
        elif arg.startswith("--") and has_value and name == "--model_config":
            config = os.path.realpath(value)
        elif arg.startswith("-"):
            raise UsageError(f"unknown flag '{arg}'")
        elif case is None:
            case = arg
        else:
            raise UsageError(f"one CASE only, got '{case}' and '{arg}'")
    if case is None:
        raise UsageError("no CASE given (a report name such as cpp_api/inline/rnn)")
    if not _CASE.fullmatch(case) or matrix.case_program(case, _Settings()) is None:
        groups = ", ".join(sorted(set(matrix.GROUP_PROGRAMS) - {"bound"}))
        raise UsageError(f"CASE '{case}' is not <group>/[<engine>/]<variant>/<kind> with a group of {groups}")
    if case.startswith("bound/"):
        raise UsageError(f"CASE '{case}': the bound/* kernels have no per-call mode to profile")
    return case, seconds, results_dir, config or os.path.join(ROOT, bench_flags.DEFAULT_MODEL_CONFIG), py_spy


def _environment(config):
    env = dict(os.environ)
    if not env.get(model_run.PREPARED_MODEL_ENV):
        model_run.checked_config(config)
        env[model_run.MODEL_CONFIG_ENV] = config
    return env


def _last_line(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    return lines[-1] if lines else "no output"


def profile(argv):
    case_name, seconds, results_dir, config, py_spy = parse(argv)
    env = _environment(config)
    label, options, case = matrix.case_program(case_name, _Settings())
    print(f"profile: building {label}", flush=True)
    if not bazel.build([label], env):
        raise RunFailed(f"build failed; run 'bazel build {label}' to see why")
    folder = results_dir or results.default_path(ROOT, "-profile")
    os.makedirs(folder)
    with tempfile.TemporaryDirectory(prefix="tflatency-runners.") as scripts:
        runner = bazel.runner_script(label, scripts, env)
        if runner is None:
            raise RunFailed(f"could not prepare {label} to run")
        program = Program(label=label, argv=(runner,), **options)
        planned = plan.PlannedCase(program, case, plan.case_flags(program, case))
        stem = os.path.join(folder, names.file_stem(case, planned.program.name_suffix))
        print(f"profile: {case_name}: {CALIBRATION_CALLS} calls, each timed (golden check, median)", flush=True)
        with open(stem + ".percall.log", "wb") as log:
            exit = process.run(run_lib.per_call_command(planned, stem + ".percall.json", CALIBRATION_CALLS),
                               timeout=TIME_LIMIT_SECONDS, stdout=log, stderr=subprocess.STDOUT, env=env)
        if not exit.ok:
            raise RunFailed(f"{case_name} failed its per-call run: {_last_line(stem + '.percall.log')}")
        median = profiling.per_call_median_us(stem + ".percall.json")
        print(f"profile: {case_name}: median {median:.3f} us; profiling {profiling.calls_for(median, seconds)} calls",
              flush=True)
        from tflatency.profile import record  # pylint: disable=g-import-not-at-top
        result = profiling.profile_case(planned, median, folder, TIME_LIMIT_SECONDS, env, seconds=seconds,
                                        perf_problem=record.perf_available(), py_spy=py_spy)
        if label == profiling.SESSION_BENCH:
            data = profiling.step_stats(planned.program, folder, TIME_LIMIT_SECONDS, env)
            for row in data.get("paths", []):
                print(f"profile: step stats {row['name']}: {row['nodes']:.0f} nodes, kernel sum "
                      f"{row['kernel_sum_us']:.1f} us, gap {row['gap_us']:.1f} us, step {row['span_us']:.1f} us, "
                      f"Session::Run {row['wall_us']:.1f} us (FULL_TRACE)", flush=True)
    if result["error"]:
        raise RunFailed(f"{case_name}: no profile: {result['error']}")
    table = buckets.load_table()
    print(f"profile: {case_name}: {result['samples']} samples ({result['tool']}: {result['event']})")
    for bucket in table.display:
        share = result["buckets"][bucket.key] / result["samples"]
        print(f"  {bucket.label:38s} {100 * share:5.1f}%  {share * median:9.2f} us")
    for library in result["stripped_modules"] or []:
        print(f"profile: unresolved samples in {library}: the file has no symbol table (stripped by whoever built it)")
    print(f"profile: flame graph: {os.path.join(folder, profiling.FOLDER, result['flamegraph'])}")
    print(folder, flush=True)
    return 0


def main(argv):
    interrupt.catch_signals()
    try:
        return profile(argv)
    except UsageError as e:
        print(f"profile: {e} ({USAGE})", file=sys.stderr)
        return errors.exit_status(e)
    except RunFailed as e:
        print(f"profile: {e}", file=sys.stderr)
        return errors.exit_status(e)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
