"""Scaling sweep: one merged results folder per model size -> scaling.json's dict.

`scripts/bench --sweep` writes SWEEP_DIR/sweep.json
({"models": [{"name", "fma_count", "weight_bytes", "folder"}, ...]}) and one
results folder per model size, each merged into its own summary.json. This
module reads them and, for every rnn and bound path, fits

    latency_us = fixed_us + per_fma_ns * FMAs / 1000

by least squares weighted by 1/median^2: it minimises the squared *relative*
residuals, so a tiny model's 5 us counts as much as a large one's 5 ms (an
unweighted fit would let the largest sizes decide everything). fixed_us is
the path's overhead, per_fma_ns its marginal cost, 1/per_fma_ns its effective
GFMA/s, and fixed_us / per_fma_ns the FMA count where the work equals the
overhead (beyond it the overhead is less than half the time).

Each size also says where its weights live (L2, L3 or DRAM, from its
context's cache sizes) and its lower bound; where the weights leave L2 and
L3, the bound's ns per FMA jumps (the bound follows the memory level). The
same for bf16 and int8 weights (half and a quarter of the bytes, so they leave
each cache at a larger model), against their own bound/weight_stream_<precision>.

Nothing in a subfolder is fatal: a missing one, or one without a usable
summary.json, is a problem and the other sizes still count. Only a missing
SWEEP_DIR, an unusable sweep.json or no usable size at all raise SweepError.
The dict's fields: SCHEMA.md ("scaling.json").
"""

import dataclasses
import math
import os
import re

import numpy as np

from tflatency.report import fmt
from tflatency.report import load
from tflatency.report import naming

SCHEMA_VERSION = 1
SWEEP_FILE = "sweep.json"
MIN_POINTS = 3
FITTED_KINDS = ("rnn", "bound")  # trivial multiplies do not scale with the model
LOWER_BOUND = "lower bound"
CACHE_LEVELS = ("L2", "L3")  # where weights can leave a cache; beyond L3: DRAM
WEIGHTING = ("each point weighted by 1/median_us^2: the fit minimises squared relative "
             "residuals, so the tiny and the large models count alike")

_UNITS = {"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MB": 1 << 20,
          "MIB": 1 << 20, "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$")


class SweepError(Exception):
    """The sweep cannot be reported at all; str() is one line naming the folder."""


@dataclasses.dataclass
class Size:
    """One model size of the sweep: its sweep.json entry and, if usable, its summary.json."""
    name: str
    folder: str  # as sweep.json names it
    fma_count: object  # int or None
    weight_bytes: object  # int or None
    summary: object  # dict or None
    reason: object  # why the size is unusable, else None


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def cache_bytes(size):
    """A cache size as Linux writes it ("48K", "1024K", "32768K", "1M", "32 MiB", 65536) -> bytes, or None.

    K, M and G are binary (1K = 1024 bytes), as in sysfs and lscpu.
    """
    if _is_number(size):
        return int(size) if size > 0 else None
    if not isinstance(size, str):
        return None
    match = _SIZE.match(size)
    if not match or match.group(2).upper() not in _UNITS:
        return None
    value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    return int(value) if value > 0 else None


def weights_in(weight_bytes, caches):
    """Where weights of that size live: "L2" (fit in L2), "L3", "DRAM", or None when unknown."""
    if not _is_number(weight_bytes) or not isinstance(caches, dict):
        return None
    for level in CACHE_LEVELS:
        capacity = cache_bytes(caches.get(level))
        if capacity is None:
            return None
        if weight_bytes <= capacity:
            return level
    return "DRAM"


def _level_rank(level):
    return CACHE_LEVELS.index(level) if level in CACHE_LEVELS else len(CACHE_LEVELS)


