"""Folded stacks ('root;...;leaf samples', one per line) from perf and py-spy, and back to text.

`perf script -F comm,tid,ip,sym,dso` prints each sample as a header line and
its frames innermost first (`<address> <symbol> (<library path>)`), samples
separated by blank lines; from_perf_script() folds that into the same
'symbol (library)' frames py-spy's raw format (`--format raw`) already has.
"""

import collections
import os
import re

PERF_SCRIPT_FIELDS = "comm,tid,ip,sym,dso"
_PERF_FRAME = re.compile(r"^\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")


def _perf_frame(symbol, dso):
    module = os.path.basename(dso) if dso.startswith("/") else dso
    return f"{symbol or '[unknown]'} ({module or '[unknown]'})"


def from_perf_script(text):
    """Counter {'root;...;leaf': samples} of `perf script -F comm,tid,ip,sym,dso` output."""
    folded = collections.Counter()
    frames = []

    def flush():
        if frames:
            folded[";".join(reversed(frames))] += 1
            frames.clear()
    for line in text.splitlines():
        if not line.strip():
            flush()
            continue
        if not line[0].isspace():  # a sample's header line (comm tid)
            flush()
            continue
        match = _PERF_FRAME.match(line)
        if match:
            frames.append(_perf_frame(match.group(2), match.group(3)))
    flush()
    return folded


def library_paths(text):
    """{library file name: its path} of every library in `perf script -F comm,tid,ip,sym,dso` output
    (the folded frames keep only the file name)."""
    paths = {}
    for line in text.splitlines():
        match = _PERF_FRAME.match(line)
        if match and match.group(3).startswith("/"):
            paths.setdefault(os.path.basename(match.group(3)), match.group(3))
    return paths


def read_folded(text):
    """Counter of 'stack count' lines (py-spy --format raw, or our own .folded files)."""
    folded = collections.Counter()
    for line in text.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            folded[stack] += int(count)
    return folded


def to_text(folded):
    """The folded lines, heaviest first (what read_folded reads, flamegraph.pl and inferno too)."""
    return "".join(f"{stack} {count}\n" for stack, count in folded.most_common())
