"""The golden input of a user's model and TensorFlow's own output on it, checked to be usable.

The input is seeded (the same on every machine): float32 from a standard
normal distribution, int32/int64 uniform in [0, INT_HIGH) (small, so that
indices and ids stay in range for most models), bool uniform; or it is read
from a user's .npz file (one array per input name). The output comes from the
static SavedModel's signature in TF Python, run twice: it must be the same both
times and finite, or no path could be gated on it.
"""

import numpy as np

from tflatency.prepare.errors import PrepareError

SEED = 20240213
INT_HIGH = 4


def seeded_inputs(static_inputs):
    """{name: array} for every input, from one generator, in the inputs' (name-sorted) order."""
    rng = np.random.default_rng(SEED)
    arrays = {}
    for t in static_inputs:
        if t.dtype == "float32":
            arrays[t.name] = rng.standard_normal(t.shape).astype(np.float32)
        elif t.dtype in ("int32", "int64"):
            arrays[t.name] = rng.integers(0, INT_HIGH, size=t.shape).astype(t.dtype)
        else:
            arrays[t.name] = rng.integers(0, 2, size=t.shape).astype(bool)
    return arrays


def npz_inputs(path, static_inputs):
    """{name: array} from --golden_input=FILE.npz; every input present with its exact shape and dtype."""
    where = f"--golden_input={path}"
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as e:
        raise PrepareError(f"{where}: cannot read an .npz file: {e}") from None
    names = [t.name for t in static_inputs]
    extra = sorted(set(arrays) - set(names))
    if extra:
        raise PrepareError(f"{where}: array {extra[0]!r} is not an input of the model (inputs: {', '.join(names)})")
    for t in static_inputs:
        if t.name not in arrays:
            raise PrepareError(f"{where}: no array for input {t.name!r}")
        array = arrays[t.name]
        if str(array.dtype) != t.dtype or tuple(array.shape) != tuple(t.shape):
            raise PrepareError(f"{where}: array {t.name!r} is {array.dtype}{list(array.shape)}, the input is "
                               f"{t.dtype}{list(t.shape)}")
    return {t.name: np.ascontiguousarray(arrays[t.name]) for t in static_inputs}


def run_outputs(function, inputs, where):
    """{name: array}: the signature called on `inputs`, twice, checked to be stable and finite."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    feeds = {name: tf.constant(array) for name, array in inputs.items()}
    runs = []
    for _ in range(2):
        try:
            outputs = function(**feeds)
        except Exception as e:  # pylint: disable=broad-except
            first = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise PrepareError(f"{where}: the model fails on the golden input: {first}") from None
        runs.append({name: value.numpy() for name, value in outputs.items()})
    first, second = runs
    for name in sorted(first):
        a, b = first[name], second[name]
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise PrepareError(f"{where}: output {name!r} is not finite on the golden input "
                               f"({int((~np.isfinite(a)).sum())} of {a.size} values are NaN or infinite)")
        if a.shape != b.shape or not np.array_equal(a, b):
            raise PrepareError(f"{where}: output {name!r} is not stable: two calls on the same input differ "
                               "(a random op in the model? fix its seed, or remove it for inference)")
    return first
