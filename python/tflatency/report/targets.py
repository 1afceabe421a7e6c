"""The project's headline targets, checked on the medians of one run.

Every target compares two paths measured in the same run (ratios and
differences, never a figure from elsewhere):

  hand kernel, 1 core   fastest ok single-core hand/*/rnn (not the
                        *_full_step0 ablation) within 1.3x of the one-core
                        lower bound, and at least 2x faster than the best AOT
                        build (any XLA flags) and than the best AOT target
                        CPU with TensorFlow's default flags (aot/<cpu>/rnn);
  hand kernel, N cores  hand/*_<N>threads/rnn, the same against the N-core
                        bound (bound/*_<N>cores) and the best AOT;
  compiled from Python  python_compiled/aot/rnn within 1.5 us of the AOT
                        build it wraps, called from C++ (and every other
                        python_compiled/aot_<v>/rnn of its aot/<cpu>_<v>/rnn);
  vs other engines      the fastest ok python_compiled/aot*/rnn (an AOT build)
                        and the fastest ok python_compiled/*/rnn (the hand
                        kernel too) at least 1.5x faster than the fastest ok
                        tflite/* or peer/* RNN path run from Python (every
                        engine; not peer/pytorch/aoti_cpp_*, which runs from
                        C++ and so compares with aot/*, not with Python).

A note compares the ahead-of-time compilers from C++: the fastest fp32 aot/*
build against peer/pytorch/aoti_cpp_* (AOTInductor's package run by libtorch).

Each value also gets its spread: the same ratio or difference over the two
paths' 10th-90th percentiles of repetitions, most and least favourable ends
(a 1.5x ratio whose spread is 1.45-1.56x is met on the medians, not clearly).
Reduced precision (bf16/int8 weights; every target above compares fp32 paths only):
  hand int8, 1 core     the fastest ok single-core hand/*_int8*/rnn at most 0.4x the
                        fp32 bound/weight_stream, and within 1.3x of its own
                        bound (bound/weight_stream_int8[_vnni], naming.own_bound_name);
  hand bf16, 1 core     hand/*_bf16/rnn at most 0.65x the fp32 bound/weight_stream;
  from Python           the fastest ok reduced-precision python_compiled/*/rnn at
                        least 2x faster than the fastest ok quantized engine
                        (tflite/peer int8 or bf16), with a max abs error no worse.
A target whose inputs are missing or FAILED is listed with `met: null` and the
reason. For a user's model (kind `model`) the hand-kernel targets do not apply
(the hand kernel is an RNN kernel); the others are checked on its paths. Notes say which bound limits the hand kernel, and what skipping step
0's product on the zero initial state saves (the *_full_step0 ablation).
"""

import re

from tflatency.report import decompose
from tflatency.report import fmt
from tflatency.report import naming

HAND_BOUND_RATIO = 1.3
HAND_AOT_SPEEDUP = 2.0
COMPILED_OVER_CPP_US = 1.5
COMPILED_PEER_SPEEDUP = 1.5
PEER_GROUPS = ("tflite", "peer")
HAND_INT8_FP32_BOUND = 0.4
HAND_BF16_FP32_BOUND = 0.65
HAND_REDUCED_OWN_BOUND = 1.3
COMPILED_REDUCED_ENGINE_SPEEDUP = 2.0
FROM_CPP = "_cpp"  # in a peer variant: run from C++ (peer/pytorch/aoti_cpp_no_onednn/rnn)

_THREADS = re.compile(r"_(\d+)threads")
_ABLATION = "_full_step0"


def _threads(path):
    match = _THREADS.search(naming.variant_of(path["name"]))
    return int(match.group(1)) if match else 1


def _is_hand_rnn(path):
    return path["group"] == "hand" and path["kind"] == "rnn" and _ABLATION not in path["name"]


def _bound(paths, cores):
    """(median us, "bound/x" name, None) of max(fma_peak, weight_stream) for `cores`, or (None, None, why)."""
    suffix = "" if cores == 1 else f"_{cores}cores"
    by_name = {p["name"]: p for p in paths}
    found = []
    for name in (f"bound/fma_peak{suffix}", f"bound/weight_stream{suffix}"):
        path = by_name.get(name)
        if path is not None and decompose.is_ok(path):
            found.append((path["median_us"], name))
    if len(found) < 2:
        return None, None, f"bound/fma_peak{suffix} and bound/weight_stream{suffix} not both measured"
    value, name = max(found)
    return value, name, None


