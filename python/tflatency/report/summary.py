"""Builds summary.json (schema: SCHEMA.md) from the loaded folder.

One row per path: statistics from its per-repetition rows, status FAILED with
a reason when any row reported an error or failures.json lists it, its per-call
run (tail percentiles, cold start, memory; `per_call`), then the lower bound,
the ratios, the original's figures, the decomposition, the order check and the
warnings. The report and the plot are rendered from this dict
alone.
"""

import collections

from tflatency import golden
from tflatency.report import decompose
from tflatency.report import fmt
from tflatency.report import load
from tflatency.report import naming
from tflatency.report import originals
from tflatency.report import precision
from tflatency.report import profiles as profiles_lib
from tflatency.report import stats
from tflatency.report import targets

SCHEMA_VERSION = 1
NOT_APPLICABLE = "n/a"  # a path's status when it cannot apply to the model (not_applicable.json)
# A benchmark program that cannot run a case on this model or machine (an engine not installed, an
# instruction set missing) reports it as an error row whose message starts with this: status n/a.
NOT_APPLICABLE_PREFIX = "n/a: "
NOISE_CV = 0.05  # paths above this coefficient of variation are flagged as noisy
BOUND_PATHS = ("fma_peak", "weight_stream")  # lower bound = max of their medians

_STAT_KEYS = ("median_us", "min_us", "max_us", "p10_us", "p90_us", "cv", "repetitions")
LEAK_MB = 1.0  # RSS growth over the timed calls above this: a possible leak
PER_CALL_KEYS = ("status", "reason", "count", "warmup", "p50_us", "p90_us", "p99_us", "p999_us", "max_us",
                 "p99_over_p50", "jitter", "timer_overhead_ns", "load_ms", "first_inference_us",
                 "peak_rss_mb", "rss_growth_mb", "possible_leak", "source_file")


def _warning(code, path, message):
    return {"code": code, "path": path, "message": message}


def _path_row(name, status, reason, source_file, summary_stats=None, group=None, kind=None):
    row = {
        "name": name,
        "group": group or naming.group_of(name),
        "kind": kind or naming.kind_of(name),
        "status": status,
        "reason": reason,
    }
    row.update({key: (summary_stats or {}).get(key) for key in _STAT_KEYS})
    row.update({"ratio_to_bound": None, "ratio_to_aot": None, "original_us": None,
                "max_abs_error": (summary_stats or {}).get("max_abs_error"),
                "source_file": source_file, "per_call": dict.fromkeys(PER_CALL_KEYS)})
    return row


def _per_call_block(per_call):
    """summary.json's `per_call` object of a path from its load.PerCall."""
    block = dict.fromkeys(PER_CALL_KEYS)
    block.update(stats.tail(per_call.samples_ns))
    block.update(status="ok", count=len(per_call.samples_ns), warmup=per_call.warmup,
                 timer_overhead_ns=per_call.timer_overhead_ns, load_ms=per_call.load_ms,
                 first_inference_us=per_call.first_inference_us, peak_rss_mb=per_call.peak_rss_mb,
                 rss_growth_mb=per_call.rss_growth_mb, source_file=per_call.file)
    block["jitter"] = stats.has_jitter(block["p99_over_p50"])
    block["possible_leak"] = None if per_call.rss_growth_mb is None else per_call.rss_growth_mb > LEAK_MB
    return block


def _apply_per_call(paths, per_call, failures, warnings, problems):
    """Attaches every path's per-call run (or its per-call failure) to its row."""
    for name, data in sorted(per_call.items()):
        if name not in paths:
            problems.append({"file": data.file, "reason": f"per-call data for {name}, which has no benchmark rows; not shown"})
            continue
        paths[name]["per_call"] = _per_call_block(data)
    for failure in failures:
        if failure.mode != load.PER_CALL_MODE or failure.name not in paths:
            continue
        block = paths[failure.name]["per_call"]
        if block["status"] == "ok":
            warnings.append(_warning("failure_overrides", failure.name,
                                     f"{load.FAILURES_FILE} lists its per-call run as failed; its per-call data in "
                                     f"{block['source_file']} is not shown"))
        paths[failure.name]["per_call"] = dict.fromkeys(PER_CALL_KEYS)
        paths[failure.name]["per_call"].update(status="FAILED", reason=failure.reason, source_file=load.FAILURES_FILE)
    for path in paths.values():
        block = path["per_call"]
        if block["jitter"]:
            warnings.append(_warning(
                "jitter", path["name"],
                f"per call p99 {fmt.us(block['p99_us'])} us is {fmt.ratio(block['p99_over_p50'])}x p50 "
                f"{fmt.us(block['p50_us'])} us (> {stats.JITTER_RATIO:g}x)"))
        if block["possible_leak"]:
            warnings.append(_warning(
                "possible_leak", path["name"],
                f"resident memory grew {block['rss_growth_mb']:.2f} MB over {block['count']} calls "
                f"(> {LEAK_MB:g} MB)"))


