"""failures: the reasons worded for failures.json, and the file itself."""

import json
import os
import signal

from absl.testing import absltest

from tflatency.bench import failures
from tflatency.bench.process import Exit


class ReasonTest(absltest.TestCase):

    def setUp(self):
        super().setUp()
        self.log = self.create_tempfile("aot__x__rnn.log", content="starting\n\nAborted: core dumped\n  \n").full_path

    def reason(self, exit, wrote=False):
        return failures.benchmark_reason(exit, wrote, self.log, 300)

    def test_timed_out(self):
        self.assertEqual(self.reason(Exit(-signal.SIGTERM, timed_out=True)),
                         "timed out after 300s (per-path time limit; log: aot__x__rnn.log)")

    def test_killed_by_a_signal_directly_or_through_a_shell(self):
        self.assertEqual(self.reason(Exit(-6)), "crashed with signal 6: Aborted: core dumped")
        self.assertEqual(self.reason(Exit(134)), "crashed with signal 6: Aborted: core dumped")

    def test_unexpected_status(self):
        self.assertEqual(self.reason(Exit(3), wrote=True), "exited with status 3: Aborted: core dumped")

    def test_no_results(self):
        self.assertEqual(self.reason(Exit(0)), "wrote no results (status 0): Aborted: core dumped")
        self.assertEqual(self.reason(Exit(1)), "wrote no results (status 1): Aborted: core dumped")

    def test_results_count_with_status_0_or_1(self):
        self.assertIsNone(self.reason(Exit(0), wrote=True))
        self.assertIsNone(self.reason(Exit(1), wrote=True))  # a failed golden check, recorded in the JSON

    def test_per_call_reasons(self):
        reason = lambda exit, wrote=False: failures.per_call_reason(exit, wrote, self.log, 20)
        self.assertEqual(reason(Exit(-9, timed_out=True)),
                         "per-call run timed out after 20s (per-path time limit; log: aot__x__rnn.log)")
        self.assertEqual(reason(Exit(-11)), "per-call run crashed with signal 11: Aborted: core dumped")
        self.assertEqual(reason(Exit(1), wrote=True), "per-call run exited with status 1: Aborted: core dumped")
        self.assertEqual(reason(Exit(0)), "per-call run wrote no file (status 0): Aborted: core dumped")
        self.assertIsNone(reason(Exit(0), wrote=True))

    def test_last_line_is_cut(self):
        self.assertEqual(failures.last_line(b"x" * 300 + b"\n\n"), "x" * 200)
        self.assertEqual(failures.last_line(""), "")


class WriteTest(absltest.TestCase):

    def test_writes_a_list_with_mode_only_for_per_call(self):
        folder = self.create_tempdir().full_path
        failures.write(folder, [failures.Failure("a/b/rnn", 'said "no" \\ twice'),
                                failures.Failure("a/c/rnn", "hung", failures.PER_CALL_MODE)])
        with open(os.path.join(folder, "failures.json")) as f:
            self.assertEqual(json.load(f), [{"name": "a/b/rnn", "reason": 'said "no" \\ twice'},
                                            {"name": "a/c/rnn", "reason": "hung", "mode": "per_call"}])

    def test_no_failures_no_file(self):
        folder = self.create_tempdir().full_path
        failures.write(folder, [])
        self.assertEqual(os.listdir(folder), [])


if __name__ == "__main__":
    absltest.main()
