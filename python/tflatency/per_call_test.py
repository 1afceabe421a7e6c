"""Tests of the per-call mode (--per_call_out) shared by every benchmark program (no timings).

The C++ side (cc/harness/per_call.h) through //cc:hand_bench: a valid file with
--per_call_count samples, nothing written and exit 1 on a wrong golden output,
exit 2 on a filter that does not select one case. The Python side
(tflatency/per_call.py): case selection and the file it writes. py_bench's
per-call mode is tested in py_bench_test.

  per_call_test HAND_BENCH MODEL_INFO_JSON
"""

import json
import os
import shutil
import subprocess
import sys

from absl.testing import absltest
import numpy as np

from tflatency import per_call

HAND_BENCH, MODEL_INFO = sys.argv[1:3] if len(sys.argv) >= 3 else (None, None)
FIELDS = {"name", "program", "clock", "count", "warmup", "timer_overhead_ns", "load_ms", "first_inference_us",
          "peak_rss_mb", "peak_rss_before_mb", "rss_growth_mb", "golden_check", "samples_ns"}


def run_hand_bench(*args):
    return subprocess.run([HAND_BENCH, *args], capture_output=True, text=True, timeout=120, check=False)


class CcPerCallTest(absltest.TestCase):
    """//cc:hand_bench in per-call mode (any C++ program shares cc/harness/per_call.h)."""

    def test_writes_count_samples(self):
        out = os.path.join(self.create_tempdir().full_path, "hand__scalar__rnn.percall.json")
        proc = run_hand_bench(f"--model_prefix={MODEL_INFO}", "--benchmark_filter=^hand/scalar/rnn(/real_time)?$",
                              f"--per_call_out={out}", "--per_call_count=50")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
        self.assertEqual(set(data), FIELDS)
        self.assertEqual((data["name"], data["program"], data["clock"], data["count"], data["warmup"]),
                         ("hand/scalar/rnn", "hand_bench", "std::chrono::steady_clock", 50, 200))
        self.assertLen(data["samples_ns"], 50)
        self.assertTrue(all(isinstance(v, int) and v > 0 for v in data["samples_ns"]))
        for key in ("timer_overhead_ns", "load_ms", "first_inference_us", "peak_rss_mb", "rss_growth_mb"):
            self.assertIsInstance(data[key], (int, float), key)
        self.assertGreaterEqual(data["peak_rss_mb"], data["peak_rss_before_mb"])
        self.assertStartsWith(data["golden_check"], "golden check passed")
        self.assertEqual(os.listdir(os.path.dirname(out)), [os.path.basename(out)])  # no temporary left

    def test_wrong_golden_output_writes_nothing_and_exits_1(self):
        src = MODEL_INFO[: -len("_info.json")]
        prefix = os.path.join(self.create_tempdir().full_path, "model")
        for suffix in ("_info.json", "_input0.bin", "_output0.bin", "_weights.bin"):
            shutil.copyfile(src + suffix, prefix + suffix)
        output = np.fromfile(prefix + "_output0.bin", dtype="<f4")
        output[0] += 1.0
        output.tofile(prefix + "_output0.bin")
        out = os.path.join(self.create_tempdir().full_path, "x.percall.json")
        proc = run_hand_bench(f"--model_prefix={prefix}", "--benchmark_filter=^hand/scalar/rnn(/real_time)?$",
                              f"--per_call_out={out}", "--per_call_count=50")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        last = proc.stderr.strip().splitlines()[-1]
        self.assertStartsWith(last, "hand_bench: hand/scalar/rnn: golden check FAILED: max |got - golden| = ")
        self.assertEndsWith(last, "at element 0; no samples written")
        self.assertFalse(os.path.exists(out))

    def test_filter_must_select_one_case(self):
        out = os.path.join(self.create_tempdir().full_path, "x.percall.json")
        proc = run_hand_bench(f"--model_prefix={MODEL_INFO}", "--benchmark_filter=nothing_matches",
                              f"--per_call_out={out}")
        self.assertEqual(proc.returncode, 2)
        self.assertRegex(proc.stderr.strip(), r"^hand_bench: --per_call_out needs --benchmark_filter to select "
                                              r"exactly one case; 'nothing_matches' selects 0 \(cases: hand/")
        proc = run_hand_bench(f"--model_prefix={MODEL_INFO}", f"--per_call_out={out}", "--per_call_count=0")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr.strip(), "hand_bench: --per_call_count must be a positive integer, got '0'")


class PySelectTest(absltest.TestCase):

    NAMES = ["peer/jax/jit/rnn", "peer/numpy/plain/rnn", "tflite/interpreter/one_thread/rnn"]

    def test_bench_filter_selects_exactly_that_case(self):
        self.assertEqual(per_call.select_case(self.NAMES, "^peer/jax/jit/rnn(/real_time)?$"), "peer/jax/jit/rnn")
        self.assertEqual(per_call.select_case(self.NAMES, "numpy"), "peer/numpy/plain/rnn")
        self.assertEqual(per_call.select_case(self.NAMES[:1], ""), "peer/jax/jit/rnn")

    def test_zero_or_several_cases_are_usage_errors(self):
        with self.assertRaisesRegex(per_call.UsageError, r"'peer' selects 2 \(peer/jax/jit/rnn, peer/numpy"):
            per_call.select_case(self.NAMES, "peer")
        with self.assertRaisesRegex(per_call.UsageError, r"'zzz' selects 0 \(cases: peer/jax"):
            per_call.select_case(self.NAMES, "zzz")
        with self.assertRaisesRegex(per_call.UsageError, "not a valid regular expression"):
            per_call.select_case(self.NAMES, "(")

    def test_filter_is_the_last_one_given(self):
        self.assertEqual(per_call.benchmark_filter(["p", "--benchmark_filter=a", "--x", "--benchmark_filter=b"]), "b")
        self.assertEqual(per_call.benchmark_filter(["p"]), "")

    def test_measure_and_write(self):
        class Ok:  # a golden_check.GoldenResult stand-in
            ok = True

            @staticmethod
            def describe():
                return "golden check passed: max |got - golden| = 0"

        result, failure = per_call.measure("a/b/rnn", lambda: (lambda: 1, lambda _: Ok), count=30, warmup=5)
        self.assertIsNone(failure)
        self.assertLen(result["samples_ns"], 30)
        self.assertEqual((result["count"], result["warmup"]), (30, 5))
        path = os.path.join(self.create_tempdir().full_path, "a.percall.json")
        per_call.write_json(result, path)
        with open(path, encoding="utf-8") as f:
            self.assertEqual(json.load(f), result)
        self.assertEqual(os.listdir(os.path.dirname(path)), ["a.percall.json"])

    def test_measure_reports_a_failed_check(self):
        class Bad:
            ok = False

            @staticmethod
            def describe():
                return "golden check FAILED: max |got - golden| = 1 at element 0"

        result, failure = per_call.measure("a/b/rnn", lambda: (lambda: 1, lambda _: Bad), count=5)
        self.assertIsNone(result)
        self.assertEqual(failure, "golden check FAILED: max |got - golden| = 1 at element 0")


if __name__ == "__main__":
    absltest.main(argv=sys.argv[:1])
