"""A Keras model file (.keras) exported to a SavedModel with a static serving signature.

Keras 3 refuses `model.save(dir)` for SavedModels; `model.export(path,
format="tf_saved_model", input_signature=[...])` with static TensorSpecs writes
the endpoint `serve` and the signature `serving_default`, inputs named as the
model's inputs, outputs `output_0`, ... (shared/design.md). The batch
dimension becomes 1 unless --input says otherwise (tflatency.prepare.tensors).
"""

import os

from tflatency.prepare import saved_model
from tflatency.prepare import tensors
from tflatency.prepare.errors import PrepareError


def check_file(path, flag="--keras"):
    """PrepareError unless `path` is a file named *.keras."""
    where = f"{flag}={path}"
    if not os.path.isfile(path):
        raise PrepareError(f"{where}: no such file")
    if not path.endswith(".keras"):
        raise PrepareError(f"{where}: not a .keras file (save the model with model.save('model.keras'))")


def load(path, flag="--keras"):
    """keras.saving.load_model(path), or PrepareError naming the file and the first line of the error."""
    where = f"{flag}={path}"
    check_file(path, flag)
    saved_model.import_tensorflow()
    import keras  # pylint: disable=g-import-not-at-top
    try:
        return keras.saving.load_model(path, compile=False)
    except Exception as e:  # pylint: disable=broad-except  (zip, JSON, unknown layer, ...)
        raise PrepareError(f"{where}: cannot load the Keras model: {saved_model.first_line(e)}") from None


def inputs_of(model):
    """The model's inputs as tensors.Tensor (Keras names, shapes with None)."""
    return [tensors.Tensor(name=t.name, dtype=str(t.dtype).replace("tf.", ""),
                           shape=tuple(None if d is None else int(d) for d in t.shape))
            for t in model.inputs]


def export(model, static_inputs, out_dir, where):
    """Writes a SavedModel of `model` whose serving_default takes `static_inputs` (in model.inputs order)."""
    tf = saved_model.import_tensorflow()
    by_name = {t.name: t for t in static_inputs}
    specs = [tf.TensorSpec(by_name[t.name].shape, by_name[t.name].dtype, name=t.name) for t in model.inputs]
    try:
        model.export(out_dir, format="tf_saved_model", input_signature=[specs if len(specs) > 1 else specs[0]],
                     verbose=False)
    except Exception as e:  # pylint: disable=broad-except
        raise PrepareError(f"{where}: Keras could not export the model to a SavedModel: "
                           f"{saved_model.first_line(e)}") from None
