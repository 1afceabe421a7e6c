"""Per-call latency mode of the Python benchmark programs (py_bench, compiled_bench, peer_bench).

With `--per_call_out=FILE`, a program does not run google-benchmark. It takes
the one case `--benchmark_filter` selects and

  1. loads it (timed: load_ms; whatever that path's initialisation is: importing
     the framework, loading the SavedModel, converting, creating the session),
  2. runs the first inference (timed: first_inference_us) and checks its output
     against the golden output (FAILED: one line, exit 1, nothing written),
  3. warms up (WARMUP_CALLS calls) and measures the clock's own cost (median of
     back-to-back time.perf_counter_ns() reads: timer_overhead_ns),
  4. times `--per_call_count=N` calls (default DEFAULT_COUNT) one by one with
     time.perf_counter_ns(); each sample includes one timer overhead,
     (with TFLATENCY_PROFILE_GATE set, a profiler attaches just before them and
     detaches just after: profile_gate),
  5. records peak RSS (getrusage ru_maxrss) before and after the timed calls and
     the growth of the current RSS (/proc/self/statm) over them,

and writes JSON atomically (a temporary file in FILE's folder, then rename):

  {"name", "program", "clock", "count", "warmup", "timer_overhead_ns", "load_ms",
   "first_inference_us", "peak_rss_mb", "peak_rss_before_mb", "rss_growth_mb",
   "golden_check", "samples_ns": [...]}

MB are 2^20 bytes. The C++ programs write the same file (cc/harness/per_call.h); every
field's JSON type: cc/harness/per_call_schema.json, which per_call_schema_test checks
both writers against.
The garbage collector stays on: a real-time caller in Python lives with it.

A program calls `enabled()` after parsing its flags and, if set, returns
`run(program, names, load_case, argv)` instead of running google-benchmark.
"""

import array
import json
import os
import re
import resource
import statistics
import sys
import tempfile
import time

from absl import flags

from tflatency import fault_injection

DEFAULT_COUNT = 5000
WARMUP_CALLS = 200
TIMER_READS = 1001
CLOCK = "time.perf_counter_ns"

_OUT = flags.DEFINE_string(
    "per_call_out", None,
    "Instead of google-benchmark: time the one case --benchmark_filter selects call by call and "
    "write its per-call latencies, load time, first inference and memory to this JSON file "
    "(tflatency/per_call.py).")
_COUNT = flags.DEFINE_integer(
    "per_call_count", DEFAULT_COUNT, "Timed calls of --per_call_out (after 200 warm-up calls).", lower_bound=1)


class UsageError(Exception):
    """A filter that does not select exactly one case; the message is one line."""


def enabled():
    return bool(_OUT.value)


def benchmark_filter(argv):
    """The value of the last --benchmark_filter=... in argv ("" when absent)."""
    value = ""
    for arg in argv[1:]:
        if arg.startswith("--benchmark_filter="):
            value = arg.split("=", 1)[1]
    return value


def select_case(names, filter_text):
    """The one name the filter selects (google-benchmark's rule: a regular-expression
    search in the name, which carries /real_time); UsageError otherwise."""
    names = list(names)
    spec = "." if filter_text in ("", "all") else filter_text
    try:
        pattern = re.compile(spec)
    except re.error:
        raise UsageError(f"--benchmark_filter='{filter_text}' is not a valid regular expression") from None
    matched = [n for n in names if pattern.search(n) or pattern.search(n + "/real_time")]
    if len(matched) == 1:
        return matched[0]
    listed = ", ".join(matched or names)
    raise UsageError(f"--per_call_out needs --benchmark_filter to select exactly one case; '{filter_text}' "
                     f"selects {len(matched)} ({'cases: ' if not matched else ''}{listed})")


def peak_rss_mb():
    """Peak resident set of this process so far, MB (ru_maxrss is KiB on Linux); None if unknown."""
    try:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    except (OSError, ValueError):
        return None


