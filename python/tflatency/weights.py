"""Deterministic weights and golden input for a model config.

Weights come from NumPy's PCG64 generator seeded by the config, so every build,
on every machine, sees the same model. Layout per layer, Keras-style:
  kernel            [input width, gates*units]
  recurrent_kernel  [units, gates*units]
  bias              [gates*units]          (GRU: input-side bias)
  recurrent_bias    [gates*units]          (GRU only: reset_after form)
Gate order: LSTM i, f, g, o; GRU z, r, n.
Export also writes them to <model>_weights.bin: for each layer in order, the
arrays of WEIGHT_ORDER that the cell has, row-major little-endian float32.
"""

import numpy as np

from tflatency.model_config import ModelConfig


WEIGHT_ORDER = ("kernel", "recurrent_kernel", "bias", "recurrent_bias")
# The matrices a reduced weight precision applies to (biases stay float32, as in the hand kernel).
NARROWED = ("kernel", "recurrent_kernel")


def make_weights(config: ModelConfig):
    """Returns a list (one dict per layer) of float32 arrays."""
    rng = np.random.default_rng(config.seed)
    scale = 1.0 / np.sqrt(config.units)
    gh = config.gates * config.units
    layers = []
    for d in config.layer_input_sizes():
        layer = {
            "kernel": rng.uniform(-scale, scale, (d, gh)).astype(np.float32),
            "recurrent_kernel": rng.uniform(-scale, scale, (config.units, gh)).astype(np.float32),
            "bias": rng.uniform(-scale, scale, (gh,)).astype(np.float32),
        }
        if config.cell == "gru":
            layer["recurrent_bias"] = rng.uniform(-scale, scale, (gh,)).astype(np.float32)
        layers.append(layer)
    return layers


def make_golden_input(config: ModelConfig):
    """The fixed input every path is checked on: [batch, time_steps, input_size]."""
    rng = np.random.default_rng(config.seed + 1)
    return rng.standard_normal(config.input_shape()).astype(np.float32)
