"""Which programs make up a run, in the order their cases are interleaved (plan.py).

Every path of the investigation: the Python API, the C++ API, XLA AOT (and
PyTorch's AOTInductor, from C++), the hardware's bounds (no per-call pass: they time kernels, not inferences), the
hand kernel, the AOT model from Python, and the engines users pick instead,
unpinned and pinned to one CPU (on 2 cores a multi-threaded runtime can lose
half its speed bouncing between them). C++ google-benchmark 1.7 takes
--benchmark_min_time in plain seconds, the Python package 1.9 wants a unit.
"""

import os

from tflatency.bench import failures
from tflatency.bench.programs import Program

CONTEXT_TARGET = "//python:collect_context"
# What one build makes: every benchmark program, then the context collector.
TARGETS = ("//cc:aot_bench", "//cc:aoti_bench", "//cc:session_bench", "//cc:bound_bench", "//python:py_bench",
           "//python:compiled_bench", "//python:peer_bench", "//cc:hand_bench", CONTEXT_TARGET)
PINNED_SUFFIX = "_pinned"


def pinned_cpu(settings):
    """The CPU the pinned engines run on: --pin_cpu, else the last one."""
    return settings.pin_cpu if settings.pin_cpu is not None else len(os.sched_getaffinity(0)) - 1


# Which program runs the cases of a group (the first segment of a case's name).
GROUP_PROGRAMS = {"python": "//python:py_bench", "cpp_api": "//cc:session_bench", "aot": "//cc:aot_bench",
                  "bound": "//cc:bound_bench", "hand": "//cc:hand_bench", "python_compiled": "//python:compiled_bench",
                  "tflite": "//python:peer_bench", "peer": "//python:peer_bench"}


def _wanted(settings, user_model):
    """[(label, Program options)] in interleaving order."""
    cc, py = settings.min_time, f"{settings.min_time}s"
    return [
        ("//python:py_bench", dict(min_time=py)),
        ("//cc:session_bench", dict(min_time=cc)),
        ("//cc:aot_bench", dict(min_time=cc)),
        # PyTorch's AOTInductor from C++ (n/a, with the reason, without torch or for a user's model).
        ("//cc:aoti_bench", dict(min_time=cc)),
        # The model's size comes with its runner script (//model:model_shape_flags, --flagfile).
        ("//cc:bound_bench", dict(min_time=cc, per_call=False)),
        *([] if user_model else [("//cc:hand_bench", dict(min_time=cc))]),
        ("//python:compiled_bench", dict(min_time=py)),
        ("//python:peer_bench", dict(min_time=py)),
        ("//python:peer_bench", dict(min_time=py, flags=(f"--pin_cpu={pinned_cpu(settings)}",),
                                     name_suffix=PINNED_SUFFIX)),
    ]


def programs(settings, runner_for, user_model=False):
    """(Programs in interleaving order, failures of the targets that could not be prepared).
    runner_for(label) -> the command path that runs it, or None. A user's model has no hand
    kernel (an LSTM/GRU kernel for model configs): not_applicable.py says so in the report."""
    ready, unprepared = [], []
    for label, options in _wanted(settings, user_model):
        runner = runner_for(label)
        if runner is None:
            unprepared.append(failures.Failure(label, f"could not prepare {label} to run"))
        else:
            ready.append(Program(label=label, argv=(runner,), **options))
    return ready, unprepared


def case_program(report_name, settings, user_model=False):
    """(label, Program options, the program's case name) of a report name (peer/onnxruntime/iobinding_pinned/rnn
    -> the pinned peer_bench, case peer/onnxruntime/iobinding/rnn); None if no program runs its group."""
    label = GROUP_PROGRAMS.get(report_name.split("/", 1)[0])
    if label is None:
        return None
    head, slash, last = report_name.rpartition("/")
    pinned = slash and head.endswith(PINNED_SUFFIX)
    case = f"{head[: -len(PINNED_SUFFIX)]}/{last}" if pinned else report_name
    for wanted_label, options in _wanted(settings, user_model):
        if wanted_label == label and (options.get("name_suffix") == PINNED_SUFFIX) == bool(pinned):
            return label, options, case
    return None
