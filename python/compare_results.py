"""Compares two results folders path by path (two TF builds, two machines, two commits).

  scripts/compare A B [--fail_on_regression=5%] [--alpha=0.05] [--out=DIR]
  bazel run //python:compare_results -- A B [...]

For each path in both folders: the two medians, B/A, the change in %, and the
p-value of a two-sided Mann-Whitney U test over the per-repetition times (as
google-benchmark's tools/compare.py does). A path is "slower"/"faster" when
p < alpha and |change| > the threshold, else "same" ("too few repetitions"
below 3 per side). Paths in one folder only are "added"/"removed"; FAILED ones
are listed as such. When both folders hold paths that do not depend on
TensorFlow (tflatency/report/control.py), they are the drift control: a flagged
TensorFlow path whose B/A lies inside the controls' B/A band is "within drift";
the report names the control paths and their B/A, and says plainly when the two
runs started far apart. Both folders are read afresh from their raw benchmark JSON
(their summary.json is not used).

  --fail_on_regression=P   threshold in percent ("5%" or "5"; default 5%), and
                           exit 1 when any path is significantly slower by more
  --alpha=A                significance level, 0 < A < 1 (default 0.05)
  --out=DIR                also write compare.md and compare.json into DIR
                           (created if needed; not one of A and B)

Markdown goes to stdout. Exit status: 0 compared; 1 with --fail_on_regression
and a path slower by more than P%; 2 no such folder, a folder without
benchmark JSON, a bad flag value or arguments, outputs not writable (one line
on stderr). compare.json's fields: tflatency/report/SCHEMA.md.
"""

import json
import math
import os
import sys

from absl import app
from absl import flags

from tflatency.report import compare
from tflatency.report import fmt
from tflatency.report import load
from tflatency.report import output
from tflatency.report.load import resolve_folder as resolve

PROGRAM = "compare_results"
OUTPUTS = ("compare.md", "compare.json")
USAGE = f"usage: {PROGRAM} A B [--fail_on_regression=5%] [--alpha=0.05] [--out=DIR]"
FLAGS = ("--fail_on_regression", "--alpha", "--out")


class UsageError(Exception):
    """Bad command line; str() is one line."""


def _percent(text):
    """'5%' or '5' -> 0.05; UsageError otherwise."""
    number = text.strip()
    number = number[:-1].strip() if number.endswith("%") else number
    try:
        value = float(number)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"--fail_on_regression={text!r} is not a percentage >= 0 (e.g. 5%)")
    return value / 100.0


def _alpha(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:  # also rejects nan
        raise UsageError(f"--alpha={text!r} is not a significance level between 0 and 1 (e.g. 0.05)")
    return value


def parse_args(args):
    """{"a", "b", "threshold", "fail_on_regression", "alpha", "out"}; raises UsageError."""
    options = {"threshold": compare.DEFAULT_THRESHOLD, "fail_on_regression": False,
               "alpha": compare.DEFAULT_ALPHA, "out": None}
    folders, args, only_positional = [], list(args), False
    while args:
        arg = args.pop(0)
        if arg == "--" and not only_positional:
            only_positional = True
            continue
        if not arg.startswith("-") or only_positional:
            if not arg:
                raise UsageError(f"empty folder name; {USAGE}")
            folders.append(arg)
            continue
        name, has_value, value = arg.partition("=")
        if name not in FLAGS:
            raise UsageError(f"unknown flag {name!r}; {USAGE}")
        if not has_value:
            if not args:
                raise UsageError(f"{name} needs a value; {USAGE}")
            value = args.pop(0)
        if name == "--fail_on_regression":
            options["threshold"], options["fail_on_regression"] = _percent(value), True
        elif name == "--alpha":
            options["alpha"] = _alpha(value)
        else:
            if not value:
                raise UsageError(f"--out needs a folder; {USAGE}")
            options["out"] = value
    if len(folders) != 2:
        raise UsageError(f"expected two results folders, got {len(folders)}; {USAGE}")
    options["a"], options["b"] = folders
    return options


def write_outputs(result, text, out):
    os.makedirs(out, exist_ok=True)
    output.write_text(os.path.join(out, "compare.md"), text)
    output.write_text(os.path.join(out, "compare.json"),
                      json.dumps(result, indent=2, sort_keys=False, allow_nan=False) + "\n")


def run(args):
    """The command line without absl: returns the exit status."""
    if any(arg in ("-h", "--help") for arg in args):
        print(__doc__)
        return 0
    try:
        options = parse_args(args)
    except UsageError as e:
        print(f"{PROGRAM}: {e}", file=sys.stderr)
        return 2
    folder_a, folder_b = resolve(options["a"]), resolve(options["b"])
    out = resolve(options["out"]) if options["out"] is not None else None
    if out is not None and os.path.realpath(out) in (os.path.realpath(folder_a), os.path.realpath(folder_b)):
        # Its compare.json would be read as benchmark output by the next merge or compare.
        print(f"{PROGRAM}: --out={out} is one of the compared folders; give another folder", file=sys.stderr)
        return 2
    try:
        inputs_a, inputs_b = load.load_folder(folder_a), load.load_folder(folder_b)
    except load.FolderError as e:
        print(f"{PROGRAM}: {e}", file=sys.stderr)
        return 2
    result = compare.compare(inputs_a, inputs_b, alpha=options["alpha"], threshold=options["threshold"],
                             fail_on_regression=options["fail_on_regression"])
    text = compare.render(result)
    if out is not None:
        try:
            write_outputs(result, text, out)
        except OSError as e:
            print(f"{PROGRAM}: {out}: cannot write: {e.strerror or e}", file=sys.stderr)
            return 2
    sys.stdout.write(text)
    if options["fail_on_regression"] and result["regressions"]:
        slower = [p for p in result["paths"] if p["verdict"] == "slower"]
        print(f"{PROGRAM}: significantly slower by more than {fmt.percent(options['threshold'])}%: "
              + ", ".join(f"{p['name']} ({100 * p['change']:+.1f}%)" for p in slower), file=sys.stderr)
        return 1
    return 0


def arguments_to_run(argv):
    """absl's flags parser: marks absl's own flags parsed (defaults) and leaves argv to run()."""
    flags.FLAGS(argv[:1])
    return argv


def main(argv):
    sys.exit(run(argv[1:]))


if __name__ == "__main__":
    app.run(main, flags_parser=arguments_to_run)
