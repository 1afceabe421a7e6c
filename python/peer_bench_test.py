"""Tests of //python:peer_bench's correctness gate (no timings).

The peers gate on the golden vectors: every engine's output on the golden input
passes the gate, a perturbed golden output makes it fail, and then peer_bench
reports an error instead of a time and exits 1. The weights file the engines
read holds the SavedModel's own variables. Bad flags or inputs exit 2 with one
line. Paths come from the same flag file `bazel run //python:peer_bench` uses.
"""

import dataclasses
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from unittest import mock

from absl import flags
from absl.testing import absltest
import numpy as np

import peer_bench
from tflatency import gated_bench
from tflatency import reference
from tflatency.peers import cases
from tflatency.peers import numpy_engine
from tflatency.peers import savedmodel

ALL_CASES = [
    "peer/onnxruntime/default/rnn",
    "peer/onnxruntime/one_thread/rnn",
    "peer/onnxruntime/iobinding/rnn",
    "peer/onnxruntime/iobinding_hoisted/rnn",
    "peer/onnxruntime/iobinding_int8/rnn",
    "peer/jax/jit/rnn",
    "peer/numpy/plain/rnn",
    "tflite/interpreter/one_thread/rnn",
    "tflite/interpreter/default/rnn",
    "tflite/interpreter/one_thread_hoisted/rnn",
    "tflite/interpreter/one_thread_int8/rnn",
    *(f"peer/pytorch/{v}/rnn" for v in ("eager", "eager_no_onednn", "torchscript", "torchscript_no_onednn",
                                          "compile", "compile_no_onednn", "aoti", "aoti_no_onednn")),
    "peer/openvino/one_thread/rnn",
    "peer/openvino/two_threads/rnn",
    "peer/openvino/one_thread_hoisted/rnn",
    "peer/openvino/one_thread_bf16/rnn",
    "peer/iree/local_sync/rnn",
    "peer/iree/local_sync_hoisted/rnn",
]
INT8_CASES = ["peer/onnxruntime/iobinding_int8/rnn", "tflite/interpreter/one_thread_int8/rnn"]
# The engines gated here on the benchmarked model; PyTorch, OpenVINO and IREE (compilers: slow to
# build for this model) are gated on tiny models in peer_engines_test.
GATED_HERE = ("onnxruntime", "jax", "numpy", "tflite")


def _perturbed(golden, delta=1e-2):
    """A copy of `golden` whose (single) output has `delta` added to element 0 (far above tolerance)."""
    (name, output), = golden.named_outputs
    output = output.copy()
    output.reshape(-1)[0] += delta
    return dataclasses.replace(golden, named_outputs=[(name, output)])


