"""The short summary a terminal gets at the end, read from summary.json.

The fastest ok path of each group (trivial-multiply rows aside, unless a group
has nothing else), then every FAILED row with its reason (per-call failures
marked as such). The report's path follows as the run's last lines (main.py).
"""

import json

from tflatency.report import fmt


def _fastest(paths):
    ok = [p for p in paths if p.get("status") == "ok" and isinstance(p.get("median_us"), (int, float))]
    preferred = [p for p in ok if p.get("kind") != "trivial"] or ok
    return min(preferred, key=lambda p: p["median_us"], default=None)


def lines(summary):
    """The summary's lines for a parsed summary.json."""
    paths = summary.get("paths", [])
    groups = list(dict.fromkeys(p.get("group", "") for p in paths))  # report order
    out = ["bench: fastest ok path per group (median):"]
    for group in groups:
        best = _fastest([p for p in paths if p.get("group", "") == group])
        if best is not None:
            out.append(f"  {best['name']:<44} {fmt.us(best['median_us']):>9} us")
    failed = [(p["name"], "", p.get("reason")) for p in paths if p.get("status") == "FAILED"]
    failed += [(p["name"], " (per-call)", p["per_call"].get("reason")) for p in paths
               if isinstance(p.get("per_call"), dict) and p["per_call"].get("status") == "FAILED"]
    if failed:
        out.append(f"bench: {len(failed)} FAILED:")
        out.extend(f"  {name}{mode}: {reason or 'no reason given'}" for name, mode, reason in failed)
    return out


def read_lines(summary_path):
    """lines() of the summary.json at `summary_path`, or one line saying it could not be read."""
    try:
        with open(summary_path, encoding="utf-8") as f:
            return lines(json.load(f))
    except (OSError, ValueError) as e:
        return [f"bench: no summary to show ({summary_path}: {e})"]
