"""Renders report.md from summary.json's dict: tables, tail latency, cold start and memory,
engine comparison, targets, decomposition, order, noise, context.

Pure function of the summary, so a report can be re-rendered from a stored
summary.json. Missing context fields read "unknown".
"""

from tflatency.report import decompose
from tflatency.report import engines as engines_lib
from tflatency.report import fmt
from tflatency.report import profile_markdown
from tflatency.report import stats
from tflatency.report import summary as summary_lib

UNKNOWN = "unknown"

_KIND_TITLES = {
    "rnn": "RNN inference",
    "model": "Your model's inference",
    "trivial": "Trivial multiply (the cost of a call)",
    "bound": "Lower bounds (same FMA count, no framework)",
}
_COLUMNS = ("Path", "Status", "Median us", "Min-max us", "p10-p90 us", "CV %", "Reps",
            "x bound", "x AOT", "Original us")
_ALIGN = ("---", "---", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:")


def _cell(value):
    return " ".join(str(value).split()).replace("|", "\\|")


def _table_row(cells):
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _known(value):
    return UNKNOWN if value is None or value == "" or value == [] else value


def _model_name(context):
    return _known((context.get("model") or {}).get("name"))


def _fma(context):
    return UNKNOWN if context.get("fma_count") is None else fmt.count(context["fma_count"])


def _span(low, high):
    return "-" if low is None or high is None else f"{fmt.us(low)}-{fmt.us(high)}"


def _path_cells(path):
    original = fmt.figure(path["original_us"]) if path["original_us"] is not None else ""
    if path["status"] == summary_lib.NOT_APPLICABLE:
        return [path["name"], "n/a", path["reason"] or "", "", "", "", "", "", "", original]
    if path["status"] != "ok":
        return [path["name"], "**FAILED**", path["reason"] or "", "", "", "", "", "", "", original]
    return [
        path["name"], "ok", fmt.us(path["median_us"]), _span(path["min_us"], path["max_us"]),
        _span(path["p10_us"], path["p90_us"]), fmt.percent(path["cv"]),
        path["repetitions"] if path["repetitions"] is not None else "-",
        fmt.ratio(path["ratio_to_bound"]), fmt.ratio(path["ratio_to_aot"]), original,
    ]


def _latency_section(summary):
    lines = ["## Latency per inference", ""]
    kinds = []
    for path in summary["paths"]:
        if path["kind"] not in kinds:
            kinds.append(path["kind"])
    for kind in kinds:
        lines += [f"### {_KIND_TITLES.get(kind, kind)}", "", _table_row(_COLUMNS), "| " + " | ".join(_ALIGN) + " |"]
        lines += [_table_row(_path_cells(p)) for p in summary["paths"] if p["kind"] == kind]
        lines.append("")
    best = {}
    for path in summary["paths"]:
        if path["group"] == "aot" and path["ratio_to_aot"] == 1.0:
            best.setdefault(path["kind"], path["name"])
    bests = ", ".join(best.values()) or "no ok aot path"
    lines.append(f"x bound = median / lower bound; x AOT = median / fastest ok AOT path of the same kind "
                 f"({bests}); Original = the original investigation's figure.")
    missing = [o for o in summary.get("originals", []) if not o["shown"]]
    if missing:
        lines.append("Original figures with no row here: " + "; ".join(
            f"{o['what']} {fmt.figure(o['us'])} us" for o in missing) + ".")
    return lines


TIMER_BOUND = 10  # p50 below this many timer overheads: the clock is a large part of each sample
_PER_CALL_WARNINGS = ("jitter", "possible_leak")  # shown in the per-call sections, not under Warnings


def _per_call_paths(summary):
    return [p for p in summary["paths"] if p.get("per_call", {}).get("status") is not None]


def _ns(value):
    return "-" if value is None else f"{value:,.0f}"


def _tail_section(summary):
    paths = _per_call_paths(summary)
    counts = sorted({p["per_call"]["count"] for p in paths if p["per_call"]["count"]})
    lines = ["## Tail latency per call", "", "![per-call latency percentiles per path](tail.png)", "",
             f"Each path once more in a fresh process: {'/'.join(f'{c:,}' for c in counts) or 'its'} calls "
             "after its warm-up, each timed on its own (std::chrono::steady_clock in C++, "
             "time.perf_counter_ns in Python); every sample includes one clock read (Timer ns: median of "
             "back-to-back reads). Percentiles interpolate linearly between the sorted samples (numpy's "
             "'linear' method).", "",
             _table_row(("Path", "p50 us", "p90 us", "p99 us", "p99.9 us", "Max us", "p99/p50", "Calls", "Timer ns")),
             "| --- | --: | --: | --: | --: | --: | --: | --: | --: |"]
    for path in paths:
        pc = path["per_call"]
        if pc["status"] != "ok":
            lines.append(_table_row([path["name"], "**FAILED**", pc["reason"] or "", "", "", "", "", "", ""]))
            continue
        ratio = fmt.ratio(pc["p99_over_p50"]) + (" **jitter**" if pc["jitter"] else "")
        lines.append(_table_row([path["name"], fmt.us(pc["p50_us"]), fmt.us(pc["p90_us"]), fmt.us(pc["p99_us"]),
                                 fmt.us(pc["p999_us"]), fmt.us(pc["max_us"]), ratio, fmt.count(pc["count"]),
                                 _ns(pc["timer_overhead_ns"])]))
    lines.append("")
    jittery = [p for p in paths if p["per_call"]["jitter"]]
    limit = f"{stats.JITTER_RATIO:g}"
    if jittery:
        lines += [f"- jitter: {p['name']}: p99 {fmt.us(p['per_call']['p99_us'])} us is "
                  f"{fmt.ratio(p['per_call']['p99_over_p50'])}x its p50 {fmt.us(p['per_call']['p50_us'])} us "
                  f"(max {fmt.us(p['per_call']['max_us'])} us)." for p in jittery]
        lines.append(f"- jitter means p99/p50 > {limit}: one call in a hundred takes more than {limit}x the "
                     "typical call; a real-time budget must be set by the tail, not the median.")
    else:
        lines.append(f"No jitter: every path has p99/p50 <= {limit}.")
    timer_bound = [p["name"] for p in paths if p["per_call"]["status"] == "ok" and p["per_call"]["timer_overhead_ns"]
                   and p["per_call"]["p50_us"] * 1e3 < TIMER_BOUND * p["per_call"]["timer_overhead_ns"]]
    if timer_bound:
        lines.append(f"- timer-bound (p50 under {TIMER_BOUND}x the clock's own cost, so read its percentiles "
                     f"as upper bounds): {', '.join(timer_bound)}.")
    return lines


def _cold_start_section(summary):
    paths = _per_call_paths(summary)
    lines = ["## Cold start and memory", "",
             "Load: the path's initialisation in that fresh process (importing the framework where the "
             "program imports it lazily, SavedModel load, session or interpreter creation, conversion, AOT "
             "object construction, weight packing). First inference: the first call after it, lazy "
             "compilation and set-up included. Peak RSS: the process's peak resident memory (getrusage "
             "ru_maxrss) after the timed calls; RSS growth: resident memory (/proc/self/statm) after the "
             f"timed calls minus before. MB = 2^20 bytes; growth > {summary_lib.LEAK_MB:g} MB is flagged.", "",
             _table_row(("Path", "Load ms", "First inference us", "First / p50", "Peak RSS MB", "RSS growth MB")),
             "| --- | --: | --: | --: | --: | --: |"]
    for path in paths:
        pc = path["per_call"]
        if pc["status"] != "ok":
            lines.append(_table_row([path["name"], "**FAILED**", pc["reason"] or "", "", "", ""]))
            continue
        first = pc["first_inference_us"]
        growth = "-" if pc["rss_growth_mb"] is None else f"{pc['rss_growth_mb']:.2f}"
        if pc["possible_leak"]:
            growth = f"**{growth} possible leak**"
        lines.append(_table_row([
            path["name"], fmt.us(pc["load_ms"]), fmt.us(first),
            fmt.ratio(first / pc["p50_us"]) if first is not None and pc["p50_us"] else "-",
            "-" if pc["peak_rss_mb"] is None else f"{pc['peak_rss_mb']:,.0f}", growth]))
    lines.append("")
    leaks = [p for p in paths if p["per_call"]["possible_leak"]]
    if leaks:
        lines += [f"- possible leak: {p['name']}: resident memory grew {p['per_call']['rss_growth_mb']:.2f} MB "
                  f"over {fmt.count(p['per_call']['count'])} calls." for p in leaks]
    else:
        lines.append(f"No possible leak: no path's resident memory grew more than {summary_lib.LEAK_MB:g} MB "
                     "over its timed calls.")
    return lines


def _main_kind(summary):
    return summary.get("main_kind") or "rnn"  # summaries from before user models have RNNs only


def _decomposition_section(summary):
    signature = decompose.signature(_main_kind(summary))
    total = next((p["median_us"] for p in summary["paths"]
                  if p["name"] == signature and p["status"] == "ok"), None)
    items = summary["decomposition"]
    heading = (f"## Where the time goes ({signature} = {fmt.us(total)} us)" if total is not None
               else "## Where the time goes")
    lines = [heading, "", f"| Component | Computed as | us | Share of {signature} |", "|---|---|--:|--:|"]
    for item in items:
        if not item["additive"]:
            continue
        value = fmt.us(item["us"]) if item["us"] is not None else item["note"]
        share = f"{fmt.percent(item['share_of_total'])}%" if item["share_of_total"] is not None else "-"
        lines.append(_table_row([item["label"], item["formula"], value, share]))
    additive = [item for item in items if item["additive"]]
    if total is not None and all(item["us"] is not None for item in additive):
        lines.append(_table_row(["**Total**", signature, fmt.us(total), "100.0%"]))
    lines += ["", f"The rows add up to {signature}. Cutting across them:", ""]
    for item in items:
        if item["additive"]:
            continue
        if item["us"] is None:
            lines.append(f"- {item['label']}: {item['formula']}: {item['note']}.")
            continue
        parts = []
        if item["relative_to"] and item["share_of_relative"] is not None:
            parts.append(f"{fmt.percent(item['share_of_relative'])}% of {item['relative_to']}")
        if item["share_of_total"] is not None:
            parts.append(f"{fmt.percent(item['share_of_total'])}% of {signature}")
        lines.append(f"- {item['label']}: {item['formula']} = {fmt.us(item['us'])} us"
                     + (f" ({', '.join(parts)})" if parts else "") + ".")
    return lines


def _engines_section(summary):
    kind = _main_kind(summary)
    rows = engines_lib.compare(summary["paths"], kind)
    if not any(not row["tensorflow"] for row in rows):
        return []
    fastest_tf = rows[0]["fastest_tensorflow"]
    lines = ["## Engines", "",
             f"Each engine's fastest ok fp32 variant ({_KIND_TITLES.get(kind, kind)}), unpinned and pinned to one CPU "
             f"(bf16/int8 variants: the Precision table); x TF = its median / the fastest ok fp32 TensorFlow path "
             f"({fastest_tf['name'] + ' ' + fmt.us(fastest_tf['median_us']) + ' us' if fastest_tf else 'none'}).",
             "", "| Engine | Fastest variant | Median us | p10-p90 us | x TF | Fastest pinned | Median us | "
             "p10-p90 us | x TF | Variants |", "|---|---|--:|--:|--:|---|--:|--:|--:|--:|"]
    for row in rows:
        cells = [row["title"]]
        for path, ratio in ((row["best"], row["ratio"]), (row["best_pinned"], row["ratio_pinned"])):
            if path is None:
                cells += ["-", "", "", ""]
            else:
                cells += [path["name"], fmt.us(path["median_us"]), _span(path["p10_us"], path["p90_us"]),
                          fmt.ratio(ratio) if ratio is not None else "-"]
        if row["not_ok"] is not None:
            bad = row["not_ok"]
            status = "n/a" if bad["status"] == summary_lib.NOT_APPLICABLE else "**FAILED**"
            cells[1:5] = [f"{status}: {bad['reason'] or ''}", "", "", ""]
        cells.append(row["variants"])
        lines.append(_table_row(cells))
    return lines


def _targets_section(summary):
    block = summary.get("targets") or {"items": [], "notes": []}
    lines = ["## Targets", "", "Each compares two paths of this run, on their medians; the spread is the same "
             "ratio or difference over the two paths' p10-p90 of repetitions (most and least favourable ends).", "",
             "| Target | Computed as | Value | Spread | Goal | Met |", "|---|---|--:|--:|--:|---|"]
    for item in block["items"]:
        unit = " us" if item["unit"] == "us" else "x"
        show = fmt.us if item["unit"] == "us" else fmt.ratio
        value = show(item["value"]) + unit if item["value"] is not None else "-"
        spread = (f"{show(item['spread_low'])}-{show(item['spread_high'])}{unit}"
                  if item.get("spread_low") is not None else "-")
        goal = f"{item['better']} {fmt.figure(item['goal'])}{unit}"
        met = {True: "yes", False: "**no**", None: f"not checked: {item['why']}"}[item["met"]]
        if item.get("clear") is False:
            met += " (the spread crosses the goal)"
        lines.append(_table_row([item["what"], item["formula"], value, spread, goal, met]))
    if block["notes"]:
        lines += [""] + [f"- {note}" for note in block["notes"]]
    return lines


def _precision_section(summary):
    """The Precision table (tflatency/report/precision.py); empty when the run has no reduced-precision path."""
    by_name = {p["name"]: p for p in summary["paths"]}
    rows = [by_name[name] for name in summary.get("precision_table") or () if name in by_name]
    if not rows:
        return []
    atol = summary.get("reduced_precision_atol")
    lines = ["## Precision", "",
             "Paths with bf16 or int8 weights after their fp32 twin, then the weight-streaming bounds. "
             f"Every bf16/int8 path passed max |got - golden| <= {fmt.figure(atol) if atol else '?'} against "
             "TensorFlow's fp32 output before it was timed (fp32 paths: the usual atol/rtol). x own bound = median / "
             "the bound of its precision (fp32: the lower bound; bf16, int8: bound/weight_stream_<precision>, "
             "with _vnni / _dpbf16 for the paths that narrow the activations for those dot products); "
             "speed-up = fp32 twin's median / median.", "",
             "| Path | Precision | Median us | x own bound | Speed-up over fp32 | Max abs error |",
             "|---|---|--:|--:|--:|--:|"]
    for path in rows:
        if path["status"] != "ok":
            status = "n/a" if path["status"] == summary_lib.NOT_APPLICABLE else "**FAILED**"
            lines.append(_table_row([path["name"], path["precision"], f"{status}: {path['reason'] or ''}",
                                     "", "", ""]))
            continue
        error = f"{path['max_abs_error']:.2g}" if path.get("max_abs_error") is not None else "-"
        lines.append(_table_row([path["name"], path["precision"], fmt.us(path["median_us"]),
                                 fmt.ratio(path["ratio_to_own_bound"]), fmt.ratio(path["speedup_over_fp32"]),
                                 error]))
    return lines


def _order_section(summary):
    check = summary["order_check"]
    present = [step for step in check["chain"] if step["median_us"] is not None]
    medians = "RNN medians" if _main_kind(summary) == "rnn" else "the model's medians"
    line = f"python > cpp_api > aot > lower bound, on {medians}: **{check['status']}**"
    if check["status"] == "violated":
        line += ": " + "; ".join(check["violations"])
    elif present:
        line += " (" + " > ".join(f"{fmt.us(s['median_us'])}" for s in present) + " us: " + ", ".join(
            s["name"] for s in present) + ")"
    lines = ["## Expected order", "", line + "."]
    for step in check["chain"]:
        if step["median_us"] is None:
            lines.append(f"- {step['label']} not checked: {step['why_missing']}.")
    return lines


def _noise_section(summary):
    noisy = [w for w in summary["warnings"] if w["code"] == "noise"]
    lines = ["## Noise", ""]
    if noisy:
        lines += [f"- **{w['path']}**: {w['message']}." for w in noisy]
    else:
        lines.append(f"Every ok path with repetitions has CV <= {fmt.percent(summary_lib.NOISE_CV, 0)}%.")
    others = [w for w in summary["warnings"] if w["code"] != "noise" and w["code"] not in _PER_CALL_WARNINGS]
    if others:
        lines += ["", "## Warnings", ""]
        lines += [f"- {(w['path'] + ': ') if w['path'] else ''}{w['message']}." for w in others]
    return lines


def _model_config(context):
    model = context.get("model")
    if not isinstance(model, dict) or not model:
        return UNKNOWN
    details = ", ".join(f"{k}={v}" for k, v in model.items() if k != "name")
    return f"{model.get('name', UNKNOWN)}: {details}" if details else str(model.get("name", UNKNOWN))


def _tensor_list(tensors, tolerances=False):
    parts = []
    for t in tensors or []:
        text = f"`{t.get('name')}` {t.get('dtype')}{list(t.get('shape') or [])}"
        if tolerances and t.get("dtype") == "float32":
            text += f" (atol {t.get('atol'):g}, rtol {t.get('rtol'):g})"
        elif tolerances:
            text += " (exact)"
        parts.append(text)
    return ", ".join(parts) or UNKNOWN


def _model_section(summary):
    """What a user's model is: source, inputs, outputs, FMA count and how it was obtained, weight bytes."""
    c = summary["context"]
    model = c.get("model") if isinstance(c.get("model"), dict) else {}
    if model.get("kind") != "model":
        return []
    source = model.get("source") or {}
    fma = (f"{fmt.count(c['fma_count'])} ({model.get('fma_source') or 'source unknown'})"
           if c.get("fma_count") is not None else
           f"unknown: {c.get('fma_reason') or model.get('fma_reason') or 'not counted'}; bound/fma_peak is n/a")
    xla = model.get("xla") or {}
    rows = [
        ("Model", f"{model.get('name', UNKNOWN)} ({source.get('kind', UNKNOWN)}: {source.get('path', UNKNOWN)})"),
        ("Signature", source.get("signature", "the Keras model's call (exported as serving_default)")),
        ("Inputs", _tensor_list(model.get("inputs"))),
        ("Outputs", _tensor_list(model.get("outputs"), tolerances=True)),
        ("FMA count", fma),
        ("Weight bytes", f"{fmt.count(c['weight_bytes'])} ({model.get('weight_source', 'source unknown')})"
         if c.get("weight_bytes") is not None else UNKNOWN),
        ("XLA", "compiles the model" if xla.get("compiles") else _known(xla.get("reason"))),
        ("Golden input", _known(model.get("golden_input"))),
    ]
    if model.get("batch_defaulted"):
        rows.append(("Batch", "the leading dimension of " + ", ".join(f"`{n}`" for n in model["batch_defaulted"])
                     + " was dynamic and is set to 1 (one unbatched inference; --input sets another)"))
    lines = ["## Model", "", "| | |", "|---|---|"]
    return lines + [_table_row(row) for row in rows]


def _pinning(context):
    if "pinned_cpu" not in context:
        return UNKNOWN
    return "not pinned" if context["pinned_cpu"] is None else f"pinned to CPU {context['pinned_cpu']}"


def _context_section(summary):
    c = summary["context"]
    flags = c.get("cpu_flags")
    tf = _known(c.get("tf_version"))
    if c.get("tf_git_version"):
        tf = f"{tf} ({c['tf_git_version']})"
    caches = c.get("caches")
    rows = [
        ("Host", _known(c.get("host"))),
        ("CPU", _known(c.get("cpu_model"))),
        ("CPU flags", " ".join(flags) if isinstance(flags, list) and flags else _known(flags)),
        ("Cores", _known(c.get("cores"))),
        ("Pinning", _pinning(c)),
        ("TensorFlow", tf),
        ("Compiler", _known(c.get("compiler"))),
        ("Bazel", _known(c.get("bazel_version"))),
        ("AOT target CPU", _known(c.get("aot_target_cpu"))),
        ("Model", _model_config(c)),
        ("FMA count", _fma(c)),
        ("Commit", _known(c.get("git_commit"))),
        ("Started (UTC)", _known(c.get("started_utc"))),
    ]
    if isinstance(caches, dict) and caches:
        rows.insert(4, ("Caches", ", ".join(f"{k} {v}" for k, v in sorted(caches.items()))))
    lines = ["## Context", "", "| | |", "|---|---|"]
    lines += [_table_row(row) for row in rows]
    return lines


def _problems_section(summary):
    lines = ["## Problems", ""]
    if not summary["problems"]:
        return lines + ["None: every input file was read."]
    return lines + [f"- `{p['file']}`: {p['reason']}." for p in summary["problems"]]


def _header(summary):
    c = summary["context"]
    paths = summary["paths"]
    failed = sum(p["status"] == "FAILED" for p in paths)
    not_applicable = sum(p["status"] == summary_lib.NOT_APPLICABLE for p in paths)
    lines = [f"# {_model_name(c)} ({_fma(c)} FMA) on {_known(c.get('host'))}", ""]
    counts = f"{failed} FAILED" + (f", {not_applicable} n/a" if not_applicable else "")
    intro = (f"Latency of one unbatched inference on {_known(c.get('cpu_model'))}, "
             f"{len(paths)} paths ({counts}); medians over repetitions, in microseconds.")
    if summary["lower_bound_us"] is not None:
        intro += (f" Hardware lower bound: **{fmt.us(summary['lower_bound_us'])} us** "
                  f"(bound/{summary['lower_bound_source']}, the larger of fma_peak and weight_stream).")
    else:
        intro += " Hardware lower bound: not measured."
    return lines + [intro, "", "![latency per path](latency.png)"]


def render(summary):
    """report.md's text."""
    sections = [_header(summary)] + [s for s in [_model_section(summary)] if s] + [_latency_section(summary)]
    if _per_call_paths(summary):  # folders from before the per-call mode have none
        sections += [_tail_section(summary), _cold_start_section(summary)]
    sections += [s for s in [_precision_section(summary)] if s]
    sections += [s for s in [_engines_section(summary)] if s]
    sections += [_targets_section(summary), _decomposition_section(summary)]
    sections += [s for s in [profile_markdown.section(summary)] if s]
    sections += [_order_section(summary),
                 _noise_section(summary),
                 _context_section(summary), _problems_section(summary)]
    return "\n\n".join("\n".join(section).rstrip("\n") for section in sections) + "\n"