class GateTest(absltest.TestCase):
    """In process: the steps peer_bench times, checked against the golden output."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        engines = list(GATED_HERE)
        cls.model = peer_bench.model_from_flags(engines)
        cls._tmp = tempfile.mkdtemp(dir=absltest.get_default_test_tmpdir())
        cls.loaded, cls.errors = peer_bench.load_engines(cls.model, engines, cls._tmp)
        cls.steps = {case.name: peer_bench.build_step(cls.loaded[case.engine], case)
                     for case in cases.cases_of(engines) if case.engine in cls.loaded}
        cls.precision = {case.name: case.precision for case in cases.cases_of(engines)}

    def test_case_names(self):
        self.assertEqual([case.name for case in cases.cases_of(list(cases.ENGINE_MODULES))], ALL_CASES)

    def test_every_engine_loads_the_model(self):
        self.assertEqual(self.errors, {})
        self.assertEqual(sorted(self.steps), sorted(c.name for c in cases.cases_of(list(GATED_HERE))))
        self.assertLen(self.steps, 11)  # 9 fp32 + the 2 int8 cases

    def test_every_engine_passes_the_gate(self):
        for name, step in self.steps.items():
            with self.subTest(name):
                result = peer_bench.check_step(self.model, step, precision=self.precision[name])
                self.assertTrue(result.ok, f"{name}: {result.describe()}")

    def test_int8_cases_are_gated_at_the_reduced_precision_tolerance(self):
        self.assertEqual([n for n, p in self.precision.items() if p == "int8"], INT8_CASES)
        for name in INT8_CASES:
            with self.subTest(name):
                result = peer_bench.check_step(self.model, self.steps[name], precision="int8")
                self.assertGreater(result.max_abs_diff, 1e-5)  # really quantized: fails the fp32 gate
                self.assertFalse(peer_bench.check_step(self.model, self.steps[name]).ok)

    def test_perturbed_golden_output_fails(self):
        for name, step in self.steps.items():
            with self.subTest(name):
                # Far above the tolerance of the case's precision (int8: 2e-2 plus its own error).
                bad = _perturbed(self.model.golden, 1e-2 if self.precision[name] == "fp32" else 1e-1)
                result = peer_bench.check_step(self.model, step, golden=bad, precision=self.precision[name])
                self.assertFalse(result.ok)
                self.assertEqual(result.worst_index, 0)
                self.assertStartsWith(result.describe(), "golden check FAILED: max |got - golden| = ")

    def test_each_call_returns_the_output_values(self):
        for name, step in self.steps.items():
            with self.subTest(name):
                first, second = step(), step()
                self.assertIsInstance(first, np.ndarray)
                self.assertEqual(first.dtype, np.float32)
                self.assertEqual(first.shape, self.model.golden.output.shape)
                self.assertFalse(np.shares_memory(first, second), "later calls overwrite an earlier output")
                np.testing.assert_array_equal(first, second)

    def test_weights_file_holds_the_saved_models_variables(self):
        saved = savedmodel.load(self.model.saved_model_dir).owner.layers
        self.assertLen(saved, len(self.model.weights))
        for n, (saved_layer, layer) in enumerate(zip(saved, self.model.weights)):
            self.assertEqual(sorted(saved_layer.keys()), sorted(layer.keys()))
            for key, value in layer.items():
                with self.subTest(layer=n, weight=key):
                    np.testing.assert_array_equal(saved_layer[key].numpy(), value)

    def test_hoisted_saved_model_holds_the_same_variables(self):
        saved = savedmodel.load(self.model.hoisted_saved_model_dir).owner.layers
        for n, (saved_layer, layer) in enumerate(zip(saved, self.model.weights, strict=True)):
            for key, value in layer.items():
                with self.subTest(layer=n, weight=key):
                    np.testing.assert_array_equal(saved_layer[key].numpy(), value)

    def test_hoisted_case_needs_the_hoisted_saved_model(self):
        names = [case.name for case in cases.cases_of(list(cases.ENGINE_MODULES), hoisted=False)]
        self.assertEqual([n for n in names if "hoisted" in n], [])
        self.assertLen(names, len(ALL_CASES) - 4)
        without = dataclasses.replace(self.model, hoisted_saved_model_dir=None)
        for engine_name, variant in (("tflite", "one_thread_hoisted"), ("onnxruntime", "iobinding_hoisted")):
            engine = cases.load_engine(engine_name, without, self.create_tempdir().full_path)
            with self.assertRaisesRegex(ValueError, f"'{variant}' needs --hoisted_saved_model_dir"):
                engine.make_step(variant)

    def test_tuned_numpy_matches_the_reference(self):
        m = self.model
        np.testing.assert_allclose(numpy_engine.forward(m.config, m.weights, m.x),
                                   reference.forward(m.config, m.weights, m.x), rtol=0, atol=1e-6)

    def test_engine_that_cannot_load_reports_why(self):
        with mock.patch.object(cases, "load_engine", side_effect=RuntimeError("no such op\nmore")):
            loaded, errors = peer_bench.load_engines(self.model, ["tflite"], self._tmp)
        self.assertEqual(loaded, {})
        self.assertEqual(errors, {"tflite": "tflite could not load the model: RuntimeError: no such op"})
        case = cases.cases_of(["tflite"])[-1]
        # pylint: disable=protected-access  (the case as gated_bench runs it, without registering it)
        load = functools.partial(peer_bench._load, case, loaded, errors, self.model)
        with mock.patch.dict(gated_bench._CASES, {case.name: (load, self.model.golden.check, 0)}), \
                mock.patch.dict(gated_bench._PREPARED, clear=True):
            step, error, _, _ = gated_bench._prepared(case.name)
        self.assertIsNone(step)
        self.assertEqual(error, errors["tflite"])


def _flag_values():
    """The flag file's paths, as flags for a child process."""
    return [f"--{name}={getattr(flags.FLAGS, name)}"
            for name in ("saved_model_dir", "hoisted_saved_model_dir", "golden_prefix", "weights")
            if getattr(flags.FLAGS, name)]


def _run_peer_bench(*args, flag_values=None):
    """Runs peer_bench.py in a child process (the test's interpreter and PYTHONPATH)."""
    script = os.path.join(os.path.dirname(os.path.abspath(peer_bench.__file__)), "peer_bench.py")
    flag_values = _flag_values() if flag_values is None else flag_values
    return subprocess.run([sys.executable, script, *flag_values, *args],
                          capture_output=True, text=True, timeout=120, check=False)


