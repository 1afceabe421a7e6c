"""Reduced precision (bf16 and int8 weights): each path's precision, its own bound, its fp32 twin.

A path's precision comes from its name (naming.precision_of). Its own bound is
the lower bound of its precision: `lower_bound_us` for fp32 paths, and for a
bf16 or int8 path bound/weight_stream_<precision>[_<dot product>] (every weight
byte of that precision streamed once, the fp32 bound's traffic pattern, with the
same arithmetic: widened to fp32, or the activations narrowed for vpdpbusd /
vdpbf16ps (naming.own_bound_name); the fp32 FMA peak does not bound a kernel
whose arithmetic is not fp32 FMAs). Its fp32 twin is
the same path in fp32 (naming.fp32_twin): speed-up = twin median / median.
`max_abs_error` is the golden check's max |got - golden| that the benchmark
reported (its max_abs_error counter; null where a program does not report it).

The Precision table lists every reduced-precision path of the main kind after its
fp32 twin, then the weight-streaming bounds of every precision.
"""

from tflatency.report import naming


def own_bound(path, by_name, lower_bound_us):
    """(median us of the path's own bound, its name) or (None, None)."""
    if path["precision"] == naming.FP32:
        return lower_bound_us, "lower bound"
    bound = by_name.get(naming.own_bound_name(path["name"]))
    if bound is None or bound["status"] != "ok":
        return None, None
    return bound["median_us"], bound["name"]


def annotate(paths, lower_bound_us, main_kind):
    """Sets `precision`, `fp32_twin`, `ratio_to_own_bound` and `speedup_over_fp32` on every path row."""
    by_name = {p["name"]: p for p in paths}
    for path in paths:
        path["precision"] = naming.precision_of(path["name"])
        path["fp32_twin"] = naming.fp32_twin(path["name"])
        path["ratio_to_own_bound"] = None
        path["speedup_over_fp32"] = None
        if path["status"] != "ok" or path["kind"] not in (main_kind, "bound"):
            continue
        bound_us, _ = own_bound(path, by_name, lower_bound_us)
        if bound_us and path["kind"] != "bound":
            path["ratio_to_own_bound"] = path["median_us"] / bound_us
        twin = by_name.get(path["fp32_twin"] or "")
        if twin is not None and twin["status"] == "ok":
            path["speedup_over_fp32"] = twin["median_us"] / path["median_us"]


def table_rows(paths, main_kind):
    """The paths of the Precision table, in order: each reduced-precision path of the main kind
    after its fp32 twin (once), then bound/weight_stream and its reduced-precision variants."""
    by_name = {p["name"]: p for p in paths}
    rows, seen = [], set()
    for path in paths:
        if path["kind"] != main_kind or path["precision"] == naming.FP32:
            continue
        twin = by_name.get(path["fp32_twin"])
        for row in (twin, path):
            if row is not None and row["name"] not in seen:
                seen.add(row["name"])
                rows.append(row)
    bounds = [by_name[n] for n in ["bound/weight_stream"] + naming.reduced_bound_names() if n in by_name]
    return rows + bounds if rows or len(bounds) > 1 else []
