"""Merges a results folder into summary.json, report.md, latency.png and tail.png (written into it).

  scripts/merge RESULTS_DIR
  scripts/merge RESULTS_DIR RESULTS_DIR [...] [--out=DIR]
  bazel run //python:merge_results -- RESULTS_DIR [...]

RESULTS_DIR holds what scripts/bench wrote: context.json, failures.json
(optional), google-benchmark JSON files and per-call files (*.percall.json). A file that cannot be used is listed
under "Problems" in the report and in summary.json; the rest still merges.
Each output is written to a temporary file in RESULTS_DIR, then renamed over
the old one. A relative RESULTS_DIR is taken from where `bazel run` was called.

Several folders (say, one per machine), or one with --out, make one combined
report instead: summary.json and report.md with a column per host, written
into --out=DIR (created if needed; default: merged-<UTC> beside the first
folder, i.e. results/merged-<UTC> for folders scripts/bench wrote). The input
folders are only read.

Exit status: 0 merged (check the report's Problems); 2 no such folder, no
benchmark JSON in it, outputs not writable, or bad arguments (one line on stderr).
summary.json's fields: tflatency/report/SCHEMA.md.
"""

import datetime
import json
import os
import sys

from absl import app
from absl import flags

from tflatency.report import load
from tflatency.report.load import resolve_folder as resolve
from tflatency.report import markdown
from tflatency.report import multi_host
from tflatency.report import output
from tflatency.report import plot
from tflatency.report import summary as summary_lib

PROGRAM = "merge_results"
OUTPUTS = ("summary.json", "report.md", "latency.png", "tail.png")
HOSTS_OUTPUTS = ("summary.json", "report.md")
USAGE = f"usage: {PROGRAM} RESULTS_DIR [RESULTS_DIR ...] [--out=DIR]"


class UsageError(Exception):
    """Bad command line; str() is one line."""



def merge(folder):
    """Reads `folder`, writes the four outputs into it, returns the summary dict."""
    summary = summary_lib.build(load.load_folder(folder))
    output.write_text(os.path.join(folder, "summary.json"),
                      json.dumps(summary, indent=2, sort_keys=False, allow_nan=False) + "\n")
    output.write_text(os.path.join(folder, "report.md"), markdown.render(summary))
    with output.atomic_open(os.path.join(folder, "latency.png"), "wb") as f:
        plot.render(summary, f)
    with output.atomic_open(os.path.join(folder, "tail.png"), "wb") as f:
        plot.render_tail(summary, f)
    return summary


def parse_args(args):
    """(folders as given, --out or None); raises UsageError."""
    folders, out, only_positional = [], None, False
    args = list(args)
    while args:
        arg = args.pop(0)
        if arg == "--" and not only_positional:
            only_positional = True
        elif arg.startswith("-") and not only_positional:
            name, has_value, value = arg.partition("=")
            if name != "--out":
                raise UsageError(f"unknown flag {name!r}; {USAGE}")
            if not has_value:
                if not args:
                    raise UsageError(f"--out needs a folder; {USAGE}")
                value = args.pop(0)
            if not value:
                raise UsageError(f"--out needs a folder; {USAGE}")
            out = value
        elif not arg:
            raise UsageError(USAGE)
        else:
            folders.append(arg)
    if not folders:
        raise UsageError(USAGE)
    return folders, out


def default_out(first_folder, now=None):
    """merged-<UTC> beside `first_folder`, not yet existing."""
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    base = os.path.join(os.path.dirname(first_folder), f"merged-{stamp}")
    out, n = base, 1
    while os.path.lexists(out):
        n += 1
        out = f"{base}-{n}"
    return out


def merge_hosts(folders, out):
    """Reads every folder, writes the combined summary.json and report.md into `out`; returns the summary."""
    combined = multi_host.build([load.load_folder(folder) for folder in folders])
    os.makedirs(out, exist_ok=True)
    output.write_text(os.path.join(out, "summary.json"),
                      json.dumps(combined, indent=2, sort_keys=False, allow_nan=False) + "\n")
    output.write_text(os.path.join(out, "report.md"), multi_host.render(combined))
    return combined


def _holds_results(folder):
    try:
        return os.path.isdir(folder) and bool(load.benchmark_files(folder))
    except OSError:
        return False  # unreadable: writing into it fails with its own message


def run_hosts(folders, out):
    """The several-folders command line: returns the exit status."""
    folders = [resolve(folder) for folder in folders]
    real = [os.path.realpath(folder) for folder in folders]
    twice = next((f for i, f in enumerate(folders) if real[i] in real[:i]), None)
    if twice is not None:
        print(f"{PROGRAM}: {twice}: given twice", file=sys.stderr)
        return 2
    out = resolve(out) if out is not None else default_out(folders[0])
    if os.path.realpath(out) in real:
        print(f"{PROGRAM}: --out={out} is one of the input folders; give a new folder", file=sys.stderr)
        return 2
    if _holds_results(out):
        print(f"{PROGRAM}: --out={out} holds benchmark results; give a new folder", file=sys.stderr)
        return 2
    try:
        combined = merge_hosts(folders, out)
    except load.FolderError as e:
        print(f"{PROGRAM}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{PROGRAM}: {out}: cannot write: {e.strerror or e}", file=sys.stderr)
        return 2
    problems = sum(len(h["problems"]) for h in combined["hosts"])
    print(f"{PROGRAM}: {len(combined['hosts'])} hosts ({', '.join(h['host'] for h in combined['hosts'])}), "
          f"{len(combined['paths'])} paths, {problems} problems -> "
          f"{', '.join(os.path.join(out, o) for o in HOSTS_OUTPUTS)}")
    return 0


def run(args):
    """The command line without absl: returns the exit status."""
    if any(arg in ("-h", "--help") for arg in args):
        print(__doc__)
        return 0
    try:
        folders, out = parse_args(args)
    except UsageError as e:
        print(f"{PROGRAM}: {e}", file=sys.stderr)
        return 2
    if len(folders) > 1 or out is not None:
        return run_hosts(folders, out)
    folder = resolve(folders[0])
    try:
        summary = merge(folder)
    except load.FolderError as e:
        print(f"{PROGRAM}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{PROGRAM}: {folder}: cannot write: {e.strerror or e}", file=sys.stderr)
        return 2
    paths = summary["paths"]
    failed = sum(p["status"] == "FAILED" for p in paths)
    not_applicable = sum(p["status"] == summary_lib.NOT_APPLICABLE for p in paths)
    counts = f"{failed} FAILED" + (f", {not_applicable} n/a" if not_applicable else "")
    print(f"{PROGRAM}: {len(paths)} paths ({counts}), {len(summary['problems'])} problems, "
          f"{len(summary['warnings'])} warnings -> {', '.join(os.path.join(folder, o) for o in OUTPUTS)}")
    return 0


def arguments_to_run(argv):
    """absl's flags parser: marks absl's own flags parsed (defaults) and leaves argv to run()."""
    flags.FLAGS(argv[:1])
    return argv


def main(argv):
    sys.exit(run(argv[1:]))


if __name__ == "__main__":
    app.run(main, flags_parser=arguments_to_run)
