"""A results folder: its name, the INCOMPLETE marker, and what an interruption leaves.

A run writes results/<UTC timestamp>-<host>/ (or --results_dir), never
overwriting an earlier one. From the moment it exists until its report is
written the folder holds INCOMPLETE, so a folder that still has it was
interrupted or failed. An interrupted run (keeping_partial_results) writes
the failures met so far to failures.json and notes the signal in INCOMPLETE;
every finished case's files stay.
"""

import contextlib
import datetime
import os
import shutil
import socket

from tflatency.bench import failures as failures_lib
from tflatency.bench.interrupt import Interrupted

INCOMPLETE_FILE = "INCOMPLETE"


def _utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def default_path(root, suffix=""):
    """ROOT/results/<UTC, e.g. 20261202T101500Z>-<short host name><suffix>."""
    host = socket.gethostname().split(".")[0]
    return os.path.join(root, "results", f"{_utc_now():%Y%m%dT%H%M%SZ}-{host}{suffix}")


def mark_incomplete(folder):
    with open(os.path.join(folder, INCOMPLETE_FILE), "w", encoding="utf-8") as f:
        f.write(f"started {_utc_now():%Y-%m-%dT%H:%M:%SZ}; interrupted or failed if this file is still here\n")


def note_interrupted(folder, signal_name):
    with open(os.path.join(folder, INCOMPLETE_FILE), "a", encoding="utf-8") as f:
        f.write(f"interrupted by {signal_name} at {_utc_now():%Y-%m-%dT%H:%M:%SZ}; the files here are what finished\n")


def finish(folder):
    """The report is written: the folder is complete."""
    os.remove(os.path.join(folder, INCOMPLETE_FILE))


class ResultsFolder:
    """One model's results folder and the failures recorded for it so far."""

    def __init__(self, path):
        self.path = path
        self.failures = []
        self._interrupted = False

    @classmethod
    def create(cls, requested, root):
        """`requested` (--results_dir, which must not exist) or a new default folder
        (a default name already taken gets -<pid>); created and marked INCOMPLETE."""
        path = requested
        if not path:
            path = default_path(root)
            if os.path.exists(path):
                path = f"{path}-{os.getpid()}"
        os.makedirs(path)
        mark_incomplete(path)
        return cls(path)

    def record(self, new_failures):
        self.failures.extend(new_failures)

    def write_failures(self):
        failures_lib.write(self.path, self.failures)

    def finish(self):
        finish(self.path)

    def discard(self):
        shutil.rmtree(self.path, ignore_errors=True)

    @contextlib.contextmanager
    def keeping_partial_results(self):
        """On Interrupted: failures.json so far, the signal noted in INCOMPLETE, then on up."""
        try:
            yield self
        except Interrupted as e:
            if not self._interrupted:
                self._interrupted = True
                self.write_failures()
                note_interrupted(self.path, e.signal_name)
            e.partial_results = e.partial_results or self.path
            raise
