"""Ctrl-C and SIGTERM stop a run at once and keep what finished (issue 19).

The orchestrator runs on fake programs in a new process session, as a terminal
starts a job; while its slow case runs, SIGINT goes to that process group (what
a terminal's Ctrl-C does) or SIGTERM to the orchestrator. Then: it exits within
5 s with 130 (143); the slow case and its child are gone; the next case never
started; the finished cases' results stay in the folder, still marked
INCOMPLETE; an earlier results folder is byte-identical.
"""

import os
import signal
import tempfile
import time

from absl.testing import absltest
from absl.testing import parameterized

from tflatency.bench import testlib

# Round robin: a/first, b/first, a/slow, then b/next, which must never start.
PROGRAMS = [
    testlib.program("//fake:a", {"a/x/first/rnn": "ok", "a/x/slow/rnn": "slow"}),
    testlib.program("//fake:b", {"b/x/first/rnn": "ok", "b/x/next/rnn": "ok"}),
]
STUBBORN = [
    testlib.program("//fake:a", {"a/x/first/rnn": "ok", "a/x/slow/rnn": "slow_stubborn"}),
    PROGRAMS[1],
]
EXIT_WITHIN_SECONDS = 5
SLOW_CASE_START_SECONDS = 60  # the cases before it start Python processes


def _wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {seconds} s")
        time.sleep(0.05)


class InterruptTest(parameterized.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An earlier, finished run beside the ones to interrupt.
        base = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        cls.results_root = os.path.join(base, "results")
        cls.earlier = os.path.join(cls.results_root, "earlier")
        earlier_fakes = os.path.join(base, "earlier_fake")
        os.makedirs(earlier_fakes)
        done = testlib.run([testlib.program("//fake:e", {"e/x/ok/rnn": "ok"})], earlier_fakes, cls.earlier)
        if done.returncode != 0:
            raise AssertionError(f"the earlier run failed: {done.stderr}")
        cls.earlier_digest = testlib.folder_digest(cls.earlier)

    def setUp(self):
        super().setUp()
        self.fake_dir = self.create_tempdir().full_path
        self.folder = os.path.join(self.results_root, self.id().rsplit(".", 1)[-1])

    def _interrupt(self, programs, send):
        """Starts the run, waits for the slow case, calls send(proc); returns (proc, stdout, stderr, seconds)."""
        folder = self.folder
        proc = testlib.start(programs, self.fake_dir, folder)
        try:
            _wait_for(os.path.join(self.fake_dir, "a__x__slow__rnn.pids"), SLOW_CASE_START_SECONDS)
            sent = time.monotonic()
            send(proc)
            stdout, stderr = proc.communicate(timeout=30)
            return folder, proc, stdout, stderr, time.monotonic() - sent
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    @parameterized.named_parameters(
        ("sigint_to_the_process_group", PROGRAMS, lambda p: os.killpg(p.pid, signal.SIGINT), 130, "SIGINT"),
        ("sigterm_to_the_orchestrator", PROGRAMS, lambda p: os.kill(p.pid, signal.SIGTERM), 143, "SIGTERM"),
        ("sigint_to_a_case_that_ignores_sigterm", STUBBORN, lambda p: os.killpg(p.pid, signal.SIGINT), 130,
         "SIGINT"),
    )
    def test_stops_at_once_and_keeps_what_finished(self, programs, send, status, signal_name):
        folder, proc, stdout, stderr, seconds = self._interrupt(programs, send)
        self.assertEqual(proc.returncode, status, stderr)
        self.assertLess(seconds, EXIT_WITHIN_SECONDS)
        self.assertEqual(stderr.strip().splitlines()[-1],
                         f"bench: interrupted; partial results stay in {folder} (marked INCOMPLETE)")
        with open(os.path.join(self.fake_dir, "a__x__slow__rnn.pids")) as f:
            pids = [int(pid) for pid in f.read().split()]
        self.assertLen(pids, 2)
        self.assertEqual([pid for pid in pids if not testlib.process_gone(pid)], [])
        self.assertFalse(os.path.exists(os.path.join(self.fake_dir, "b__x__next__rnn.started")))
        files = os.listdir(folder)
        self.assertContainsSubset(["INCOMPLETE", "a__x__first__rnn.json", "a__x__first__rnn.percall.json",
                                   "b__x__first__rnn.json"], files)
        self.assertNotIn("a__x__slow__rnn.json", files)
        self.assertEqual([f for f in files if f.endswith(".tmp")], [])
        self.assertNotIn("summary.json", files)
        with open(os.path.join(folder, "INCOMPLETE")) as f:
            self.assertIn(f"interrupted by {signal_name}", f.read())
        self.assertNotIn(folder, stdout.splitlines())  # the folder is the last line of a finished run only
        self.assertEqual(testlib.folder_digest(self.earlier), self.earlier_digest)


if __name__ == "__main__":
    absltest.main()