def fit(points, min_points=MIN_POINTS):
    """(fit dict, None) or (None, reason) for [(fma_count, median_us)].

    Weighted least squares of latency_us = fixed_us + per_fma_ns * fma / 1000 with
    weights 1/median^2 (relative error); R^2 is the weighted one, consistent with
    what is minimised.
    """
    points = [(float(f), float(y)) for f, y in points]
    if len(points) < min_points:
        return None, f"{len(points)} ok point{'s' if len(points) != 1 else ''}, needs >= {min_points}"
    if len({f for f, _ in points}) < 2:
        return None, "every ok point has the same FMA count"
    fma = np.array([f for f, _ in points])
    y = np.array([v for _, v in points])
    design = np.column_stack([np.ones_like(fma), fma / 1000.0])  # [fixed_us, per_fma_ns]
    weighted = design / y[:, None]
    scale = np.linalg.norm(weighted, axis=0)  # columns of very different size: solve scaled
    solution, *_ = np.linalg.lstsq(weighted / scale, np.ones_like(y), rcond=None)
    fixed_us, per_fma_ns = (solution / scale).tolist()
    predicted = design @ np.array([fixed_us, per_fma_ns])
    relative = (y - predicted) / y
    weights = 1.0 / y ** 2
    mean = float(np.sum(weights * y) / np.sum(weights))
    total = float(np.sum(weights * (y - mean) ** 2))
    residual = float(np.sum(weights * (y - predicted) ** 2))
    worst = int(np.argmax(np.abs(relative)))
    notes = []
    if fixed_us <= 0:
        notes.append("no measurable fixed overhead (fixed_us <= 0)")
    if per_fma_ns <= 0:
        notes.append("latency does not grow with FMAs (per_fma_ns <= 0)")
    return {
        "fixed_us": fixed_us,
        "per_fma_ns": per_fma_ns,
        "gfma_per_s": 1.0 / per_fma_ns if per_fma_ns > 0 else None,
        "break_even_fma": fixed_us * 1000.0 / per_fma_ns if fixed_us > 0 and per_fma_ns > 0 else None,
        "r_squared": 1.0 - residual / total if total > 0 else None,
        "max_rel_residual": float(abs(relative[worst])),
        "max_rel_residual_fma": int(fma[worst]) if fma[worst].is_integer() else float(fma[worst]),
        "points": len(points),
        "note": "; ".join(notes) or None,
    }, None


def _positive_int(value):
    return int(value) if _is_number(value) and value > 0 and float(value).is_integer() else None


def read_sweep(folder):
    """(sizes in sweep.json order, problems); raises SweepError when there is nothing to report."""
    if not os.path.isdir(folder):
        raise SweepError(f"{folder}: no such folder")
    data, reason = load._read_json(os.path.join(folder, SWEEP_FILE))  # pylint: disable=protected-access
    if reason:
        raise SweepError(load.one_line(f"{os.path.join(folder, SWEEP_FILE)}: {reason}"))
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, list) or not models:
        raise SweepError(f'{os.path.join(folder, SWEEP_FILE)}: no "models" list (or an empty one)')
    sizes, problems = [], []
    for index, entry in enumerate(models):
        if not isinstance(entry, dict) or not isinstance(entry.get("folder"), str) or not entry["folder"].strip():
            problems.append({"file": SWEEP_FILE, "reason": f"models[{index}] has no folder; ignored"})
            continue
        sub = entry["folder"]
        name = entry["name"] if isinstance(entry.get("name"), str) and entry["name"] else sub
        size = Size(name=name, folder=sub, fma_count=_positive_int(entry.get("fma_count")),
                    weight_bytes=_positive_int(entry.get("weight_bytes")), summary=None, reason=None)
        size.reason = _load_size(folder, size, problems)
        sizes.append(size)
    if not any(s.summary is not None for s in sizes):
        first = next((f"{p['file']}: {p['reason']}" for p in problems), "no model listed")
        raise SweepError(load.one_line(f"{folder}: no usable model-size subfolder ({first})"))
    return sizes, problems


def _load_size(folder, size, problems):
    """Fills size.summary (and missing counts) from its summary.json; returns why it is unusable, or None."""
    def problem(file, reason):
        problems.append({"file": file, "reason": reason})
        return reason

    where = os.path.join(folder, size.folder)
    if not os.path.isdir(where):
        return problem(f"{size.folder}/", "missing folder: this size was not measured")
    summary_file = f"{size.folder}/{load.SUMMARY_FILE}"
    data, reason = load._read_json(os.path.join(where, load.SUMMARY_FILE))  # pylint: disable=protected-access
    if reason:
        return problem(summary_file, f"{reason} (run scripts/merge on {size.folder})")
    if not isinstance(data, dict) or not isinstance(data.get("paths"), list) or "hosts" in data:
        return problem(summary_file, "not a single-folder summary.json (no paths list)")
    context = data.get("context") if isinstance(data.get("context"), dict) else {}
    data["context"] = context
    measured_fma = _positive_int(context.get("fma_count"))
    if size.fma_count is None:
        size.fma_count = measured_fma
    elif measured_fma is not None and measured_fma != size.fma_count:
        problem(summary_file, f"fma_count {fmt.count(measured_fma)}, sweep.json says "
                              f"{fmt.count(size.fma_count)}; using the measured one")
        size.fma_count = measured_fma
    if size.weight_bytes is None:
        size.weight_bytes = _positive_int(context.get("weight_bytes"))
    if size.fma_count is None:
        return problem(summary_file, "no fma_count here or in sweep.json: cannot place this size")
    if os.path.lexists(os.path.join(where, "INCOMPLETE")):
        problem(f"{size.folder}/INCOMPLETE", "this run was interrupted or failed; its summary is used as it is")
    if data.get("problems"):
        problem(summary_file, f"lists {len(data['problems'])} problem(s) of its own (see {size.folder}/report.md)")
    size.summary = data
    return None


