"""tflatency.prepare end to end on models built here: FMA counts, n/a reasons, the cache, every bad input.

Each example model (tflatency.prepare.example_models) is prepared once and
checked against its count by hand; the default RNN, saved as export_model saves
it, must give the config formula's count. Every bad input is one line naming
the problem (docs/bad_inputs.md rows 41-50).
"""

import os
import tempfile

from absl.testing import absltest
import numpy as np

from tflatency import golden_check
from tflatency import model_config
from tflatency.prepare import example_models
from tflatency.prepare import prepare as prepare_lib
from tflatency.prepare.errors import PrepareError

Options = prepare_lib.Options
_WORK = tempfile.mkdtemp(prefix="prepare_test_")
os.environ["TFLATENCY_CACHE"] = os.path.join(_WORK, "cache")
_MODELS = {}


def model(name):
    if name not in _MODELS:
        _MODELS.update(example_models.build(os.path.join(_WORK, "models"), [name]))
    return _MODELS[name]


def options_for(name, **kwargs):
    path = model(name)
    return Options(keras=path, **kwargs) if path.endswith(".keras") else Options(saved_model=path, **kwargs)


def save_module(name, build):
    """Saves the tf.Module build(tf) returns (signatures: its `serve`, if it has one) under _WORK."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    path = os.path.join(_WORK, "bad", name)
    module = build(tf)
    signatures = {"serving_default": module.serve} if hasattr(module, "serve") else None
    tf.saved_model.save(module, path, signatures=signatures)
    return path


def serving_module(tf, spec, fn):
    module = tf.Module()
    module.v = tf.Variable(1.0)
    module.serve = tf.function(fn, input_signature=[spec])
    return module


class ExampleModelsTest(absltest.TestCase):

    def test_every_example_counts_as_by_hand_and_passes_its_own_golden(self):
        for name, want in example_models.FMA_COUNTS.items():
            with self.subTest(model=name):
                prepared = prepare_lib.prepare(options_for(name))
                info = prepared.info
                self.assertEqual(info["fma_count"], want)
                self.assertTrue(info["xla"]["compiles"])
                self.assertEqual(info["kind"], "model")
                self.assertTrue(os.path.isfile(os.path.join(prepared.saved_model_dir, "saved_model.pb")))
                data = golden_check.load(prepared.prefix)
                outputs = dict(data.named_outputs)
                self.assertTrue(data.check(outputs).ok)
                first = data.output_names[0]
                bumped = dict(outputs, **{first: outputs[first] + 1.0})
                verdict = data.check(bumped)
                self.assertFalse(verdict.ok)
                if len(outputs) > 1:
                    self.assertIn(f"output '{first}'", verdict.describe())

    def test_two_inputs_keep_their_names_and_dtypes(self):
        info = prepare_lib.prepare(options_for("two_inputs")).info
        self.assertEqual([(t["name"], t["dtype"], t["shape"]) for t in info["inputs"]],
                         [("ids", "int32", [1, 4]), ("x", "float32", [1, 8])])
        self.assertEqual([t["name"] for t in info["outputs"]], ["pooled", "scores"])
        self.assertEqual(info["weight_bytes"], 4 * (8 * 16 + 10 * 6 + 6 * 16))

    def test_keras_batch_dimension_is_defaulted_and_said(self):
        info = prepare_lib.prepare(options_for("mlp.keras")).info
        self.assertEqual(info["batch_defaulted"], ["features"])
        self.assertEqual(info["inputs"][0]["shape"], [1, 64])

    def test_op_xla_cannot_compile_is_named_and_the_count_says_why(self):
        info = prepare_lib.prepare(options_for("segment_sum")).info
        self.assertFalse(info["xla"]["compiles"])
        self.assertEqual(info["xla"]["reason"], "XLA cannot compile op SegmentSum (no XLA CPU kernel)")
        self.assertIsNone(info["fma_count"])
        self.assertIn("SegmentSum", info["fma_reason"])

    def test_fma_count_flag_overrides(self):
        info = prepare_lib.prepare(options_for("segment_sum", fma_count=32)).info
        self.assertEqual((info["fma_count"], info["fma_source"]), (32, "--fma_count"))

    def test_default_rnn_as_a_saved_model_counts_as_its_config(self):
        import tensorflow as tf  # pylint: disable=g-import-not-at-top
        from tflatency.rnn_model import RnnModel  # pylint: disable=g-import-not-at-top
        config = model_config.load_config(os.path.join(os.environ.get("TEST_SRCDIR", ""), os.environ.get(
            "TEST_WORKSPACE", ""), "configs", "rnn_547k.json"))
        module = RnnModel(config)
        path = os.path.join(_WORK, "rnn_547k", "saved_model")
        tf.saved_model.save(module, path, signatures={"serving_default": module.serve})
        info = prepare_lib.prepare(Options(saved_model=path)).info
        self.assertEqual(info["fma_count"], model_config.fma_count(config))
        self.assertEqual(info["weight_bytes"], 4 * config.weight_count())
        self.assertEqual(info["model"], "rnn_547k")

    def test_second_run_prepares_nothing(self):
        first = prepare_lib.prepare(options_for("conv1d.keras"))
        real_fill = prepare_lib._fill  # pylint: disable=protected-access
        prepare_lib._fill = lambda *args: self.fail("prepared again")  # pylint: disable=protected-access
        try:
            second = prepare_lib.prepare(options_for("conv1d.keras"))
        finally:
            prepare_lib._fill = real_fill  # pylint: disable=protected-access
        self.assertEqual(first.folder, second.folder)

    def test_another_input_shape_is_another_folder(self):
        plain = prepare_lib.prepare(options_for("lstm.keras"))
        longer = prepare_lib.prepare(options_for("lstm.keras", inputs=("frames:1,12,20",)))
        self.assertNotEqual(plain.folder, longer.folder)

    def test_golden_input_file(self):
        path = os.path.join(_WORK, "x.npz")
        np.savez(path, x=np.full((1, 8), 0.5, np.float32), ids=np.array([[0, 1, 2, 3]], np.int32))
        prepared = prepare_lib.prepare(options_for("two_inputs", golden_input=path))
        data = golden_check.load(prepared.prefix)
        np.testing.assert_array_equal(dict(data.named_inputs)["x"], np.full((1, 8), 0.5, np.float32))


class BadInputTest(absltest.TestCase):

    def assert_error(self, options, pattern):
        with self.assertRaisesRegex(PrepareError, pattern) as caught:
            prepare_lib.prepare(options)
        self.assertNotIn("\n", str(caught.exception))

    def test_missing_directory(self):
        self.assert_error(Options(saved_model="/nonexistent/m"), r"^--saved_model=/nonexistent/m: no such directory$")

    def test_not_a_saved_model(self):
        empty = tempfile.mkdtemp(dir=_WORK)
        self.assert_error(Options(saved_model=empty), r"not a SavedModel \(no saved_model.pb in it\)$")

    def test_unknown_signature_lists_the_ones_there(self):
        self.assert_error(options_for("two_inputs", signature="predict"),
                          r"no signature 'predict' \(signatures: serving_default\)$")

    def test_no_signatures(self):
        path = save_module("no_signatures", lambda tf: tf.Module())
        self.assert_error(Options(saved_model=path), "the SavedModel has no signatures")

    def test_dynamic_shape_without_input_flag(self):
        path = save_module("dynamic", lambda tf: serving_module(
            tf, tf.TensorSpec((None, None, 4), tf.float32, name="x"), lambda x: {"y": x * 2.0}))
        self.assert_error(Options(saved_model=path), r"input 'x' has dynamic shape \(None, None, 4\): give its "
                          r"static shape with --input=x:1,N,4$")
        info = prepare_lib.prepare(Options(saved_model=path, inputs=("x:1,3,4",))).info
        self.assertEqual(info["inputs"][0]["shape"], [1, 3, 4])

    def test_input_flag_naming_an_unknown_input(self):
        self.assert_error(options_for("two_inputs", inputs=("z:1,8",)), r"^--input=z:1,8: the model has no input 'z'")

    def test_input_flag_that_does_not_fit(self):
        self.assert_error(options_for("two_inputs", inputs=("x:1,9",)), "does not fit input 'x'")
        self.assert_error(options_for("two_inputs", inputs=("ids:1,4:int64",)), "is int32, not int64")

    def test_string_input(self):
        path = save_module("strings", lambda tf: serving_module(
            tf, tf.TensorSpec((1,), tf.string, name="text"), lambda text: {"n": tf.strings.length(text)}))
        self.assert_error(Options(saved_model=path), r"input 'text' is a string tensor")

    def test_conflicting_flags(self):
        self.assert_error(Options(saved_model="/a", keras="/b.keras"), "give exactly one of --saved_model")
        self.assert_error(Options(keras=model("mlp.keras"), signature="x"), "--signature applies to --saved_model")

    def test_keras_file_that_does_not_load(self):
        bad = os.path.join(_WORK, "broken.keras")
        with open(bad, "wb") as f:
            f.write(b"not a zip file")
        self.assert_error(Options(keras=bad), r"^--keras=.*broken.keras: cannot load the Keras model: ")

    def test_output_not_stable(self):
        path = save_module("random", lambda tf: serving_module(
            tf, tf.TensorSpec((1, 4), tf.float32, name="x"), lambda x: {"y": x + tf.random.uniform((1, 4))}))
        self.assert_error(Options(saved_model=path), r"output 'y' is not stable: two calls on the same input differ")

    def test_output_not_finite(self):
        path = save_module("nan", lambda tf: serving_module(
            tf, tf.TensorSpec((1, 4), tf.float32, name="x"), lambda x: {"y": tf.math.log(x * 0.0 - 1.0)}))
        self.assert_error(Options(saved_model=path), r"output 'y' is not finite on the golden input \(4 of 4 values")

    def test_no_folder_is_left_behind_by_a_failure(self):
        root = os.path.join(os.environ["TFLATENCY_CACHE"], "models")
        before = sorted(os.listdir(root)) if os.path.isdir(root) else []
        path = save_module("nan2", lambda tf: serving_module(
            tf, tf.TensorSpec((1, 2), tf.float32, name="x"), lambda x: {"y": tf.math.log(x * 0.0 - 1.0)}))
        with self.assertRaises(PrepareError):
            prepare_lib.prepare(Options(saved_model=path))
        self.assertEqual(sorted(os.listdir(root)), before)


if __name__ == "__main__":
    absltest.main()
