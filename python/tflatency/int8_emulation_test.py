"""The hand kernel's int8 path with narrowed activations against its NumPy emulation (int8_emulation.py)."""

import json

from absl.testing import absltest
import numpy as np

from tflatency import compiled
from tflatency import golden_check
from tflatency import int8_emulation
from tflatency import reference
from tflatency.model_config import config_from_dict
from tflatency.weights import make_weights

RNN = golden_check.load("model/model")


class NarrowingTest(absltest.TestCase):

    def test_row_round_trip(self):
        x = np.array([1.27, -0.635, 0.005, 0.0, -1.27], np.float32)  # 0.005 * 100 = 0.5: a tie, to even
        q, s = int8_emulation.narrow_row(x)
        self.assertAlmostEqual(float(s), 0.01, places=7)
        np.testing.assert_array_equal(q - 128, [127, -64, 0, 0, -127])  # -63.5 -> -64
        self.assertLessEqual(np.abs((q - 128) * s - x).max(), s / 2 + 1e-7)

    def test_zero_row_has_scale_zero(self):
        q, s = int8_emulation.narrow_row(np.zeros(5, np.float32))
        self.assertEqual(float(s), 0.0)
        np.testing.assert_array_equal(q, [128] * 5)
        q_lo, s_lo = int8_emulation.narrow_remainder(np.zeros(5, np.float32), q, s)
        self.assertEqual(float(s_lo), 0.0)
        np.testing.assert_array_equal(q_lo, [128] * 5)

    def test_second_digit_shrinks_the_error(self):
        x = np.random.default_rng(0).standard_normal(150).astype(np.float32)
        q, s = int8_emulation.narrow_row(x)
        q_lo, s_lo = int8_emulation.narrow_remainder(x, q, s)
        self.assertTrue(((q_lo >= 1) & (q_lo <= 255)).all())
        one = np.abs((q - 128) * np.float64(s) - x).max()
        two = np.abs((q - 128) * np.float64(s) + (q_lo - 128) * np.float64(s_lo) - x).max()
        self.assertLessEqual(two, s_lo / 2 + 1e-7)
        self.assertLess(two * 100, one)

    def test_weights_per_column(self):
        w = np.array([[0.5, 0.0], [-1.0, 0.0], [0.25, 0.0]], np.float32)
        q, s = int8_emulation.quantize_columns(w)
        np.testing.assert_array_equal(s, np.float32([1.0 / 127, 1.0]))
        np.testing.assert_array_equal(q[:, 0], [64, -127, 32])  # 63.5 -> 64, 31.75 -> 32
        np.testing.assert_array_equal(q[:, 1], [0, 0, 0])


class KernelTest(absltest.TestCase):

    def test_kernel_follows_the_emulated_arithmetic(self):
        try:
            model = compiled.load_hand("model/model", precision="int8", activations="int8")
        except ValueError as e:  # no AVX-512 or no VNNI here: the reason, then nothing to run
            self.assertRegex(str(e), "^this CPU does not support (the avx512 path|AVX512_VNNI)$")
            return
        with open("model/model_info.json") as f:
            config = config_from_dict(json.load(f)["config"])
        weights, x = make_weights(config), RNN.inputs[0]
        got = model(x)
        want = int8_emulation.forward(config, weights, x)
        self.assertLessEqual(np.abs(got - want).max(), 1e-5)  # float32 rounding only
        # The scheme is what makes the difference: one digit of x, or none of the narrowing, is far off.
        self.assertGreater(np.abs(got - int8_emulation.forward(config, weights, x, input_digits=1)).max(), 1e-4)
        self.assertGreater(np.abs(got - reference.forward(config, weights, x)).max(), 1e-4)


if __name__ == "__main__":
    absltest.main()
