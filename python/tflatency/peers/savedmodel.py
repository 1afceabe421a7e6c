"""TensorFlow and the SavedModel, for the engines that convert it (ONNX Runtime, TFLite).

TensorFlow is imported only when such an engine is selected, with its start-up
INFO lines filtered. The SavedModel is loaded once and checked to have the
`serving_default` signature; anything else is an InputError naming
--saved_model_dir. Inputs and outputs are listed sorted by name, the order of
the golden files (tflatency.golden) and of a tf.function's flattened outputs.
"""

import dataclasses
import os

from tflatency.peers import quiet
from tflatency.peers.model import InputError

SIGNATURE = "serving_default"

_TF = None
_LOADED = {}


def import_tensorflow():
    """TensorFlow, imported once without its start-up INFO lines."""
    global _TF
    if _TF is None:
        quiet.set_quiet_env()
        with quiet.filtered_stderr():
            import tensorflow as tf  # pylint: disable=g-import-not-at-top
        _TF = tf
    return _TF


@dataclasses.dataclass(frozen=True)
class Signature:
    """The serving signature: a ConcreteFunction and its inputs and outputs, by name."""

    path: str
    function: object
    input_specs: dict  # name -> tf.TensorSpec, sorted by name
    output_names: tuple  # sorted
    owner: object  # the loaded SavedModel: keeps the function's variables alive

    @property
    def input_names(self):
        return tuple(self.input_specs)


def load(path, flag="saved_model_dir"):
    """The serving signature of the SavedModel at `path` (loaded once)."""
    if path in _LOADED:
        return _LOADED[path]
    where = f"--{flag}={path}"
    if not path:
        raise InputError(f"--{flag} is required for the engines that convert it (onnxruntime, tflite, openvino, iree)")
    if not os.path.isdir(path):
        raise InputError(f"{where}: no such directory")
    tf = import_tensorflow()
    try:
        with quiet.filtered_stderr():
            loaded = tf.saved_model.load(path)
    except Exception as e:  # pylint: disable=broad-except  (OSError, DecodeError, ValueError, ...)
        first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise InputError(f"{where}: not a loadable SavedModel: {first_line}") from None
    function = loaded.signatures.get(SIGNATURE) if hasattr(loaded, "signatures") else None
    if function is None:
        raise InputError(f"{where}: SavedModel lacks the {SIGNATURE!r} signature")
    inputs = function.structured_input_signature[1]
    outputs = function.structured_outputs
    signature = Signature(path=path, function=function, input_specs={n: inputs[n] for n in sorted(inputs)},
                          output_names=tuple(sorted(outputs)), owner=loaded)
    _LOADED[path] = signature
    return signature
