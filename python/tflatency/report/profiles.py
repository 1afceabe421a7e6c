"""Measured profiles in summary.json (issue 16): each profiled path's `profile` object, and the
top-level `profiles` object (the buckets, the C++ API's per-op view, the cross-checks against
the subtraction decomposition, and the answer to the original investigation's question).

Input: <results>/profiles/ as scripts/bench --profile writes it (tflatency/bench/profiling.py):
one <stem>.json per profiled path (its buckets counted again from <stem>.folded when that is
there, so a merge applies the current table) and step_stats.json. Bucket keys, labels and what they hold
come from the one table, tflatency/profile/buckets.json. A bucket's `us` is its share of the
samples times the path's median: samples are CPU time over every sampled thread, the median
is wall time, so on a path that runs threads in parallel these are shares of work, not of
wall time (said in the report).
"""

import dataclasses
import json
import os

from tflatency.profile import buckets as buckets_lib
from tflatency.profile import fold as fold_lib

FOLDER = "profiles"
STEP_STATS_FILE = "step_stats.json"
AGREE_LOW, AGREE_HIGH = 0.75, 1.33  # measured / subtracted within this: the two agree
MIN_RESOLVED = 0.90  # a profile whose resolved buckets cover less than this is flagged


@dataclasses.dataclass
class Profiles:
    by_name: dict        # path name -> the profile file's dict
    step_stats: object   # step_stats.json's dict, or None


