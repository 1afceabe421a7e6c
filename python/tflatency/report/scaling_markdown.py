"""Renders scaling.md from scaling.json's dict (tflatency.report.scaling): fits, sizes, problems.

Pure function of the dict, so the report can be re-rendered from a stored scaling.json.
"""

from tflatency.report import fmt
from tflatency.report import markdown

_FIT_COLUMNS = ("Path", "Fixed us", "ns/FMA", "GFMA/s", "R²", "Max resid. %", "Break-even FMAs", "Points")
_FIT_ALIGN = ("---", "--:", "--:", "--:", "--:", "--:", "--:", "--:")
_SIZE_COLUMNS = ("Model", "FMAs", "Weight bytes", "Weights in", "Lower bound us", "Bound ns/FMA")
_SIZE_ALIGN = ("---", "--:", "--:", "---", "--:", "--:")
POOR_FIT = 0.2  # max relative residual above which a fit is called poor
_table_row = markdown._table_row  # pylint: disable=protected-access


def _bytes(value):
    if value is None:
        return "unknown"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= size:
            return f"{fmt.count(value)} ({value / size:.3g} {unit})"
    return fmt.count(value)


def _fmas(value):
    return "-" if value is None else fmt.count(int(round(value)))


def _fit_cells(series):
    fit = series["fit"]
    name = f"**{series['name']}**" if series.get("best_in_group") else series["name"]
    points = str(len(series["points"]))
    if fit is None:
        return [name, "-", "-", "-", "-", "-", "-", f"{points} (no fit)"]
    r2 = "-" if fit["r_squared"] is None else f"{fit['r_squared']:.4f}"
    return [name, fmt.us(fit["fixed_us"]), fmt.us(fit["per_fma_ns"]), fmt.us(fit["gfma_per_s"]), r2,
            fmt.percent(fit["max_rel_residual"]), _fmas(fit["break_even_fma"]), points]


def _fits_section(scaling):
    lines = ["## Fits", "",
             f"Each path's medians fitted with `{scaling['model']}` by least squares, {scaling['weighting']}. "
             "Fixed us is the path's overhead, ns/FMA its marginal cost (GFMA/s = 1 / ns/FMA); break-even is "
             "the FMA count where the work equals the overhead (fixed us / ns per FMA): beyond it the overhead "
             "stops mattering (less than half the time). "
             f"R² is the weighted one; max resid. the largest |measured - fit| / measured. "
             f"Fitted with >= {scaling['min_points']} sizes; **bold**: the fastest of its group at the largest size.",
             "", _table_row(_FIT_COLUMNS), "| " + " | ".join(_FIT_ALIGN) + " |"]
    series = scaling["paths"] + [scaling["lower_bound"]]
    lines += [_table_row(_fit_cells(s)) for s in series]
    unfitted = [s for s in series if s["fit"] is None]
    noted = [s for s in series if s["fit"] is not None and s["fit"]["note"]]
    failed = [s for s in series if s["fit"] is not None and s["failed"]]
    if unfitted or noted or failed:
        lines.append("")
    lines += [f"- {s['name']}: not fitted: {s['no_fit_reason']}." for s in unfitted]
    lines += [f"- {s['name']}: {s['fit']['note']}." for s in noted]
    lines += [f"- {s['name']}: FAILED at {', '.join(f['model'] for f in s['failed'])}; fitted on the other sizes."
              for s in failed]
    poor = [s["name"] for s in series if s["fit"] is not None and s["fit"]["max_rel_residual"] > POOR_FIT]
    if poor:
        lines += ["", f"The fit misses some sizes by more than {fmt.percent(POOR_FIT, 0)}% for "
                      f"{', '.join(poor)}: their cost per FMA is not constant across sizes (typically the weights "
                      "leaving a cache, see Sizes); read their ns/FMA as an average."]
    return lines


def _level(record):
    where = record["weights_in"] or "unknown"
    caches = record["caches"] or {}
    if where == "L2":
        return f"L2 (<= {caches.get('L2')})"
    if where == "L3":
        return f"L3 (<= {caches.get('L3')})"
    if where == "DRAM":
        return f"DRAM (> L3 {caches.get('L3')})"
    return "unknown (no cache sizes)" if record["usable"] else "-"


