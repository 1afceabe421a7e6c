"""tflatency.prepare.golden_data: the seeded input, --golden_input files, and their one-line errors."""

import numpy as np
from absl.testing import absltest

from tflatency.prepare import golden_data
from tflatency.prepare import tensors
from tflatency.prepare.errors import PrepareError

INPUTS = [tensors.Tensor("ids", "int32", (1, 4)), tensors.Tensor("mask", "bool", (1, 4)),
          tensors.Tensor("x", "float32", (1, 8))]


class SeededTest(absltest.TestCase):

    def test_same_on_every_call_with_each_inputs_dtype_and_shape(self):
        first, second = golden_data.seeded_inputs(INPUTS), golden_data.seeded_inputs(INPUTS)
        for t in INPUTS:
            self.assertEqual((str(first[t.name].dtype), first[t.name].shape), (t.dtype, t.shape))
            np.testing.assert_array_equal(first[t.name], second[t.name])
        self.assertTrue(((first["ids"] >= 0) & (first["ids"] < golden_data.INT_HIGH)).all())


class NpzTest(absltest.TestCase):

    def write(self, **arrays):
        path = self.create_tempfile("g.npz").full_path
        np.savez(path, **arrays)
        return path

    def good(self):
        return dict(ids=np.zeros((1, 4), np.int32), mask=np.ones((1, 4), bool), x=np.ones((1, 8), np.float32))

    def test_reads_every_input(self):
        arrays = golden_data.npz_inputs(self.write(**self.good()), INPUTS)
        np.testing.assert_array_equal(arrays["x"], np.ones((1, 8), np.float32))

    def test_missing_array(self):
        arrays = self.good()
        del arrays["ids"]
        with self.assertRaisesRegex(PrepareError, r"^--golden_input=.*: no array for input 'ids'$"):
            golden_data.npz_inputs(self.write(**arrays), INPUTS)

    def test_extra_array(self):
        with self.assertRaisesRegex(PrepareError, r"array 'y' is not an input of the model \(inputs: ids, mask, x\)"):
            golden_data.npz_inputs(self.write(y=np.zeros(1), **self.good()), INPUTS)

    def test_wrong_dtype_or_shape(self):
        arrays = dict(self.good(), x=np.ones((1, 8), np.float64))
        with self.assertRaisesRegex(PrepareError, r"array 'x' is float64\[1, 8\], the input is float32\[1, 8\]"):
            golden_data.npz_inputs(self.write(**arrays), INPUTS)

    def test_not_an_npz_file(self):
        path = self.create_tempfile("g.npz", content="not a zip").full_path
        with self.assertRaisesRegex(PrepareError, r"^--golden_input=.*: cannot read an .npz file: "):
            golden_data.npz_inputs(path, INPUTS)


if __name__ == "__main__":
    absltest.main()