def _choose_file(files):
    """The file whose rows represent a path measured in several files."""
    def usable(name):
        return any(r.error is None and r.run_type == "iteration" for r in files[name])
    ordered = sorted(files)
    return next((name for name in ordered if usable(name)), ordered[0])


def _measured_paths(rows, warnings):
    by_name = collections.defaultdict(lambda: collections.defaultdict(list))
    for row in rows:
        by_name[row.name][row.file].append(row)
    paths = {}
    for name, files in by_name.items():
        chosen = _choose_file(files)
        if len(files) > 1:
            others = ", ".join(sorted(set(files) - {chosen}))
            warnings.append(_warning("duplicate", name, f"measured in {chosen} and {others}; kept {chosen}"))
        chosen_rows = files[chosen]
        errors = [r.error for r in chosen_rows if r.error]
        if errors and all(e.startswith(NOT_APPLICABLE_PREFIX) for e in errors):
            paths[name] = _path_row(name, NOT_APPLICABLE, errors[0][len(NOT_APPLICABLE_PREFIX):], chosen)
            continue
        if errors:
            paths[name] = _path_row(name, "FAILED", errors[0], chosen)
            continue
        times = [r.time_us for r in chosen_rows if r.run_type == "iteration"]
        errors_reported = [r.max_abs_error for r in chosen_rows if r.max_abs_error is not None]
        if times:
            paths[name] = _path_row(name, "ok", None, chosen,
                                    dict(stats.summarize(times), max_abs_error=max(errors_reported, default=None)))
            continue
        aggregates = {r.aggregate_name: r.time_us for r in chosen_rows}
        which = "median" if "median" in aggregates else "mean"
        value = aggregates[which]
        paths[name] = _path_row(name, "ok", None, chosen, {"median_us": value, "min_us": value, "max_us": value,
                                                           "max_abs_error": max(errors_reported, default=None)})
        warnings.append(_warning("aggregates_only", name,
                                 f"no per-repetition rows in {chosen}; median taken from its {which} aggregate, no spread"))
    return paths


def model_kind(context):
    """The kind of the benchmarked model's paths: `rnn` for a configured RNN, `model` for a user's model."""
    model = context.get("model")
    return model.get("kind") or "rnn" if isinstance(model, dict) else "rnn"


def _apply_not_applicable(paths, entries, warnings):
    """n/a rows for the paths that cannot apply to the model; a measured path keeps its times."""
    for entry in entries:
        if entry.name in paths:
            warnings.append(_warning("not_applicable_but_measured", entry.name,
                                     f"{load.NOT_APPLICABLE_FILE} says it cannot apply ({entry.reason}), "
                                     "yet it was measured; its times are shown"))
            continue
        paths[entry.name] = _path_row(entry.name, NOT_APPLICABLE, entry.reason, load.NOT_APPLICABLE_FILE)


def _apply_failures(paths, failures, warnings):
    for failure in failures:
        if failure.mode == load.PER_CALL_MODE:
            continue  # _apply_per_call: the path's medians stand
        existing = paths.get(failure.name)
        if existing is None:
            paths[failure.name] = _path_row(failure.name, "FAILED", failure.reason, load.FAILURES_FILE,
                                            group=failure.group, kind=failure.kind)
        elif existing["status"] == "ok":
            warnings.append(_warning("failure_overrides", failure.name,
                                     f"{load.FAILURES_FILE} lists it as failed; its times in "
                                     f"{existing['source_file']} are not shown"))
            paths[failure.name] = _path_row(failure.name, "FAILED", failure.reason, existing["source_file"],
                                            group=existing["group"], kind=existing["kind"])
        elif failure.reason not in existing["reason"]:
            existing["reason"] = load.one_line(f"{existing['reason']}; {failure.reason}")


def _lower_bound(paths, warnings):
    measured = {which: paths[f"bound/{which}"]["median_us"] for which in BOUND_PATHS
                if paths.get(f"bound/{which}", {}).get("status") == "ok"}
    if not measured:
        return None, None
    source = max(measured, key=lambda which: measured[which])
    if len(measured) < len(BOUND_PATHS):
        absent = ", ".join(f"bound/{w}" for w in BOUND_PATHS if w not in measured)
        warnings.append(_warning("partial_lower_bound", None,
                                 f"lower bound from bound/{source} alone: {absent} not measured"))
    return measured[source], source


def _context_warnings(context, benchmark_contexts):
    """Benchmark binaries that say they ran another model than context.json."""
    warnings = []
    want = {"fma_count": context.get("fma_count"), "model": (context.get("model") or {}).get("name")}
    for file_name, bench in sorted(benchmark_contexts.items()):
        for key, value in want.items():
            if value is not None and key in bench and str(bench[key]) != str(value):
                warnings.append(_warning("context_mismatch", None,
                                         f"{file_name} says {key} {bench[key]}, context.json says {value}"))
    return warnings


