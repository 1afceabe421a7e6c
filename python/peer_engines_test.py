"""Tests of peer_bench's PyTorch, OpenVINO and IREE engines: their gate, on tiny models (no timings).

The engines compile (torch.compile, AOTInductor, iree-compile), so they are
gated here on a tiny LSTM and GRU exported by export_model.py, not on the
benchmarked model: every variant passes the golden gate, and a wrong-weights
fixture (the same config exported with another seed: its SavedModel and weights
file, against the first one's golden files) fails it. An engine that cannot be
imported makes its cases n/a with the import error; only the engines of the
cases --benchmark_filter selects are loaded.
"""

import dataclasses
import functools
import json
import os
import subprocess
import sys
import tempfile
from unittest import mock

from absl.testing import absltest
import numpy as np

import peer_bench
from tflatency import gated_bench
from tflatency.peers import cases
from tflatency.peers import model as peer_model

HERE = os.path.dirname(os.path.abspath(__file__))
TINY = {"cell": "lstm", "layers": 2, "units": 8, "input_size": 5, "time_steps": 3, "batch": 1,
        "dtype": "float32"}
# Variants that compile are built once each here: torch.compile and AOTInductor with oneDNN off (the
# path that generates code; with oneDNN on Inductor calls oneDNN's RNN kernel).
PYTORCH_VARIANTS = ("eager", "eager_no_onednn", "torchscript", "torchscript_no_onednn", "compile_no_onednn",
                    "aoti_no_onednn")