def _spread(a, b, unit):
    """(low, high) of a / b (unit "x") or a - b ("us") over the paths' p10..p90, or (None, None)."""
    ends = [path.get(key) for path in (a, b) if path for key in ("p10_us", "p90_us")]
    if len(ends) != 4 or None in ends:
        return None, None
    a10, a90, b10, b90 = ends
    if unit == "x":
        return (a10 / b90, a90 / b10) if b10 > 0 else (None, None)
    return a10 - b90, a90 - b10


def _target(key, what, formula, value, unit, goal, better, why=None, spread=(None, None)):
    def meets(x):
        return x <= goal if better == "<=" else x >= goal
    met = None if value is None else meets(value)
    low, high = spread if value is not None else (None, None)
    clear = None if low is None else meets(low) == meets(high)
    return {"key": key, "what": what, "formula": formula, "value": value, "unit": unit, "goal": goal,
            "better": better, "met": met, "why": why, "spread_low": low, "spread_high": high, "clear": clear}


def _hand_targets(paths, best_aot, best_aot_default, cores):
    label = "1 core" if cores == 1 else f"{cores} cores"
    hand = decompose.fastest_ok(paths, lambda p: _is_hand_rnn(p) and _threads(p) == cores)
    if hand is None:
        why = f"no ok hand/*/rnn path on {label}"
        return [_target(f"hand_{cores}_bound", f"hand kernel ({label}) vs its lower bound", "-", None, "x",
                        HAND_BOUND_RATIO, "<=", why),
                _target(f"hand_{cores}_aot", f"hand kernel ({label}) vs best AOT build", "-", None, "x",
                        HAND_AOT_SPEEDUP, ">=", why),
                _target(f"hand_{cores}_aot_default", f"hand kernel ({label}) vs best AOT target, TF's default "
                        "flags", "-", None, "x", HAND_AOT_SPEEDUP, ">=", why)]
    bound_us, bound_name, why = _bound(paths, cores)
    bound = next((p for p in paths if p["name"] == bound_name), None)
    out = [_target(f"hand_{cores}_bound", f"hand kernel ({label}) vs its lower bound",
                   f"{hand['name']} / {bound_name or 'bound'}",
                   hand["median_us"] / bound_us if bound_us else None, "x", HAND_BOUND_RATIO, "<=", why,
                   _spread(hand, bound, "x"))]
    for key, what, aot in ((f"hand_{cores}_aot", f"hand kernel ({label}) vs best AOT build", best_aot),
                           (f"hand_{cores}_aot_default", f"hand kernel ({label}) vs best AOT target, TF's default "
                            "flags", best_aot_default)):
        out.append(_target(key, what, f"{aot['name'] if aot else 'best aot'} / {hand['name']}",
                           aot["median_us"] / hand["median_us"] if aot else None, "x", HAND_AOT_SPEEDUP, ">=",
                           None if aot else "no ok aot/*/rnn path", _spread(aot, hand, "x")))
    return out


def _is_compiled_aot(path, kind):
    """python_compiled/aot*/<kind>: an AOT-compiled build called from Python (not the hand kernel)."""
    return path["group"] == "python_compiled" and path["kind"] == kind and \
        naming.variant_of(path["name"]).startswith("aot")


def _over_cpp(by_name, variant, compiled_name, aot_name, kind):
    """The Python-over-C++ target of AOT build `variant` ("" or "_<v>"): python_compiled/aot<_v>/<kind> -
    aot/<cpu><_v>/<kind>."""
    compiled, aot = (by_name.get(name) for name in (compiled_name, aot_name))
    compiled = compiled if compiled and decompose.is_ok(compiled) else None
    aot = aot if aot and decompose.is_ok(aot) else None
    missing = [f"{name} not ok" for name, path in ((compiled_name, compiled), (aot_name or f"aot {kind}", aot))
               if path is None]
    return _target("compiled_over_cpp" + variant,
                   "AOT model from Python vs from C++" + (f" ({variant[1:]})" if variant else ""),
                   f"{compiled_name} - {aot_name}",
                   compiled["median_us"] - aot["median_us"] if compiled and aot else None, "us",
                   COMPILED_OVER_CPP_US, "<=", ", ".join(missing) or None, _spread(compiled, aot, "us"))


