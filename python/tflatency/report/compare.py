"""Compares two results folders path by path: medians, B/A, Mann-Whitney U test.

Each folder is read afresh with `load` and summarised with `summary` (never
from a possibly stale summary.json), so a path's status, median and chosen file
are exactly those `scripts/merge` would report; the U test then runs over that
file's per-repetition times. As in google-benchmark's tools/compare.py, the
test is scipy's two-sided Mann-Whitney U over the repetitions of A and of B.

A path present in both folders and ok in both gets a verdict:
  "slower" / "faster"  p < alpha and |B/A - 1| > threshold,
  "same"               otherwise,
  "too few repetitions" either side has < MIN_REPETITIONS (the U test needs them).
Other paths are "added" (only in B), "removed" (only in A), "n/a" (cannot apply
to the model in A or B) or "FAILED" (FAILED in A, B or both; `failed_in` says which).

The drift control (control.py): when both folders hold paths that do not depend
on TensorFlow, their B/A spreads make a band, and a TensorFlow path that the U
test flags is "slower"/"faster" only when its B/A lies beyond that band, else
"within drift". Control paths keep their own verdicts but, as they measure the
machine, never count as regressions while the band is in use. The report also
says how far apart the two runs started (context.json started_utc) and says so
plainly beyond FAR_APART_SECONDS. compare.json's fields: SCHEMA.md.
"""

import datetime
import math

from scipy import stats as scipy_stats

from tflatency.report import control as control_lib
from tflatency.report import fmt
from tflatency.report import markdown
from tflatency.report import naming
from tflatency.report import summary as summary_lib

SCHEMA_VERSION = 2
FAR_APART_SECONDS = 600  # two runs started further apart than this saw different machines
MIN_REPETITIONS = 3
DEFAULT_ALPHA = 0.05
DEFAULT_THRESHOLD = 0.05  # fraction: 0.05 = 5%

VERDICTS = ("slower", "faster", "within drift", "same", "too few repetitions", "added", "removed", "n/a", "FAILED")

# Context fields shown side by side (packages are added one row per package).
CONTEXT_FIELDS = ("host", "cpu_model", "cores", "pinned_cpu", "tf_version", "tf_git_version", "tf_location",
                  "python", "git_commit", "compiler", "python_version", "kernel", "aot_target_cpu", "model", "fma_count",
                  "started_utc")


class Side:
    """One results folder: its loaded inputs, its summary and each path's repetition times."""

    def __init__(self, inputs):
        self.folder = inputs.folder
        self.context = inputs.context
        self.summary = summary_lib.build(inputs)
        self.paths = {p["name"]: p for p in self.summary["paths"]}
        self.times = {}
        for row in inputs.rows:
            path = self.paths.get(row.name)
            # The rows of the file summary.build took the path's numbers from.
            if (path is not None and path["status"] == "ok" and row.file == path["source_file"]
                    and row.run_type == "iteration" and row.error is None):
                self.times.setdefault(row.name, []).append(row.time_us)


