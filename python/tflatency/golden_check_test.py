"""Tests for the golden gate's precision tolerances (tflatency.golden_check, tflatency.golden)."""

import os

from absl.testing import absltest
import numpy as np

from tflatency import golden
from tflatency import golden_check


def golden_data(prefix, want):
    golden.write_data(prefix, "m", "rnn", 1, [("x", np.zeros((1, 2), np.float32))],
                      [("y", want, golden.ATOL, golden.RTOL)], {})
    return golden_check.load(prefix)


class PrecisionGateTest(absltest.TestCase):

    def setUp(self):
        super().setUp()
        self.want = np.linspace(-0.9, 0.9, 16, dtype=np.float32).reshape(1, 16)
        self.data = golden_data(os.path.join(self.create_tempdir().full_path, "m"), self.want)

    def test_tolerance_is_recorded_in_the_info_file(self):
        self.assertEqual(self.data.info["reduced_precision_atol"], golden.REDUCED_PRECISION_ATOL)
        self.assertEqual(self.data.tolerance(0, "int8"), (golden.REDUCED_PRECISION_ATOL, 0.0))
        self.assertEqual(self.data.tolerance(0, "bf16"), (golden.REDUCED_PRECISION_ATOL, 0.0))
        self.assertEqual(self.data.tolerance(0), (golden.ATOL, golden.RTOL))

    def test_reduced_precision_gate_rejects_an_output_just_outside(self):
        atol = golden.REDUCED_PRECISION_ATOL
        inside = self.want.copy()
        inside[0, 3] += np.float32(atol * 0.99)
        outside = self.want.copy()
        outside[0, 5] += np.float32(atol * 1.01)
        self.assertTrue(self.data.check(inside, "int8").ok)
        result = self.data.check(outside, "int8")
        self.assertFalse(result.ok)
        self.assertEqual(result.worst_index, 5)
        self.assertFalse(self.data.check(outside, "bf16").ok)

    def test_fp32_gate_stays_strict(self):
        off = self.want.copy()
        off[0, 0] += np.float32(1e-3)  # well inside the reduced-precision gate
        self.assertTrue(self.data.check(off, "int8").ok)
        self.assertFalse(self.data.check(off).ok)
        self.assertFalse(self.data.check(off, "fp32").ok)

    def test_wrong_weights_fail_the_reduced_gate(self):
        # An output computed with the wrong weights moves by far more than rounding does.
        self.assertFalse(self.data.check(-self.want, "int8").ok)

    def test_recorded_tolerance_is_the_one_used(self):
        self.data.info["reduced_precision_atol"] = 1e-4
        off = self.want.copy()
        off[0, 0] += np.float32(1e-3)
        self.assertFalse(self.data.check(off, "int8").ok)

    def test_reduced_precision_gate_scales_with_a_large_output(self):
        big = golden_data(os.path.join(self.create_tempdir().full_path, "b"), self.want * 10)
        atol = golden.REDUCED_PRECISION_ATOL * float(np.abs(self.want * 10).max())
        self.assertAlmostEqual(big.tolerance(0, "int8")[0], atol, places=6)
        off = self.want * 10
        off[0, 2] += np.float32(atol * 0.9)
        self.assertTrue(big.check(off, "int8").ok)
        off[0, 2] += np.float32(atol * 0.2)
        self.assertFalse(big.check(off, "int8").ok)
        self.assertEqual(big.tolerance(0), (golden.ATOL, golden.RTOL))

    def test_unknown_precision(self):
        with self.assertRaisesRegex(ValueError, "unknown precision 'fp8'"):
            self.data.check(self.want, "fp8")


if __name__ == "__main__":
    absltest.main()
