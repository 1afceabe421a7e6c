"""tflatency.prepare.tensors and .tolerances: --input, --atol/--rtol, static shapes, one-line errors."""

from absl.testing import absltest

from tflatency.prepare import tensors
from tflatency.prepare import tolerances
from tflatency.prepare.errors import PrepareError

T = tensors.Tensor
WHERE = "--saved_model=/m"


class InputFlagTest(absltest.TestCase):

    def test_name_shape_dtype(self):
        self.assertEqual(tensors.parse_input_flag("x:1,16,80:float32"),
                         tensors.InputOverride("x", (1, 16, 80), "float32", "--input=x:1,16,80:float32"))

    def test_scalar_and_no_dtype(self):
        self.assertEqual(tensors.parse_input_flag("n::int32").shape, ())
        self.assertIsNone(tensors.parse_input_flag("x:2,3").dtype)

    def test_bad_forms(self):
        for text, message in (("x", "want NAME:D0,D1"), ("x:1,a", "dimension 'a' is not a positive integer"),
                              ("x:0", "dimension '0'"), ("x:1:float16", "dtype 'float16' is not one of"),
                              (":1", "want NAME")):
            with self.subTest(text=text), self.assertRaisesRegex(PrepareError, "^--input=" + text + ": " + message):
                tensors.parse_input_flag(text)

    def test_same_input_twice(self):
        with self.assertRaisesRegex(PrepareError, "input 'x' is given twice"):
            tensors.parse_input_flags(["x:1", "x:2"])


class ResolveTest(absltest.TestCase):

    def test_batch_dimension_becomes_one(self):
        static, defaulted = tensors.resolve_inputs([T("x", "float32", (None, 5, 8))], {}, WHERE)
        self.assertEqual((static[0].shape, defaulted), ((1, 5, 8), ["x"]))

    def test_other_dynamic_dimension_needs_input_flag(self):
        with self.assertRaisesRegex(PrepareError, r"^--saved_model=/m: input 'x' has dynamic shape \(None, None, 8\): "
                                    r"give its static shape with --input=x:1,N,8$"):
            tensors.resolve_inputs([T("x", "float32", (None, None, 8))], {}, WHERE)

    def test_rank_one_dynamic_is_not_a_batch(self):
        with self.assertRaisesRegex(PrepareError, r"input 'tokens' has dynamic shape \(None,\)"):
            tensors.resolve_inputs([T("tokens", "int32", (None,))], {}, WHERE)

    def test_override_fills_dynamic_dimensions(self):
        overrides = tensors.parse_input_flags(["x:1,7,8"])
        static, defaulted = tensors.resolve_inputs([T("x", "float32", (None, None, 8))], overrides, WHERE)
        self.assertEqual((static[0].shape, defaulted), ((1, 7, 8), []))

    def test_unknown_input(self):
        with self.assertRaisesRegex(PrepareError, r"^--input=y:1: the model has no input 'y' \(inputs: x\)$"):
            tensors.resolve_inputs([T("x", "float32", (1,))], tensors.parse_input_flags(["y:1"]), WHERE)

    def test_shape_that_does_not_fit(self):
        with self.assertRaisesRegex(PrepareError, r"^--input=x:1,3,8: shape \(1, 3, 8\) does not fit input 'x' "
                                    r"of the model, \(None, 2, 8\)$"):
            tensors.resolve_inputs([T("x", "float32", (None, 2, 8))], tensors.parse_input_flags(["x:1,3,8"]), WHERE)

    def test_rank_that_does_not_fit(self):
        with self.assertRaisesRegex(PrepareError, "does not fit input 'x'"):
            tensors.resolve_inputs([T("x", "float32", (None, 2))], tensors.parse_input_flags(["x:1,2,3"]), WHERE)

    def test_dtype_that_does_not_fit(self):
        with self.assertRaisesRegex(PrepareError, r"^--input=x:1:int32: input 'x' of the model is float32, not int32$"):
            tensors.resolve_inputs([T("x", "float32", (None,))], tensors.parse_input_flags(["x:1:int32"]), WHERE)

    def test_string_input(self):
        with self.assertRaisesRegex(PrepareError, r"^--saved_model=/m: input 'text' is a string tensor: tflatency "
                                    r"times numeric models only"):
            tensors.resolve_inputs([T("text", "string", (1,))], {}, WHERE)

    def test_other_dtype(self):
        with self.assertRaisesRegex(PrepareError, "input 'h' has dtype float16, not one of float32, int32, int64, bool"):
            tensors.resolve_inputs([T("h", "float16", (1,))], {}, WHERE)


class TolerancesTest(absltest.TestCase):
    OUTPUTS = [T("logits", "float32", (1, 3)), T("label", "int64", (1,)), T("probs", "float32", (1, 3))]

    def test_defaults_and_exact_integers(self):
        tol = tolerances.for_outputs(self.OUTPUTS, [], [])
        self.assertEqual(tol, {"logits": (1e-5, 1e-4), "label": (0.0, 0.0), "probs": (1e-5, 1e-4)})

    def test_plain_and_per_output_values(self):
        tol = tolerances.for_outputs(self.OUTPUTS, ["1e-3", "probs:0.01"], ["0"])
        self.assertEqual((tol["logits"], tol["probs"], tol["label"]), ((1e-3, 0.0), (0.01, 0.0), (0.0, 0.0)))

    def test_unknown_output(self):
        with self.assertRaisesRegex(PrepareError, r"^--atol=prob:\.\.\.: the model has no output 'prob' \(outputs: "):
            tolerances.for_outputs(self.OUTPUTS, ["prob:1"], [])

    def test_not_a_number(self):
        with self.assertRaisesRegex(PrepareError, r"^--rtol=big: 'big' is not a number$"):
            tolerances.for_outputs(self.OUTPUTS, [], ["big"])

    def test_negative(self):
        with self.assertRaisesRegex(PrepareError, r"^--atol=-1: must be a finite number >= 0"):
            tolerances.for_outputs(self.OUTPUTS, ["-1"], [])


if __name__ == "__main__":
    absltest.main()