def _size_cells(record):
    if not record["usable"]:
        return [record["name"], _fmas(record["fma_count"]), _bytes(record["weight_bytes"]) if record["weight_bytes"]
                else "-", "-", "not measured (see Problems)", "-"]
    source = f" ({record['lower_bound_source']})" if record["lower_bound_source"] else ""
    bound = f"{fmt.us(record['lower_bound_us'])}{source}" if record["lower_bound_us"] is not None else "not measured"
    return [record["name"], _fmas(record["fma_count"]), _bytes(record["weight_bytes"]), _level(record), bound,
            fmt.us(record["bound_ns_per_fma"])]


def transition_sentence(item):
    """One sentence: where the weights leave a cache level, and what the lower bound does."""
    weights = "Weights" if item.get("precision", "fp32") == "fp32" else f"{item['precision']} weights"
    sentence = (f"{weights} leave {item['level']} ({item['cache']}) at **{item['first_beyond']}**")
    if item["fma_count_estimate"]:
        sentence += f" (the weights fill it at about {_fmas(item['fma_count_estimate'])} FMAs)"
    if item["bound_jump"] is not None:
        before, after = item["bound_ns_per_fma_within"], item["bound_ns_per_fma_beyond"]
        sources = ""
        if item["bound_source_within"] != item["bound_source_beyond"]:
            sources = f"; from bound/{item['bound_source_within']} to bound/{item['bound_source_beyond']}"
        elif item["bound_source_beyond"]:
            sources = f"; bound/{item['bound_source_beyond']}"
        verb = "the bound follows" if item["bound_jump"] > 1.05 else "the bound barely moves"
        sentence += (f": {verb}, {fmt.us(before)} ns/FMA at {item['last_within']} -> {fmt.us(after)} ns/FMA "
                     f"({fmt.ratio(item['bound_jump'])}x{sources}).")
    elif item["last_within"] is None:
        sentence += ": already the smallest measured size, so no jump to see."
    else:
        sentence += ": the lower bound is not measured on both sides, so its jump is unknown."
    return sentence


def _sizes_section(scaling):
    lines = ["## Sizes", "", _table_row(_SIZE_COLUMNS), "| " + " | ".join(_SIZE_ALIGN) + " |"]
    lines += [_table_row(_size_cells(r)) for r in scaling["sizes"]]
    lines += ["", "Weights in: the smallest cache that holds all the weights, from that size's context "
                  "(L2 if weight bytes <= L2, L3 if <= L3, else DRAM). Bound ns/FMA = lower bound / FMAs.", ""]
    if scaling["transitions"]:
        lines += [f"- {transition_sentence(t)}" for t in scaling["transitions"]]
    else:
        levels = {r["weights_in"] for r in scaling["sizes"] if r["usable"]}
        lines.append("No cache transition to see: every measured size's weights sit in "
                     f"{', '.join(sorted(str(l) for l in levels))}." if None not in levels
                     else "Cache sizes unknown for some sizes: transitions not placed.")
    if scaling.get("precision_transitions"):
        lines += ["", "The same weights in bf16 and int8 (half and a quarter of the bytes), against their own "
                      "bound/weight_stream_<precision>:", ""]
        lines += [f"- {transition_sentence(t)}" for t in scaling["precision_transitions"]]
    return lines


def _problems_section(scaling):
    lines = ["## Problems", ""]
    if not scaling["problems"]:
        return lines + ["None: every model size was read."]
    return lines + [f"- `{p['file']}`: {p['reason']}." for p in scaling["problems"]]


def _header(scaling):
    usable = [r for r in scaling["sizes"] if r["usable"]]
    machine = ", ".join(v for v in (scaling["host"], scaling["cpu_model"]) if v) or "unknown machine"
    intro = (f"Latency of one unbatched inference against model size on {machine}: {len(usable)} of "
             f"{len(scaling['sizes'])} sizes measured, from {_fmas(usable[0]['fma_count'])} to "
             f"{_fmas(usable[-1]['fma_count'])} FMAs; medians in microseconds.") if usable else "No size measured."
    return [f"# Scaling with model size on {scaling['host'] or 'unknown host'}", "", intro, "",
            "![latency against FMAs](scaling.png)"]


def render(scaling):
    """scaling.md's text."""
    sections = [_header(scaling), _fits_section(scaling), _sizes_section(scaling), _problems_section(scaling)]
    return "\n\n".join("\n".join(section).rstrip("\n") for section in sections) + "\n"
