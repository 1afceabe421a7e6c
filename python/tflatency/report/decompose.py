"""Where the time goes: the overhead decomposition and the expected-order check.

Both work on the medians of summary.json's path rows. The decomposition's
"additive" items telescope, so they sum to the Python signature call:

  python/signature/<kind> = (Python beyond C++) + (C++ API over AOT)
                            + (AOT over the lower bound) + (lower bound)

(<kind>: rnn for a configured RNN, model for a user's model.)

The other items cut across those: the cost of any TF call from Python (the
trivial tf.function) and the C++ API's thread pool (default threads - inline).
An item whose input path is missing or FAILED is skipped with a note.
"""

import operator

from tflatency.report import fmt

PYTHON_TRIVIAL = "python/tf_function/trivial"
LOWER_BOUND = "lower bound"


def signature(kind):
    """The Python signature call of the model (kind `rnn`, or `model` for a user's)."""
    return f"python/signature/{kind}"


def cpp_api(kind):
    return f"cpp_api/default_threads/{kind}"


def cpp_api_inline(kind):
    return f"cpp_api/inline/{kind}"


def python_compiled(kind):
    return f"python_compiled/aot/{kind}"


def is_ok(path):
    """Measured and passed its gate: it has a median to compare."""
    return path["status"] == "ok" and path["median_us"] is not None


def fastest_ok(paths, predicate):
    """The ok path satisfying `predicate` with the lowest median (ties: by name), or None."""
    candidates = [p for p in paths if is_ok(p) and predicate(p)]
    return min(candidates, key=lambda p: (p["median_us"], p["name"]), default=None)


def best_ok(paths, group, kind):
    """The ok path of `group` and `kind` with the lowest median, or None."""
    return fastest_ok(paths, lambda p: p["group"] == group and p["kind"] == kind)


class _Medians:
    """Median lookup that remembers why an input was unavailable."""

    def __init__(self, paths, lower_bound_us, best_aot, kind):
        self._by_name = {p["name"]: p for p in paths}
        self.lower_bound_us = lower_bound_us
        self.best_aot = best_aot
        self.kind = kind

    def get(self, name):
        """(median us, None) or (None, why)."""
        if name == LOWER_BOUND:
            if self.lower_bound_us is None:
                return None, "no ok bound/fma_peak or bound/weight_stream"
            return self.lower_bound_us, None
        if name is None:
            return None, f"no ok aot {self.kind} path"
        path = self._by_name.get(name)
        if path is None:
            return None, f"{name} missing"
        if path["status"] != "ok" or path["median_us"] is None:
            return None, f"{name} {path['status']}"
        return path["median_us"], None

    def all(self, *names):
        """([medians], None) or (None, "why, why")."""
        got = [self.get(name) for name in names]
        whys = [why for _, why in got if why]
        return (None, ", ".join(whys)) if whys else ([value for value, _ in got], None)


def _item(key, label, formula, inputs, additive, medians, combine, total, relative_to=None):
    values, why = medians.all(*inputs)
    us = combine(*values) if values is not None else None
    share = us / total if us is not None and total else None
    relative, _ = medians.get(relative_to) if relative_to else (None, None)
    note = f"skipped: {why}" if why else None
    if us is not None and not total:
        note = f"share unknown: {signature(medians.kind)} not measured"
    return {
        "key": key,
        "label": label,
        "formula": formula,
        "inputs": [name if name is not None else f"best aot {medians.kind}" for name in inputs],
        "additive": additive,
        "us": us,
        "share_of_total": share,
        "relative_to": relative_to,
        "share_of_relative": us / relative if us is not None and relative else None,
        "note": note,
    }


def decompose(paths, lower_bound_us, lower_bound_source, best_aot, aot_target_cpu=None, kind="rnn"):
    """summary.json's "decomposition" list (see SCHEMA.md) for the paths of `kind`.

    `aot_target_cpu` names the AOT build the Python extension wraps, so its
    Python-over-C++ cost compares like with like.
    """
    sig, api, inline, compiled = signature(kind), cpp_api(kind), cpp_api_inline(kind), python_compiled(kind)
    medians = _Medians(paths, lower_bound_us, best_aot, kind)
    total, _ = medians.get(sig)
    aot = best_aot or f"best aot {kind}"
    bound = "max(bound/fma_peak, bound/weight_stream)" + (
        f" = bound/{lower_bound_source}" if lower_bound_source else "")
    minus, same = operator.sub, lambda value: value
    compiled_aot = f"aot/{aot_target_cpu}/{kind}" if aot_target_cpu else best_aot
    return [
        _item("python_beyond_cpp", "Python beyond C++", f"{sig} - {api}",
              [sig, api], True, medians, minus, total),
        _item("cpp_api_over_aot", "C++ API over AOT", f"{api} - {aot}",
              [api, best_aot], True, medians, minus, total),
        _item("aot_over_bound", "AOT over the lower bound", f"{aot} - lower bound",
              [best_aot, LOWER_BOUND], True, medians, minus, total),
        _item("lower_bound", "Hardware lower bound", bound,
              [LOWER_BOUND], True, medians, same, total),
        _item("python_call_overhead", "Python call overhead (any TF call)", PYTHON_TRIVIAL,
              [PYTHON_TRIVIAL], False, medians, same, total),
        _item("thread_pool", "C++ thread pool", f"{api} - {inline}",
              [api, inline], False, medians, minus, total, relative_to=api),
        _item("python_over_cpp_tf", "Python over C++, TensorFlow runtime", f"{sig} - {api}",
              [sig, api], False, medians, minus, total),
        _item("python_over_cpp_compiled", "Python over C++, compiled model (python_compiled)",
              f"{compiled} - {compiled_aot}", [compiled, compiled_aot], False, medians, minus,
              total, relative_to=compiled),
    ]


def order_check(paths, lower_bound_us, lower_bound_source, best_aot, kind="rnn"):
    """Checks python > cpp_api > aot > lower bound on the medians of the model's paths (`kind`).

    Returns {"status": "holds"|"violated"|"not checked", "chain": [...],
    "violations": [...], "missing": [...]}; missing steps are skipped and the
    neighbours around them compared directly.
    """
    medians = _Medians(paths, lower_bound_us, best_aot, kind)
    steps = [("python", signature(kind)), ("cpp_api", cpp_api(kind)), ("aot", best_aot),
             ("lower bound", LOWER_BOUND)]
    chain, missing = [], []
    for label, name in steps:
        value, why = medians.get(name)
        shown = (f"bound/{lower_bound_source}" if lower_bound_source else None) if name == LOWER_BOUND else name
        chain.append({"label": label, "name": shown, "median_us": value, "why_missing": why})
        if value is None:
            missing.append(label)
    present = [step for step in chain if step["median_us"] is not None]
    violations = [
        f"{slow['label']} ({slow['name']}, {fmt.us(slow['median_us'])} us) is not slower than "
        f"{fast['label']} ({fast['name']}, {fmt.us(fast['median_us'])} us)"
        for slow, fast in zip(present, present[1:]) if not slow["median_us"] > fast["median_us"]]
    status = "violated" if violations else "not checked" if len(present) < 2 else "holds"
    return {"status": status, "chain": chain, "violations": violations, "missing": missing}