def _export_all(tmp, specs):
    """Exports {name: (config dict, hoisted)} in parallel with export_model.py; {name: golden prefix}."""
    procs = {}
    for name, (config, hoist) in specs.items():
        config_path = os.path.join(tmp, f"{name}.json")
        with open(config_path, "w", encoding="utf-8") as f:
            json.dump({"name": name, **config}, f)
        prefix = os.path.join(tmp, name)
        procs[name] = (prefix, subprocess.Popen(
            [sys.executable, os.path.join(HERE, "export_model.py"), f"--config={config_path}",
             f"--saved_model_dir={prefix}/saved_model", f"--golden_prefix={prefix}",
             *(["--hoist_input_projection"] if hoist else [])],
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=HERE),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for name, (prefix, proc) in procs.items():
        _, err = proc.communicate(timeout=300)
        if proc.returncode:
            raise RuntimeError(f"export of {name} failed: {err}")
    return {name: prefix for name, (prefix, _) in procs.items()}


class EnginesTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(dir=absltest.get_default_test_tmpdir())
        prefixes = _export_all(cls.tmp, {
            "lstm": (dict(TINY, seed=11), False),
            "lstm_hoisted": (dict(TINY, seed=11), True),
            "lstm_other_seed": (dict(TINY, seed=12), False),
            "gru": (dict(TINY, cell="gru", seed=11), False),
        })
        cls.model = peer_model.load(prefixes["lstm"], None, prefixes["lstm"] + "/saved_model",
                                    prefixes["lstm_hoisted"] + "/saved_model")
        other = peer_model.load(prefixes["lstm_other_seed"], None, prefixes["lstm_other_seed"] + "/saved_model")
        # The first model's golden files, the second one's weights: every engine must fail the gate.
        cls.wrong = dataclasses.replace(cls.model, weights=other.weights, weights_path=other.weights_path,
                                        saved_model_dir=other.saved_model_dir, hoisted_saved_model_dir=None)
        cls.gru = peer_model.load(prefixes["gru"], None, prefixes["gru"] + "/saved_model")
        cls.loaded = {}

    def _engine(self, engine, model):
        key = (engine, id(model))
        if key not in self.loaded:
            self.loaded[key] = cases.load_engine(engine, model, tempfile.mkdtemp(dir=self.tmp))
        return self.loaded[key]

    def _assert_passes(self, engine, variants, model=None):
        model = model or self.model
        loaded = self._engine(engine, model)
        for variant in variants:
            with self.subTest(engine=engine, variant=variant):
                step = loaded.make_step(variant)
                first, second = step(), step()
                result = model.golden.check(first)
                self.assertTrue(result.ok, f"{engine}/{variant}: {result.describe()}")
                self.assertEqual(first.dtype, np.float32)
                self.assertFalse(np.shares_memory(first, second), "later calls overwrite an earlier output")
                np.testing.assert_array_equal(first, second)

    def _assert_wrong_weights_fail(self, engine, variants):
        loaded = self._engine(engine, self.wrong)
        for variant in variants:
            with self.subTest(engine=engine, variant=variant):
                result = self.wrong.golden.check(loaded.make_step(variant)())
                self.assertFalse(result.ok)
                self.assertStartsWith(result.describe(), "golden check FAILED: max |got - golden| = ")

    def test_pytorch_passes_the_gate(self):
        self._assert_passes("pytorch", PYTORCH_VARIANTS)

    def test_pytorch_gru_gates_are_reordered(self):
        self._assert_passes("pytorch", ("eager", "torchscript_no_onednn"), model=self.gru)

    def test_pytorch_wrong_weights_fail_the_gate(self):
        self._assert_wrong_weights_fail("pytorch", ("eager", "torchscript_no_onednn"))

    def test_pytorch_records_the_build_of_each_variant(self):
        loaded = self._engine("pytorch", self.model)
        loaded.make_step("eager")
        self.assertIn("eager_build_seconds", loaded.context)
        self.assertStartsWith(loaded.context["pytorch_version"], "2.13.0")
        self.assertEqual(loaded.context["pytorch_threads"], 1)

    def test_pytorch_has_no_rows_for_a_users_model(self):
        user_model = dataclasses.replace(self.model, config=None, weights=None)
        with self.assertRaisesRegex(ValueError, "PyTorch has no converter from a SavedModel"):
            cases.load_engine("pytorch", user_model, self.tmp)
        self.assertEqual([c for c in cases.cases_of(["pytorch"], kind="model")], [])

    def test_openvino_passes_the_gate(self):
        self._assert_passes("openvino", ("one_thread", "two_threads", "one_thread_hoisted"))
        self.assertEqual(self._engine("openvino", self.model).context["openvino_execution_precision"],
                         "<Type: 'float32'>")

    def test_openvino_bf16_is_gated_at_the_reduced_tolerance_or_not_applicable(self):
        loaded = self._engine("openvino", self.model)
        try:
            step = loaded.make_step("one_thread_bf16")
        except gated_bench.CaseError as e:  # no BF16 in OpenVINO's CPU plugin here: the reason instead
            self.assertRegex(str(e), "^n/a: OpenVINO('s CPU plugin has no BF16| compiled)")
            return
        self.assertEqual(loaded.context["openvino_execution_precision_bf16"], "<Type: 'bfloat16'>")
        result = self.model.golden.check(step(), "bf16")
        self.assertTrue(result.ok, result.describe())
        self.assertGreater(result.max_abs_diff, 1e-6, "as exact as fp32: not bf16")
        no_bf16 = mock.Mock(get_property=mock.Mock(return_value=["FP32"]))  # a CPU plugin without BF16
        with mock.patch.object(loaded, "_core", no_bf16):
            with self.assertRaisesRegex(gated_bench.CaseError, "^n/a: OpenVINO's CPU plugin has no BF16 capability"):
                loaded.make_step("one_thread_bf16")

    def test_openvino_wrong_weights_fail_the_gate(self):
        self._assert_wrong_weights_fail("openvino", ("one_thread",))

    def test_iree_passes_the_gate(self):
        self._assert_passes("iree", ("local_sync", "local_sync_hoisted"))

    def test_iree_wrong_weights_fail_the_gate(self):
        self._assert_wrong_weights_fail("iree", ("local_sync",))

    def test_hoisted_variants_need_the_hoisted_saved_model(self):
        for engine, variant in (("openvino", "one_thread_hoisted"), ("iree", "local_sync_hoisted")):
            with self.subTest(engine), self.assertRaisesRegex(ValueError, "needs --hoisted_saved_model_dir"):
                self._engine(engine, self.wrong).make_step(variant)

    def test_engine_that_cannot_be_imported_is_not_applicable(self):
        blocked = {"torch": None, "openvino": None, "iree": None, "iree.compiler": None, "iree.runtime": None}
        with mock.patch.dict(sys.modules, blocked):
            loaded, errors = peer_bench.load_engines(self.model, ["pytorch", "openvino", "iree"], self.tmp)
        self.assertEqual(loaded, {})
        for engine, module in (("pytorch", "torch"), ("openvino", "openvino"), ("iree", "iree")):
            self.assertStartsWith(errors[engine], f"n/a: {engine} cannot be imported: ")
            self.assertIn(module, errors[engine])
        case = cases.cases_of(["pytorch"])[0]
        # pylint: disable=protected-access  (the case as gated_bench runs it, without registering it)
        load = functools.partial(peer_bench._load, case, loaded, errors, self.model)
        with mock.patch.dict(gated_bench._CASES, {case.name: (load, self.model.golden.check, 0)}), \
                mock.patch.dict(gated_bench._PREPARED, clear=True):
            step, error, _, _ = gated_bench._prepared(case.name)
        self.assertIsNone(step)
        self.assertEqual(error, errors["pytorch"])


class EnginesToLoadTest(absltest.TestCase):
    """Only the engines of the cases a run times are imported and loaded."""

    ENGINES = list(cases.ENGINE_MODULES)
    CASES = cases.cases_of(list(cases.ENGINE_MODULES))

    def _load(self, *args):
        return peer_bench.engines_to_load(self.ENGINES, self.CASES, ["peer_bench", *args])

    def test_no_filter_loads_every_engine(self):
        self.assertEqual(self._load(), self.ENGINES)
        self.assertEqual(self._load("--benchmark_filter=all"), self.ENGINES)

    def test_filter_loads_the_engines_of_its_cases(self):
        self.assertEqual(self._load("--benchmark_filter=^peer/pytorch/aoti/rnn(/real_time)?$"), ["pytorch"])
        self.assertEqual(self._load("--benchmark_filter=openvino|numpy"), ["numpy", "openvino"])
        self.assertEqual(self._load("--benchmark_filter=tflite/"), ["tflite"])

    def test_listing_loads_none(self):
        self.assertEqual(self._load("--benchmark_list_tests=true"), [])
        self.assertEqual(self._load("--benchmark_list_tests"), [])
        self.assertEqual(self._load("--benchmark_list_tests=false"), self.ENGINES)

    def test_negative_or_bad_filter_loads_every_engine(self):
        self.assertEqual(self._load("--benchmark_filter=-numpy"), self.ENGINES)
        self.assertEqual(self._load("--benchmark_filter=(("), self.ENGINES)


if __name__ == "__main__":
    absltest.main()