def _quality_warnings(paths):
    warnings = []
    for path in paths:
        if path["status"] != "ok":
            continue
        if path["cv"] is not None and path["cv"] > NOISE_CV:
            warnings.append(_warning(
                "noise", path["name"],
                f"CV {fmt.percent(path['cv'])}% > {fmt.percent(NOISE_CV, 0)}% "
                f"(min-max {fmt.us(path['min_us'])}-{fmt.us(path['max_us'])} us): median uncertain; "
                f"rerun pinned, on an idle machine, or with more repetitions"))
        elif path["repetitions"] == 1:
            warnings.append(_warning("single_repetition", path["name"],
                                     "one repetition: no spread, no CV; run with --benchmark_repetitions"))
    return warnings


def build(inputs):
    """summary.json's dict from a load.Inputs."""
    warnings = []
    by_name = _measured_paths(inputs.rows, warnings)
    _apply_failures(by_name, inputs.failures, warnings)
    _apply_not_applicable(by_name, inputs.not_applicable, warnings)
    problems = [{"file": p.file, "reason": p.reason} for p in inputs.problems]
    per_call_warnings = []
    _apply_per_call(by_name, inputs.per_call, inputs.failures, per_call_warnings, problems)
    paths = [by_name[name] for name in sorted(by_name, key=naming.sort_key)]
    per_call_warnings.sort(key=lambda w: naming.sort_key(w["path"]))

    lower_bound_us, lower_bound_source = _lower_bound(by_name, warnings)
    kind = model_kind(inputs.context)
    precision.annotate(paths, lower_bound_us, kind)
    # The best AOT build, the decomposition, the order check and the fp32 targets compare fp32 paths;
    # reduced-precision ones have their own table and targets.
    fp32_paths = [p for p in paths if p["precision"] == naming.FP32]
    best_aot = {}
    for path in paths:
        if path["kind"] not in best_aot:
            best = decompose.best_ok(fp32_paths, "aot", path["kind"])
            best_aot[path["kind"]] = best["median_us"] if best else None
    best_aot_main = decompose.best_ok(fp32_paths, "aot", kind)
    best_aot_main_name = best_aot_main["name"] if best_aot_main else None
    best_aot_rnn = decompose.best_ok(fp32_paths, "aot", "rnn")
    best_aot_rnn_name = best_aot_rnn["name"] if best_aot_rnn else None

    # The original investigation measured the default RNN: its figures apply to RNN configs only.
    shown_originals = originals.ORIGINALS if kind == "rnn" else ()
    attached, _ = originals.attach(by_name, best_aot_rnn_name) if kind == "rnn" else ({}, [])
    for path in paths:
        median = path["median_us"] if path["status"] == "ok" else None
        if median is not None and lower_bound_us and path["kind"] in (kind, "bound"):
            path["ratio_to_bound"] = median / lower_bound_us
        if median is not None and best_aot.get(path["kind"]):
            path["ratio_to_aot"] = median / best_aot[path["kind"]]
        path["original_us"] = attached.get(path["name"])

    context = dict(inputs.context)
    context["benchmark_contexts"] = inputs.benchmark_contexts
    decomposition = decompose.decompose(fp32_paths, lower_bound_us, lower_bound_source, best_aot_main_name,
                                        inputs.context.get("aot_target_cpu"), kind)
    profiles = profiles_lib.apply(paths, inputs.profiles, decomposition, kind)
    return {
        "schema_version": SCHEMA_VERSION,
        "context": context,
        "lower_bound_us": lower_bound_us,
        "lower_bound_source": lower_bound_source,
        "best_aot_rnn": best_aot_rnn_name,
        "main_kind": kind,
        "best_aot": best_aot_main_name,
        "paths": paths,
        "decomposition": decomposition,
        "order_check": decompose.order_check(fp32_paths, lower_bound_us, lower_bound_source, best_aot_main_name, kind),
        "targets": targets.check(paths, inputs.context.get("aot_target_cpu"), kind),
        "precision_table": [p["name"] for p in precision.table_rows(paths, kind)],
        "reduced_precision_atol": golden.REDUCED_PRECISION_ATOL,
        "originals": [
            {"what": o.what, "us": o.us,
             "path": best_aot_rnn_name if o.path == originals.BEST_AOT_RNN else o.path,
             "shown": (best_aot_rnn_name if o.path == originals.BEST_AOT_RNN else o.path) in attached}
            for o in shown_originals],
        "warnings": warnings + _context_warnings(inputs.context, inputs.benchmark_contexts)
                    + _quality_warnings(paths) + per_call_warnings,
        "problems": problems,
        "profiles": profiles,
    }
