"""Tests of compare_results (scripts/compare) on the recorded fixtures in testdata/.

results_baseline: results_full's paths with 10 repetitions each. results_regressed:
the same machine on another TF build: python/signature/rnn 20% slower,
aot/znver5/rnn 20% faster, python/tf_function/rnn 2% slower (significant, below
5%), python/eager/rnn 8% slower but noisy (not significant),
cpp_api/default_threads/rnn identical samples, hand/avx512_naive/rnn 2
repetitions, cpp_api/inline/rnn FAILED, tflite/interpreter/rnn no longer FAILED,
aot/generic/rnn removed, peer/numpy/rnn added. No assertion depends on timing.
"""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys

from absl.testing import absltest

import compare_results
from tflatency.report import compare
from tflatency.report import control
from tflatency.report import load

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "testdata")
BASELINE = os.path.join(TESTDATA, "results_baseline")
REGRESSED = os.path.join(TESTDATA, "results_regressed")
DRIFT_A = os.path.join(TESTDATA, "results_drift_a")
DRIFT_B = os.path.join(TESTDATA, "results_drift_b")
COMPARE_SCRIPT = os.path.join(os.path.dirname(HERE), "scripts", "compare")


def run(*args):
    """(exit status, stdout, stderr) of compare_results.run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = compare_results.run(list(args))
    return status, out.getvalue(), err.getvalue()


def compared(a=BASELINE, b=REGRESSED, **kwargs):
    result = compare.compare(load.load_folder(a), load.load_folder(b), **kwargs)
    return result, {p["name"]: p for p in result["paths"]}


class UTestTest(absltest.TestCase):

    def test_flags_a_20_percent_slowdown_with_10_repetitions(self):
        a = [100.0, 101.0, 99.5, 100.5, 102.0, 98.8, 100.2, 99.9, 101.5, 100.8]
        b = [t * 1.2 for t in a]
        self.assertLess(compare.u_test(a, b), 0.001)
        self.assertLess(compare.u_test(b, a), 0.001)  # two-sided

    def test_identical_samples_give_p_1(self):
        a = [100.0, 101.0, 99.5, 100.5, 102.0, 98.8, 100.2, 99.9, 101.5, 100.8]
        self.assertEqual(compare.u_test(a, list(a)), 1.0)
        self.assertEqual(compare.u_test([5.0] * 10, [5.0] * 10), 1.0)  # all tied: no NaN

    def test_smallest_attainable_p(self):
        self.assertGreaterEqual(compare.smallest_p(3, 3), 0.05)  # 3+3 repetitions can never be significant
        self.assertLess(compare.smallest_p(10, 10), 0.001)


class CompareFixturesTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.result, cls.paths = compared()

    def test_20_percent_slower_and_faster_are_flagged(self):
        sig = self.paths["python/signature/rnn"]
        self.assertEqual(sig["verdict"], "slower")
        self.assertAlmostEqual(sig["change"], 0.2, delta=0.01)
        self.assertAlmostEqual(sig["ratio"], sig["b"]["median_us"] / sig["a"]["median_us"])
        self.assertLess(sig["p_value"], 0.05)
        self.assertEqual((sig["a"]["repetitions"], sig["b"]["repetitions"]), (10, 10))
        aot = self.paths["aot/znver5/rnn"]
        self.assertEqual(aot["verdict"], "faster")
        self.assertAlmostEqual(aot["change"], -0.2, delta=0.01)
        self.assertEqual(self.result["regressions"], ["python/signature/rnn"])

    def test_identical_samples_are_not_flagged(self):
        same = self.paths["cpp_api/default_threads/rnn"]
        self.assertEqual((same["verdict"], same["p_value"], same["change"]), ("same", 1.0, 0.0))
        result, paths = compared(BASELINE, BASELINE)
        self.assertEqual((result["counts"]["slower"], result["counts"]["faster"]), (0, 0))
        for path in paths.values():
            if path["verdict"] == "same":
                self.assertEqual(path["p_value"], 1.0, path["name"])

    def test_significant_but_small_change_is_same(self):
        path = self.paths["python/tf_function/rnn"]
        self.assertLess(path["p_value"], 0.05)
        self.assertLess(path["change"], 0.05)
        self.assertEqual(path["verdict"], "same")

    def test_large_but_noisy_change_is_same(self):
        path = self.paths["python/eager/rnn"]
        self.assertGreater(path["change"], 0.05)
        self.assertGreater(path["p_value"], 0.05)
        self.assertEqual(path["verdict"], "same")

    def test_threshold_and_alpha_are_applied(self):
        _, paths = compared(threshold=0.25)
        self.assertEqual(paths["python/signature/rnn"]["verdict"], "same")
        _, paths = compared(threshold=0.01)
        self.assertEqual(paths["python/tf_function/rnn"]["verdict"], "slower")
        _, paths = compared(alpha=1e-6)
        self.assertEqual(paths["python/signature/rnn"]["verdict"], "same")

    def test_too_few_repetitions(self):
        hand = self.paths["hand/avx512_naive/rnn"]
        self.assertEqual(hand["verdict"], "too few repetitions")
        self.assertEqual((hand["a"]["repetitions"], hand["b"]["repetitions"]), (10, 2))
        self.assertIsNone(hand["p_value"])
        self.assertIsNotNone(hand["change"])

    def test_added_removed_and_failed_paths(self):
        self.assertEqual(self.paths["peer/numpy/rnn"]["verdict"], "added")
        self.assertIsNone(self.paths["peer/numpy/rnn"]["a"])
        self.assertEqual(self.paths["aot/generic/rnn"]["verdict"], "removed")
        self.assertIsNone(self.paths["aot/generic/rnn"]["b"])
        expected_failed = {"cpp_api/inline/rnn": ["B"], "tflite/interpreter/rnn": ["A"],
                           "python/xla_jit/rnn": ["A", "B"], "peer/onnxruntime/rnn": ["A", "B"]}
        failed = {name: p["failed_in"] for name, p in self.paths.items() if p["verdict"] == "FAILED"}
        self.assertEqual(failed, expected_failed)
        self.assertIsNone(self.paths["cpp_api/inline/rnn"]["ratio"])
        self.assertEqual(self.result["counts"], {"slower": 1, "faster": 1, "within drift": 0, "same": 14,
                                                 "too few repetitions": 1, "added": 1, "removed": 1, "n/a": 0,
                                                 "FAILED": 4})

    def test_markdown_lists_every_kind_of_row(self):
        text = compare.render(self.result)
        self.assertIn("| python/signature/rnn | 252 | 302 | 1.20 | +19.9% |", text)
        for expected in ("**slower** |", "**faster** |", "| added |", "| removed |", "| FAILED in B |",
                         "| FAILED in A |", "| FAILED in A and B |", "| control (too few repetitions) |",
                         "- cpp_api/inline/rnn in B: golden check FAILED", "| tf_version | 2.21.0 | 2.22.0-dev20261120 | **differs** |",
                         "| host | vm | vm |  |"):
            self.assertIn(expected, text)

    def test_context_diff(self):
        diff = {d["field"]: d for d in self.result["context_diff"]}
        self.assertTrue(diff["tf_version"]["differs"])
        self.assertTrue(diff["tf_git_version"]["differs"])
        self.assertEqual(diff["tf_git_version"]["b"], "v1.12.1-130512-g0c1ad3f9e2b")
        self.assertFalse(diff["host"]["differs"])
        self.assertFalse(diff["cpu_model"]["differs"])
        self.assertEqual((diff["packages.tf-nightly-cpu"]["a"], diff["packages.tf-nightly-cpu"]["b"]),
                         (None, "2.22.0.dev20261120"))

    def test_result_is_strict_json(self):
        json.dumps(self.result, allow_nan=False)


class DriftControlTest(absltest.TestCase):
    """results_drift_a/b: the TF-independent paths drift +8..+9% between two runs 40 minutes apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.result, cls.paths = compared(DRIFT_A, DRIFT_B)

    def test_the_control_paths_follow_one_rule(self):
        self.assertEqual(self.result["drift_control"]["controls"],
                         ["hand/avx2/rnn", "peer/numpy/rnn", "bound/weight_stream"])
        self.assertIn("numpy 2.4.6", self.paths["peer/numpy/rnn"]["control"])
        self.assertIsNone(self.paths["peer/jax/jit/rnn"]["control"])  # jax 0.8.1 against 0.8.2
        for name in ("python/signature/rnn", "aot/znver3/rnn", "cpp_api/inline/rnn"):
            self.assertIsNone(self.paths[name]["control"], name)

    def test_control_reason_rule(self):
        same = {"packages": {"numpy": "2.4.6", "jax": "0.8.1", "jaxlib": "0.8.1"}}
        other = {"packages": {"numpy": "2.3.0", "jax": "0.8.1", "jaxlib": "0.8.1"}}
        self.assertIsNotNone(control.control_reason("bound/fma_peak_2cores", {}, {}))
        self.assertIsNotNone(control.control_reason("hand/avx512_full_step0/rnn", {}, {}))
        self.assertIsNotNone(control.control_reason("python_compiled/hand_2threads/rnn", {}, {}))
        self.assertIsNone(control.control_reason("python_compiled/aot_hoisted_tuned/rnn", same, same))
        self.assertIsNotNone(control.control_reason("peer/jax/jit_pinned/rnn", same, same))
        self.assertIsNone(control.control_reason("peer/numpy/rnn", same, other))
        self.assertIsNone(control.control_reason("peer/numpy/rnn", {}, {}))  # versions unknown: not a control
        self.assertIsNone(control.control_reason("peer/onnxruntime/io_binding/rnn", same, same))  # tf2onnx's graph
        self.assertIsNone(control.control_reason("tflite/interpreter/rnn", same, same))  # TF's converter

    def test_tf_path_inside_the_drift_band_is_within_drift(self):
        low, high = self.result["drift_control"]["band"]
        self.assertLess(low, 1.08)
        self.assertGreater(high, 1.10)
        path = self.paths["python/signature/rnn"]
        self.assertAlmostEqual(path["ratio"], 1.10, delta=0.005)
        self.assertLess(path["p_value"], 0.05)  # the U test alone would call it slower
        self.assertEqual(path["verdict"], "within drift")
        self.assertEqual(path["beyond_drift"], 0.0)
        self.assertEqual(self.paths["hand/avx2/rnn"]["verdict"], "slower")  # the control itself drifted

    def test_tf_path_beyond_the_band_is_slower(self):
        path = self.paths["aot/znver3/rnn"]
        self.assertEqual(path["verdict"], "slower")
        self.assertGreater(path["beyond_drift"], 0.2)
        self.assertEqual(self.paths["cpp_api/inline/rnn"]["verdict"], "same")
        self.assertEqual(self.paths["peer/jax/jit/rnn"]["verdict"], "slower")
        # The controls measure the machine: never a regression while the band is in use.
        self.assertEqual(self.result["regressions"], ["aot/znver3/rnn", "peer/jax/jit/rnn"])
        self.assertEqual(self.result["counts"]["within drift"], 1)

    def test_a_drop_inside_a_negative_band_is_within_drift(self):
        self.assertEqual(control.verdict_against(0.92, -0.08, (0.90, 0.95)), "within drift")
        self.assertEqual(control.verdict_against(0.80, -0.20, (0.90, 0.95)), "faster")
        self.assertEqual(control.verdict_against(1.06, 0.06, (1.07, 1.11)), "within drift")  # less than the drift
        self.assertAlmostEqual(control.beyond(1.32, (1.0, 1.1)), 0.2)

    def test_no_controls_no_band(self):
        self.assertIsNone(control.band([(None, None)]))
        low, high = control.band([(0.98, 1.02), (1.0, 1.05)])
        self.assertAlmostEqual(low, 0.99)
        self.assertAlmostEqual(high, 1.035)

    def test_one_noisy_control_does_not_widen_the_band(self):
        # A two-thread kernel on a shared machine swung 0.01-1.01 in a real run.
        self.assertEqual(control.band([(0.97, 1.03), (0.98, 1.04), (0.01, 1.6)]), (0.97, 1.04))

    def test_far_apart_runs_are_said_plainly(self):
        apart = self.result["time_apart"]
        self.assertEqual((apart["seconds"], apart["far_apart"]), (2400.0, True))
        text = compare.render(self.result)
        self.assertIn("**The two runs were taken far apart: B started 40 min after A**", text)
        self.assertIn("## Drift control", text)
        self.assertIn("| hand/avx2/rnn | 9.00 | 9.81 | 1.09 |", text)
        self.assertIn("| python/signature/rnn | 250 | 275 | 1.10 | +10.0% |", text)
        self.assertIn("| within drift |", text)
        close = compare.time_apart({"started_utc": "2026-12-02T09:00:00Z"}, {"started_utc": "2026-12-02T09:03:00Z"})
        self.assertEqual((close["seconds"], close["far_apart"]), (180.0, False))
        self.assertIsNone(compare.time_apart({}, {"started_utc": "2026-12-02T09:03:00Z"})["seconds"])

    def test_interleaved_runs_say_so(self):
        result = compare.compare(load.load_folder(DRIFT_A), load.load_folder(DRIFT_B), interleaved=True)
        self.assertIn("A and B ran interleaved in one run", compare.render(result))
        self.assertNotIn("far apart", compare.render(result))

    def test_the_command_line_gains_the_control(self):
        status, out, _ = run(DRIFT_A, DRIFT_B, "--fail_on_regression=5%")
        self.assertEqual(status, 1)
        self.assertIn("## Drift control", out)
        self.assertIn("within drift", out)


