"""The hand kernel's bf16 and int8 paths against their NumPy emulation (quantized_emulation.py)."""

import json

from absl.testing import absltest
from absl.testing import parameterized
import numpy as np

from tflatency import compiled
from tflatency import golden_check
from tflatency import quantized_emulation as emulation
from tflatency import reference
from tflatency.model_config import config_from_dict
from tflatency.weights import make_weights

RNN = golden_check.load("model/model")


class NarrowingTest(absltest.TestCase):

    def test_bf16_rounds_to_nearest_even(self):
        one = np.float32(1)
        x = np.array([1 + 2.0**-8, 1 + 3 * 2.0**-8, 1 + 2.0**-8 + 2.0**-20, -2.5], np.float32)
        np.testing.assert_array_equal(emulation.round_bf16(x), np.float32([one, 1 + 2.0**-6, 1 + 2.0**-7, -2.5]))

    def test_row_round_trip(self):
        x = np.array([1.27, -0.635, 0.005, 0.0, -1.27], np.float32)  # 0.005 * 100 = 0.5: a tie, to even
        q, s = emulation.narrow_row(x)
        self.assertAlmostEqual(float(s), 0.01, places=7)
        np.testing.assert_array_equal(q - 128, [127, -64, 0, 0, -127])  # -63.5 -> -64
        self.assertLessEqual(np.abs((q - 128) * s - x).max(), s / 2 + 1e-7)

    def test_zero_row_has_scale_zero(self):
        q, s = emulation.narrow_row(np.zeros(5, np.float32))
        self.assertEqual(float(s), 0.0)
        np.testing.assert_array_equal(q, [128] * 5)
        q_lo, s_lo = emulation.narrow_remainder(np.zeros(5, np.float32), q, s)
        self.assertEqual(float(s_lo), 0.0)
        np.testing.assert_array_equal(q_lo, [128] * 5)

    def test_second_digit_shrinks_the_error(self):
        x = np.random.default_rng(0).standard_normal(150).astype(np.float32)
        q, s = emulation.narrow_row(x)
        q_lo, s_lo = emulation.narrow_remainder(x, q, s)
        self.assertTrue(((q_lo >= 1) & (q_lo <= 255)).all())
        one = np.abs((q - 128) * np.float64(s) - x).max()
        two = np.abs((q - 128) * np.float64(s) + (q_lo - 128) * np.float64(s_lo) - x).max()
        self.assertLessEqual(two, s_lo / 2 + 1e-7)
        self.assertLess(two * 100, one)

    def test_weights_per_column(self):
        w = np.array([[0.5, 0.0], [-1.0, 0.0], [0.25, 0.0]], np.float32)
        q, s = emulation.quantize_columns(w)
        np.testing.assert_array_equal(s, np.float32([1.0 / 127, 1.0]))
        np.testing.assert_array_equal(q[:, 0], [64, -127, 32])  # 63.5 -> 64, 31.75 -> 32
        np.testing.assert_array_equal(q[:, 1], [0, 0, 0])

    def test_activations_of_another_precision_are_refused(self):
        with self.assertRaisesRegex(ValueError, r"^activations must be fp32 or the weights' precision \(bf16\), got 'int8'$"):
            emulation.forward(None, [], None, "bf16", "int8")


class KernelTest(parameterized.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open("model/model_info.json") as f:
            cls.config = config_from_dict(json.load(f)["config"])
        cls.weights, cls.x = make_weights(cls.config), RNN.inputs[0]
        cls.fp32 = reference.forward(cls.config, cls.weights, cls.x)

    @parameterized.parameters(("bf16", "fp32"), ("int8", "fp32"), ("bf16", "bf16"), ("int8", "int8"))
    def test_kernel_follows_the_emulated_arithmetic(self, precision, activations):
        try:
            model = compiled.load_hand("model/model", precision=precision, activations=activations)
        except ValueError as e:  # no AVX-512 or not the dot product here: the reason, then nothing to run
            self.assertRegex(str(e), "^this CPU does not support (the avx512 path|AVX512_VNNI|AVX512_BF16)$")
            return
        got = model(self.x)
        want = emulation.forward(self.config, self.weights, self.x, precision, activations)
        self.assertLessEqual(np.abs(got - want).max(), 1e-6)  # float32 rounding only (~1e-7 here)
        # The scheme is what makes the difference: fp32, or the other activations, are far off.
        self.assertGreater(np.abs(got - self.fp32).max(), 1e-4)
        if activations != "fp32":
            widened = emulation.forward(self.config, self.weights, self.x, precision)
            self.assertGreater(np.abs(got - widened).max(), 1e-4)
        if activations == "int8":
            one_digit = emulation.forward(self.config, self.weights, self.x, precision, activations, input_digits=1)
            self.assertGreater(np.abs(got - one_digit).max(), 1e-4)


if __name__ == "__main__":
    absltest.main()
