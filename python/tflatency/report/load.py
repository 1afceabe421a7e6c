"""Reads and validates a results folder: context.json, failures.json, benchmark JSON, per-call JSON.

Every *.json in the folder except context.json, failures.json,
not_applicable.json (paths that cannot apply to the model, with the reason), our own
summary.json and the per-call files (*.percall.json: one case timed call by call,
python/tflatency/per_call.py) is taken for google-benchmark output ({"context",
"benchmarks"}).
Nothing in a file can crash the merge: a file that is missing, unreadable, not
JSON, or not google-benchmark output becomes a Problem (file + one-line reason)
and the other files still merge. Only a folder that does not exist or holds no
benchmark JSON at all is fatal (FolderError).
"""

import dataclasses
import json
import math
import os

from tflatency.report import naming
from tflatency.report import profiles as profiles_lib

CONTEXT_FILE = "context.json"
FAILURES_FILE = "failures.json"
NOT_APPLICABLE_FILE = "not_applicable.json"
SUMMARY_FILE = "summary.json"
NOT_BENCHMARK_FILES = (CONTEXT_FILE, FAILURES_FILE, NOT_APPLICABLE_FILE, SUMMARY_FILE)
PER_CALL_SUFFIX = ".percall.json"
# failures.json "mode": a per-call run's failure leaves the path's medians alone.
BENCHMARK_MODE, PER_CALL_MODE = "benchmark", "per_call"

# Aggregates kept, for paths whose output has no per-repetition rows.
FALLBACK_AGGREGATES = ("median", "mean")
TIME_UNITS_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
REQUIRED_CONTEXT_FIELDS = ("fma_count", "model")
_MAX_REASON = 300


def resolve_folder(folder):
    """`folder` as given by the caller: `bazel run` changes the working directory."""
    folder = os.path.expanduser(folder)
    if not os.path.isabs(folder):
        folder = os.path.join(os.environ.get("BUILD_WORKING_DIRECTORY", os.getcwd()), folder)
    return os.path.normpath(folder)


class FolderError(Exception):
    """The folder cannot be merged at all; str() is one line naming the folder."""


@dataclasses.dataclass
class Problem:
    file: str
    reason: str


@dataclasses.dataclass
class Row:
    """One benchmark row: a repetition (iteration) or an aggregate, or an error."""
    file: str
    name: str
    run_type: str  # "iteration" or "aggregate"
    aggregate_name: object  # str for aggregates, else None
    time_us: object  # float; None for error rows
    error: object  # one-line error/skip message, else None
    max_abs_error: object = None  # the row's max_abs_error counter (its golden check's max |got - golden|)


@dataclasses.dataclass
class Failure:
    """A path scripts/bench could not run (failures.json)."""
    name: str
    group: str
    kind: str
    reason: str
    mode: str = BENCHMARK_MODE  # or PER_CALL_MODE: only its per-call run failed


@dataclasses.dataclass
class NotApplicable:
    """A path that cannot apply to the model (not_applicable.json): the reason, never a time."""
    name: str
    reason: str


@dataclasses.dataclass
class PerCall:
    """One path's per-call run (<case>.percall.json): every call's time and its cold start."""
    file: str
    name: str
    samples_ns: list
    timer_overhead_ns: object  # number or None, like the rest
    load_ms: object
    first_inference_us: object
    peak_rss_mb: object
    rss_growth_mb: object
    warmup: object


@dataclasses.dataclass
class Inputs:
    folder: str
    context: dict
    benchmark_contexts: dict  # file name -> google-benchmark "context"
    rows: list
    failures: list
    problems: list
    per_call: dict = dataclasses.field(default_factory=dict)  # path name -> PerCall
    not_applicable: list = dataclasses.field(default_factory=list)  # NotApplicable
    profiles: object = None  # profiles.Profiles from <folder>/profiles/ (scripts/bench --profile), or None


def one_line(text, limit=_MAX_REASON):
    """`text` on one line, whitespace collapsed, cut to `limit` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _read_json(path):
    """(data, None) or (None, one-line reason)."""
    try:
        with open(path, encoding="utf-8") as f:
            # NaN/Infinity (google-benchmark writes them for degenerate counters) read as null,
            # so one odd value costs a row at most and summary.json stays strict JSON.
            return json.load(f, parse_constant=lambda _: None), None
    except FileNotFoundError:
        why = "dangling link" if os.path.islink(path) else "no such file"
        return None, f"missing ({why})"
    except OSError as e:
        return None, one_line(f"cannot read: {e.strerror or e}")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except json.JSONDecodeError as e:
        return None, one_line(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}")
    except (ValueError, RecursionError) as e:
        return None, one_line(f"not valid JSON: {e}")


def _read_object(folder, file_name, what, problems):
    """A result file's JSON object, or None after recording why it is not one (`what` it should be)."""
    data, reason = _read_json(os.path.join(folder, file_name))
    if reason:
        problems.append(Problem(file_name, reason))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file_name, f"not a JSON object (not {what})"))
        return None
    return data


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def benchmark_files(folder):
    """Names of the folder's candidate google-benchmark JSON files, sorted."""
    return sorted(
        name for name in os.listdir(folder)
        if name.endswith(".json") and not name.startswith(".") and name not in NOT_BENCHMARK_FILES
        and not name.endswith(PER_CALL_SUFFIX))


