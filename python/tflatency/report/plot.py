"""Renders latency.png and tail.png from summary.json's dict.

latency.png: one horizontal bar per ok path.

Bars are medians on a log axis in microseconds, whiskers min-max, colour by
group; RNN paths above trivial ones, in the report's order. The lower bound is
a dashed vertical line, the original investigation's figures hollow diamonds.

tail.png: the per-call percentiles of every path with a per-call run (p50, p90,
p99, p99.9, max on a "nines" x axis: -log10(1 - q), max one nine further), one
line per path on a log axis in microseconds; one panel per group on a shared
axis, the lines coloured by group (shades within it, dashed for trivial paths,
dotted for pinned ones) and labelled at their right end.

matplotlib runs on the Agg backend with its config and cache in a temporary
directory, so it never touches the user's home.
"""

import logging
import math
import os
import tempfile
import textwrap

from tflatency.report import fmt

PLOTTED_KINDS = ("rnn", "model", "trivial")
_GROUP_COLORS = {
    "python": "#4C72B0", "python_compiled": "#64B5CD", "cpp_api": "#DD8452", "aot": "#55A868",
    "hand": "#C44E52", "tflite": "#8172B3", "peer": "#937860",
}
_OTHER_COLORS = ("#DA8BC3", "#8C8C8C", "#CCB974", "#4C4C4C")


# Reduced-precision bars are hatched (and their label says the precision); fp32 bars are plain.
PRECISION_HATCH = {"bf16": "//", "int8": "xx"}


def _precision(path):
    return path.get("precision") or "fp32"  # summaries from before the field: fp32


def _colors(groups):
    colors, spare = {}, list(_OTHER_COLORS)
    for group in groups:
        if group in _GROUP_COLORS:
            colors[group] = _GROUP_COLORS[group]
        else:
            colors[group] = spare.pop(0) if spare else "#999999"
    return colors


def _title(summary):
    c = summary["context"]
    model = (c.get("model") or {}).get("name") or "unknown model"
    fma = fmt.count(c["fma_count"]) if c.get("fma_count") is not None else "unknown"
    machine = ", ".join(str(v) for v in (c.get("host"), c.get("cpu_model")) if v) or "unknown machine"
    return f"{model} ({fma} FMA): latency of one unbatched inference\n{machine}"


def _log_label(value, _):
    return f"{value:g}" if value >= 1e-3 else f"{value:.0e}"


