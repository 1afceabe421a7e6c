"""ab_execution.run on fake benchmark programs (no Bazel): the A/B folder, the interleaving, the comparison.

Side B lists one case side A does not (b/only/rnn), and each of its programs a
case --only leaves out (zz/side_b/rnn), so every B run is told apart by its
command line in runs.jsonl; b/x/golden/rnn fails its golden check on B only.
"""

import os
import sys

from absl.testing import absltest

from tflatency.bench import ab_execution
from tflatency.bench import flags
from tflatency.bench import results
from tflatency.bench import testlib
from tflatency.bench.programs import Program


def _programs(specs, fake_dir):
    return [Program(label=label, argv=(sys.executable, testlib.FAKE_BENCHMARK),
                    flags=(f"--fake_cases={','.join(f'{c}={b}' for c, b in cases.items())}", f"--fake_dir={fake_dir}"),
                    min_time="0.01s") for label, cases in specs]


SIDE_A = [("//fake:a", {"a/x/one/rnn": "ok", "a/x/two/rnn": "ok"}),
          ("//fake:b", {"b/x/ok/rnn": "ok", "b/x/golden/rnn": "ok"})]
SIDE_B = [("//fake:a", {"a/x/one/rnn": "ok", "a/x/two/rnn": "ok", "zz/side_b/rnn": "ok"}),
          ("//fake:b", {"b/x/ok/rnn": "ok", "b/x/golden/rnn": "golden_fail", "b/only/rnn": "ok", "zz/side_b/rnn": "ok"})]
ONLY = "--only=^[ab]/"


class AbRunTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base, cls.fake_dir, cls.top = testlib.scratch()
        settings = flags.parse(["bench", *testlib.FAST_FLAGS, "--repetitions=3", ONLY, f"--results_dir={cls.top}"],
                               root=base)
        top = results.ResultsFolder.create(cls.top, base)
        sides = {name: ab_execution.Side(name, results.ResultsFolder.create(os.path.join(cls.top, name), base),
                                         _programs(specs, cls.fake_dir), dict(os.environ), {"python": f"/{name}/python3"})
                 for name, specs in (("A", SIDE_A), ("B", SIDE_B))}
        cls.result = ab_execution.run(top, sides, settings, merge_argv=[testlib.MERGE])
        cls.paths = {p["name"]: p for p in cls.result["paths"]}

    def test_folder_holds_both_sides_the_pairing_and_the_comparison(self):
        self.assertEqual(sorted(os.listdir(self.top)), ["A", "B", "compare.json", "compare.md", "pairing.json"])
        for side in ("A", "B"):
            files = os.listdir(os.path.join(self.top, side))
            self.assertIn("report.md", files)
            self.assertIn("summary.json", files)
            self.assertNotIn(results.INCOMPLETE_FILE, files)
        pairing = testlib.read_json(os.path.join(self.top, "pairing.json"))
        self.assertEqual(pairing["sides"]["B"], {"folder": "B", "python": "/B/python3"})
        self.assertEqual(pairing["order"][:2], [{"case": "a/x/one/rnn", "sides": ["A", "B"]},
                                                {"case": "b/x/ok/rnn", "sides": ["B", "A"]}])
        self.assertIn({"case": "b/only/rnn", "sides": ["B"]}, pairing["order"])

    def test_cases_ran_interleaved_in_the_planned_order(self):
        ran = [("B" if "zz/side_b/rnn" in " ".join(run["argv"]) else "A", run["case"])
               for run in testlib.runs(self.fake_dir) if not any(a.startswith("--per_call_out") for a in run["argv"])]
        self.assertEqual(ran, [("A", "a/x/one/rnn"), ("B", "a/x/one/rnn"), ("B", "b/x/ok/rnn"), ("A", "b/x/ok/rnn"),
                               ("B", "a/x/two/rnn"), ("A", "a/x/two/rnn"), ("A", "b/x/golden/rnn"),
                               ("B", "b/x/golden/rnn"), ("B", "b/only/rnn")])

    def test_comparison_of_the_two_sides(self):
        self.assertTrue(self.result["interleaved"])
        self.assertEqual(self.paths["a/x/one/rnn"]["verdict"], "same")  # identical fake times
        self.assertEqual(self.paths["b/x/golden/rnn"]["failed_in"], ["B"])
        self.assertEqual(self.paths["b/only/rnn"]["verdict"], "added")
        with open(os.path.join(self.top, "compare.md"), encoding="utf-8") as f:
            self.assertIn("A and B ran interleaved in one run", f.read())


if __name__ == "__main__":
    absltest.main()