class CompareCommandLineTest(absltest.TestCase):

    def copy_fixture(self, name):
        folder = os.path.join(self.create_tempdir().full_path, name)
        shutil.copytree(os.path.join(TESTDATA, name), folder)
        return folder

    def test_fail_on_regression_exit_status_follows_the_data(self):
        status, out, err = run(BASELINE, REGRESSED, "--fail_on_regression=5%")
        self.assertEqual(status, 1)
        self.assertIn("# Comparison: B against A", out)
        self.assertLen(err.splitlines(), 1)
        self.assertIn("python/signature/rnn (+19.9%)", err)
        self.assertEqual(run(BASELINE, REGRESSED, "--fail_on_regression=25%")[0], 0)  # 20% < 25%
        self.assertEqual(run(BASELINE, REGRESSED, "--fail_on_regression", "25")[0], 0)
        self.assertEqual(run(BASELINE, BASELINE, "--fail_on_regression=5%")[0], 0)
        status, _, err = run(REGRESSED, BASELINE, "--fail_on_regression=5%")  # the other way round
        self.assertEqual(status, 1)
        self.assertIn("aot/znver5/rnn (+25.", err)
        self.assertNotIn("python/signature/rnn", err)
        status, _, err = run(BASELINE, REGRESSED)  # no gate: 0 whatever the data
        self.assertEqual((status, err), (0, ""))

    def test_missing_folder_exits_2_with_one_line(self):
        missing = os.path.join(self.create_tempdir().full_path, "no_such_results")
        for args in ((missing, BASELINE), (BASELINE, missing)):
            status, out, err = run(*args)
            self.assertEqual(status, 2)
            self.assertEqual(out, "")
            self.assertEqual(err, f"compare_results: {missing}: no such folder\n")

    def test_folder_without_results_exits_2(self):
        empty = self.create_tempdir().full_path
        status, out, err = run(BASELINE, empty)
        self.assertEqual((status, out), (2, ""))
        self.assertLen(err.splitlines(), 1)
        self.assertIn("no benchmark JSON", err)

    def test_bad_flags_exit_2_with_one_line(self):
        for args in ((BASELINE, REGRESSED, "--fail_on_regression=abc"),
                     (BASELINE, REGRESSED, "--fail_on_regression=-5%"),
                     (BASELINE, REGRESSED, "--fail_on_regression=nan"),
                     (BASELINE, REGRESSED, "--fail_on_regression"),
                     (BASELINE, REGRESSED, "--alpha=0"),
                     (BASELINE, REGRESSED, "--alpha=x"),
                     (BASELINE, REGRESSED, "--out="),
                     (BASELINE, REGRESSED, "--bogus=1"),
                     (BASELINE,),
                     (BASELINE, REGRESSED, BASELINE),
                     ()):
            status, out, err = run(*args)
            self.assertEqual(status, 2, args)
            self.assertEqual(out, "", args)
            self.assertLen(err.splitlines(), 1, args)
            self.assertStartsWith(err, "compare_results: ")
        self.assertIn("'abc'", run(BASELINE, REGRESSED, "--fail_on_regression=abc")[2])

    def test_out_writes_markdown_and_json(self):
        out_dir = os.path.join(self.create_tempdir().full_path, "cmp", "new")
        status, out, err = run(BASELINE, REGRESSED, f"--out={out_dir}")
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(os.listdir(out_dir)), ["compare.json", "compare.md"])  # no temp files left
        with open(os.path.join(out_dir, "compare.md"), encoding="utf-8") as f:
            self.assertEqual(f.read(), out)
        with open(os.path.join(out_dir, "compare.json"), encoding="utf-8") as f:
            data = json.load(f)
        self.assertEqual(data["schema_version"], 2)
        self.assertEqual((data["a"]["folder"], data["b"]["folder"]), (BASELINE, REGRESSED))
        self.assertEqual(data["regressions"], ["python/signature/rnn"])
        self.assertFalse(data["fail_on_regression"])

    def test_out_must_not_be_a_compared_folder(self):
        folder = self.copy_fixture("results_baseline")
        before = sorted(os.listdir(folder))
        status, _, err = run(folder, REGRESSED, f"--out={folder}")
        self.assertEqual(status, 2)
        self.assertLen(err.splitlines(), 1)
        self.assertEqual(sorted(os.listdir(folder)), before)

    def test_reads_raw_repetitions_not_a_stale_summary(self):
        folder = self.copy_fixture("results_regressed")
        with open(os.path.join(folder, "summary.json"), "w", encoding="utf-8") as f:
            json.dump({"schema_version": 1, "paths": [{"name": "python/signature/rnn", "median_us": 1.0}]}, f)
        _, paths = compared(BASELINE, folder)
        self.assertEqual(paths["python/signature/rnn"]["verdict"], "slower")
        self.assertAlmostEqual(paths["python/signature/rnn"]["change"], 0.2, delta=0.01)

    def test_command_line_and_wrapper(self):
        env = dict(os.environ, PYTHONPATH=HERE, TFLATENCY_PYTHON=sys.executable)
        missing = os.path.join(self.create_tempdir().full_path, "absent")
        result = subprocess.run([sys.executable, os.path.join(HERE, "compare_results.py"), BASELINE, missing],
                                env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stderr, f"compare_results: {missing}: no such folder\n")
        if not os.path.exists(COMPARE_SCRIPT):
            self.skipTest(f"{COMPARE_SCRIPT} not in the runfiles")
        result = subprocess.run([COMPARE_SCRIPT, BASELINE, REGRESSED, "--fail_on_regression=5%"],
                                env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("| python/signature/rnn |", result.stdout)
        result = subprocess.run([COMPARE_SCRIPT, BASELINE, REGRESSED, "--fail_on_regression=abc"],
                                env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 2)
        self.assertLen(result.stderr.splitlines(), 1)


if __name__ == "__main__":
    absltest.main()