def current_rss_mb():
    """Current resident set, MB (/proc/self/statm, second field, in pages); None if unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            resident_pages = int(f.read().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE") / float(1 << 20)
    except (OSError, ValueError, IndexError):
        return None


def timer_overhead_ns(reads=TIMER_READS):
    """Median of `reads` back-to-back clock reads, ns."""
    clock = time.perf_counter_ns
    diffs = []
    for _ in range(reads):
        t0 = clock()
        t1 = clock()
        diffs.append(t1 - t0)
    return statistics.median(diffs)


PROFILE_GATE_ENV = "TFLATENCY_PROFILE_GATE"
GATE_WAIT_SECONDS = 300


def profile_gate(phase):
    """The profiler's gate (tflatency/profile/record.py): with TFLATENCY_PROFILE_GATE=DIR,
    creates DIR/<phase> holding this process's id and waits until the profiler removes it (at most GATE_WAIT_SECONDS),
    so that a profiler attached by process id sees the timed calls and nothing else."""
    folder = os.environ.get(PROFILE_GATE_ENV)
    if not folder:
        return
    path = os.path.join(folder, phase)
    try:
        with open(path + ".tmp", "w", encoding="ascii") as f:
            f.write(f"{os.getpid()}\n")  # whom to attach to (a launcher may sit in between)
        os.replace(path + ".tmp", path)
    except OSError:
        return
    give_up = time.monotonic() + GATE_WAIT_SECONDS
    while os.path.exists(path) and time.monotonic() < give_up:
        time.sleep(0.001)


def time_calls(step, count):
    """`count` calls of step(), each timed on its own: an array of ns."""
    clock = time.perf_counter_ns
    samples = array.array("q", bytes(8 * count))  # allocated and touched before timing
    for i in range(count):
        t0 = clock()
        step()
        samples[i] = clock() - t0
    return samples


def out_path(path):
    """--per_call_out as the caller meant it: `bazel run` changes the working directory."""
    if os.path.isabs(path):
        return path
    return os.path.join(os.environ.get("BUILD_WORKING_DIRECTORY", os.getcwd()), path)


def write_json(result, path):
    """Writes `result` (samples_ns last) to `path` through a temporary file in its folder."""
    folder, base = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            head = {k: v for k, v in result.items() if k != "samples_ns"}
            text = json.dumps(head, allow_nan=False)
            f.write(text[:-1] + ",\n\"samples_ns\": [" + ", ".join(map(str, result["samples_ns"])) + "]}\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def measure(name, load, count=DEFAULT_COUNT, warmup=WARMUP_CALLS):
    """Loads and times case `name`: (result dict, None) or (None, one-line reason it failed).

    load() -> (step, check): step() is one inference on the golden input returning
    its output, check(output) -> golden_check.GoldenResult. Exceptions of load()
    other than Exception subclasses the caller handles propagate.
    """
    clock = time.perf_counter_ns
    start = clock()
    step, check = load()
    load_ms = (clock() - start) * 1e-6
    try:
        start = clock()
        output = step()
        first_inference_us = (clock() - start) * 1e-3
        result = check(output)
    except Exception as e:  # pylint: disable=broad-except  (a path that cannot run has no time)
        return None, f"golden check FAILED: could not run: {type(e).__name__}: {_first_line(e)}"
    if not result.ok:
        return None, result.describe()
    try:
        for _ in range(warmup):
            step()
        overhead = timer_overhead_ns()
        current_rss_mb()  # once untimed: its own first-use allocations are not growth
        peak_before, rss_before = peak_rss_mb(), current_rss_mb()
        profile_gate("start")
        samples = time_calls(step, count)
        profile_gate("stop")
        rss_after, peak_after = current_rss_mb(), peak_rss_mb()
        after = check(step())  # the timed calls still compute the right thing
    except Exception as e:  # pylint: disable=broad-except
        return None, f"golden check FAILED: could not run: {type(e).__name__}: {_first_line(e)}"
    if not after.ok:
        return None, "after the timed calls: " + after.describe()
    return {
        "name": name,
        "clock": CLOCK,
        "count": len(samples),
        "warmup": warmup,
        "timer_overhead_ns": overhead,
        "load_ms": round(load_ms, 6),
        "first_inference_us": round(first_inference_us, 3),
        "peak_rss_mb": None if peak_after is None else round(peak_after, 3),
        "peak_rss_before_mb": None if peak_before is None else round(peak_before, 3),
        "rss_growth_mb": None if rss_before is None or rss_after is None else round(rss_after - rss_before, 3),
        "golden_check": result.describe(),
        "samples_ns": samples.tolist(),
    }, None


def run(program, names, load_case, argv, passthrough=()):
    """The per-call mode for the case of `names` --benchmark_filter selects; returns the exit status.

    load_case(name) -> (step, check) as for measure(). Exceptions of the types in
    `passthrough` (a program's usage errors) propagate; any other exception while
    loading or running makes the case FAILED (exit 1, nothing written).
    """
    try:
        name = select_case(names, benchmark_filter(argv))
    except UsageError as e:
        print(f"{program}: {e}", file=sys.stderr)
        return 2
    fault_injection.maybe_inject_fault(name)

    def load():
        return load_case(name)
    try:
        result, failure = measure(name, load, _COUNT.value)
    except passthrough:
        raise
    except Exception as e:  # pylint: disable=broad-except  (load failed: the path cannot run)
        result, failure = None, f"could not load: {type(e).__name__}: {_first_line(e)}"
    if failure:
        print(f"{program}: {name}: {failure}; no samples written", file=sys.stderr)
        return 1
    result = {"name": result.pop("name"), "program": program, **result}
    try:
        write_json(result, out_path(_OUT.value))
    except OSError as e:
        print(f"{program}: --per_call_out={_OUT.value}: cannot write: {e.strerror or e}", file=sys.stderr)
        return 2
    return 0
