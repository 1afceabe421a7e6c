"""Python access to AOT-compiled models: `compiled.load("rnn_547k")(x)`.

Each tf_aot_library(python_module = True) target `<lib>` provides an extension
module `<lib>_py` (pybind11; see tfcompile/aot_python_module.h) whose
`model_name` is the config's name and whose `variant` names the build (the
tf_aot_library's variant: "" for TF's default flags). The benchmarked models
are `//model:model_aot` (module `model_aot_py`) and `//model:model_aot_hoisted_tuned`
(variant "hoisted_tuned": the graph with hoisted input projections, tuned XLA
flags), built for scripts/bench's --model_config. `load` finds the module for a
model name and variant and returns a new instance; calling it runs one
inference on NumPy arrays of the model's exact dtype and shape.
"""

import importlib

# Modules tried for a name, in order: "<name>_aot_py", then these.
_KNOWN_MODULES = ("model_aot_py", "model_aot_hoisted_tuned_py", "trivial_multiply_aot_py")


def module(name, variant=""):
    """The extension module compiled for model `name` (e.g. "rnn_547k") in build `variant`."""
    tried = []
    for candidate in (f"{name}_aot_py",) + _KNOWN_MODULES:
        try:
            found = importlib.import_module(candidate)
        except ImportError:
            tried.append(candidate)
            continue
        if (found.model_name, found.variant) == (name, variant):
            return found
        tried.append(f"{candidate} (holds '{found.model_name}', variant '{found.variant}')")
    raise ImportError(f"no compiled model '{name}', variant '{variant}' (tried {', '.join(tried)}): add a "
                      "tf_aot_library(python_module = True) for it to the program's deps")


def load(name, variant=""):
    """A new instance of compiled model `name` (build `variant`): instance(*inputs, out=None) -> output."""
    return module(name, variant).Model()


def load_hand(prefix, threads=1, isa="auto", precision="fp32", activations="fp32"):
    """The hand-written kernel (cc/hand/rnn.h) on an exported model's files, e.g. "model/model".

    threads=2 splits one inference across two cores; isa forces "avx512", "avx2" or "scalar";
    precision "bf16" or "int8" packs the weights so at load (fp32 accumulation); activations set to
    the same precision narrows x and h too, for AVX512_BF16's or AVX512_VNNI's dot products
    (cc/hand/rnn_plan.h; int8: the model's input in two 8-bit digits, tflatency/quantized_emulation.py).
    ValueError names the reason where this CPU cannot run the kernel asked for.
    """
    import hand_rnn_py  # pylint: disable=g-import-not-at-top  (only programs that depend on //cc/hand:hand_rnn_py)
    return hand_rnn_py.HandModel(prefix, threads=threads, isa=isa, precision=precision, activations=activations)