def per_call_files(folder):
    """Names of the folder's per-call files (*.percall.json), sorted."""
    return sorted(name for name in os.listdir(folder)
                  if name.endswith(PER_CALL_SUFFIX) and not name.startswith("."))


def load_folder(folder):
    """Reads everything in `folder`; raises FolderError if there is nothing to merge."""
    if not os.path.isdir(folder):
        raise FolderError(f"{folder}: no such folder")
    try:
        files = benchmark_files(folder)
    except OSError as e:
        raise FolderError(one_line(f"{folder}: cannot list: {e.strerror or e}")) from None
    if not files:
        raise FolderError(
            f"{folder}: no benchmark JSON (no *.json besides {', '.join(NOT_BENCHMARK_FILES)})")
    problems = []
    context = _load_context(folder, problems)
    failures = _load_failures(folder, problems)
    not_applicable = _load_not_applicable(folder, problems)
    benchmark_contexts, rows = {}, []
    for name in files:
        loaded = _load_benchmark_file(folder, name, problems)
        if loaded is not None:
            benchmark_contexts[name], file_rows = loaded
            rows.extend(file_rows)
    per_call = {}
    for name in per_call_files(folder):
        loaded = _load_per_call_file(folder, name, problems)
        if loaded is None:
            continue
        if loaded.name in per_call:
            problems.append(Problem(name, f"per-call data for {loaded.name} again; kept {per_call[loaded.name].file}"))
            continue
        per_call[loaded.name] = loaded
    return Inputs(folder=folder, context=context, benchmark_contexts=benchmark_contexts,
                  rows=rows, failures=failures, problems=problems, per_call=per_call,
                  not_applicable=not_applicable, profiles=profiles_lib.load(folder, problems))


def _load_context(folder, problems):
    data, reason = _read_json(os.path.join(folder, CONTEXT_FILE))
    if reason:
        problems.append(Problem(CONTEXT_FILE, f"{reason}: machine context unknown"))
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(CONTEXT_FILE, "not a JSON object: machine context unknown"))
        return {}
    missing = [field for field in REQUIRED_CONTEXT_FIELDS if field not in data]
    if missing:
        problems.append(Problem(CONTEXT_FILE, f"lacks {', '.join(missing)}"))
    unknown_fma = data.get("fma_count") is None and data.get("fma_reason")  # a user's model XLA cannot count
    if "fma_count" in data and not unknown_fma and not (_is_number(data["fma_count"]) and data["fma_count"] > 0):
        problems.append(Problem(CONTEXT_FILE, f"fma_count {data['fma_count']!r} is not a positive number"))
        data = {k: v for k, v in data.items() if k != "fma_count"}
    if "model" in data and not isinstance(data["model"], dict):
        problems.append(Problem(CONTEXT_FILE, "model is not an object"))
        data = {k: v for k, v in data.items() if k != "model"}
    return data


def _load_failures(folder, problems):
    path = os.path.join(folder, FAILURES_FILE)
    if not os.path.lexists(path):
        return []  # optional: no path failed
    data, reason = _read_json(path)
    if reason:
        problems.append(Problem(FAILURES_FILE, f"{reason}: failed paths unknown"))
        return []
    if isinstance(data, dict) and isinstance(data.get("failures"), list):
        data = data["failures"]
    if not isinstance(data, list):
        problems.append(Problem(FAILURES_FILE, "not a JSON list of failures"))
        return []
    failures, bad = [], 0
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            bad += 1
            continue
        name = naming.canonical_name(entry["name"])
        failures.append(Failure(
            name=name,
            group=entry["group"] if isinstance(entry.get("group"), str) else naming.group_of(name),
            kind=entry["kind"] if isinstance(entry.get("kind"), str) else naming.kind_of(name),
            reason=one_line(entry.get("reason") or "failed (no reason given)"),
            mode=PER_CALL_MODE if entry.get("mode") == PER_CALL_MODE else BENCHMARK_MODE))
    if bad:
        problems.append(Problem(FAILURES_FILE, f"{bad} of {len(data)} entries lack a name; ignored"))
    return failures


