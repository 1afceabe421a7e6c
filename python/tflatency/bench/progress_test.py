"""progress, estimate and summary: what a run shows, on a terminal and without one."""

import io
import os
import pty
import subprocess
import threading

from absl.testing import absltest

from tflatency.bench import estimate
from tflatency.bench import progress
from tflatency.bench import summary
from tflatency.bench import testlib


class EstimateTest(absltest.TestCase):

    def test_expected_seconds(self):
        start = estimate.PROCESS_START_SECONDS
        self.assertAlmostEqual(estimate.expected_seconds("0.5", 10, 5000, per_call=False), start + 5.0)
        self.assertAlmostEqual(estimate.expected_seconds("0.5s", 10, 5000, per_call=True),
                               2 * start + 5.0 + 5000 * estimate.PER_CALL_SECONDS)

    def test_before_any_case_finished_the_guesses_count(self):
        e = estimate.Estimate([10.0, 20.0, 30.0])
        self.assertAlmostEqual(e.remaining(), 60.0)
        self.assertAlmostEqual(e.remaining(running_for=4.0), 56.0)
        self.assertAlmostEqual(e.remaining(running_for=15.0), 50.0)  # the running case: never below zero

    def test_finished_cases_scale_the_rest(self):
        e = estimate.Estimate([10.0, 20.0, 30.0])
        e.finished(20.0)  # twice the guess
        self.assertAlmostEqual(e.scale(), 2.0)
        self.assertAlmostEqual(e.remaining(running_for=5.0), 2 * 20 - 5 + 2 * 30)
        e.finished(10.0)
        self.assertAlmostEqual(e.scale(), 1.0)
        e.finished(30.0)
        self.assertEqual(e.remaining(), 0.0)


class PlainLinesTest(absltest.TestCase):

    def test_one_line_per_case_without_control_characters(self):
        out = io.StringIO()
        lines = progress.PlainLines(54, estimate.Estimate([1.0] * 54), out=out)
        lines.case_started(11, "aot/znver3/rnn")
        lines.case_finished(1.0, [])
        lines.close()
        self.assertEqual(out.getvalue(), "bench: [12/54] aot/znver3/rnn\n")


SUMMARY = {"paths": [
    {"name": "aot/a/rnn", "group": "aot", "kind": "rnn", "status": "ok", "median_us": 16.3, "per_call": {"status": "ok"}},
    {"name": "aot/b/rnn", "group": "aot", "kind": "rnn", "status": "ok", "median_us": 9.24, "per_call": {"status": None}},
    {"name": "aot/c/rnn", "group": "aot", "kind": "rnn", "status": "FAILED", "median_us": None,
     "reason": "crashed with signal 6: x", "per_call": {"status": None}},
    {"name": "aot/trivial", "group": "aot", "kind": "trivial", "status": "ok", "median_us": 0.01, "per_call": {}},
    {"name": "peer/jax/jit/rnn", "group": "peer", "kind": "rnn", "status": "ok", "median_us": 120.0,
     "per_call": {"status": "FAILED", "reason": "per-call run timed out after 300s"}},
    {"name": "bound/fma_peak", "group": "bound", "kind": "bound", "status": "ok", "median_us": 2.5, "per_call": {}},
]}


class SummaryTest(absltest.TestCase):

    def test_fastest_per_group_then_failed_rows(self):
        self.assertEqual(summary.lines(SUMMARY), [
            "bench: fastest ok path per group (median):",
            f"  {'aot/b/rnn':<44} {'9.24':>9} us",
            f"  {'peer/jax/jit/rnn':<44} {'120':>9} us",
            f"  {'bound/fma_peak':<44} {'2.50':>9} us",
            "bench: 2 FAILED:",
            "  aot/c/rnn: crashed with signal 6: x",
            "  peer/jax/jit/rnn (per-call): per-call run timed out after 300s",
        ])

    def test_unreadable_summary_is_one_line(self):
        self.assertLen(summary.read_lines("/nonexistent/summary.json"), 1)


class TerminalTest(absltest.TestCase):

    def test_live_line_and_summary_on_a_terminal(self):
        _, fake_dir, results = testlib.scratch(self.create_tempdir().full_path)
        leader, follower = pty.openpty()
        proc = subprocess.Popen(testlib.command([testlib.program("//fake:a", {"a/x/one/rnn": "ok", "a/x/two/rnn": "crash"})],
                                                fake_dir, results),
                                stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL, text=True)
        os.close(follower)
        chunks = []

        def drain():
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # EIO: the other side is closed
                    return
                if not chunk:
                    return
                chunks.append(chunk)

        reader = threading.Thread(target=drain)
        reader.start()
        stdout, _ = proc.communicate(timeout=120)
        reader.join(timeout=10)
        os.close(leader)
        terminal = b"".join(chunks).decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, terminal)
        self.assertIn("\r", terminal)  # redrawn in place
        self.assertRegex(terminal, r"bench: \[1/2\] a/x/one/rnn \|.*\| \d\d:\d\d elapsed, ~\d\d:\d\d left")
        self.assertIn("bench: [2/2] a/x/two/rnn", terminal)
        self.assertIn("bench: FAILED a/x/two/rnn: crashed with signal 6", terminal)
        self.assertIn("bench: fastest ok path per group (median):", terminal)
        self.assertRegex(terminal, r"a/x/one/rnn +\d\.\d\d us")
        # Plain lines are for runs without a terminal; stdout ends as always.
        self.assertNotIn("bench: [", stdout)
        self.assertEqual(stdout.splitlines()[-1], results)


if __name__ == "__main__":
    absltest.main()
