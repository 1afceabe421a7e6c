"""Can XLA compile the model, and its HLO if so: `tf.function(jit_compile=True).experimental_get_compiler_ir`.

This answers in about a second what the AOT compiler would fail on after
minutes, and names the ops it lacks: XLA's CPU backend reports them as
"Detected unsupported operations when trying to compile graph ... on
XLA_CPU_JIT: SegmentSum (No registered 'SegmentSum' OpKernel ...)".
"""

import re

from tflatency.prepare import saved_model

_UNSUPPORTED = re.compile(r"([A-Za-z0-9_]+) \(No registered '([A-Za-z0-9_]+)' OpKernel for XLA_CPU_JIT")


def reason_of(error_text):
    """A one-line reason XLA could not compile, naming the unsupported ops when it says which."""
    ops = sorted({m.group(2) for m in _UNSUPPORTED.finditer(error_text)})
    if ops:
        return f"XLA cannot compile op{'s' if len(ops) > 1 else ''} {', '.join(ops)} (no XLA CPU kernel)"
    lines = [line.strip() for line in error_text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else "unknown error"
    first = re.sub(r"^Failed getting HLO text: ", "", first).strip("'\" ")
    return "XLA cannot compile the model: " + first[:240]


def hlo_text(function, static_inputs):
    """(unoptimised HLO text, "") when XLA compiles `function` at the static inputs, else (None, reason)."""
    tf = saved_model.import_tensorflow()
    names = [t.name for t in static_inputs]
    jit = tf.function(lambda *args: function(**dict(zip(names, args))), jit_compile=True)
    zeros = [tf.zeros(t.shape, t.dtype) for t in static_inputs]
    try:
        return jit.experimental_get_compiler_ir(*zeros)(stage="hlo"), ""
    except Exception as e:  # pylint: disable=broad-except  (InvalidArgumentError, UnimplementedError, ...)
        return None, reason_of(str(e))
