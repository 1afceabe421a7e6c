"""Exports a model to a SavedModel plus its golden inputs and outputs (tflatency.golden).

  export_model --config=configs/rnn_547k.json --saved_model_dir=OUT/sm --golden_prefix=OUT/rnn_547k
  export_model --trivial_multiply --saved_model_dir=OUT/sm --golden_prefix=OUT/trivial
  export_model --config=... --hoist_input_projection ...   (the same RNN, input projections
                                                            hoisted out of the time loop)
  export_model --config=... --weights_precision=bf16 ...    (the same RNN with bf16 kernels; golden
                                                            files: the fp32 output, the reduced tolerance)
  export_model --prepared_info=CACHE/<digest>/model_info.json ...   (a user's model prepared by
                   tflatency.prepare: its SavedModel and golden files copied, the header written)

The golden output is computed by TensorFlow itself from the SavedModel's
function. Weights and input come from the config's seed, so the same config
always gives byte-identical golden files.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from absl import app
from absl import flags

from tflatency.model_config import ConfigError, fma_count, load_config
from tflatency.weights import WEIGHT_ORDER

_CONFIG = flags.DEFINE_string("config", None, "Model config JSON (see configs/).")
_TRIVIAL = flags.DEFINE_bool("trivial_multiply", False, "Export the trivial int32 multiply instead of an RNN.")
_SAVED_MODEL_DIR = flags.DEFINE_string("saved_model_dir", None, "Directory to write the SavedModel to.")
_GOLDEN_PREFIX = flags.DEFINE_string("golden_prefix", None, "Path prefix of the golden files.")
_HOIST = flags.DEFINE_bool("hoist_input_projection", False,
                           "RNN graph with each layer's input projection computed for all time steps in one matmul.")
_WEIGHTS_PRECISION = flags.DEFINE_enum(
    "weights_precision", "fp32", ["fp32", "bf16"],
    "bf16: the RNN's kernels as bfloat16 variables (tflatency.rnn_model), checked against the fp32 model's "
    "golden output at golden.REDUCED_PRECISION_ATOL: the golden files hold the fp32 output and that tolerance.")
_PREPARED = flags.DEFINE_string(
    "prepared_info", None,
    "model_info.json of a model prepared by tflatency.prepare (scripts/bench --saved_model / --keras): "
    "copy its SavedModel and golden files instead of exporting.")
_STRUCT = flags.DEFINE_string("golden_struct", None, "C++ struct name in the golden header (default: from the model name).")


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _export(module, signature, saved_model_dir):
    import tensorflow as tf
    tf.saved_model.save(module, saved_model_dir, signatures={"serving_default": signature})
    _make_fingerprint_deterministic(os.path.join(saved_model_dir, "fingerprint.pb"))


def _make_fingerprint_deterministic(path):
    """TF writes a random uuid into fingerprint.pb; derive it from the content hashes instead."""
    from tensorflow.core.protobuf import fingerprint_pb2
    fingerprint = fingerprint_pb2.FingerprintDef()
    with open(path, "rb") as f:
        fingerprint.ParseFromString(f.read())
    fingerprint.uuid = str(fingerprint.saved_model_checksum ^ fingerprint.checkpoint_hash)
    with open(path, "wb") as f:
        f.write(fingerprint.SerializeToString(deterministic=True))


def _write_weights(module, path):
    """The exported model's own variables, for kernels outside TF (layout: tflatency.weights)."""
    import numpy as np
    with open(path, "wb") as f:
        for layer in module.layers:
            for key in WEIGHT_ORDER:
                if key in layer:
                    f.write(np.ascontiguousarray(layer[key].numpy().astype(np.float32), dtype="<f4").tobytes())


