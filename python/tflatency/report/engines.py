"""The engine comparison: TensorFlow's own paths against every engine users pick instead, one row each.

A path's engine is its family: TensorFlow's paths by how they run (python/*,
cpp_api/*, aot/*, python_compiled/*), LiteRT (tflite/*) and each peer engine
(peer/<engine>/*: onnxruntime, jax, numpy, pytorch, openvino, iree, ...). Each row
is the engine's fastest ok fp32 variant, unpinned and pinned to one CPU
(variants ending in _pinned), with its median and p10-p90, and its ratio to
the fastest ok fp32 TensorFlow path of the same kind: a bf16/int8 variant
computes something else (the Precision table compares those with their twins). Engines none of whose
variants is ok still get a row saying why (FAILED or n/a, the first reason).
Computed from summary.json's paths only, so a stored summary re-renders the same.
"""

from tflatency.report import decompose
from tflatency.report import naming

PINNED = "_pinned"
# TensorFlow's own paths, by group, in the order users meet them.
TENSORFLOW = (("python", "TensorFlow from Python"), ("cpp_api", "TensorFlow C++ API"),
              ("aot", "XLA AOT (tfcompile) from C++"), ("python_compiled", "compiled model from Python (python_compiled)"))


def engine_of(path):
    """(engine key, title) of a path, or None for a path that is no engine (bound/*, hand/*)."""
    group = path["group"]
    titles = dict(TENSORFLOW)
    if group in titles:
        return group, titles[group]
    if group == "tflite":
        return "tflite", "LiteRT (TFLite)"
    if group == "peer":
        engine = path["name"].split("/")[1]
        return f"peer/{engine}", engine
    return None


def _variant(path):
    segments = path["name"].split("/")
    return segments[2] if segments[0] in ("peer", "tflite") else segments[1]


def _is_pinned(path):
    return _variant(path).endswith(PINNED)


def compare(paths, kind):
    """[{engine, title, tensorflow, best, best_pinned, not_ok, variants, ratio, ratio_pinned}] for `kind`:
    best/best_pinned are path dicts or None; not_ok the first FAILED or n/a path when none is ok."""
    paths = [p for p in paths if (p.get("precision") or naming.precision_of(p["name"])) == naming.FP32]
    engines = {}
    for path in paths:
        if path["kind"] != kind:
            continue
        key = engine_of(path)
        if key is not None:
            engines.setdefault(key, []).append(path)
    fastest_tf = decompose.fastest_ok(paths, lambda p: p["kind"] == kind and p["group"] in dict(TENSORFLOW))
    rows = []
    for (engine, title), members in engines.items():
        best = decompose.fastest_ok(members, lambda p: not _is_pinned(p))
        pinned = decompose.fastest_ok(members, _is_pinned)
        rows.append({
            "engine": engine, "title": title, "tensorflow": engine in dict(TENSORFLOW),
            "best": best, "best_pinned": pinned, "variants": len(members),
            "not_ok": None if best or pinned else next((p for p in members if not decompose.is_ok(p)), None),
            "fastest_tensorflow": fastest_tf,
            "ratio": best["median_us"] / fastest_tf["median_us"] if best and fastest_tf else None,
            "ratio_pinned": pinned["median_us"] / fastest_tf["median_us"] if pinned and fastest_tf else None,
        })
    order = [group for group, _ in TENSORFLOW]
    rows.sort(key=lambda r: (not r["tensorflow"], order.index(r["engine"]) if r["tensorflow"] else 0,
                             min((p["median_us"] for p in (r["best"], r["best_pinned"]) if p), default=float("inf")),
                             r["engine"]))
    return rows
