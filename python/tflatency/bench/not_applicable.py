"""The paths that cannot apply to a user's model, each with its reason (the results folder's not_applicable.json).

A user's model (scripts/bench --saved_model / --keras) runs every path that can
take any SavedModel; the ones built for the configured RNN cannot, and neither
can XLA's paths when XLA cannot compile the model, nor the FMA bound when its
FMA count is unknown. Each of them is a row with status n/a and this reason in
the report, never a missing row and never FAILED. What only turns out at run
time (a converter that fails, an engine without an op) the program itself
reports as n/a (an error message starting "n/a: ").
"""

import json
import os

from tflatency.bench.matrix import PINNED_SUFFIX
from tflatency.peers import cases as peer_cases

FILE = "not_applicable.json"
KIND = "model"  # the last segment of a user's model's case names

_RNN_ONLY = ("exists for model configs only (--model_config): it re-implements or rewrites the configured "
             "LSTM/GRU, and a user's model is only its SavedModel")
_HOISTED = ("the hoisted graph is a rewrite of a configured RNN (each layer's input projection for all time "
            "steps in one matmul)")

_PYTORCH = ("PyTorch has no converter from a SavedModel: its rows rebuild a configured LSTM/GRU as "
            "torch.nn.LSTM/GRU from the exported weights")
_PYTORCH_VARIANTS = tuple(case.variant for case in peer_cases.CASES if case.engine == "pytorch")


def rows(info, aot_target_cpu):
    """[(path name, one-line reason)] for a prepared model's model_info.json `info`."""
    cpu = aot_target_cpu or "unknown"
    out = [
        (f"python/eager/{KIND}", "eager re-runs a model config's Python code (tflatency.rnn_model); a user's "
                                 "model has no Python code here, its signature and tf.function rows time it"),
        (f"hand/kernel/{KIND}", f"the hand-written kernel {_RNN_ONLY}"),
        (f"python_compiled/hand/{KIND}", f"the hand-written kernel {_RNN_ONLY}"),
        (f"python_compiled/hand_2threads/{KIND}", f"the hand-written kernel {_RNN_ONLY}"),
        (f"python_compiled/hand_bf16/{KIND}", f"the hand-written kernel (bf16 weights) {_RNN_ONLY}"),
        (f"python_compiled/hand_int8/{KIND}", f"the hand-written kernel (int8 weights) {_RNN_ONLY}"),
        (f"hand/kernel_bf16/{KIND}", f"the hand-written kernel (bf16 weights) {_RNN_ONLY}"),
        (f"hand/kernel_int8/{KIND}", f"the hand-written kernel (int8 weights) {_RNN_ONLY}"),
        (f"python_compiled/hand_bf16_dpbf16/{KIND}", f"the hand-written kernel (bf16 weights) {_RNN_ONLY}"),
        (f"python_compiled/hand_int8_vnni/{KIND}", f"the hand-written kernel (int8 weights) {_RNN_ONLY}"),
        (f"aot/{cpu}_hoisted/{KIND}", _HOISTED),
        (f"aot/{cpu}_hoisted_tuned/{KIND}", _HOISTED),
        (f"python_compiled/aot_hoisted_tuned/{KIND}", _HOISTED),
        ("bound/original_fma_loop", "the original investigation's loop for its RNN's FMA count"),
        ("bound/weight_stream_per_step", "an RNN's matrices once per time step: the naive order of an RNN"),
        ("bound/weight_stream_bf16", "the bf16 weight stream is the hand kernel's (an RNN's) bound"),
        ("bound/weight_stream_int8", "the int8 weight stream is the hand kernel's (an RNN's) bound"),
        ("bound/weight_stream_bf16_dpbf16", "the bf16 weight stream is the hand kernel's (an RNN's) bound"),
        ("bound/weight_stream_int8_vnni", "the int8 weight stream is the hand kernel's (an RNN's) bound"),
        ("bound/fma_peak_2cores", "split along an RNN's time steps; for any model only the one-core FMA "
                                   "bound is measured"),
    ]
    for suffix in ("", PINNED_SUFFIX):
        out += [(f"peer/jax/jit{suffix}/{KIND}", f"JAX {_RNN_ONLY}"),
                (f"peer/numpy/plain{suffix}/{KIND}", f"NumPy {_RNN_ONLY}"),
                (f"peer/onnxruntime/iobinding_hoisted{suffix}/{KIND}", _HOISTED),
                (f"tflite/interpreter/one_thread_hoisted{suffix}/{KIND}", _HOISTED),
                (f"peer/openvino/one_thread_hoisted{suffix}/{KIND}", _HOISTED),
                (f"peer/iree/local_sync_hoisted{suffix}/{KIND}", _HOISTED)]
        out += [(f"peer/pytorch/{variant}{suffix}/{KIND}", _PYTORCH) for variant in _PYTORCH_VARIANTS]
    several_outputs = len(info.get("outputs") or ()) > 1
    if several_outputs:
        out.append((f"python_compiled/aot_out/{KIND}", "out= fills one preallocated array; a model with several "
                                                       "outputs returns them by name (python_compiled/aot)"))
    xla = info.get("xla", {})
    if not xla.get("compiles"):
        reason = xla.get("reason") or "XLA cannot compile the model"
        for name in (f"aot/{cpu}/{KIND}", f"aot/{cpu}_tuned/{KIND}", f"aot/haswell/{KIND}",
                     f"aot/generic/{KIND}", f"python/xla_jit/{KIND}", f"python_compiled/aot/{KIND}") + (
                         () if several_outputs else (f"python_compiled/aot_out/{KIND}",)):
            out.append((name, reason))
    if info.get("fma_count") is None:
        out.append(("bound/fma_peak", "the model's FMA count is unknown: " + (info.get("fma_reason") or
                                                                            "not counted") +
                    " (--fma_count=N gives it)"))
    return out


def write(folder, entries):
    """not_applicable.json: [{"name", "reason"}]."""
    with open(os.path.join(folder, FILE), "w", encoding="utf-8") as f:
        json.dump([{"name": name, "reason": reason} for name, reason in entries], f, indent=1)
        f.write("\n")
