"""One case, in its own processes: its google-benchmark pass, then its per-call pass.

The benchmark pass writes <stem>.json (and <stem>.log); the program writes its
JSON as it goes, so it goes to <stem>.json.tmp and only a complete one is moved
into place. A case that ran clean (status 0) and whose program has a per-call
mode then runs once more in a fresh process, call by call: <stem>.percall.json
and <stem>.percall.log. Each pass runs under the per-path time limit, in its own
process session (process.py). Returns the failures (failures.py) it met.
"""

import dataclasses
import json
import os
import subprocess

from tflatency.bench import failures
from tflatency.bench import names
from tflatency.bench import process

PER_CALL_SUFFIX = ".percall"


@dataclasses.dataclass(frozen=True)
class CaseSettings:
    """What every case's command line needs from the run's settings."""
    repetitions: int
    per_call_count: int
    time_limit: int  # seconds, per pass
    run_under: tuple = ()  # e.g. ("taskset", "-c", "1") for --pin_cpu


def _filter(case):
    return f"--benchmark_filter=^{case}(/real_time)?$"


def _nonempty(path):
    return os.path.isfile(path) and os.path.getsize(path) > 0


def _run_logged(argv, log_path, settings, env):
    with open(log_path, "wb") as log:
        return process.run([*settings.run_under, *argv], timeout=settings.time_limit,
                           stdout=log, stderr=subprocess.STDOUT, env=env)


NOT_APPLICABLE_PREFIX = "n/a: "  # as tflatency.report.summary reads it


def not_applicable(results):
    """True when every row of the google-benchmark JSON file `results` is an error starting "n/a: "."""
    try:
        with open(results, encoding="utf-8") as f:
            rows = json.load(f).get("benchmarks") or []
    except (OSError, ValueError, AttributeError):
        return False
    return bool(rows) and all(isinstance(r, dict) and r.get("error_occurred")
                              and str(r.get("error_message", "")).startswith(NOT_APPLICABLE_PREFIX) for r in rows)


def run_case(planned, settings, folder, env=None):
    """Runs one PlannedCase into `folder`; returns a list of failures.Failure (empty: all went well)."""
    program = planned.program
    stem = os.path.join(folder, names.file_stem(planned.case, program.name_suffix))
    name = names.report_name(planned.case, program.name_suffix)
    flags = (*program.flags, *planned.flags)
    results, temporary, log = stem + ".json", stem + ".json.tmp", stem + ".log"
    try:
        exit = _run_logged([*program.argv, _filter(planned.case),
                            f"--benchmark_repetitions={settings.repetitions}",
                            f"--benchmark_min_time={program.min_time}",
                            f"--benchmark_out={temporary}", "--benchmark_out_format=json", *flags],
                           log, settings, env)
        reason = failures.benchmark_reason(exit, _nonempty(temporary), log, settings.time_limit)
        if reason:
            return [failures.Failure(name, reason)]
        names.keep(temporary, results, program.name_suffix)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    # Only a case that ran clean gets its per-call pass: a failed one is FAILED already, and one
    # that cannot apply here (every row an "n/a: " error, e.g. an ISA this CPU lacks) has nothing to time.
    if not (program.per_call and exit.returncode == 0) or not_applicable(results):
        return []
    return _run_per_call(planned, name, stem + PER_CALL_SUFFIX, settings, env)


def per_call_command(planned, out, count, run_under=()):
    """The command line of a case's per-call run (also what tflatency.profile runs under a profiler)."""
    return [*run_under, *planned.program.argv, _filter(planned.case), f"--per_call_out={out}",
            f"--per_call_count={count}", *planned.program.flags, *planned.flags]


def _run_per_call(planned, name, stem, settings, env):
    results, temporary, log = stem + ".json", stem + ".json.tmp", stem + ".log"
    try:
        exit = _run_logged(per_call_command(planned, temporary, settings.per_call_count),
                           log, settings, env)
        reason = failures.per_call_reason(exit, _nonempty(temporary), log, settings.time_limit)
        if reason:
            return [failures.Failure(name, reason, failures.PER_CALL_MODE)]
        names.keep(temporary, results, planned.program.name_suffix)
        return []
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
