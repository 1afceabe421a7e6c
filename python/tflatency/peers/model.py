"""What every peer engine computes on: one model's golden vectors and, for an RNN config, its config and weights.

The weights are the exported model's own variables, read from <model>_weights.bin
(layout: tflatency.weights), never regenerated from the seed, so a peer engine
runs exactly the numbers the SavedModel holds. A user's model (golden files of
kind "model", from scripts/bench --saved_model / --keras) has no config and no
weights file: only the engines that convert its SavedModel can run it.
Problems with these files raise InputError with one line naming the flag and the path.
"""

import dataclasses
import os

import numpy as np

from tflatency import golden_check
from tflatency.model_config import ConfigError, ModelConfig, config_from_dict
from tflatency.weights import WEIGHT_ORDER


class InputError(ValueError):
    """Unusable model files; the message is `--flag=path: problem`."""


@dataclasses.dataclass(frozen=True)
class PeerModel:
    """A model as the peers see it; `x` is an RNN's golden input, `feeds` every input by name, prepared once."""

    golden: golden_check.GoldenData
    config: ModelConfig = None  # None for a user's model
    weights: list = None  # one dict per layer: name (WEIGHT_ORDER) -> float32 array; None for a user's model
    weights_path: str = None
    saved_model_dir: str = None
    hoisted_saved_model_dir: str = None  # the same network as a graph with hoisted input projections

    @property
    def kind(self):
        """"rnn" (a config) or "model" (a user's): the last segment of every case name."""
        return self.golden.info.get("kind", "rnn")

    @property
    def x(self):
        return self.golden.inputs[0]

    @property
    def feeds(self):
        return dict(self.golden.named_inputs)

    def outputs(self, arrays):
        """The engine's outputs (in the golden files' order, sorted by name) as the gate takes them:
        the array of a single-output model, else {output name: array}."""
        names = self.golden.output_names
        if len(names) == 1:
            return arrays[0]
        return dict(zip(names, arrays))


def weight_shapes(config):
    """[(layer, name, shape)] in the file's order (tflatency.weights)."""
    gh = config.gates * config.units
    shapes = {"recurrent_kernel": (config.units, gh), "bias": (gh,), "recurrent_bias": (gh,)}
    names = [n for n in WEIGHT_ORDER if n != "recurrent_bias" or config.cell == "gru"]
    return [(layer, name, (d, gh) if name == "kernel" else shapes[name])
            for layer, d in enumerate(config.layer_input_sizes()) for name in names]


def read_weights(path, config, flag="weights"):
    """The per-layer weight dicts of `config` from a raw little-endian fp32 file."""
    where = f"--{flag}={path}"
    try:
        raw = np.fromfile(path, dtype="<f4")
    except OSError as e:
        raise InputError(f"{where}: cannot read weights: {e.strerror or e}") from None
    except ValueError as e:
        raise InputError(f"{where}: corrupt weights file: {e}") from None
    want = sum(int(np.prod(shape)) for _, _, shape in weight_shapes(config))
    if raw.size != want or os.path.getsize(path) != 4 * want:
        raise InputError(f"{where}: corrupt weights file: {os.path.getsize(path)} bytes, model "
                         f"{config.name!r} needs {4 * want}")
    if not np.isfinite(raw).all():
        raise InputError(f"{where}: corrupt weights file: holds NaN or infinity")
    layers = [{} for _ in config.layer_input_sizes()]
    offset = 0
    for layer, name, shape in weight_shapes(config):
        size = int(np.prod(shape))
        layers[layer][name] = np.ascontiguousarray(raw[offset:offset + size].reshape(shape), np.float32)
        offset += size
    return layers


def load(golden_prefix, weights_path=None, saved_model_dir=None, hoisted_saved_model_dir=None):
    """Reads the golden files and weights; InputError names the flag and path."""
    try:
        golden = golden_check.load(golden_prefix)
    except golden_check.GoldenError as e:
        raise InputError(f"--golden_prefix={e}") from None
    where = f"--golden_prefix={golden_prefix}"
    if golden.info.get("kind") == "model":
        return PeerModel(golden=golden, saved_model_dir=saved_model_dir,
                         hoisted_saved_model_dir=hoisted_saved_model_dir)
    if golden.info.get("kind") != "rnn" or len(golden.inputs) != 1:
        raise InputError(f"{where}: not the golden files of a recurrent model (kind "
                         f"{golden.info.get('kind')!r}, {len(golden.inputs)} inputs)")
    try:
        config = config_from_dict(golden.info.get("config"), where=f"{golden_prefix}_info.json: config")
    except ConfigError as e:
        raise InputError(f"--golden_prefix={e}") from None
    if golden.inputs[0].shape != config.input_shape() or golden.output.shape != config.output_shape():
        raise InputError(f"{where}: golden shapes {golden.inputs[0].shape} -> {golden.output.shape} do not "
                         f"match the config's {config.input_shape()} -> {config.output_shape()}")
    weights_path = weights_path or f"{golden_prefix}_weights.bin"
    weights = read_weights(weights_path, config)
    return PeerModel(golden=golden, config=config, weights=weights, weights_path=weights_path,
                     saved_model_dir=saved_model_dir, hoisted_saved_model_dir=hoisted_saved_model_dir)
