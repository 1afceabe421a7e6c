"""C++'s RNN counts (cc/common/rnn_shape.h) against Python's (tflatency.model_config).

For every model config in configs/ (the sweep's models included) and a set of
odd shapes (GRU, one layer, many steps, batch > 1), //cc/common:rnn_counts
prints the C++ counts; they must equal Python's FMA count, needed FMA count,
weight floats and bytes, and input/output sizes, and C++'s gates and bias
vectors per cell must equal python/tflatency/rnn_cells.json, which Python
(and Starlark) read.

  rnn_counts_test RNN_COUNTS
"""

import glob
import json
import math
import os
import subprocess
import sys

from absl.testing import absltest

from tflatency import model_config
from tflatency import sweep
from tflatency import weights

RNN_COUNTS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None
CONFIGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "configs")
SHAPE_FIELDS = ("cell", "layers", "units", "input_size", "time_steps", "batch")


def odd_shapes():
    """Shapes no shipped config has: every cell, one layer, many steps, batch > 1, width 1."""
    base = dict(name="odd", dtype="float32", seed=1)
    shapes = [
        dict(cell="gru", layers=1, units=37, input_size=5, time_steps=1, batch=1),
        dict(cell="gru", layers=4, units=9, input_size=300, time_steps=50, batch=3),
        dict(cell="lstm", layers=1, units=1, input_size=1, time_steps=1, batch=1),
        dict(cell="lstm", layers=3, units=200, input_size=7, time_steps=100, batch=8),
    ]
    return [model_config.config_from_dict(dict(base, **shape), where=f"odd shape {shape}") for shape in shapes]


def shipped_configs():
    configs = []
    for path in sorted(glob.glob(os.path.join(CONFIGS, "*.json"))):
        if os.path.basename(path) == "sweep.json":
            configs += sweep.load_sweep(path)
        else:
            configs.append(model_config.load_config(path))
    return configs


def cc_counts(config):
    flags = [f"--{field}={getattr(config, field)}" for field in SHAPE_FIELDS]
    result = subprocess.run([RNN_COUNTS, *flags], capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise AssertionError(f"rnn_counts {' '.join(flags)} failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def python_counts(config):
    return {
        "cell": config.cell,
        "gates": config.gates,
        "bias_vectors": config.bias_vectors,
        "fma_count": model_config.fma_count(config),
        "needed_fma_count": model_config.needed_fma_count(config),
        "weight_floats": config.weight_count(),
        "weight_bytes": 4 * config.weight_count(),
        "input_floats": math.prod(config.input_shape()),
        "output_floats": math.prod(config.output_shape()),
    }


class RnnCountsTest(absltest.TestCase):

    def test_configs_are_there(self):
        names = {c.name for c in shipped_configs()}
        self.assertContainsSubset({"rnn_547k", "gru_3layer", "sweep_u1024"}, names)

    def test_cc_counts_equal_python_counts(self):
        for config in shipped_configs() + odd_shapes():
            with self.subTest(config.name, shape=[getattr(config, f) for f in SHAPE_FIELDS]):
                cc = cc_counts(config)
                want = python_counts(config)
                self.assertEqual({k: cc[k] for k in want}, want)

    def test_cc_cells_equal_the_data_file(self):
        path = os.path.join(os.path.dirname(model_config.__file__), "rnn_cells.json")
        with open(path, encoding="utf-8") as f:
            cells = json.load(f)["cells"]
        self.assertEqual(cells, model_config.CELLS)
        self.assertCountEqual(cells, ["lstm", "gru"])
        for config in odd_shapes():
            cc = cc_counts(config)
            self.assertEqual((cc["gates"], cc["bias_vectors"]),
                             (cells[config.cell]["gates"], cells[config.cell]["bias_vectors"]), config.cell)

    def test_weights_file_holds_weight_count_floats(self):
        # The exported weights file C++ reads (WeightFloats) is what tflatency.weights makes.
        for config in odd_shapes()[:3] + [model_config.load_config(os.path.join(CONFIGS, "gru_3layer.json"))]:
            made = sum(array.size for layer in weights.make_weights(config) for array in layer.values())
            self.assertEqual(made, cc_counts(config)["weight_floats"], config)

    def test_bad_shape_is_one_line(self):
        result = subprocess.run([RNN_COUNTS, "--cell=rnn"], capture_output=True, text=True, timeout=60, check=False)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.strip(), "rnn_counts: --cell must be lstm or gru, got 'rnn'")


if __name__ == "__main__":
    absltest.main()