def u_test(a, b):
    """Two-sided Mann-Whitney U p-value of samples `a` and `b` (1.0 when every value is equal)."""
    p = float(scipy_stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return 1.0 if math.isnan(p) else p


def smallest_p(n_a, n_b):
    """The smallest p-value the U test can give with these sample sizes (fully separated samples)."""
    return u_test(list(range(n_a)), list(range(n_a, n_a + n_b)))


def _side_cell(path, times):
    if path is None:
        return None
    return {"status": path["status"], "reason": path["reason"], "median_us": path["median_us"],
            "cv": path["cv"], "repetitions": len(times) if path["status"] == "ok" else None,
            "source_file": path["source_file"]}


def _compare_path(name, a, b, alpha, threshold):
    pa, pb = a.paths.get(name), b.paths.get(name)
    ta, tb = a.times.get(name, []), b.times.get(name, [])
    some = pa or pb
    failed_in = [side for side, p in (("A", pa), ("B", pb)) if p is not None and p["status"] == "FAILED"]
    row = {"name": name, "group": some["group"], "kind": some["kind"], "verdict": None, "failed_in": failed_in,
           "a": _side_cell(pa, ta), "b": _side_cell(pb, tb), "ratio": None, "change": None, "spread": None,
           "p_value": None, "u_test_can_flag": None, "control": None, "beyond_drift": None}
    if pa is None or pb is None:
        row["verdict"] = "added" if pa is None else "removed"
        return row
    if row["failed_in"]:
        row["verdict"] = "FAILED"
        return row
    if summary_lib.NOT_APPLICABLE in (pa["status"], pb["status"]):
        row["verdict"] = "n/a"
        return row
    row["ratio"] = pb["median_us"] / pa["median_us"]
    row["change"] = row["ratio"] - 1.0
    low, high = control_lib.paired_spread(ta, tb)
    row["spread"] = [low, high] if low is not None else None
    if len(ta) < MIN_REPETITIONS or len(tb) < MIN_REPETITIONS:
        row["verdict"] = "too few repetitions"
        return row
    row["p_value"] = u_test(ta, tb)
    row["u_test_can_flag"] = smallest_p(len(ta), len(tb)) < alpha
    if row["p_value"] < alpha and abs(row["change"]) > threshold:
        row["verdict"] = "slower" if row["change"] > 0 else "faster"
    else:
        row["verdict"] = "same"
    return row


def _context_value(context, field):
    value = context.get(field)
    if field == "model" and isinstance(value, dict):
        return value.get("name")
    if field == "pinned_cpu" and field in context and value is None:
        return "not pinned"
    return value


def context_diff(context_a, context_b):
    """[{"field", "a", "b", "differs"}] over CONTEXT_FIELDS and each package either side lists."""
    fields = [(f, _context_value(context_a, f), _context_value(context_b, f)) for f in CONTEXT_FIELDS]
    packages_a = context_a.get("packages") if isinstance(context_a.get("packages"), dict) else {}
    packages_b = context_b.get("packages") if isinstance(context_b.get("packages"), dict) else {}
    for package in sorted(set(packages_a) | set(packages_b)):
        fields.append((f"packages.{package}", packages_a.get(package), packages_b.get(package)))
    return [{"field": f, "a": va, "b": vb, "differs": va != vb} for f, va, vb in fields
            if va is not None or vb is not None]


def _started(context):
    try:
        return datetime.datetime.strptime(context.get("started_utc"), "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return None


def time_apart(context_a, context_b):
    """{"a_started", "b_started", "seconds" (B's start minus A's, null if unknown), "far_apart"}."""
    start_a, start_b = _started(context_a), _started(context_b)
    seconds = (start_b - start_a).total_seconds() if start_a and start_b else None
    return {"a_started": context_a.get("started_utc"), "b_started": context_b.get("started_utc"),
            "seconds": seconds, "far_apart": seconds is not None and abs(seconds) > FAR_APART_SECONDS}


def apply_drift_control(paths, context_a, context_b):
    """Marks the control paths, and re-judges the TensorFlow paths the U test flagged against the
    controls' band. Returns drift_control's dict (SCHEMA.md)."""
    controls = []
    for row in paths:
        reason = control_lib.control_reason(row["name"], context_a, context_b)
        if reason is not None and row["ratio"] is not None:
            row["control"] = reason
            controls.append(row)
    drift_band = control_lib.band(tuple(r["spread"]) if r["spread"] else (None, None) for r in controls)
    if drift_band is not None:
        for row in paths:
            if row["control"] is None and row["ratio"] is not None and row["p_value"] is not None:
                row["beyond_drift"] = control_lib.beyond(row["ratio"], drift_band)
                if row["verdict"] in ("slower", "faster"):
                    row["verdict"] = control_lib.verdict_against(row["ratio"], row["change"], drift_band)
    return {"controls": [r["name"] for r in controls], "band": list(drift_band) if drift_band else None}


def compare(inputs_a, inputs_b, alpha=DEFAULT_ALPHA, threshold=DEFAULT_THRESHOLD, fail_on_regression=False,
            interleaved=False):
    """compare.json's dict from two load.Inputs (see SCHEMA.md). interleaved: the two folders are
    the sides of one `scripts/bench --ab` run, their cases run back to back."""
    a, b = Side(inputs_a), Side(inputs_b)
    names = sorted(set(a.paths) | set(b.paths), key=naming.sort_key)
    paths = [_compare_path(name, a, b, alpha, threshold) for name in names]
    drift_control = apply_drift_control(paths, a.context, b.context)
    gated = drift_control["band"] is not None
    counts = {verdict: sum(p["verdict"] == verdict for p in paths) for verdict in VERDICTS}
    sides = {}
    for key, side in (("a", a), ("b", b)):
        sides[key] = {"folder": side.folder, "context": side.context,
                      "lower_bound_us": side.summary["lower_bound_us"],
                      "problems": side.summary["problems"]}
    return {
        "schema_version": SCHEMA_VERSION,
        "a": sides["a"],
        "b": sides["b"],
        "alpha": alpha,
        "threshold": threshold,
        "fail_on_regression": fail_on_regression,
        "min_repetitions": MIN_REPETITIONS,
        "counts": counts,
        "regressions": [p["name"] for p in paths if p["verdict"] == "slower" and not (gated and p["control"])],
        "drift_control": drift_control,
        "interleaved": interleaved,
        "time_apart": time_apart(a.context, b.context),
        "paths": paths,
        "context_diff": context_diff(a.context, b.context),
    }


# --- Markdown -----------------------------------------------------------------------------------


def _pct(fraction):
    return "-" if fraction is None else f"{100 * fraction:+.1f}%"


def _p(value):
    if value is None:
        return "-"
    return f"{value:.2g}" if value >= 0.001 else f"{value:.1e}"


def _median_cell(cell):
    if cell is None:
        return "-"
    if cell["status"] == summary_lib.NOT_APPLICABLE:
        return "n/a"
    if cell["status"] != "ok":
        return "**FAILED**"
    return fmt.us(cell["median_us"])


def _reps(cell):
    return "-" if cell is None or cell["repetitions"] is None else str(cell["repetitions"])


def _spread(spread):
    return "-" if not spread else f"{fmt.ratio(spread[0])}-{fmt.ratio(spread[1])}"


def _verdict_cell(row, alpha):
    verdict = row["verdict"]
    if row["control"]:
        return f"control ({verdict})"
    if verdict in ("slower", "faster"):
        return f"**{verdict}**"
    if verdict == "FAILED":
        return "FAILED in " + " and ".join(row["failed_in"])
    if verdict in ("added", "removed") and row["failed_in"]:
        return f"{verdict}, FAILED"
    if verdict == "same" and row["u_test_can_flag"] is False:
        return f"same (U test cannot reach p < {alpha:g} with {_reps(row['a'])}+{_reps(row['b'])} reps)"
    return verdict


def _describe(side):
    c = side["context"]
    tf = markdown._known(c.get("tf_version"))
    if c.get("tf_git_version"):
        tf = f"{tf} ({c['tf_git_version']})"
    return (f"`{side['folder']}`: host {markdown._known(c.get('host'))}, {markdown._known(c.get('cpu_model'))}, "
            f"TF {tf}, Python `{markdown._known(c.get('python'))}`, commit {markdown._known(c.get('git_commit'))}, lower bound "
            f"{fmt.us(side['lower_bound_us'])} us")


def _value(value, missing):
    if value is None:
        return missing
    return fmt.count(value) if isinstance(value, int) else str(value)


def _minutes(seconds):
    return f"{seconds / 60:.0f} min" if abs(seconds) >= 60 else f"{seconds:.0f} s"


def _apart_line(result):
    apart = result["time_apart"]
    if result["interleaved"]:
        return ("A and B ran interleaved in one run (`scripts/bench --ab`): each case's A and B back to back, "
                "the order alternating, so drift hits both alike.")
    if apart["seconds"] is None:
        return "When A and B ran is unknown (no started_utc in a context.json): drift between them cannot be ruled out."
    when = f"B started {_minutes(abs(apart['seconds']))} {'after' if apart['seconds'] >= 0 else 'before'} A"
    if apart["far_apart"]:
        return (f"**The two runs were taken far apart: {when}** ({apart['a_started']} and {apart['b_started']}). "
                "The machine may have drifted in between; trust the drift control below, or rerun both "
                "interleaved with `scripts/bench --ab`.")
    return f"The two runs were taken one after the other: {when}."


def _drift_lines(result):
    control, by_name = result["drift_control"], {p["name"]: p for p in result["paths"]}
    lines = ["", "## Drift control", ""]
    if control["band"] is None:
        lines.append("No drift control: the folders have no path ok in both that does not depend on TensorFlow "
                     "(hand/*, bound/*, python_compiled/hand*, NumPy/JAX of the same version on both sides); "
                     "a change below cannot be told from drift of the machine.")
        return lines
    low, high = control["band"]
    lines += [f"{len(control['controls'])} paths that do not depend on TensorFlow measured the machine's drift: "
              f"the band of B/A most of them agree on (median of their spreads' low ends to median of their high ends) "
              f"is **{fmt.ratio(low)}-{fmt.ratio(high)}** ({_pct(low - 1)} to {_pct(high - 1)}). "
              "A TensorFlow path the U test flags counts as slower or faster only beyond that band; inside it "
              "is \"within drift\".", "",
              "| Control path | A us | B us | B/A | B/A spread | p | Why a control |", "|---|--:|--:|--:|--:|--:|---|"]
    for name in control["controls"]:
        row = by_name[name]
        lines.append(markdown._table_row([name, _median_cell(row["a"]), _median_cell(row["b"]), fmt.ratio(row["ratio"]),
                                          _spread(row["spread"]), _p(row["p_value"]), row["control"]]))
    return lines


def render(result):
    """compare.md's text."""
    alpha, threshold = result["alpha"], result["threshold"]
    counts = result["counts"]
    both = sum(counts[v] for v in ("slower", "faster", "within drift", "same", "too few repetitions"))
    lines = ["# Comparison: B against A", "",
             f"- A: {_describe(result['a'])}", f"- B: {_describe(result['b'])}", "", _apart_line(result), ""]
    lines.append(
        f"{both} paths ok in both: **{counts['slower']} slower**, **{counts['faster']} faster**, "
        f"{counts['within drift']} within drift, "
        f"{counts['same']} same, {counts['too few repetitions']} with too few repetitions; "
        f"{counts['added']} added, {counts['removed']} removed, {counts['FAILED']} FAILED.")
    lines.append(
        f"A change is flagged when the two-sided Mann-Whitney U test over the repetitions gives "
        f"p < {alpha:g} and |B/A - 1| > {fmt.percent(threshold)}%, and B/A lies beyond the drift control's band "
        f"(when there is one); it needs >= {result['min_repetitions']} "
        f"repetitions on each side. Medians in microseconds; B/A spread: B p10 / A p90 to B p90 / A p10.")
    if result["fail_on_regression"]:
        status = (f"**FAIL**: {', '.join(result['regressions'])}" if result["regressions"]
                  else "pass: no path slower")
        lines.append(f"Regression gate (slower by more than {fmt.percent(threshold)}%): {status}.")
    lines += _drift_lines(result)
    lines += ["", "## Paths", "",
              "| Path | A us | B us | B/A | Change | B/A spread | p | Reps A/B | Beyond drift | Verdict |",
              "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    for row in result["paths"]:
        lines.append(markdown._table_row([
            row["name"], _median_cell(row["a"]), _median_cell(row["b"]), fmt.ratio(row["ratio"]),
            _pct(row["change"]), _spread(row["spread"]), _p(row["p_value"]), f"{_reps(row['a'])}/{_reps(row['b'])}",
            _pct(row["beyond_drift"]) if row["beyond_drift"] else "-", _verdict_cell(row, alpha)]))
    failed = [(row["name"], side, row[side.lower()]["reason"]) for row in result["paths"]
              for side in row["failed_in"]]
    if failed:
        lines += ["", "## FAILED", ""]
        lines += [f"- {name} in {side}: {reason}." for name, side, reason in failed]
    lines += ["", "## Context", "", "| | A | B | |", "|---|---|---|---|"]
    for item in result["context_diff"]:
        missing = "-" if item["field"].startswith("packages.") else "unknown"  # null package: not installed
        lines.append(markdown._table_row([item["field"], _value(item["a"], missing), _value(item["b"], missing),
                                          "**differs**" if item["differs"] else ""]))
    model_differs = [i["field"] for i in result["context_diff"]
                     if i["field"] in ("model", "fma_count") and i["differs"]]
    if model_differs:
        lines += ["", f"**Warning**: the folders ran different models ({', '.join(model_differs)} differ); "
                  "their times are not comparable."]
    problems = [(side, p) for side in ("a", "b") for p in result[side]["problems"]]
    if problems:
        lines += ["", "## Problems", ""]
        lines += [f"- {side.upper()} `{p['file']}`: {p['reason']}." for side, p in problems]
    return "\n".join(lines) + "\n"