def _path_rows(summary):
    """{name: row} of the summary's rnn and bound paths (group and kind from the name if absent)."""
    rows = {}
    for row in summary["paths"]:
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            continue
        kind = row.get("kind") if isinstance(row.get("kind"), str) else naming.kind_of(row["name"])
        if kind in FITTED_KINDS:
            rows.setdefault(row["name"], dict(row, kind=kind, group=row.get("group") or naming.group_of(row["name"])))
    return rows


def _series(name, group, kind, sizes, value_of):
    """A path's points over the usable sizes (ascending FMA) and its fit."""
    points, failed, absent = [], [], []
    for size in sizes:
        status, value, reason = value_of(size)
        if status == "ok":
            points.append({"model": size.name, "fma_count": size.fma_count, "median_us": value})
        elif status is None:
            absent.append(size.name)
        else:
            failed.append({"model": size.name, "status": status, "reason": reason})
    result, why = fit([(p["fma_count"], p["median_us"]) for p in points])
    if why:
        extra = ([f"FAILED at {', '.join(f['model'] for f in failed)}"] if failed else []) + (
            [f"not run at {', '.join(absent)}"] if absent else [])
        why = "; ".join([why] + extra)
    return {"name": name, "group": group, "kind": kind, "points": points, "failed": failed,
            "absent": absent, "fit": result, "no_fit_reason": why}


def _path_value(name):
    def value_of(size):
        row = _path_rows(size.summary).get(name)
        if row is None:
            return None, None, None
        median = row.get("median_us")
        if row.get("status") == "ok" and _is_number(median) and median > 0:
            return "ok", float(median), None
        status = row.get("status") if row.get("status") not in (None, "ok") else "no median"
        return status, None, row.get("reason")
    return value_of


def _bound_value(size):
    bound = size.summary.get("lower_bound_us")
    if _is_number(bound) and bound > 0:
        return "ok", float(bound), None
    return "not measured", None, "no lower_bound_us"


def _reduced_bytes(weight_bytes, precision):
    """Bytes of the same weights in `precision` (weight_bytes is fp32's)."""
    return weight_bytes * naming.PRECISION_BYTES[precision] // naming.PRECISION_BYTES[naming.FP32] \
        if weight_bytes else weight_bytes


def _reduced_precisions(size, caches):
    """{precision: {"weight_bytes", "weights_in", "bound_ns_per_fma", "bound_source"}} for bf16 and int8:
    where those weights live and the size's bound/weight_stream_<precision> per FMA (null if not ok)."""
    rows = _path_rows(size.summary)
    out = {}
    for precision in naming.REDUCED_PRECISIONS:
        source = f"weight_stream_{precision}"
        row = rows.get(f"bound/{source}") or {}
        median = row.get("median_us")
        ok = row.get("status") == "ok" and _is_number(median) and median > 0 and size.fma_count
        weight_bytes = _reduced_bytes(size.weight_bytes, precision)
        out[precision] = {"weight_bytes": weight_bytes, "weights_in": weights_in(weight_bytes, caches),
                          "bound_ns_per_fma": float(median) * 1000.0 / size.fma_count if ok else None,
                          "bound_source": source if ok else None}
    return out


def _size_record(size):
    record = {"name": size.name, "folder": size.folder, "fma_count": size.fma_count,
              "weight_bytes": size.weight_bytes, "usable": size.summary is not None, "reason": size.reason,
              "caches": None, "weights_in": None, "lower_bound_us": None, "lower_bound_source": None,
              "bound_ns_per_fma": None, "host": None, "cpu_model": None, "reduced_precisions": None}
    if size.summary is None:
        return record
    context = size.summary["context"]
    caches = context.get("caches") if isinstance(context.get("caches"), dict) else None
    bound = size.summary.get("lower_bound_us")
    bound = float(bound) if _is_number(bound) and bound > 0 else None
    record.update({
        "caches": caches,
        "weights_in": weights_in(size.weight_bytes, caches),
        "lower_bound_us": bound,
        "lower_bound_source": size.summary.get("lower_bound_source") if bound else None,
        "bound_ns_per_fma": bound * 1000.0 / size.fma_count if bound else None,
        "host": context.get("host"),
        "cpu_model": context.get("cpu_model"),
        "reduced_precisions": _reduced_precisions(size, caches),
    })
    return record


def _view(record, precision):
    """A size record as seen by weights of `precision`: weight_bytes, weights_in, bound_ns_per_fma and
    lower_bound_source from its reduced_precisions entry (fp32: the record itself)."""
    if precision == naming.FP32:
        return record
    entry = (record.get("reduced_precisions") or {}).get(precision) or {}
    return dict(record, weight_bytes=entry.get("weight_bytes"), weights_in=entry.get("weights_in"),
                bound_ns_per_fma=entry.get("bound_ns_per_fma"), lower_bound_source=entry.get("bound_source"))