def _render(summary, out_file):
    logging.getLogger("matplotlib").setLevel(logging.WARNING)  # "generated new fontManager"
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib import ticker
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = [p for p in summary["paths"]
            if p["status"] == "ok" and p["kind"] in PLOTTED_KINDS and p["median_us"]]
    rows.sort(key=lambda p: PLOTTED_KINDS.index(p["kind"]))  # stable: keeps the report's order
    height = max(3.4, 0.34 * len(rows) + 1.9)
    fig, ax = plt.subplots(figsize=(11.5, height), dpi=110)
    ax.set_title(_title(summary), fontsize=11)
    if not rows:
        ax.text(0.5, 0.5, "no ok path of the model or the trivial multiply to plot", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        fig.savefig(out_file, format="png")
        plt.close(fig)
        return

    colors = _colors(dict.fromkeys(p["group"] for p in rows))
    bound = summary.get("lower_bound_us")
    values = [v for p in rows for v in (p["min_us"], p["max_us"], p["original_us"]) if v]
    values += [bound] if bound else []
    lo = 10 ** math.floor(math.log10(min(values) / 1.5))
    hi = 10 ** math.ceil(math.log10(max(values) * 4))  # room for the value labels

    ys = list(range(len(rows)))
    medians = [p["median_us"] for p in rows]
    ax.barh(ys, [m - lo for m in medians], left=lo, height=0.62,
            color=[colors[p["group"]] for p in rows], zorder=2,
            hatch=[PRECISION_HATCH.get(_precision(p), "") for p in rows], edgecolor="white", linewidth=0)
    low_err = [max(p["median_us"] - (p["min_us"] or p["median_us"]), 0) for p in rows]
    high_err = [max((p["max_us"] or p["median_us"]) - p["median_us"], 0) for p in rows]
    ax.errorbar(medians, ys, xerr=[low_err, high_err], fmt="none", ecolor="#222222",
                elinewidth=1, capsize=3, zorder=3)
    for y, p in zip(ys, rows):
        right = max(v for v in (p["median_us"], p["max_us"], p["original_us"]) if v)
        label = f"{fmt.us(p['median_us'])} us" + ("" if _precision(p) == "fp32" else f" [{_precision(p)}]")
        ax.annotate(label, (right, y), xytext=(7, 0), textcoords="offset points",
                    va="center", fontsize=8.5, zorder=4)
    originals = [(y, p["original_us"]) for y, p in zip(ys, rows) if p["original_us"]]
    if originals:
        ax.scatter([o for _, o in originals], [y for y, _ in originals], marker="D", s=36,
                   facecolors="none", edgecolors="black", linewidths=1.1, zorder=5)

    kinds = [p["kind"] for p in rows]
    if "trivial" in kinds and ("rnn" in kinds or "model" in kinds):
        ax.axhline(kinds.index("trivial") - 0.5, color="#999999", linewidth=0.8)

    handles = [Patch(color=colors[g], label=g) for g in colors]
    for precision in dict.fromkeys(_precision(p) for p in rows if _precision(p) in PRECISION_HATCH):
        handles.append(Patch(facecolor="#bbbbbb", edgecolor="white", hatch=PRECISION_HATCH[precision],
                             label=f"{precision} weights"))
    if bound:
        # Across the RNN rows only: it bounds an inference, not a trivial multiply.
        bottom = kinds.index("trivial") - 0.5 if "trivial" in kinds else len(rows) - 0.5
        ax.vlines(bound, -1.1, bottom, colors="#B22222", linestyles="--", linewidth=1.3, zorder=4)
        ax.text(bound * 1.06, -0.75, f"lower bound {fmt.us(bound)} us", color="#B22222",
                fontsize=8.5, va="bottom", ha="left")
        handles.append(Line2D([], [], color="#B22222", linestyle="--",
                              label=f"lower bound ({summary.get('lower_bound_source')})"))
    if originals:
        handles.append(Line2D([], [], marker="D", linestyle="none", markerfacecolor="none",
                              markeredgecolor="black", label="original investigation"))

    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(len(rows) - 0.5, -1.1)
    ax.set_yticks(ys)
    ax.set_yticklabels([p["name"] for p in rows], fontsize=9)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(_log_label))
    xlabel = "microseconds per inference (log scale); bar = median, whiskers = min-max"
    failed = [p["name"] for p in summary["paths"] if p["status"] == "FAILED" and p["kind"] in PLOTTED_KINDS]
    if failed:
        xlabel += "\n" + textwrap.fill("not shown, FAILED: " + ", ".join(failed), 120)
    ax.set_xlabel(xlabel, fontsize=9.5)
    ax.grid(axis="x", which="major", color="#dddddd", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    fig.tight_layout()
    fig.savefig(out_file, format="png")
    plt.close(fig)


# tail.png's x axis: (summary key, tick label, position on the nines scale).
TAIL_POINTS = (("p50_us", "p50", math.log10(2)), ("p90_us", "p90", 1.0), ("p99_us", "p99", 2.0),
               ("p999_us", "p99.9", 3.0), ("max_us", "max", 4.0))
_TAIL_COLUMNS = 4


def _shades(color, n):
    """n shades of `color`, from darker to lighter, so lines of one group stay apart."""
    from matplotlib import colors as mcolors  # pylint: disable=g-import-not-at-top
    base = mcolors.to_rgb(color)
    if n == 1:
        return [base]
    out = []
    for i in range(n):
        t = -0.5 + 0.8 * i / (n - 1)  # <0 towards black, >0 towards white (not so far it fades)
        out.append(tuple(c * (1 + t) if t < 0 else c + (1 - c) * t for c in base))
    return out


def _spread(values, gap):
    """Label positions (same order as `values`) at least `gap` apart, as close to the values as possible."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [values[i] for i in order]
    for _ in range(50):
        moved = False
        for k in range(1, len(placed)):
            overlap = gap - (placed[k] - placed[k - 1])
            if overlap > 1e-9:
                placed[k - 1] -= overlap / 2
                placed[k] += overlap / 2
                moved = True
        if not moved:
            break
    out = [0.0] * len(values)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def _tail_label(path):
    rest = path["name"].split("/", 1)[1] if "/" in path["name"] else path["name"]
    for kind in ("/rnn", "/model"):
        if rest.endswith(kind):
            return rest[: -len(kind)]
    return rest


def _render_tail(summary, out_file):
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    import matplotlib  # pylint: disable=g-import-not-at-top
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt  # pylint: disable=g-import-not-at-top
    from matplotlib import ticker  # pylint: disable=g-import-not-at-top

    rows = [p for p in summary["paths"]
            if (p.get("per_call") or {}).get("status") == "ok" and p["per_call"].get("p50_us")]
    groups = list(dict.fromkeys(p["group"] for p in rows))
    c = summary["context"]
    model = (c.get("model") or {}).get("name") or "unknown model"
    machine = ", ".join(str(v) for v in (c.get("host"), c.get("cpu_model")) if v) or "unknown machine"
    counts = sorted({p["per_call"]["count"] for p in rows})
    title = (f"{model}: latency of each call, percentiles per path ({'/'.join(f'{n:,}' for n in counts)} "
             f"calls each, one fresh process per path)\n{machine}")
    if not rows:
        fig, ax = plt.subplots(figsize=(11.5, 3.4), dpi=110)
        ax.set_title(title, fontsize=11)
        ax.text(0.5, 0.5, "no per-call data (*.percall.json) to plot", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        fig.savefig(out_file, format="png")
        plt.close(fig)
        return

    columns = min(_TAIL_COLUMNS, len(groups))
    panel_rows = math.ceil(len(groups) / columns)
    width = max(9.0, 4.1 * columns)
    fig, axes = plt.subplots(panel_rows, columns, figsize=(width, 4.4 * panel_rows + 1.1), dpi=110,
                             sharey=True, squeeze=False)
    fig.suptitle(title, fontsize=11)
    colors = _colors(groups)
    values = [p["per_call"][key] for p in rows for key, _, _ in TAIL_POINTS if p["per_call"][key]]
    lo = 10 ** math.floor(math.log10(min(values) / 1.3))
    hi = 10 ** math.ceil(math.log10(max(values) * 1.3))
    xs = [x for _, _, x in TAIL_POINTS]
    label_gap = 0.052 * (math.log10(hi) - math.log10(lo))
    for index, ax in enumerate(axes.flat):
        if index >= len(groups):
            ax.set_axis_off()
            continue
        group = groups[index]
        members = [p for p in rows if p["group"] == group]
        # A pinned variant (scripts/bench's *_pinned) shares its sibling's shade, dotted.
        siblings = list(dict.fromkeys(p["name"].replace("_pinned/", "/") for p in members))
        shade_of = dict(zip(siblings, _shades(colors[group], len(siblings))))
        shades = [shade_of[p["name"].replace("_pinned/", "/")] for p in members]
        ends = []
        for shade, path in zip(shades, members):
            pc = path["per_call"]
            points = [(x, pc[key]) for key, _, x in TAIL_POINTS if pc[key]]
            style = ":" if "_pinned/" in path["name"] else "--" if path["kind"] == "trivial" else "-"
            ax.plot([x for x, _ in points], [y for _, y in points], color=shade, linewidth=1.8,
                    linestyle=style, marker="o", markersize=3.5, zorder=3)
            ends.append(points[-1][1])
        label_y = _spread([math.log10(v) for v in ends], label_gap)
        for shade, path, end, y in zip(shades, members, ends, label_y):
            text_color = tuple(0.8 * c for c in shade)  # a little darker than the line: readable when light
            ax.annotate(_tail_label(path) + (" *" if path["per_call"]["jitter"] else ""),
                        xy=(xs[-1], end), xytext=(xs[-1] + 0.35, 10 ** y), fontsize=7.5, color=text_color,
                        va="center", ha="left", annotation_clip=False,
                        arrowprops={"arrowstyle": "-", "color": shade, "linewidth": 0.6, "shrinkA": 0, "shrinkB": 2})
        ax.set_title(group, fontsize=10, color=colors[group], fontweight="bold")
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.set_xlim(xs[0] - 0.2, xs[-1] + 2.9)
        ax.set_xticks(xs)
        ax.set_xticklabels([label for _, label, _ in TAIL_POINTS], fontsize=8.5)
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(_log_label))
        ax.yaxis.set_minor_locator(ticker.LogLocator(subs=(2.0, 5.0)))
        ax.yaxis.set_minor_formatter(ticker.FuncFormatter(_log_label))
        ax.tick_params(axis="y", which="minor", labelsize=7, colors="#666666")
        ax.grid(axis="y", which="major", color="#dddddd", zorder=0)
        ax.grid(axis="y", which="minor", color="#f2f2f2", zorder=0)
        ax.grid(axis="x", which="major", color="#eeeeee", zorder=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if index % columns == 0:
            ax.set_ylabel("microseconds per call (log scale)", fontsize=9)
    note = textwrap.fill("x: percentile of the per-call times on a nines scale (max one nine beyond p99.9); "
                         "solid: rnn, dashed: trivial multiply, dotted: pinned to one CPU; * jitter (p99/p50 > 2)", int(width * 13))
    fig.text(0.5, 0.005, note, ha="center", va="bottom", fontsize=9)
    fig.tight_layout(rect=(0, 0.05 if "\n" in note else 0.035, 1, 1))
    fig.savefig(out_file, format="png")
    plt.close(fig)


def _with_mpl_config(render_fn, summary, out_file):
    if "MPLCONFIGDIR" in os.environ:
        render_fn(summary, out_file)
        return
    with tempfile.TemporaryDirectory(prefix="tflatency-mpl-") as config_dir:
        os.environ["MPLCONFIGDIR"] = config_dir
        try:
            render_fn(summary, out_file)
        finally:
            del os.environ["MPLCONFIGDIR"]


def render(summary, out_file):
    """Writes latency.png to `out_file` (a binary file object or a path)."""
    _with_mpl_config(_render, summary, out_file)


def render_tail(summary, out_file):
    """Writes tail.png to `out_file` (a binary file object or a path)."""
    _with_mpl_config(_render_tail, summary, out_file)
