"""The cases of //python:peer_bench: names as they appear in every report, and their engines.

Every engine module (numpy_engine, jax_engine, onnxruntime_engine,
tflite_engine) has ENGINE, VARIANTS and load(model, workdir) -> an object with
`context` (a dict for the report) and make_step(variant) -> step(), one
inference on the golden input that returns the output as a new NumPy array.
Engines are imported only when selected (importlib), so an unselected one
costs nothing, not even its import.
"""

import collections
import importlib

# engine -> module; the order is the default --engines order.
ENGINE_MODULES = collections.OrderedDict([
    ("onnxruntime", "tflatency.peers.onnxruntime_engine"),
    ("jax", "tflatency.peers.jax_engine"),
    ("numpy", "tflatency.peers.numpy_engine"),
    ("tflite", "tflatency.peers.tflite_engine"),
])

Case = collections.namedtuple("Case", "name engine variant")

# Variants that convert --hoisted_saved_model_dir (listed only when it is given).
HOISTED_VARIANTS = ("iobinding_hoisted", "one_thread_hoisted")

# Every case, in registration (and run) order.
CASES = (
    Case("peer/onnxruntime/default/rnn", "onnxruntime", "default"),
    Case("peer/onnxruntime/one_thread/rnn", "onnxruntime", "one_thread"),
    Case("peer/onnxruntime/iobinding/rnn", "onnxruntime", "iobinding"),
    Case("peer/onnxruntime/iobinding_hoisted/rnn", "onnxruntime", "iobinding_hoisted"),
    Case("peer/jax/jit/rnn", "jax", "jit"),
    Case("peer/numpy/plain/rnn", "numpy", "plain"),
    Case("tflite/interpreter/one_thread/rnn", "tflite", "one_thread"),
    Case("tflite/interpreter/default/rnn", "tflite", "default"),
    Case("tflite/interpreter/one_thread_hoisted/rnn", "tflite", "one_thread_hoisted"),
)

# Engines that convert the SavedModel (and so need TensorFlow and --saved_model_dir).
CONVERTING_ENGINES = ("onnxruntime", "tflite")


class EngineError(ValueError):
    """An unknown engine name in --engines."""


def parse_engines(text):
    """'onnxruntime,jax' -> ['onnxruntime', 'jax'] (known names, no duplicates, in the given order)."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise EngineError(f"no engine given (known: {','.join(ENGINE_MODULES)})")
    for name in names:
        if name not in ENGINE_MODULES:
            raise EngineError(f"unknown engine {name!r} (known: {','.join(ENGINE_MODULES)})")
    return list(dict.fromkeys(names))


def cases_of(engines, hoisted=True):
    """The cases of the selected engines, in CASES order; hoisted=False drops HOISTED_VARIANTS."""
    return [case for case in CASES
            if case.engine in engines and (hoisted or case.variant not in HOISTED_VARIANTS)]


def load_engine(engine, model, workdir):
    """Imports the engine's module and loads (converts) the model for it."""
    module = importlib.import_module(ENGINE_MODULES[engine])
    return module.load(model, workdir)
