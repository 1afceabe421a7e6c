"""A tiny program profiled end to end through the per-call gate, with perf and with py-spy.

Skipped, with the reason, where perf cannot record (no perf, or a container
without perf_event_open) or py-spy cannot attach (no ptrace).
"""

import os
import re
import sys
import tempfile
import unittest

from tflatency.profile import buckets
from tflatency.profile import record

PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "gated_spin.py")
CALLS = "10000"  # about a second of spin(2000)


def _env():
    # The test's own import path, so the tiny program finds tflatency.per_call.
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


class RecordTest(unittest.TestCase):

    def _record(self, tool):
        with tempfile.TemporaryDirectory() as scratch:
            return record.record([sys.executable, PROGRAM, CALLS], tool, os.path.join(scratch, "log"), 120, _env())

    def test_perf_sees_only_the_timed_calls(self):
        problem = record.perf_available()
        if problem:
            self.skipTest(problem)
        recording = self._record("perf")
        self.assertEqual((recording.tool, recording.event), ("perf", "cpu-clock"))
        tally = buckets.tally(recording.folded, buckets.load_table())
        self.assertGreater(tally.samples, 50)
        # The spin loop is CPython evaluating bytecode: the interpreter bucket dominates.
        self.assertGreater(tally.share("python"), 0.8)

    def test_py_spy_sees_the_python_frames_of_the_timed_calls_only(self):
        try:
            recording = self._record("py-spy")
        except record.ProfileError as e:
            if "could not attach" in str(e) or "not installed" in str(e):
                self.skipTest(f"py-spy: {e}")
            raise
        stacks = list(recording.folded)
        spin = sum(n for s, n in recording.folded.items() if re.search(r"spin \([^()]*gated_spin\.py:\d+\)$", s))
        self.assertGreater(sum(recording.folded.values()), 10)
        self.assertGreater(spin / sum(recording.folded.values()), 0.8)
        # Before the gate opened the program ran spin(3000000) from main() line 16 ("loading"): never sampled.
        self.assertFalse(any(re.search(r"main \([^()]*gated_spin\.py:16\)", s) for s in stacks))


if __name__ == "__main__":
    unittest.main()