def _copy_prepared(struct):
    """A prepared model's SavedModel and golden files, copied to the outputs; the header for `struct`."""
    import shutil  # pylint: disable=g-import-not-at-top
    from tflatency import golden  # pylint: disable=g-import-not-at-top
    source = _PREPARED.value[:-len("_info.json")]
    try:
        info, inputs, outputs = golden.read_golden(source)
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"export_model: --prepared_info={_PREPARED.value}: cannot read the prepared model: {e}")
    shutil.copytree(os.path.join(os.path.dirname(source), "saved_model"), _SAVED_MODEL_DIR.value, dirs_exist_ok=True)
    extra = {k: v for k, v in info.items() if k not in ("model", "kind", "fma_count", "inputs", "outputs")}
    tolerances = [(name, array, spec["atol"], spec["rtol"]) for (name, array), spec in zip(outputs, info["outputs"])]
    golden.write_golden(_GOLDEN_PREFIX.value, struct, info["model"], info["kind"], info["fma_count"], inputs,
                        tolerances, extra)


def main(argv):
    if len(argv) > 1:
        sys.exit(f"export_model: unexpected argument {argv[1]!r}")
    for flag in (_SAVED_MODEL_DIR, _GOLDEN_PREFIX):
        if not flag.value:
            sys.exit(f"export_model: --{flag.name} is required")
    if _PREPARED.value:
        if _TRIVIAL.value or _CONFIG.value or _HOIST.value:
            sys.exit("export_model: --prepared_info excludes --config, --trivial_multiply and --hoist_input_projection")
        _copy_prepared(_STRUCT.value or "ModelGolden")
        return
    if _TRIVIAL.value == bool(_CONFIG.value):
        sys.exit("export_model: give exactly one of --config or --trivial_multiply")
    for flag, given in ((_HOIST, _HOIST.value), (_WEIGHTS_PRECISION, _WEIGHTS_PRECISION.value != "fp32")):
        if _TRIVIAL.value and given:
            sys.exit(f"export_model: --{flag.name} applies to an RNN (--config), not --trivial_multiply")
    try:
        config = None if _TRIVIAL.value else load_config(_CONFIG.value)
    except ConfigError as e:
        sys.exit(f"export_model: {e}")

    import numpy as np
    import tensorflow as tf
    from tflatency import golden
    from tflatency.rnn_model import RnnModel, TrivialMultiply
    from tflatency.weights import make_golden_input

    tf.config.experimental.enable_op_determinism()
    if config is None:
        name, module, fmas = "trivial_multiply", TrivialMultiply(), 0
        inputs = [("x", np.array(6, np.int32)), ("y", np.array(7, np.int32))]
        info = {"fma_source": "none (no dot or convolution)", "weight_bytes": 0}
    else:
        name, module, fmas = config.name, RnnModel(config, _HOIST.value), fma_count(config)
        inputs = [("x", make_golden_input(config))]
        info = {"config": config.to_dict(), "graph": "hoisted_input_projection" if _HOIST.value else "per_step",
                "fma_source": "config", "weight_bytes": 4 * config.weight_count(),
                "weights_precision": _WEIGHTS_PRECISION.value}
    # The golden output is always the fp32 model's; a bf16 variant is exported and gated against it.
    outputs = module.serve(*[tf.constant(a) for _, a in inputs])
    atol, rtol = golden.ATOL, golden.RTOL
    if _WEIGHTS_PRECISION.value == "bf16":
        module = RnnModel(config, _HOIST.value, weights_precision="bf16")
        atol, rtol = golden.REDUCED_PRECISION_ATOL, 0.0  # the RNN's outputs lie in [-1, 1]: scale 1
    outputs = [(key, value.numpy()) for key, value in sorted(outputs.items())]
    _export(module, module.serve, _SAVED_MODEL_DIR.value)
    if config is not None:
        _write_weights(module, _GOLDEN_PREFIX.value + "_weights.bin")
    struct = _STRUCT.value or _camel(name) + "Golden"
    tolerances = [(key, array) + ((atol, rtol) if array.dtype == np.float32 else (0.0, 0.0))
                  for key, array in outputs]
    golden.write_golden(_GOLDEN_PREFIX.value, struct, name, "trivial" if config is None else "rnn", fmas,
                        inputs, tolerances, info)


if __name__ == "__main__":
    app.run(main)
