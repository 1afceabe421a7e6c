"""A benchmark program as the orchestrator sees it, and the cases it lists.

A Program is a command that speaks google-benchmark's command line
(--benchmark_list_tests, --benchmark_filter, --benchmark_out, ...) and, if
`per_call`, the project's per-call mode (--per_call_out, --per_call_count).
Where the command comes from (a `bazel run --script_path` script, or a test's
fake program) is not this layer's business: only bazel.py knows labels.
"""

import dataclasses
import tempfile

from tflatency.bench import failures
from tflatency.bench import process

REAL_TIME_SUFFIX = "/real_time"
# Listing imports what the program needs (peer_bench: every engine, ~20 s on a busy
# 2-core machine), so it gets its own limit, not the per-case --path_timeout.
LIST_TIME_LIMIT_SECONDS = 300


@dataclasses.dataclass(frozen=True)
class Program:
    """label: what failures.json names the program by when it cannot run at all
    (a Bazel label); argv: the command that starts it; flags: its own flags, on
    every run (listing, benchmark, per-call); min_time: --benchmark_min_time as
    this program wants it ("0.5" for C++ google-benchmark 1.7, "0.5s" for the
    Python package); per_call: its cases get a per-call pass; name_suffix:
    inserted into each case's report name (peer/jax/jit/rnn -> peer/jax/jit_pinned/rnn)."""
    label: str
    argv: tuple
    min_time: str
    flags: tuple = ()
    per_call: bool = True
    name_suffix: str = ""


def list_cases(program, time_limit=LIST_TIME_LIMIT_SECONDS):
    """(case names in the program's order, None) or ([], a failures.Failure naming the program)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        exit = process.run([*program.argv, "--benchmark_list_tests=true", *program.flags],
                           timeout=time_limit, stdout=out, stderr=err)
        out.seek(0)
        err.seek(0)
        cases = [_without_real_time(name) for name in out.read().decode("utf-8", "replace").split()]
        if exit.timed_out:
            return [], failures.Failure(program.label, f"listing its cases timed out after {time_limit}s")
        if not cases:
            return [], failures.Failure(program.label, f"listed no cases: {failures.last_line(err.read())}")
    return cases, None


def _without_real_time(name):
    return name[: -len(REAL_TIME_SUFFIX)] if name.endswith(REAL_TIME_SUFFIX) else name