def _interpolate_fma(within, beyond, capacity):
    """The FMA count whose weights would just fill `capacity`: log-log between two sizes."""
    w1, w2, f1, f2 = within["weight_bytes"], beyond["weight_bytes"], within["fma_count"], beyond["fma_count"]
    if not all(v and v > 0 for v in (w1, w2, f1, f2)) or w1 == w2:
        return None
    t = (math.log(capacity) - math.log(w1)) / (math.log(w2) - math.log(w1))
    return math.exp(math.log(f1) + t * (math.log(f2) - math.log(f1)))


def transitions(size_records, precision=naming.FP32):
    """Where the weights (of `precision`) leave L2, then L3: one item per level that some size exceeds."""
    placed = [v for v in (_view(s, precision) for s in size_records) if v["usable"] and v["weights_in"] is not None]
    items = []
    for level in CACHE_LEVELS:
        rank = _level_rank(level)
        index = next((i for i, s in enumerate(placed) if _level_rank(s["weights_in"]) > rank), None)
        if index is None:
            continue
        beyond = placed[index]
        within = next((s for s in reversed(placed[:index]) if _level_rank(s["weights_in"]) <= rank), None)
        capacity = cache_bytes(beyond["caches"].get(level))
        before = within["bound_ns_per_fma"] if within else None
        after = beyond["bound_ns_per_fma"]
        items.append({
            "precision": precision,
            "level": level,
            "cache": beyond["caches"].get(level),
            "cache_bytes": capacity,
            "first_beyond": beyond["name"],
            "last_within": within["name"] if within else None,
            "fma_count_estimate": _interpolate_fma(within, beyond, capacity) if within else None,
            "bound_ns_per_fma_within": before,
            "bound_ns_per_fma_beyond": after,
            "bound_jump": after / before if before and after else None,
            "bound_source_within": within["lower_bound_source"] if within else None,
            "bound_source_beyond": beyond["lower_bound_source"],
        })
    return items


def _best_in_group(paths):
    """Per group of rnn paths: the name of the fastest at the largest size any of them ran."""
    best = {}
    for group in dict.fromkeys(p["group"] for p in paths if p["kind"] == "rnn"):
        members = [p for p in paths if p["group"] == group and p["kind"] == "rnn" and p["points"]]
        if not members:
            continue
        largest = max(pt["fma_count"] for p in members for pt in p["points"])
        at_largest = [(pt["median_us"], p["name"]) for p in members for pt in p["points"]
                      if pt["fma_count"] == largest]
        best[group] = min(at_largest)[1]
    return best


def build(folder):
    """scaling.json's dict for SWEEP_DIR `folder`; raises SweepError."""
    sizes, problems = read_sweep(folder)
    records = [_size_record(s) for s in sizes]
    order = sorted(range(len(sizes)), key=lambda i: (sizes[i].fma_count is None, sizes[i].fma_count or 0, i))
    sizes, records = [sizes[i] for i in order], [records[i] for i in order]
    usable = [s for s in sizes if s.summary is not None]

    names = {}
    for size in usable:
        for name, row in _path_rows(size.summary).items():
            names.setdefault(name, row)
    paths = [_series(name, names[name]["group"], names[name]["kind"], usable, _path_value(name))
             for name in sorted(names, key=naming.sort_key)]
    best = _best_in_group(paths)
    for path in paths:
        path["best_in_group"] = best.get(path["group"]) == path["name"]

    hosts = list(dict.fromkeys(r["host"] for r in records if r["usable"] and r["host"]))
    cpus = list(dict.fromkeys(r["cpu_model"] for r in records if r["usable"] and r["cpu_model"]))
    if len(hosts) > 1 or len(cpus) > 1:
        problems.append({"file": SWEEP_FILE, "reason": load.one_line(
            f"the sizes ran on different machines ({'; '.join(hosts + cpus)}): the fits mix them")})
    return {
        "schema_version": SCHEMA_VERSION,
        "sweep_dir": folder,
        "host": hosts[0] if hosts else None,
        "cpu_model": cpus[0] if cpus else None,
        "model": "latency_us = fixed_us + per_fma_ns * fma_count / 1000",
        "weighting": WEIGHTING,
        "min_points": MIN_POINTS,
        "sizes": records,
        "transitions": transitions(records),
        "precision_transitions": [t for p in naming.REDUCED_PRECISIONS for t in transitions(records, p)],
        "paths": paths,
        "lower_bound": _series(LOWER_BOUND, "bound", "bound", usable, _bound_value),
        "problems": problems,
    }
