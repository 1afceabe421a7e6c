"""Which paths a profiled run covers, and which profiler each program gets.

The main paths (issue 16): TF Python's signature call, the trivial tf.function
(the Python call's fixed cost) and XLA JIT; the C++ API in its three thread
configurations; the fastest AOT build; the AOT model from Python; the fastest
LiteRT and the fastest ONNX Runtime row. Each is a pattern on the case's
report name, `{kind}` being the benchmarked model's kind (rnn or model).
Every program gets perf (tool_for); py-spy is an option for the Python ones.
"""

import re

EVERY = "every"      # every case the pattern matches is profiled
FASTEST = "fastest"  # only the fastest of them (per-call median)

MAIN_PATHS = (
    (r"^python/signature/{kind}$", EVERY),
    (r"^python/tf_function/trivial$", EVERY),
    (r"^python/xla_jit/{kind}$", EVERY),
    (r"^cpp_api/(default_threads|one_thread|inline)/{kind}$", EVERY),
    (r"^aot/[^/]+/{kind}$", FASTEST),
    (r"^python_compiled/aot/{kind}$", EVERY),
    (r"^tflite/.+/{kind}$", FASTEST),
    (r"^peer/onnxruntime/.+/{kind}$", FASTEST),
)
PYTHON_PROGRAM_PREFIX = "//python:"


def tool_for(program_label, py_spy=False):
    """'perf' for every program (all threads, the same event everywhere); with py_spy, 'py-spy' for the
    Python programs (their Python frames; scripts/profile --py_spy). py-spy --native stops the process
    for each sample and unwinds every thread: on TensorFlow, on this 2-core machine under load, it fell
    seconds behind even at 50 Hz, so it is not the default."""
    return "py-spy" if py_spy and program_label.startswith(PYTHON_PROGRAM_PREFIX) else "perf"


def main_kind(names):
    """'model' when the run is on a user's model (its cases end in /model), else 'rnn'."""
    return "model" if any(n.endswith("/model") for n in names) else "rnn"


def select(medians):
    """The report names to profile, in MAIN_PATHS order, from {report name: per-call median us or None}
    (the cases that ran clean). A FASTEST pattern takes the one with the least median."""
    kind = main_kind(medians)
    chosen = []
    for pattern, how in MAIN_PATHS:
        regex = re.compile(pattern.format(kind=kind))
        matches = [name for name in medians if regex.search(name)]
        if how == FASTEST:
            timed = [n for n in matches if medians[n] is not None]
            matches = [min(timed, key=lambda n: medians[n])] if timed else []
        chosen.extend(n for n in matches if n not in chosen)
    return chosen