def load(folder, problems):
    """Profiles from <folder>/profiles, or None when there is no such folder; bad files become problems."""
    where = os.path.join(folder, FOLDER)
    if not os.path.isdir(where):
        return None
    from tflatency.report import load as load_lib  # pylint: disable=g-import-not-at-top  (load imports us)
    by_name, step_stats = {}, None
    for name in sorted(os.listdir(where)):
        if not name.endswith(".json") or name.startswith("."):
            continue
        file = os.path.join(FOLDER, name)
        try:
            with open(os.path.join(where, name), encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(load_lib.Problem(file, load_lib.one_line(f"not a readable JSON file: {e}")))
            continue
        if name == STEP_STATS_FILE:
            step_stats = data
        elif isinstance(data, dict) and isinstance(data.get("name"), str):
            by_name[data["name"]] = _retallied(where, data)
        else:
            problems.append(load_lib.Problem(file, "a profile file without a name"))
    return Profiles(by_name, step_stats)


def _retallied(where, data):
    """The profile with its buckets counted again from its folded stacks when they are there, so that a
    merge applies the current buckets.json (the one table) to an earlier run's samples."""
    folded_file = data.get("folded")
    if data.get("error") or not folded_file or not os.path.isfile(os.path.join(where, folded_file)):
        return data
    with open(os.path.join(where, folded_file), encoding="utf-8", errors="replace") as f:
        tally = buckets_lib.tally(fold_lib.read_folded(f.read()), buckets_lib.load_table())
    if not tally.samples:
        return data
    return {**data, "samples": tally.samples, "buckets": tally.buckets, "unresolved_modules": tally.unresolved_modules}


def _block(raw, median_us, table):
    """summary.json's `profile` object of one path (SCHEMA.md)."""
    ok = not raw.get("error") and raw.get("samples")
    samples = raw.get("samples") or 0
    shares = {b.key: (raw["buckets"].get(b.key, 0) / samples) for b in table.buckets} if ok else None
    unresolved = raw.get("unresolved_modules") or {}
    return {
        "status": "ok" if ok else "unavailable",
        "reason": None if ok else (raw.get("error") or "no samples"),
        "tool": raw.get("tool"), "event": raw.get("event"), "frequency_hz": raw.get("frequency_hz"),
        "calls": raw.get("calls"), "samples": samples if ok else None,
        "shares": shares,
        "us": {k: s * median_us for k, s in shares.items()} if ok and median_us is not None else None,
        "unresolved_share": shares["unresolved"] if ok else None,
        "unresolved_modules": {m: n / samples for m, n in unresolved.items()} if ok else None,
        "stripped_modules": (raw.get("stripped_modules") or []) if ok else None,
        "resolved_enough": (1 - shares["unresolved"]) >= MIN_RESOLVED if ok else None,
        "flamegraph": os.path.join(FOLDER, raw["flamegraph"]) if ok and raw.get("flamegraph") else None,
        "folded": os.path.join(FOLDER, raw["folded"]) if ok and raw.get("folded") else None,
    }


def _us(paths, name, key):
    profile = (paths.get(name) or {}).get("profile") or {}
    return (profile.get("us") or {}).get(key)


def _cross_checks(paths, decomposition, kind):
    """Measured buckets against the subtraction decomposition's matching rows."""
    by_key = {d["key"]: d for d in decomposition}
    checks = []

    def check(what, measured, item, measured_how):
        subtracted = (by_key.get(item) or {}).get("us")
        if measured is None or subtracted is None:
            return
        ratio = measured / subtracted if subtracted > 0 else None
        agree = ratio is not None and AGREE_LOW <= ratio <= AGREE_HIGH
        checks.append({"what": what, "measured_us": measured, "measured_how": measured_how,
                       "subtracted_us": subtracted, "subtracted_how": by_key[item]["formula"],
                       "ratio": ratio, "agree": agree})
    check("thread pool", _us(paths, f"cpp_api/default_threads/{kind}", "threads"), "thread_pool",
          f"thread pool and synchronisation bucket of cpp_api/default_threads/{kind}")
    sig = f"python/signature/{kind}"
    python_layer = [_us(paths, sig, k) for k in ("python", "framework_python")]
    check("Python beyond the C++ API", None if None in python_layer else sum(python_layer), "python_beyond_cpp",
          f"Python interpreter + framework Python layer buckets of {sig}")
    return checks


def _percent(share):
    return f"{100 * share:.0f}%"


def _answer(paths, step_stats, kind, table):
    """One paragraph answering the original's question from the data, or None without the profiles."""
    default = paths.get(f"cpp_api/default_threads/{kind}") or {}
    profile = default.get("profile") or {}
    if profile.get("status") != "ok":
        return None
    s, us = profile["shares"], profile["us"]
    text = (f"Of cpp_api/default_threads/{kind}'s {us_text(default['median_us'])} us per call "
            f"({profile['samples']} {profile['tool']} samples of {profile['event']} over {profile['calls']} calls), "
            f"{_percent(s['threads'])} of the sampled CPU time is {table.label('threads')} "
            f"(~{us_text(us['threads'])} us), {_percent(s['executor'])} {table.label('executor')} "
            f"(~{us_text(us['executor'])} us), {_percent(s['math'])} {table.label('math')} "
            f"(~{us_text(us['math'])} us), {_percent(s['alloc'])} {table.label('alloc')}, "
            f"{_percent(s['kernel'])} {table.label('kernel')}, {_percent(s['other'])} other and "
            f"{_percent(s['unresolved'])} unresolved.")
    claim = 0.35
    text += (f" The original's \"at least 35% of the time is wasted in thread pool\" "
             f"{'holds' if s['threads'] >= claim else 'does not hold'} on this machine: {_percent(s['threads'])}.")
    inline = paths.get(f"cpp_api/inline/{kind}") or {}
    inline_profile = inline.get("profile") or {}
    if inline_profile.get("status") == "ok":
        i = inline_profile["shares"]
        text += (f" Run inline in the caller's thread ({us_text(inline['median_us'])} us), the same graph spends "
                 f"{_percent(i['math'])} in math kernels, {_percent(i['executor'])} in the executor and op dispatch, "
                 f"{_percent(i['alloc'])} allocating and copying and {_percent(i['threads'])} synchronising.")
    rows = {r.get("name"): r for r in (step_stats or {}).get("paths") or []}
    steps = rows.get(f"cpp_api/default_threads/{kind}")
    if steps:
        text += (f" Its FULL_TRACE step stats count {steps['nodes']:.0f} executed nodes whose kernels add up to "
                 f"{us_text(steps['kernel_sum_us'])} us of a {us_text(steps['span_us'])} us step, "
                 f"{us_text(steps['gap_us'])} us of it with no kernel running (scheduling), and "
                 f"{us_text(steps['outside_us'])} us of Session::Run outside the step (times under tracing).")
    return text


def us_text(value):
    from tflatency.report import fmt  # pylint: disable=g-import-not-at-top
    return fmt.us(value)


def apply(paths, profiles, decomposition, kind):
    """Sets every path's `profile` (None if not profiled); returns summary.json's top-level `profiles`
    object, or None when the folder has no profiles."""
    for path in paths:
        path["profile"] = None
    if profiles is None:
        return None
    table = buckets_lib.load_table()
    by_name = {p["name"]: p for p in paths}
    unmatched = []
    for name, raw in sorted(profiles.by_name.items()):
        if name in by_name:
            median = by_name[name]["median_us"] if by_name[name]["status"] == "ok" else None
            by_name[name]["profile"] = _block(raw, median, table)
        else:
            unmatched.append(name)
    step_stats = profiles.step_stats
    return {
        "buckets": [{"key": b.key, "label": b.label, "what": b.what} for b in table.display],
        "step_stats": (step_stats or {}).get("paths") if step_stats and not step_stats.get("error") else None,
        "step_stats_error": (step_stats or {}).get("error"),
        "cross_checks": _cross_checks(by_name, decomposition, kind),
        "answer": _answer(by_name, step_stats if step_stats and not step_stats.get("error") else None, kind, table),
        "unmatched": unmatched,
    }
