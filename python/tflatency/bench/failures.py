"""What went wrong with a case or a program, worded for failures.json.

A case that crashes, hangs, exits with an unexpected status or writes no
results is recorded here with its reason; the merge shows it as a FAILED row.
A failed golden check is not: the program exits 1 and writes an error row into
its own JSON. A failure of the per-call pass is recorded with "mode":
"per_call" and leaves the case's medians alone. The file's format is read by
tflatency/report/load.py.
"""

import dataclasses
import json
import os

FAILURES_FILE = "failures.json"
PER_CALL_MODE = "per_call"
_LAST_LINE_CHARS = 200


@dataclasses.dataclass(frozen=True)
class Failure:
    name: str    # the report name of the case, or the program's label
    reason: str  # one line
    mode: str = None  # PER_CALL_MODE, or None for the case (or program) itself

    def to_json(self):
        entry = {"name": self.name, "reason": self.reason}
        if self.mode:
            entry["mode"] = self.mode
        return entry


def last_line(text):
    """The last non-blank line of a log (bytes or str), cut to 200 characters."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:_LAST_LINE_CHARS] if lines else ""


def _log_tail(log_path):
    try:
        with open(log_path, "rb") as f:
            return last_line(f.read())
    except OSError:
        return ""


def _signal_of(returncode):
    """The signal that ended a process: negative from subprocess, or 128+N relayed by a shell."""
    if returncode < 0:
        return -returncode
    if returncode > 128:
        return returncode - 128
    return None


def benchmark_reason(exit, wrote_results, log_path, time_limit):
    """Why a case's google-benchmark pass failed, or None if it counts (status 0, or 1
    with results: a failed golden check, recorded in its JSON)."""
    code, signum = exit.returncode, _signal_of(exit.returncode)
    if exit.timed_out:
        return f"timed out after {time_limit}s (per-path time limit; log: {os.path.basename(log_path)})"
    if signum is not None:
        return f"crashed with signal {signum}: {_log_tail(log_path)}"
    if code not in (0, 1):
        return f"exited with status {code}: {_log_tail(log_path)}"
    if not wrote_results:
        return f"wrote no results (status {code}): {_log_tail(log_path)}"
    return None


def per_call_reason(exit, wrote_file, log_path, time_limit):
    """Why a case's per-call pass failed, or None if it wrote its file with status 0."""
    code, signum = exit.returncode, _signal_of(exit.returncode)
    if exit.timed_out:
        return f"per-call run timed out after {time_limit}s (per-path time limit; log: {os.path.basename(log_path)})"
    if signum is not None:
        return f"per-call run crashed with signal {signum}: {_log_tail(log_path)}"
    if code != 0:
        return f"per-call run exited with status {code}: {_log_tail(log_path)}"
    if not wrote_file:
        return f"per-call run wrote no file (status 0): {_log_tail(log_path)}"
    return None


def write(folder, failures):
    """failures.json in `folder`: a list of {"name", "reason"[, "mode"]}; nothing if there are none."""
    if not failures:
        return
    path = os.path.join(folder, FAILURES_FILE)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump([failure.to_json() for failure in failures], f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
