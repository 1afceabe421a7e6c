"""The cases of //python:peer_bench: names as they appear in every report, and their engines.

Every engine module (numpy_engine, jax_engine, onnxruntime_engine,
tflite_engine, torch_engine, openvino_engine, iree_engine) has ENGINE, VARIANTS and load(model, workdir) -> an object with
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
    ("pytorch", "tflatency.peers.torch_engine"),
    ("openvino", "tflatency.peers.openvino_engine"),
    ("iree", "tflatency.peers.iree_engine"),
])

# precision: of the weights the engine computes with (tflatency.golden.PRECISIONS); the golden
# gate of a bf16 or int8 case is tflatency.golden.REDUCED_PRECISION_ATOL.
Case = collections.namedtuple("Case", "name engine variant precision", defaults=("fp32",))

# Variants that convert --hoisted_saved_model_dir (listed only when it is given).
HOISTED_VARIANTS = ("iobinding_hoisted", "one_thread_hoisted", "local_sync_hoisted")

# Every case, in registration (and run) order; {kind} is the model's: rnn, or model for a user's.
CASES = (
    Case("peer/onnxruntime/default/{kind}", "onnxruntime", "default"),
    Case("peer/onnxruntime/one_thread/{kind}", "onnxruntime", "one_thread"),
    Case("peer/onnxruntime/iobinding/{kind}", "onnxruntime", "iobinding"),
    Case("peer/onnxruntime/iobinding_hoisted/{kind}", "onnxruntime", "iobinding_hoisted"),
    Case("peer/onnxruntime/iobinding_int8/{kind}", "onnxruntime", "iobinding_int8", "int8"),
    Case("peer/jax/jit/{kind}", "jax", "jit"),
    Case("peer/numpy/plain/{kind}", "numpy", "plain"),
    Case("tflite/interpreter/one_thread/{kind}", "tflite", "one_thread"),
    Case("tflite/interpreter/default/{kind}", "tflite", "default"),
    Case("tflite/interpreter/one_thread_hoisted/{kind}", "tflite", "one_thread_hoisted"),
    Case("tflite/interpreter/one_thread_int8/{kind}", "tflite", "one_thread_int8", "int8"),
    *(Case(f"peer/pytorch/{variant}/{{kind}}", "pytorch", variant)
      for variant in ("eager", "eager_no_onednn", "torchscript", "torchscript_no_onednn",
                      "compile", "compile_no_onednn", "aoti", "aoti_no_onednn")),
    Case("peer/openvino/one_thread/{kind}", "openvino", "one_thread"),
    Case("peer/openvino/two_threads/{kind}", "openvino", "two_threads"),
    Case("peer/openvino/one_thread_hoisted/{kind}", "openvino", "one_thread_hoisted"),
    Case("peer/openvino/one_thread_bf16/{kind}", "openvino", "one_thread_bf16", "bf16"),
    Case("peer/iree/local_sync/{kind}", "iree", "local_sync"),
    Case("peer/iree/local_sync_hoisted/{kind}", "iree", "local_sync_hoisted"),
)

# Engines that convert the SavedModel (and so need TensorFlow and --saved_model_dir): they take
# any model. The others re-implement the configured RNN, so a user's model has none of their cases.
CONVERTING_ENGINES = ("onnxruntime", "tflite", "openvino", "iree")


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


def cases_of(engines, hoisted=True, kind="rnn"):
    """The cases of the selected engines for a model of `kind`, in CASES order; hoisted=False drops
    HOISTED_VARIANTS, a user's model (kind "model") the engines that re-implement the RNN."""
    return [case._replace(name=case.name.format(kind=kind)) for case in CASES
            if case.engine in engines and (hoisted or case.variant not in HOISTED_VARIANTS)
            and (kind == "rnn" or case.engine in CONVERTING_ENGINES)]


def load_engine(engine, model, workdir):
    """Imports the engine's module and loads (converts) the model for it."""
    module = importlib.import_module(ENGINE_MODULES[engine])
    return module.load(model, workdir)
