"""Opens a user's SavedModel and reads one signature's inputs and outputs, with one-line errors.

  loaded = open_saved_model("--saved_model", "/path/dir")
  inputs, outputs = signature_tensors(loaded, "serving_default", where)
"""

import os

from tflatency.prepare import tensors
from tflatency.prepare.errors import PrepareError

DEFAULT_SIGNATURE = "serving_default"


def import_tensorflow():
    """TensorFlow, imported without its start-up log lines."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from tflatency.peers import quiet  # pylint: disable=g-import-not-at-top
    with quiet.filtered_stderr():
        import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return tf


def first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0].strip()


def check_directory(flag, path):
    """PrepareError unless `path` is a directory holding a SavedModel (its saved_model.pb)."""
    where = f"{flag}={path}"
    if not os.path.isdir(path):
        raise PrepareError(f"{where}: no such directory")
    if not any(os.path.isfile(os.path.join(path, f)) for f in ("saved_model.pb", "saved_model.pbtxt")):
        raise PrepareError(f"{where}: not a SavedModel (no saved_model.pb in it)")


def open_saved_model(flag, path):
    """tf.saved_model.load of `path`, or PrepareError naming the flag and what is wrong."""
    where = f"{flag}={path}"
    check_directory(flag, path)
    tf = import_tensorflow()
    try:
        return tf.saved_model.load(path)
    except Exception as e:  # pylint: disable=broad-except  (OSError, DecodeError, ValueError, ...)
        raise PrepareError(f"{where}: not a loadable SavedModel: {first_line(e)}") from None


def _tensor(name, spec):
    return tensors.Tensor(name=name, dtype=spec.dtype.name,
                          shape=tuple(None if d is None else int(d) for d in spec.shape.as_list())
                          if spec.shape.rank is not None else (None,))


def signature_function(loaded, signature, where):
    """The concrete function of `signature`, or PrepareError listing the signatures there are."""
    names = sorted(loaded.signatures.keys())
    if not names:
        raise PrepareError(f"{where}: the SavedModel has no signatures (save it with "
                           "tf.saved_model.save(..., signatures=...) or Keras model.export)")
    if signature not in loaded.signatures:
        raise PrepareError(f"{where}: no signature {signature!r} (signatures: {', '.join(names)})")
    return loaded.signatures[signature]


def signature_tensors(function):
    """([inputs], [outputs]) of a signature's concrete function, each sorted by name."""
    args, kwargs = function.structured_input_signature
    specs = dict(kwargs)
    for i, spec in enumerate(args):
        specs[spec.name or f"input_{i}"] = spec
    outputs = function.structured_outputs
    if not isinstance(outputs, dict):
        outputs = {"output_0": outputs}
    return ([_tensor(n, specs[n]) for n in sorted(specs)],
            [_tensor(n, outputs[n]) for n in sorted(outputs)])
