"""Scaling sweep report: how each path's latency grows with the model's FMA count.

  bazel run //python:sweep_report -- SWEEP_DIR
  python/sweep_report.py SWEEP_DIR

SWEEP_DIR is what `scripts/bench --sweep` wrote: sweep.json
({"models": [{"name", "fma_count", "weight_bytes", "folder"}, ...]}) and one
merged results folder per model size (each with its summary.json). Writes into
SWEEP_DIR, each atomically (temporary file, then rename):

  scaling.json  per rnn and bound path: its points (fma_count, median_us) and the
                fit latency_us = fixed_us + per_fma_ns * FMAs / 1000, weighted by
                1/median^2 (relative error); the sizes, where their weights live
                (L2 / L3 / DRAM) and their lower bound; problems
  scaling.md    the fit table, the size table with the cache transitions, problems
  scaling.png   log-log latency against FMAs, one line per path, the lower bound

A subfolder that is missing or has no usable summary.json is listed under
Problems; the other sizes still count. A relative SWEEP_DIR is taken from where
`bazel run` was called.

Exit status: 0 written (check Problems); 2 no such folder, no usable
sweep.json, no usable size, outputs not writable, or bad arguments (one line on
stderr). scaling.json's fields: tflatency/report/SCHEMA.md ("scaling.json").
"""

import json
import os
import sys

from absl import app
from absl import flags

from tflatency.report import fmt
from tflatency.report import output
from tflatency.report.load import resolve_folder as resolve
from tflatency.report import scaling as scaling_lib
from tflatency.report import scaling_markdown
from tflatency.report import scaling_plot

PROGRAM = "sweep_report"
OUTPUTS = ("scaling.json", "scaling.md", "scaling.png")
USAGE = f"usage: {PROGRAM} SWEEP_DIR"


def report(folder):
    """Reads SWEEP_DIR `folder`, writes the three outputs into it, returns scaling.json's dict."""
    scaling = scaling_lib.build(folder)
    output.write_text(os.path.join(folder, "scaling.json"),
                      json.dumps(scaling, indent=2, sort_keys=False, allow_nan=False) + "\n")
    output.write_text(os.path.join(folder, "scaling.md"), scaling_markdown.render(scaling))
    with output.atomic_open(os.path.join(folder, "scaling.png"), "wb") as f:
        scaling_plot.render(scaling, f)
    return scaling


def run(args):
    """The command line without absl: returns the exit status."""
    if any(arg in ("-h", "--help") for arg in args):
        print(__doc__)
        return 0
    positional = [a for a in args if a != "--"]
    flags_given = [a for a in positional if a.startswith("-")]
    if flags_given:
        print(f"{PROGRAM}: unknown flag {flags_given[0]!r}; {USAGE}", file=sys.stderr)
        return 2
    if len(positional) != 1 or not positional[0]:
        print(f"{PROGRAM}: {USAGE}", file=sys.stderr)
        return 2
    folder = resolve(positional[0])
    try:
        scaling = report(folder)
    except scaling_lib.SweepError as e:
        print(f"{PROGRAM}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{PROGRAM}: {folder}: cannot write: {e.strerror or e}", file=sys.stderr)
        return 2
    used = sum(s["usable"] for s in scaling["sizes"])
    fitted = sum(p["fit"] is not None for p in scaling["paths"])
    print(f"{PROGRAM}: {used} of {len(scaling['sizes'])} sizes, {fitted} of {len(scaling['paths'])} paths fitted, "
          f"{fmt.count(len(scaling['problems']))} problems -> {', '.join(os.path.join(folder, o) for o in OUTPUTS)}")
    return 0


def arguments_to_run(argv):
    """absl's flags parser: marks absl's own flags parsed (defaults) and leaves argv to run()."""
    flags.FLAGS(argv[:1])
    return argv


def main(argv):
    sys.exit(run(argv[1:]))


if __name__ == "__main__":
    app.run(main, flags_parser=arguments_to_run)
