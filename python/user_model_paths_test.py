"""A user's model through the Python paths: py_bench's cases and the converting engines, each gated.

Models are built here (tflatency.prepare.example_models) and prepared as
scripts/bench --saved_model does; the C++ paths take the same prepared folder
through Bazel (@bench_model) and are checked by scripts/bench runs on it.
"""

import os
import tempfile

from absl.testing import absltest
import numpy as np

import py_bench
from tflatency.peers import cases
from tflatency.peers import model as peer_model
from tflatency.prepare import example_models
from tflatency.prepare import prepare

_WORK = tempfile.mkdtemp(prefix="user_model_paths_test_")
os.environ["TFLATENCY_CACHE"] = os.path.join(_WORK, "cache")
TRIVIAL = "model/trivial_multiply"  # runfiles: //model:trivial_multiply


def prepared(name):
    path = example_models.build(os.path.join(_WORK, "models"), [name])[name]
    return prepare.prepare(prepare.Options(saved_model=path))


def py_bench_models(ready):
    paths = py_bench.Paths(saved_model_dir=ready.saved_model_dir, trivial_saved_model_dir=TRIVIAL + "/saved_model",
                           golden_prefix=ready.prefix, trivial_golden_prefix=TRIVIAL)
    return py_bench.Models(paths)


class TwoInputsTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ready = prepared("two_inputs")
        cls.models = py_bench_models(cls.ready)

    def test_py_bench_cases_pass_their_gate(self):
        table = py_bench.case_table(self.models.golden)
        self.assertEqual([n for n in table if n.endswith("/model")],
                         ["python/signature/model", "python/tf_function/model", "python/xla_jit/model"])
        for name in table:
            with self.subTest(case=name):
                step = py_bench.build_step(self.models, name)
                self.assertTrue(py_bench.check_step(self.models, name, step).ok)

    def test_a_wrong_output_fails_naming_it(self):
        step = py_bench.build_step(self.models, "python/signature/model")
        got = step()
        self.assertEqual(sorted(got), ["pooled", "scores"])
        got["scores"] = got["scores"] + 1.0
        verdict = self.models.golden.check(got)
        self.assertFalse(verdict.ok)
        self.assertIn("output 'scores'", verdict.describe())

    def test_converting_engines_pass_their_gate(self):
        model = peer_model.load(self.ready.prefix, saved_model_dir=self.ready.saved_model_dir)
        self.assertEqual(model.kind, "model")
        for engine in cases.CONVERTING_ENGINES:
            loaded = cases.load_engine(engine, model, tempfile.mkdtemp(dir=_WORK))
            for case in cases.cases_of([engine], hoisted=False, kind="model"):
                with self.subTest(case=case.name):
                    self.assertTrue(case.name.endswith("/model"))
                    result = model.golden.check(loaded.make_step(case.variant)(), case.precision)
                    self.assertTrue(result.ok, f"{case.precision}: {result.describe()}")

    def test_engines_that_reimplement_the_rnn_have_no_cases(self):
        self.assertEqual(cases.cases_of(["jax", "numpy"], kind="model"), [])


class XlaCannotCompileTest(absltest.TestCase):

    def test_no_xla_case_and_the_others_pass(self):
        models = py_bench_models(prepared("segment_sum"))
        table = py_bench.case_table(models.golden)
        self.assertNotIn("python/xla_jit/model", table)
        for name in ("python/signature/model", "python/tf_function/model"):
            step = py_bench.build_step(models, name)
            self.assertTrue(py_bench.check_step(models, name, step).ok)
            np.testing.assert_allclose(step()["y"], models.golden.output, rtol=1e-6)


if __name__ == "__main__":
    absltest.main()
