"""process.run: time limits and interruptions end the child's whole process group."""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from absl.testing import absltest

from tflatency.bench import process
from tflatency.bench import testlib

# A parent that starts a grandchild, writes both pids, then waits (or exits at once).
FAMILY = """
import os, subprocess, sys, time
child = subprocess.Popen(["sleep", "60"])
with open(sys.argv[1], "w") as f:
    f.write(f"{os.getpid()} {child.pid}")
if sys.argv[2] == "wait":
    time.sleep(60)
"""


def _pids(path):
    deadline = time.monotonic() + 30
    while not (os.path.exists(path) and os.path.getsize(path)):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} not written")
        time.sleep(0.05)
    with open(path) as f:
        return [int(p) for p in f.read().split()]


class RunTest(absltest.TestCase):

    def setUp(self):
        super().setUp()
        self.pids_file = os.path.join(self.create_tempdir().full_path, "pids")

    def assertAllGone(self, pids):
        deadline = time.monotonic() + 5  # the grandchild's reaping is init's business
        while not all(testlib.process_gone(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual([p for p in pids if not testlib.process_gone(p)], [])

    def test_time_limit_ends_the_whole_group(self):
        exit = process.run([sys.executable, "-c", FAMILY, self.pids_file, "wait"], timeout=3)
        self.assertTrue(exit.timed_out)
        self.assertEqual(exit.returncode, -signal.SIGTERM)
        self.assertFalse(exit.ok)
        self.assertAllGone(_pids(self.pids_file))

    def test_a_child_that_ignores_sigterm_is_killed_after_the_grace(self):
        stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
        started = time.monotonic()
        exit = process.run([sys.executable, "-c", stubborn], timeout=2, grace=0.5, stdout=subprocess.DEVNULL)
        self.assertEqual((exit.timed_out, exit.returncode), (True, -signal.SIGKILL))
        self.assertLess(time.monotonic() - started, 10)

    def test_an_exception_while_waiting_ends_the_group_and_goes_on(self):
        class Stop(BaseException):
            pass

        def raise_stop(signum, frame):
            raise Stop()

        previous = signal.signal(signal.SIGALRM, raise_stop)
        try:
            threading.Thread(target=lambda: (_pids(self.pids_file), signal.alarm(1))).start()
            with self.assertRaises(Stop):
                process.run([sys.executable, "-c", FAMILY, self.pids_file, "wait"])
        finally:
            signal.signal(signal.SIGALRM, previous)
        self.assertAllGone(_pids(self.pids_file))

    def test_what_a_finished_child_leaves_behind_is_ended(self):
        exit = process.run([sys.executable, "-c", FAMILY, self.pids_file, "exit"])
        self.assertTrue(exit.ok)
        self.assertAllGone(_pids(self.pids_file))

    def test_a_command_that_cannot_start_is_status_127_with_its_reason(self):
        with tempfile.TemporaryFile() as log:
            exit = process.run(["/nonexistent/program"], stdout=log, stderr=subprocess.STDOUT)
            log.seek(0)
            self.assertEqual(log.read(), b"/nonexistent/program: No such file or directory\n")
        self.assertEqual(exit.returncode, 127)

    def test_output(self):
        exit, text = process.output([sys.executable, "-c", "print('hello')"])
        self.assertEqual((exit.ok, text), (True, "hello\n"))


if __name__ == "__main__":
    absltest.main()
