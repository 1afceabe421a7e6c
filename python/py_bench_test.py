"""Tests of //python:py_bench's correctness gate (no timings).

Every path's output on the golden input passes the gate; a corrupted golden
output makes it fail, and then py_bench reports an error instead of a time and
exits 1. Bad flags or inputs exit 2 with one line. Paths of the SavedModels and
golden files come from the same flag file `bazel run //python:py_bench` uses.
"""

import dataclasses
import json
import os
import shutil
import subprocess
import sys

from absl.testing import absltest
import numpy as np

import py_bench

ALL_CASES = [
    "python/signature/rnn",
    "python/tf_function/rnn",
    "python/eager/rnn",
    "python/xla_jit/rnn",
    "python/tf_function/trivial",
    "python/eager/trivial",
]


def _corrupt(golden, delta):
    """A copy of `golden` whose (single) output has `delta` added to element 0."""
    (name, output), = golden.named_outputs
    output = output.copy()
    output.reshape(-1)[0] += delta
    return dataclasses.replace(golden, named_outputs=[(name, output)])


class GateTest(absltest.TestCase):
    """In process: the steps py_bench times, checked against the golden output."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.models = py_bench.Models(py_bench.paths_from_flags())
        cls.cases = py_bench.case_table(cls.models.golden)
        cls.steps = {name: py_bench.build_step(cls.models, name) for name in cls.cases}

    def test_case_names(self):
        self.assertEqual(list(self.cases), ALL_CASES)

    def test_every_path_passes(self):
        for name, step in self.steps.items():
            with self.subTest(name):
                result = py_bench.check_step(self.models, name, step)
                self.assertTrue(result.ok, f"{name}: {result.describe()}")

    def test_corrupted_golden_output_fails(self):
        for name, step in self.steps.items():
            golden = py_bench.golden_of(self.models, name)
            # 1e-2 on a float output, 1 on the int32 product: far above tolerance.
            bad = _corrupt(golden, 1 if golden.output.dtype.kind == "i" else 1e-2)
            with self.subTest(name):
                result = py_bench.check_step(self.models, name, step, golden=bad)
                self.assertFalse(result.ok)
                self.assertEqual(result.worst_index, 0)
                self.assertStartsWith(result.describe(), "golden check FAILED: max |got - golden| = ")

    def test_nan_and_wrong_shape_fail(self):
        golden = self.models.golden
        got = golden.output.copy()
        self.assertTrue(golden.check(got).ok)
        got.reshape(-1)[5] = np.nan
        self.assertFalse(golden.check(got).ok)
        self.assertFalse(golden.check(golden.output[:, :1]).ok)

    def test_eager_model_has_the_saved_models_weights(self):
        saved, eager = self.models.model.layers, self.models.eager_model.layers
        self.assertLen(saved, len(eager))
        for n, (saved_layer, eager_layer) in enumerate(zip(saved, eager)):
            self.assertEqual(sorted(saved_layer.keys()), sorted(eager_layer.keys()))
            for key in eager_layer:
                with self.subTest(layer=n, weight=key):
                    np.testing.assert_array_equal(saved_layer[key].numpy(), eager_layer[key].numpy())


def _run_py_bench(*args):
    """Runs py_bench.py in a child process (the test's interpreter and PYTHONPATH)."""
    script = os.path.join(os.path.dirname(os.path.abspath(py_bench.__file__)), "py_bench.py")
    flag_values = [f"--{name}={getattr(py_bench.paths_from_flags(), name)}"
                   for name in ("saved_model_dir", "trivial_saved_model_dir", "golden_prefix", "trivial_golden_prefix")]
    return subprocess.run([sys.executable, script, *flag_values, *args],
                          capture_output=True, text=True, timeout=120, check=False)


class ProgramTest(absltest.TestCase):
    """The program: a failed gate reports no time and exits 1; bad input exits 2."""

    def _wrong_trivial_golden(self):
        """A copy of the trivial multiply's golden files whose output is wrong; returns its prefix."""
        paths = py_bench.paths_from_flags()
        prefix = os.path.join(self.create_tempdir().full_path, "trivial_multiply")
        for suffix in ("_info.json", "_input0.bin", "_input1.bin", "_output0.bin"):
            shutil.copyfile(paths.trivial_golden_prefix + suffix, prefix + suffix)
        np.array(43, np.int32).tofile(prefix + "_output0.bin")  # 6 * 7 is not 43
        return prefix

    def test_failed_gate_reports_no_time_and_exits_1(self):
        prefix = self._wrong_trivial_golden()
        out = self.create_tempfile().full_path
        proc = _run_py_bench(f"--trivial_golden_prefix={prefix}", "--benchmark_filter=trivial",
                             "--benchmark_min_time=1x", "--benchmark_repetitions=2",
                             f"--benchmark_out={out}", "--benchmark_out_format=json")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        with open(out, encoding="utf-8") as f:
            runs = json.load(f)["benchmarks"]
        self.assertNotEmpty(runs)
        for run in runs:
            self.assertTrue(run.get("error_occurred"), run)
            self.assertStartsWith(run["error_message"], "golden check FAILED: max |got - golden| = 1")
            self.assertEqual(run["iterations"], 0)
            self.assertEqual(run["real_time"], 0)
        self.assertEqual({r["run_name"].split("/real_time")[0] for r in runs},
                         {"python/tf_function/trivial", "python/eager/trivial"})

    def test_per_call_mode_writes_count_samples(self):
        out = os.path.join(self.create_tempdir().full_path, "eager_trivial.percall.json")
        proc = _run_py_bench("--benchmark_filter=^python/eager/trivial(/real_time)?$",
                             f"--per_call_out={out}", "--per_call_count=50")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
        self.assertEqual(data["name"], "python/eager/trivial")
        self.assertEqual((data["program"], data["clock"], data["count"], data["warmup"]),
                         ("py_bench", "time.perf_counter_ns", 50, 200))
        self.assertLen(data["samples_ns"], 50)
        self.assertTrue(all(isinstance(v, int) and v > 0 for v in data["samples_ns"]))
        for key in ("timer_overhead_ns", "load_ms", "first_inference_us", "peak_rss_mb", "rss_growth_mb"):
            self.assertIsInstance(data[key], (int, float), key)
        self.assertGreater(data["peak_rss_mb"], 0)
        self.assertStartsWith(data["golden_check"], "golden check passed")
        self.assertEqual(os.listdir(os.path.dirname(out)), [os.path.basename(out)])  # no temporary left

    def test_per_call_failed_gate_writes_nothing_and_exits_1(self):
        prefix = self._wrong_trivial_golden()
        out = os.path.join(self.create_tempdir().full_path, "x.percall.json")
        proc = _run_py_bench(f"--trivial_golden_prefix={prefix}", "--benchmark_filter=^python/eager/trivial",
                             f"--per_call_out={out}", "--per_call_count=50")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stderr.strip().splitlines()[-1],
                         "py_bench: python/eager/trivial: golden check FAILED: max |got - golden| = 1 at element 0; "
                         "no samples written")
        self.assertFalse(os.path.exists(out))

    def test_per_call_filter_must_select_one_case(self):
        proc = _run_py_bench("--benchmark_filter=trivial", f"--per_call_out={self.create_tempdir().full_path}/x.json")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr.strip().splitlines()[-1],
                         "py_bench: --per_call_out needs --benchmark_filter to select exactly one case; 'trivial' "
                         "selects 2 (python/tf_function/trivial, python/eager/trivial)")

    def test_unknown_flag_exits_2_with_one_line(self):
        proc = _run_py_bench("--no_such_flag=1")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr.strip(), "py_bench: Unknown command line flag 'no_such_flag'")

    def test_corrupt_saved_model_exits_2_naming_flag_and_path(self):
        bad_dir = self.create_tempdir()
        bad_dir.create_file("saved_model.pb", "not a protobuf")
        proc = _run_py_bench(f"--saved_model_dir={bad_dir.full_path}", "--benchmark_filter=trivial")
        self.assertEqual(proc.returncode, 2)
        lines = proc.stderr.strip().splitlines()
        self.assertLen(lines, 1, proc.stderr)
        self.assertStartsWith(lines[0], f"py_bench: --saved_model_dir={bad_dir.full_path}: not a loadable SavedModel")


if __name__ == "__main__":
    absltest.main()
