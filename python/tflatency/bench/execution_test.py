"""The orchestrator end to end on fake benchmark programs (no Bazel).

One run holds a case of every kind of trouble: a crash, a hang (time limit), a
failed golden check, an unexpected status, no results, per-call passes that
crash or write nothing, a program that lists no case, and pinned cases. Checks
failures.json, that every other case's results stay, the round-robin order,
the `_pinned` renaming, the per-call pass, and the plain progress lines.
"""

import os
import re

from absl.testing import absltest

from tflatency.bench import testlib

PROGRAMS = [
    testlib.program("//fake:a", {"a/x/ok/rnn": "ok", "a/x/crash/rnn": "crash", "a/x/hang/rnn": "hang",
                                 "a/x/exit/rnn": "exit3"}),
    testlib.program("//fake:b", {"b/x/golden/rnn": "golden_fail", "b/x/nothing/rnn": "no_results",
                                 "b/x/pc_crash/rnn": "per_call_crash", "b/x/pc_nofile/rnn": "per_call_no_file"}),
    testlib.program("//fake:bound", {"bound/fake_peak": "ok"}, per_call=False, min_time="0.01"),
    testlib.program("//fake:silent", {}),
    testlib.program("//python:peer_bench",  # the label that gets --engines (plan.case_flags)
                    {"peer/jax/jit/rnn": "ok", "tflite/interpreter/one_thread/rnn": "ok"},
                    name_suffix="_pinned"),
]
# Round robin: the first case of each program that listed cases, then the second, ...
ORDER = ["a/x/ok/rnn", "b/x/golden/rnn", "bound/fake_peak", "peer/jax/jit_pinned/rnn",
         "a/x/crash/rnn", "b/x/nothing/rnn", "tflite/interpreter/one_thread_pinned/rnn",
         "a/x/hang/rnn", "b/x/pc_crash/rnn", "a/x/exit/rnn", "b/x/pc_nofile/rnn"]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class FaultyRunTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.fake_dir, cls.results = testlib.scratch()
        cls.proc = testlib.run(PROGRAMS, cls.fake_dir, cls.results)
        cls.summary = {p["name"]: p for p in testlib.read_json(os.path.join(cls.results, "summary.json"))["paths"]}

    def test_exit_status_and_last_two_lines(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(self.proc.stdout.splitlines()[-2:],
                         [f"bench: report: {self.results}/report.md", self.results])

    def test_failures_json(self):
        self.assertEqual(testlib.read_json(os.path.join(self.results, "failures.json")), [
            {"name": "//fake:silent", "reason": "listed no cases: fake_benchmark: no cases"},
            {"name": "a/x/crash/rnn", "reason": "crashed with signal 6: fake_benchmark: crashing a/x/crash/rnn on purpose"},
            {"name": "b/x/nothing/rnn", "reason": "wrote no results (status 0): fake_benchmark: b/x/nothing/rnn wrote nothing"},
            {"name": "a/x/hang/rnn", "reason": "timed out after 3s (per-path time limit; log: a__x__hang__rnn.log)"},
            {"name": "b/x/pc_crash/rnn", "mode": "per_call",
             "reason": "per-call run crashed with signal 6: fake_benchmark: crashing b/x/pc_crash/rnn on purpose"},
            {"name": "a/x/exit/rnn", "reason": "exited with status 3: fake_benchmark: a/x/exit/rnn cannot run"},
            {"name": "b/x/pc_nofile/rnn", "mode": "per_call",
             "reason": "per-call run wrote no file (status 0): fake_benchmark: b/x/pc_nofile/rnn wrote nothing"},
        ])

    def test_every_other_case_keeps_its_results(self):
        ok = ["a/x/ok/rnn", "bound/fake_peak", "peer/jax/jit_pinned/rnn", "tflite/interpreter/one_thread_pinned/rnn",
              "b/x/pc_crash/rnn", "b/x/pc_nofile/rnn"]
        self.assertEqual({n: self.summary[n]["status"] for n in ok}, {n: "ok" for n in ok})
        self.assertTrue(all(self.summary[n]["median_us"] for n in ok))
        golden = self.summary["b/x/golden/rnn"]
        self.assertEqual((golden["status"], golden["reason"]),
                         ("FAILED", "golden check FAILED: max |got - golden| = 1 at element 0"))

    def test_folder_is_complete_and_clean(self):
        files = os.listdir(self.results)
        self.assertNotIn("INCOMPLETE", files)
        self.assertEqual([f for f in files if f.endswith(".tmp")], [])
        self.assertContainsSubset(["a__x__ok__rnn.json", "a__x__ok__rnn.log", "a__x__crash__rnn.log",
                                   "b__x__golden__rnn.json", "summary.json", "report.md"], files)

    def test_round_robin_order(self):
        benchmark_passes = [run["case"] for run in testlib.runs(self.fake_dir)
                            if not any(a.startswith("--per_call_out") for a in run["argv"])]
        renamed = {"peer/jax/jit/rnn": "peer/jax/jit_pinned/rnn",
                   "tflite/interpreter/one_thread/rnn": "tflite/interpreter/one_thread_pinned/rnn"}
        self.assertEqual([renamed.get(c, c) for c in benchmark_passes], ORDER)

    def test_command_lines(self):
        by_case = {}
        for run in testlib.runs(self.fake_dir):
            by_case.setdefault(run["case"], []).append(run["argv"])
        benchmark, per_call = by_case["peer/jax/jit/rnn"]
        self.assertEqual(benchmark[0], "--benchmark_filter=^peer/jax/jit/rnn(/real_time)?$")
        self.assertContainsSubset(["--benchmark_repetitions=2", "--benchmark_min_time=0.01s",
                                   "--benchmark_out_format=json"], benchmark)
        self.assertEqual(benchmark[-1], "--engines=jax")  # after the program's own flags
        self.assertContainsSubset(["--per_call_count=10"], per_call)
        self.assertFalse(any(a.startswith("--benchmark_repetitions") for a in per_call))
        self.assertIn("--benchmark_min_time=0.01", by_case["bound/fake_peak"][0])

    def test_pinned_renaming(self):
        rows = testlib.read_json(os.path.join(self.results, "peer__jax__jit__rnn_pinned.json"))["benchmarks"]
        self.assertEqual({(r["name"], r["run_name"]) for r in rows},
                         {("peer/jax/jit_pinned/rnn/real_time", "peer/jax/jit_pinned/rnn/real_time")})
        per_call = testlib.read_json(os.path.join(self.results, "peer__jax__jit__rnn_pinned.percall.json"))
        self.assertEqual(per_call["name"], "peer/jax/jit_pinned/rnn")

    def test_per_call_pass(self):
        has_per_call = {n for n, p in self.summary.items() if p["per_call"]["status"] == "ok"}
        self.assertEqual(has_per_call, {"a/x/ok/rnn", "peer/jax/jit_pinned/rnn", "tflite/interpreter/one_thread_pinned/rnn"})
        self.assertEqual(self.summary["a/x/ok/rnn"]["per_call"]["count"], 10)
        # No per-call pass for a program without one, nor for a case that failed its golden check.
        self.assertFalse(os.path.exists(os.path.join(self.results, "bound__fake_peak.percall.log")))
        self.assertFalse(os.path.exists(os.path.join(self.results, "b__x__golden__rnn.percall.log")))
        failed = self.summary["b/x/pc_crash/rnn"]
        self.assertEqual((failed["status"], failed["per_call"]["status"]), ("ok", "FAILED"))

    def test_plain_progress_lines(self):
        lines = [l for l in self.proc.stdout.splitlines() if l.startswith("bench: [")]
        self.assertEqual(lines, [f"bench: [{k}/{len(ORDER)}] {name}" for k, name in enumerate(ORDER, 1)])
        self.assertIsNone(CONTROL.search(self.proc.stdout + self.proc.stderr))


class OnlyTest(absltest.TestCase):

    def setUp(self):
        super().setUp()
        _, self.fake_dir, self.results = testlib.scratch(self.create_tempdir().full_path)

    def test_only_runs_the_matching_cases(self):
        proc = testlib.run(PROGRAMS[:3], self.fake_dir, self.results, "--only=ok|peak")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([run["case"] for run in testlib.runs(self.fake_dir)],
                         ["a/x/ok/rnn", "a/x/ok/rnn", "bound/fake_peak"])  # the second: its per-call pass

    def test_only_matching_nothing_is_a_usage_error_and_leaves_no_folder(self):
        proc = testlib.run(PROGRAMS[:1], self.fake_dir, self.results, "--only=^nothing/")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr.strip().splitlines(),
                         ["bench: --only='^nothing/' matches no case (see the header of scripts/bench for usage)"])
        self.assertFalse(os.path.exists(self.results))
        self.assertEqual(testlib.runs(self.fake_dir), [])


if __name__ == "__main__":
    absltest.main()