def _compiled_targets(paths, aot_target_cpu, best_aot, kind):
    by_name = {p["name"]: p for p in paths}
    aot_name = f"aot/{aot_target_cpu}/{kind}" if aot_target_cpu else (best_aot["name"] if best_aot else None)
    compiled_name = decompose.python_compiled(kind)
    out = [_over_cpp(by_name, "", compiled_name, aot_name, kind)]
    # Other builds wrapped for Python (python_compiled/aot_<v>/<kind>) against their C++ twin
    # aot/<cpu>_<v>/<kind>, when the run measured that twin.
    for path in sorted((p for p in paths if _is_compiled_aot(p, kind) and p["name"] != compiled_name),
                       key=lambda p: p["name"]):
        variant = naming.variant_of(path["name"])[len("aot"):]
        twin = f"aot/{aot_target_cpu}{variant}/{kind}" if aot_target_cpu else None
        if twin in by_name:
            out.append(_over_cpp(by_name, variant, path["name"], twin, kind))
    peer = decompose.fastest_ok(paths, lambda p: p["group"] in PEER_GROUPS and p["kind"] == kind
                                and FROM_CPP not in p["name"])
    best_compiled_aot = decompose.fastest_ok(paths, lambda p: _is_compiled_aot(p, kind))
    best_compiled = decompose.fastest_ok(paths,
                                         lambda p: p["group"] == "python_compiled" and p["kind"] == kind)
    for key, what, path in (("compiled_aot_vs_peer", "fastest AOT model from Python vs best other engine",
                             best_compiled_aot),
                            ("compiled_best_vs_peer", "fastest python_compiled path vs best other engine",
                             best_compiled)):
        why = None if path and peer else (f"no ok tflite/peer {kind} path" if not peer
                                          else "no ok python_compiled path")
        out.append(_target(key, what, f"{peer['name'] if peer else 'best peer'} / "
                                      f"{path['name'] if path else 'python_compiled'}",
                           peer["median_us"] / path["median_us"] if path and peer else None, "x",
                           COMPILED_PEER_SPEEDUP, ">=", why, _spread(peer, path, "x")))
    return out


def _notes(paths, items):
    notes = []
    one_core, one_name, _ = _bound(paths, 1)
    by_name = {p["name"]: p for p in paths}
    if one_core is not None:
        fma = by_name["bound/fma_peak"]["median_us"]
        stream = by_name["bound/weight_stream"]["median_us"]
        limit = ("cache bandwidth: streaming the weights takes longer than their FMAs at peak rate"
                 if stream >= fma else "compute: the FMAs at peak rate take longer than streaming the weights")
        notes.append(f"One core is limited by {limit} (bound/weight_stream {fmt.us(stream)} us vs "
                     f"bound/fma_peak {fmt.us(fma)} us).")
    for item in items:
        # (x_fp32_bound targets compare a reduced-precision kernel with the fp32 bound on purpose: below 1 is the goal.)
        if item["key"].endswith("_bound") and not item["key"].endswith("_fp32_bound") and \
                item["value"] is not None and item["value"] < 1.0:
            notes.append(f"{item['formula']} = {fmt.ratio(item['value'])}x: the kernel beats its bound, so that "
                         "bound is not tight (its kernel is not yet as good as the one it bounds).")
    if any(item["key"].startswith("hand_") and not item["key"].startswith("hand_1_") for item in items):
        notes.append("Multi-core figures depend on how far apart the two CPUs are (the cost of the barrier "
                     "after every step); on a VM that changes when the host moves the vCPUs, so a multi-core "
                     "kernel and its bound measured minutes apart may disagree by up to 2x; compare them "
                     "within one `bazel run //cc:hand_bench` / `//cc:bound_bench` pair.")
    from_cpp = decompose.fastest_ok(paths, lambda p: p["group"] in PEER_GROUPS and FROM_CPP in p["name"])
    aot = from_cpp and decompose.fastest_ok(paths, lambda p: p["group"] == "aot" and p["kind"] == from_cpp["kind"]
                                            and _precision(p) == "fp32")
    if aot:
        notes.append(f"Ahead-of-time compilers from C++: XLA's fastest build {aot['name']} "
                     f"{fmt.us(aot['median_us'])} us vs PyTorch's AOTInductor {from_cpp['name']} "
                     f"{fmt.us(from_cpp['median_us'])} us ({fmt.ratio(from_cpp['median_us'] / aot['median_us'])}x "
                     "the time).")
    hand = decompose.fastest_ok(paths, lambda p: _is_hand_rnn(p) and _threads(p) == 1)
    ablations = (p for p in paths if p["group"] == "hand" and _ABLATION in p["name"] and decompose.is_ok(p))
    for ablation in ablations:
        if hand is None:
            continue
        saved = ablation["median_us"] - hand["median_us"]
        notes.append(f"Skipping step 0's recurrent product (h = 0 initially, so it adds nothing; TensorFlow's "
                     f"runtime computes it, XLA AOT folds it at compile time) saves {fmt.us(saved)} us: "
                     f"{ablation['name']} {fmt.us(ablation['median_us'])} us vs {hand['name']} "
                     f"{fmt.us(hand['median_us'])} us.")
    return notes


def _precision(path):
    return path.get("precision") or naming.precision_of(path["name"])


