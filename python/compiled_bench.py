"""//python:compiled_bench: the AOT-compiled model called from Python (group python_compiled).

  bazel run //python:compiled_bench -- --benchmark_repetitions=9 --benchmark_format=json

Cases:
  python_compiled/aot/rnn      compiled.load(model)(x): a new output array per call
  python_compiled/aot_out/rnn  the same with out=y, writing into a preallocated array
  python_compiled/aot_hoisted_tuned/rnn  compiled.load(model, "hoisted_tuned")(x): the
                               graph with hoisted input projections, tuned XLA flags
                               (//model:model_aot_hoisted_tuned), gated on the default
                               model's golden output
  python_compiled/aot/trivial  the AOT trivial multiply, 6 * 7 in int32
  python_compiled/hand/rnn     the hand-written kernel (cc/hand/rnn.h) on one core
  python_compiled/hand_2threads/rnn  the same split across two cores
  python_compiled/hand_bf16/rnn, python_compiled/hand_int8/rnn  the hand kernel on one core
                               with bf16 / int8 weights (compiled.load_hand(precision=...)),
                               gated by max |got - golden| <= the golden info.json's
                               reduced_precision_atol
  python_compiled/hand_int8_vnni/rnn, python_compiled/hand_bf16_dpbf16/rnn  the same weights
                               with x and h narrowed too (activations=precision), for
                               AVX512_VNNI / AVX512_BF16; n/a with the reason without it

A user's model (golden files of kind "model") has python_compiled/aot/model and,
with one output, python_compiled/aot_out/model, when XLA can compile it (its
model_info.json says); inputs are passed by name, outputs come back by name.

Each case is checked on the golden input before it is timed (tflatency.gated_bench).
--per_call_out=FILE [--per_call_count=N] times the one case --benchmark_filter
selects call by call instead (loading = compiled.load; tflatency/per_call.py).
Exit status: 0 all cases passed, 1 a golden check failed, 2 bad flags or inputs.
"""

import functools
import platform
import sys

from absl import flags
import numpy as np

from tflatency import compiled
from tflatency import gated_bench
from tflatency import golden_check

_GOLDEN_PREFIX = flags.DEFINE_string("golden_prefix", None, "Path prefix of the RNN's golden files.")
_TRIVIAL_GOLDEN_PREFIX = flags.DEFINE_string("trivial_golden_prefix", None, "Path prefix of the trivial multiply's golden files.")

PROGRAM = "compiled_bench"


def _load(golden, use_out, variant=""):
    def load():
        model = compiled.load(golden.model, variant)
        inputs = dict(golden.named_inputs)  # read_golden gives C-contiguous arrays (0-d ones stay 0-d)
        if use_out:
            out = np.empty_like(golden.output)
            return lambda: model(**inputs, out=out)
        return lambda: model(**inputs)
    return load


def _load_hand(golden, threads, precision="fp32", activations="fp32"):
    def load():
        try:
            model = compiled.load_hand(golden.prefix, threads=threads, precision=precision, activations=activations)
        except ValueError as e:
            if "does not support" in str(e):  # this CPU lacks the ISA: the row is n/a, not a failure
                raise gated_bench.CaseError(f"n/a: {e}") from None
            raise
        x = golden.inputs[0]
        return lambda: model(x)
    return load


def main(argv):
    gated_bench.parse_flags(argv, PROGRAM, __doc__)
    goldens = {}
    for flag in (_GOLDEN_PREFIX, _TRIVIAL_GOLDEN_PREFIX):
        if not flag.value:
            gated_bench.fail_usage(PROGRAM, f"--{flag.name} is required (`bazel run //python:{PROGRAM}` supplies it)")
        try:
            goldens[flag.name] = golden_check.load(flag.value)
        except golden_check.GoldenError as e:
            gated_bench.fail_usage(PROGRAM, f"--{flag.name}={e}")
    model, trivial = goldens["golden_prefix"], goldens["trivial_golden_prefix"]
    kind = model.info.get("kind", "rnn")
    if kind == "rnn" or model.info.get("xla", {}).get("compiles"):
        gated_bench.add_case(f"python_compiled/aot/{kind}", _load(model, use_out=False), model.check,
                             model.fma_count)
        if len(model.output_names) == 1:  # out= takes one array
            gated_bench.add_case(f"python_compiled/aot_out/{kind}", _load(model, use_out=True), model.check,
                                 model.fma_count)
    if kind == "rnn":  # the hoisted graph and the hand kernel exist for RNN configs
        gated_bench.add_case("python_compiled/aot_hoisted_tuned/rnn", _load(model, False, "hoisted_tuned"),
                             model.check, model.fma_count)
        for threads, variant in ((1, "hand"), (2, "hand_2threads")):
            gated_bench.add_case(f"python_compiled/{variant}/rnn", _load_hand(model, threads), model.check,
                                 model.fma_count)
        for precision, dot_product in (("bf16", "dpbf16"), ("int8", "vnni")):
            check = functools.partial(model.check, precision=precision)
            gated_bench.add_case(f"python_compiled/hand_{precision}/rnn", _load_hand(model, 1, precision), check,
                                 model.fma_count)
            gated_bench.add_case(f"python_compiled/hand_{precision}_{dot_product}/rnn",
                                 _load_hand(model, 1, precision, precision), check, model.fma_count)
    gated_bench.add_case("python_compiled/aot/trivial", _load(trivial, use_out=False), trivial.check,
                         trivial.fma_count)
    # A callable: the per-call mode must not import the compiled module before it times loading.
    return gated_bench.run(PROGRAM, lambda: _context(model, trivial))


def _context(model, trivial):
    kind = model.info.get("kind", "rnn")
    compiles = kind == "rnn" or model.info.get("xla", {}).get("compiles")
    module = compiled.module(model.model) if compiles else compiled.module(trivial.model)
    context = {
        "model": model.model,
        "fma_count": model.fma_count,
        "aot_target_cpu": module.target_cpu,
        "binding": module.binding,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
    }
    if kind == "rnn":
        context["aot_hoisted_tuned_xla_flags"] = compiled.module(model.model, "hoisted_tuned").xla_flags
    return context


if __name__ == "__main__":
    sys.exit(main(sys.argv))