class ProgramTest(absltest.TestCase):
    """The program: a failed gate reports no time and exits 1; bad input exits 2."""

    def _copy_golden(self):
        source = flags.FLAGS.golden_prefix or peer_bench.golden_prefix_of(flags.FLAGS.saved_model_dir)
        prefix = os.path.join(self.create_tempdir().full_path, "rnn")
        for suffix in ("_info.json", "_input0.bin", "_output0.bin", "_weights.bin"):
            shutil.copyfile(source + suffix, prefix + suffix)
        return prefix

    def test_failed_gate_reports_no_time_and_exits_1(self):
        prefix = self._copy_golden()
        output = np.fromfile(prefix + "_output0.bin", dtype="<f4")
        output[0] += 1e-2
        output.tofile(prefix + "_output0.bin")
        out = self.create_tempfile().full_path
        context_out = os.path.join(self.create_tempdir().full_path, "context.json")
        proc = _run_peer_bench("--engines=numpy", "--benchmark_min_time=1x", "--benchmark_repetitions=2",
                               f"--benchmark_out={out}", "--benchmark_out_format=json",
                               f"--context_out={context_out}", flag_values=[f"--golden_prefix={prefix}"])
        self.assertEqual(proc.returncode, 1, proc.stderr)
        with open(out, encoding="utf-8") as f:
            runs = json.load(f)["benchmarks"]
        self.assertNotEmpty(runs)
        for run in runs:
            self.assertTrue(run.get("error_occurred"), run)
            self.assertStartsWith(run["error_message"], "golden check FAILED: max |got - golden| = ")
            self.assertEndsWith(run["error_message"], " at element 0")
            self.assertEqual(run["iterations"], 0)
            self.assertEqual(run["real_time"], 0)
        self.assertEqual({r["run_name"].split("/real_time")[0] for r in runs}, {"peer/numpy/plain/rnn"})
        with open(context_out, encoding="utf-8") as f:
            context = json.load(f)
        self.assertEqual(context["cases"]["peer/numpy/plain/rnn"]["status"], "FAILED")

    def test_pin_cpu_is_applied_and_recorded(self):
        cpu = max(os.sched_getaffinity(0))
        context_out = os.path.join(self.create_tempdir().full_path, "context.json")
        proc = _run_peer_bench("--engines=numpy", f"--pin_cpu={cpu}", "--benchmark_min_time=1x",
                               f"--context_out={context_out}")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(context_out, encoding="utf-8") as f:
            context = json.load(f)
        self.assertEqual(context["pinned_cpu"], cpu)
        self.assertEqual(context["cpu_affinity"], [cpu])
        self.assertEqual(context["engines_selected"], ["numpy"])
        self.assertEqual(context["cases"]["peer/numpy/plain/rnn"]["status"], "ok")

    def _assert_usage_error(self, proc, start):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertLen(lines, 1, proc.stderr)
        self.assertStartsWith(lines[0], start)

    def test_unknown_engine_exits_2_with_one_line(self):
        self._assert_usage_error(_run_peer_bench("--engines=numpy,torch"),
                                 "peer_bench: --engines=numpy,torch: unknown engine 'torch'")

    def test_unknown_flag_exits_2_with_one_line(self):
        self._assert_usage_error(_run_peer_bench("--no_such_flag=1"),
                                 "peer_bench: Unknown command line flag 'no_such_flag'")

    def test_corrupt_weights_exit_2_naming_flag_and_path(self):
        prefix = self._copy_golden()
        with open(prefix + "_weights.bin", "r+b") as f:
            f.truncate(1000)
        self._assert_usage_error(
            _run_peer_bench("--engines=numpy", flag_values=[f"--golden_prefix={prefix}"]),
            f"peer_bench: --weights={prefix}_weights.bin: corrupt weights file")

    def test_missing_golden_files_exit_2_naming_flag_and_path(self):
        prefix = os.path.join(self.create_tempdir().full_path, "nothing")
        self._assert_usage_error(
            _run_peer_bench("--engines=numpy", flag_values=[f"--golden_prefix={prefix}"]),
            f"peer_bench: --golden_prefix={prefix}: cannot read golden files")

    def test_corrupt_saved_model_exits_2_naming_flag_and_path(self):
        bad_dir = self.create_tempdir()
        bad_dir.create_file("saved_model.pb", "not a protobuf")
        self._assert_usage_error(
            _run_peer_bench("--engines=tflite", f"--saved_model_dir={bad_dir.full_path}"),
            f"peer_bench: --saved_model_dir={bad_dir.full_path}: not a loadable SavedModel")

    def test_missing_hoisted_saved_model_exits_2_naming_flag_and_path(self):
        missing = os.path.join(self.create_tempdir().full_path, "none")
        self._assert_usage_error(
            _run_peer_bench("--engines=tflite", f"--hoisted_saved_model_dir={missing}"),
            f"peer_bench: --hoisted_saved_model_dir={missing}: no such directory")


if __name__ == "__main__":
    absltest.main()