def _hand_reduced_targets(paths, precision, fp32_ratio):
    """hand_<precision>_fp32_bound (and for int8 hand_int8_own_bound) of the fastest single-core hand kernel."""
    by_name = {p["name"]: p for p in paths}
    hand = decompose.fastest_ok(paths, lambda p: _is_hand_rnn(p) and _threads(p) == 1
                                and _precision(p) == precision)
    out = []
    bounds = [("fp32_bound", "the fp32 weight-streaming bound", "bound/weight_stream", fp32_ratio)]
    if precision == "int8":
        own = naming.own_bound_name(hand["name"]) if hand else "bound/weight_stream_int8"
        bounds.append(("own_bound", "its own (int8) weight-streaming bound", own, HAND_REDUCED_OWN_BOUND))
    for suffix, what, bound_name, goal in bounds:
        bound = by_name.get(bound_name)
        bound = bound if bound and decompose.is_ok(bound) else None
        why = None if hand and bound else (f"no ok single-core hand/*_{precision}/rnn path" if not hand
                                           else f"{bound_name} not ok")
        out.append(_target(f"hand_{precision}_{suffix}", f"hand kernel, {precision} weights (1 core) vs {what}",
                           f"{hand['name'] if hand else f'hand {precision}'} / {bound_name}",
                           hand["median_us"] / bound["median_us"] if hand and bound else None, "x", goal, "<=",
                           why, _spread(hand, bound, "x")))
    return out


def _compiled_reduced_targets(paths, kind):
    """The fastest reduced-precision path from Python vs the fastest quantized engine: speed and error."""
    reduced = [p for p in paths if _precision(p) != naming.FP32 and p["kind"] == kind]
    ours = decompose.fastest_ok(reduced, lambda p: p["group"] == "python_compiled")
    engine = decompose.fastest_ok(reduced, lambda p: p["group"] in PEER_GROUPS)
    why = None if ours and engine else ("no ok quantized tflite/peer path" if not engine
                                        else "no ok reduced-precision python_compiled path")
    ours_name = ours["name"] if ours else "python_compiled reduced"
    engine_name = engine["name"] if engine else "best quantized engine"
    out = [_target("compiled_reduced_vs_engine", "fastest reduced-precision path from Python vs best "
                   "quantized engine", f"{engine_name} / {ours_name}",
                   engine["median_us"] / ours["median_us"] if ours and engine else None,
                   "x", COMPILED_REDUCED_ENGINE_SPEEDUP, ">=", why, _spread(engine, ours, "x"))]
    error_why = why
    if why is None and (ours.get("max_abs_error") is None or engine.get("max_abs_error") is None):
        error_why = "max_abs_error not reported"
    elif why is None and engine["max_abs_error"] == 0:
        error_why = "the engine's max abs error is 0"
    value = None if error_why else ours["max_abs_error"] / engine["max_abs_error"]
    out.append(_target("compiled_reduced_error_vs_engine", "its max abs error vs that engine's",
                       f"max_abs_error {ours_name} / {engine_name}", value, "x", 1.0, "<=", error_why))
    return out


def check(paths, aot_target_cpu=None, kind="rnn"):
    """summary.json's "targets" object: {"items": [target, ...], "notes": [str, ...]} (SCHEMA.md)."""
    all_paths = paths
    paths = [p for p in paths if _precision(p) == naming.FP32]
    best_aot = decompose.best_ok(paths, "aot", kind)
    items = []
    if kind == "rnn":  # the hand kernel is an RNN kernel
        # aot/<cpu>/rnn: TF's default flags; aot/<cpu>_<variant>/rnn: a build with other XLA flags.
        best_aot_default = decompose.fastest_ok(paths, lambda p: p["group"] == "aot" and p["kind"] == "rnn"
                                                and "_" not in naming.variant_of(p["name"]))
        items = _hand_targets(paths, best_aot, best_aot_default, 1)
        for cores in sorted({_threads(p) for p in paths if _is_hand_rnn(p) and decompose.is_ok(p)} - {1}):
            items += _hand_targets(paths, best_aot, best_aot_default, cores)
    items += _compiled_targets(paths, aot_target_cpu, best_aot, kind)
    if any(_precision(p) != naming.FP32 for p in all_paths):  # runs with reduced-precision paths only
        if kind == "rnn":
            items += _hand_reduced_targets(all_paths, "int8", HAND_INT8_FP32_BOUND)
            items += _hand_reduced_targets(all_paths, "bf16", HAND_BF16_FP32_BOUND)
        items += _compiled_reduced_targets(all_paths, kind)
    return {"items": items, "notes": _notes(paths, items)}
