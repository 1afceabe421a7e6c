"""Golden-gated google-benchmark cases for Python programs, and their main().

A program registers cases with `add_case(name, load, check, fma_count)`;
`load()` builds the path and returns step(), one inference on the golden input
that returns its output; `check(output)` compares it with the golden output
(a golden_check.GoldenResult). The first time a case runs, it is loaded and
checked: a failed check (or an exception) makes the case report an error
instead of a time, and `run` returns 1; a CaseError raised by load() reports
its message alone. Then the case is warmed up and `step()` is timed in real
time, in microseconds, with an `fma_per_second` counter when fma_count > 0 and
a `max_abs_error` counter (the golden check's max |got - golden|).
`outcomes()` gives each case's error or GoldenResult afterwards. With
--per_call_out, `run` times the one case --benchmark_filter selects call by
call instead (tflatency/per_call.py); a UsageError raised by load() there is a
one-line error with exit status 2, like a bad flag.

`parse_flags` gives google-benchmark the --benchmark_* flags it knows and absl
the rest; anything else is a one-line error with exit status 2.
"""

import re
import sys

from absl import flags
import google_benchmark as benchmark

from tflatency import fault_injection
from tflatency import per_call

WARMUP_CALLS = 3

_HELP_FLAGS = ("-h", "-help", "--help", "--helpshort", "--helpfull")
# google-benchmark 1.9 takes `<float>s` or `<integer>x`; a bare number (seconds) still works.
_MIN_TIME = re.compile(r"^(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?s?|\d+x)$")

_CASES = {}     # name -> (load, check, fma_count)
_PREPARED = {}  # name -> (step or None, error message or None, fma_count, GoldenResult or None)
_ARGV = []      # the program's command line, for per_call's --benchmark_filter
FAILED = set()


class UsageError(Exception):
    """Bad flags or inputs: reported in one line, exit status 2."""


class CaseError(Exception):
    """Raised by load(): the case cannot run, for the reason its message gives (reported as it is)."""


def fail_usage(program, message):
    print(f"{program}: {message}", file=sys.stderr)
    sys.exit(2)


def _prepared(name):
    if name not in _PREPARED:
        load, check, fma = _CASES[name]
        try:
            step = load()
            result = check(step())
        except CaseError as e:
            _PREPARED[name] = (None, str(e), 0, None)
        except Exception as e:  # pylint: disable=broad-except  (a path that cannot run has no time)
            first_line = (str(e).strip().splitlines() or [""])[0]
            _PREPARED[name] = (None, f"golden check FAILED: could not run: {type(e).__name__}: {first_line}", 0, None)
        else:
            if result.ok:
                for _ in range(WARMUP_CALLS):
                    step()
            _PREPARED[name] = (step if result.ok else None, None if result.ok else result.describe(), fma, result)
    return _PREPARED[name]


def outcomes():
    """name -> (error message or None, golden_check.GoldenResult or None) of each case that ran."""
    return {name: (error, result) for name, (_, error, _, result) in _PREPARED.items()}


def add_case(name, load, check, fma_count=0):
    """Registers case `name`: load() -> step, check(step()) -> golden_check.GoldenResult."""
    _CASES[name] = (load, check, fma_count)

    def run(state):
        fault_injection.maybe_inject_fault(name)
        step, error, fma, _ = _prepared(name)
        if error:
            FAILED.add(name)
            state.skip_with_error(error)
            return
        while state:
            step()
        # The gate's max |got - golden|: the accuracy figure of the report's Precision table.
        state.counters["max_abs_error"] = benchmark.Counter(_PREPARED[name][3].max_abs_diff)
        if fma:
            state.counters["fma_per_second"] = benchmark.Counter(fma * state.iterations, benchmark.Counter.kIsRate)

    benchmark.register(benchmark.option.use_real_time()(benchmark.option.unit(benchmark.kMicrosecond)(run)), name=name)


def parse_flags(argv, program, doc):
    """google-benchmark takes the --benchmark_* flags it knows, absl the rest."""
    if any(arg in _HELP_FLAGS for arg in argv[1:]):
        print(doc)
        print(flags.FLAGS.main_module_help())
        print()
        sys.stdout.flush()
        benchmark.initialize([argv[0], "--help"])  # prints its flags and exits 0
        sys.exit(0)
    for arg in argv[1:]:
        # google-benchmark would run one iteration, warning once per case, on a bad value.
        if arg.startswith("--benchmark_min_time=") and not _MIN_TIME.match(arg.split("=", 1)[1]):
            fail_usage(program, f"{arg}: want seconds like 0.5s or iterations like 1000x")
    _ARGV[:] = list(argv)
    rest = benchmark.initialize(list(argv))
    try:
        rest = flags.FLAGS(rest)
    except flags.Error as e:
        fail_usage(program, (str(e).strip().splitlines() or ["bad flags"])[0])
    if len(rest) > 1:
        fail_usage(program, f"unexpected argument {rest[1]!r}")


def run(program, context, failed="golden check FAILED for"):
    """Adds `context` (a dict, or a callable returning one) to the JSON, runs the registered
    cases; returns the exit status. When a case failed, the last line is
    "<program>: <failed> <cases>: no time reported"."""
    if per_call.enabled():
        try:
            return per_call.run(program, list(_CASES), lambda name: (_CASES[name][0](), _CASES[name][1]), _ARGV,
                                passthrough=(UsageError,))
        except UsageError as e:
            fail_usage(program, str(e))
    if callable(context):
        context = context()
    for key, value in context.items():
        benchmark.add_custom_context(key, str(value))
    benchmark.run_benchmarks()
    if FAILED:
        print(f"{program}: {failed} {', '.join(sorted(FAILED))}: no time reported", file=sys.stderr)
        return 1
    return 0