def _load_not_applicable(folder, problems):
    """[NotApplicable] from not_applicable.json (optional: a list of {"name", "reason"})."""
    path = os.path.join(folder, NOT_APPLICABLE_FILE)
    if not os.path.lexists(path):
        return []
    data, reason = _read_json(path)
    if reason:
        problems.append(Problem(NOT_APPLICABLE_FILE, f"{reason}: paths that do not apply unknown"))
        return []
    if not isinstance(data, list):
        problems.append(Problem(NOT_APPLICABLE_FILE, "not a JSON list of paths"))
        return []
    entries = []
    for entry in data:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("reason"), str):
            entries.append(NotApplicable(naming.canonical_name(entry["name"]), one_line(entry["reason"])))
        else:
            problems.append(Problem(NOT_APPLICABLE_FILE, f"entry without a name and a reason: {one_line(entry, 80)}"))
    return entries


def _load_benchmark_file(folder, file_name, problems):
    """(google-benchmark context, rows) or None after recording a problem."""
    data = _read_object(folder, file_name, "google-benchmark output", problems)
    if data is None:
        return None
    if not isinstance(data.get("benchmarks"), list):
        what = "lacks" if "benchmarks" not in data else "has no list in"
        problems.append(Problem(file_name, f'{what} "benchmarks" (not google-benchmark output)'))
        return None
    if not data["benchmarks"]:
        problems.append(Problem(file_name, 'empty "benchmarks" list: nothing ran'))
    context = data.get("context") if isinstance(data.get("context"), dict) else {}
    rows, errors = [], []
    for index, raw in enumerate(data["benchmarks"]):
        try:
            row = _parse_row(raw, file_name)
        except ValueError as e:
            errors.append(f"row {index}: {e}")
            continue
        if row is not None:
            rows.append(row)
    if errors:
        problems.append(Problem(file_name, one_line(
            f"{len(errors)} of {len(data['benchmarks'])} rows unusable and ignored, first: {errors[0]}")))
    return context, rows


def _parse_row(raw, file_name):
    """A Row, None for rows the report does not use, or ValueError(reason)."""
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("no name")
    run_type = raw.get("run_type", "iteration")
    if run_type not in ("iteration", "aggregate"):
        raise ValueError(f"{name}: unknown run_type {run_type!r}")
    aggregate_name = raw.get("aggregate_name") if run_type == "aggregate" else None
    path = naming.canonical_name(name, raw.get("run_name"), aggregate_name)
    error = None
    if raw.get("error_occurred"):
        error = one_line(raw.get("error_message") or "error_occurred, no message")
    elif raw.get("skipped"):
        error = one_line("skipped: " + str(raw.get("skip_message") or "no message"))
    if error:
        return Row(file_name, path, run_type, aggregate_name, None, error)
    if run_type == "aggregate" and aggregate_name not in FALLBACK_AGGREGATES:
        return None  # stddev, cv, complexity fits, custom statistics: we compute our own
    real_time, unit = raw.get("real_time"), raw.get("time_unit", "ns")
    if unit not in TIME_UNITS_US:
        raise ValueError(f"{name}: unknown time_unit {unit!r}")
    if not _is_number(real_time) or real_time <= 0:
        raise ValueError(f"{name}: real_time {real_time!r} is not a positive time")
    max_abs_error = raw.get("max_abs_error")
    return Row(file_name, path, run_type, aggregate_name, real_time * TIME_UNITS_US[unit], None,
               max_abs_error if _is_number(max_abs_error) and max_abs_error >= 0 else None)


_PER_CALL_NUMBERS = ("timer_overhead_ns", "load_ms", "first_inference_us", "peak_rss_mb", "rss_growth_mb")


def _load_per_call_file(folder, file_name, problems):
    """A PerCall, or None after recording a problem. Optional numbers that are not
    numbers become None (with a problem); the samples must all be usable."""
    data = _read_object(folder, file_name, "per-call output", problems)
    if data is None:
        return None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(file_name, 'no "name" (not per-call output)'))
        return None
    samples = data.get("samples_ns")
    if not isinstance(samples, list) or not samples:
        problems.append(Problem(file_name, f'{name}: no "samples_ns" list, or an empty one'))
        return None
    bad = sum(not (_is_number(v) and v >= 0) for v in samples)
    if bad:
        problems.append(Problem(file_name, f"{name}: {bad} of {len(samples)} samples are not times in ns; file ignored"))
        return None
    count = data.get("count")
    if count is not None and count != len(samples):
        problems.append(Problem(file_name, f"{name}: count {count!r} but {len(samples)} samples; the samples are used"))
    values = {}
    for field in _PER_CALL_NUMBERS:
        value = data.get(field)
        if value is not None and not _is_number(value):
            problems.append(Problem(file_name, f"{name}: {field} {value!r} is not a number; ignored"))
            value = None
        values[field] = value
    return PerCall(file=file_name, name=naming.canonical_name(name), samples_ns=samples,
                   warmup=data.get("warmup") if _is_number(data.get("warmup")) else None, **values)
