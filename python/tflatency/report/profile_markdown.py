"""report.md's "Where the time goes, measured" section, from summary.json's `profiles` and each
path's `profile` (profiles.py): bucket shares per profiled path, flame graph links, unresolved
libraries, profiles that could not be taken, the C++ API's per-op view, the cross-checks
against the subtraction decomposition, and the answer to the original's question."""

from tflatency.report import fmt

TITLE = "## Where the time goes, measured"


def _row(cells):
    return "| " + " | ".join(" ".join(str(c).split()).replace("|", "\\|") for c in cells) + " |"


def _share_cell(profile, key):
    share = profile["shares"][key]
    us = (profile["us"] or {}).get(key)
    return f"{fmt.percent(share, 0)}" + (f" ({fmt.us(us)})" if us is not None and share >= 0.005 else "")


def section(summary):
    """The section's lines; [] when the run was not profiled."""
    block = summary.get("profiles")
    if block is None:
        return []
    buckets = block["buckets"]
    profiled = [p for p in summary["paths"] if p.get("profile")]
    ok = [p for p in profiled if p["profile"]["status"] == "ok"]
    lines = [TITLE, ""]
    events = sorted({f"{p['profile']['tool']}: {p['profile']['event']}" for p in ok})
    lines += ["Each path below ran once more in a fresh process, its per-call mode under a sampling profiler "
              "attached only for a fixed number of calls after load and warm-up (scripts/bench --profile; "
              "python/tflatency/profile). Samples were folded into the buckets of "
              "`python/tflatency/profile/buckets.json`. Cells: share of the samples (and that share of the path's "
              "median, us). Samples are CPU time on every sampled thread, so where threads run in parallel a "
              "bucket's us is work, not wall time. Events: " + ("; ".join(events) or "none") + ".", ""]
    if ok:
        lines += [_row(["Path", "Median us", "Samples", "Calls", *[b["label"] for b in buckets], "Flame graph"]),
                  "| --- | --: | --: | --: | " + " | ".join("--:" for _ in buckets) + " | --- |"]
        for p in ok:
            prof = p["profile"]
            link = f"[svg]({prof['flamegraph']})" if prof["flamegraph"] else "-"
            lines.append(_row([p["name"], fmt.us(p["median_us"]), prof["samples"], prof["calls"],
                               *[_share_cell(prof, b["key"]) for b in buckets], link]))
        lines.append("")
        for b in buckets:
            lines.append(f"- **{b['label']}**: {b['what']}.")
        lines.append("")
    for p in ok:
        prof = p["profile"]
        if prof["unresolved_share"] and prof["unresolved_share"] >= 0.01:
            stripped = set(prof.get("stripped_modules") or [])
            libs = ", ".join(f"{lib} {fmt.percent(share)}%" + (" (stripped: the file has no symbol table)"
                                                                 if lib in stripped else "")
                             for lib, share in list(prof["unresolved_modules"].items())[:4])
            flag = "" if prof["resolved_enough"] else " (below 90% resolved)"
            lines.append(f"- unresolved in {p['name']}: {fmt.percent(prof['unresolved_share'])}%{flag}: {libs}")
    not_taken = [p for p in profiled if p["profile"]["status"] != "ok"]
    for p in not_taken:
        lines.append(f"- no profile of {p['name']}: {p['profile']['reason']}")
    for name in block.get("unmatched") or []:
        lines.append(f"- a profile of {name}, which has no timing row, is not shown")
    if lines[-1] != "":
        lines.append("")
    lines += _step_stats(block)
    lines += _cross_checks(block)
    if block.get("answer"):
        lines += ["### The original's question: where does the C++ API's time go?", "", block["answer"], ""]
    return lines


def _step_stats(block):
    if block.get("step_stats_error"):
        return [f"Per-op view: not available: {block['step_stats_error']}", ""]
    rows = block.get("step_stats")
    if not rows:
        return []
    lines = ["### The C++ API per op (Session::Run with RunOptions FULL_TRACE, step stats)", "",
             "Medians over the traced runs (tracing itself costs time: compare shares, not latencies). "
             "Kernel sum: time inside the ops' kernels; busy: when at least one kernel ran; overlap: kernel sum / "
             "busy, how many kernels ran at once on average (TensorFlow records no thread per node, so threads "
             "cannot be counted); gap: step span - busy "
             "(scheduling, hand-offs); outside: Session::Run's wall time - step span.", "",
             _row(["Path", "Nodes", "Overlap", "Run us", "Step span us", "Kernel sum us", "Busy us", "Gap us",
                   "Outside us", "Heaviest ops (us per run)"]),
             "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --- |"]
    for r in rows:
        ops = ", ".join(f"{o['op']} {fmt.us(o['us'])}" for o in r["top_ops"][:4])
        lines.append(_row([r["name"], f"{r['nodes']:.0f}", f"{r['overlap']:.2f}", fmt.us(r["wall_us"]),
                           fmt.us(r["span_us"]), fmt.us(r["kernel_sum_us"]), fmt.us(r["busy_us"]),
                           fmt.us(r["gap_us"]), fmt.us(r["outside_us"]), ops]))
    return lines + [""]


def _cross_checks(block):
    checks = block.get("cross_checks") or []
    if not checks:
        return []
    lines = ["### Measured against subtracted", ""]
    for c in checks:
        verdict = "agree" if c["agree"] else "**disagree**"
        lines.append(f"- {c['what']}: measured {fmt.us(c['measured_us'])} us ({c['measured_how']}) vs "
                     f"subtracted {fmt.us(c['subtracted_us'])} us ({c['subtracted_how']}): "
                     f"{fmt.ratio(c['ratio'])}x, {verdict}.")
    return lines + [""]
