"""Benchmark names: google-benchmark's row name -> (path name, group, kind), and report order.

A path is named <group>/<variant>/<kind> (python/signature/rnn, aot/znver5/rnn;
a user's model (scripts/bench --saved_model/--keras) has kind `model`)
or bound/<name>. google-benchmark appends segments to the registered name
(/real_time, /manual_time, /iterations:N, /repeats:N, /min_time:X, /threads:N)
and, on aggregate rows, _<aggregate_name> (_mean, _median, _stddev, _cv); both
are stripped here. Groups this module does not know (hand, tflite, peer, ...)
pass through: their kind is the last segment of the name.

Precision is part of the name too: a variant (or a bound's name) with a
`_bf16` or `_int8` segment computes with weights of that precision
(hand/avx2_int8/rnn, tflite/interpreter/one_thread_int8/rnn,
bound/weight_stream_bf16); every other path is fp32. Its fp32 twin is the same
name without that segment, nor one naming the dot product that narrows the
activations too (hand/avx512_int8_vnni/rnn: AVX512_VNNI; hand/avx512_bf16_dpbf16/rnn:
AVX512_BF16) (hand/avx2/rnn, hand/avx512/rnn, bound/weight_stream). Its own bound
is the weight-streaming bound of the same precision and dot product
(bound/weight_stream_int8, bound/weight_stream_int8_vnni).
"""

import re

KINDS = ("rnn", "model", "trivial", "bound")
FP32 = "fp32"
REDUCED_PRECISIONS = ("bf16", "int8")  # tflatency.golden.PRECISIONS beyond fp32
PRECISION_BYTES = {FP32: 4, "bf16": 2, "int8": 1}  # per weight
PRECISION_METHODS = ("vnni", "dpbf16")  # dot products that qualify a reduced precision (not in the fp32 twin)

# Order of the report's rows: by kind, then group, then variant, then name.
_KIND_ORDER = {"rnn": 0, "model": 0, "trivial": 1, "bound": 3}
_GROUP_ORDER = ("python", "python_compiled", "cpp_api", "aot", "hand", "tflite", "peer", "bound")
_VARIANT_ORDER = {
    "python": ("signature", "tf_function", "eager", "xla_jit"),
    "cpp_api": ("default_threads", "one_thread", "inline"),
    "bound": ("original_fma_loop", "fma_peak", "weight_stream", "fma_peak_2cores", "weight_stream_2cores",
              "weight_stream_per_step"),
}

_SUFFIX_SEGMENT = re.compile(
    r"^(real_time|manual_time|process_time|"
    r"(iterations|repeats|threads|min_time|min_warmup_time):[0-9.eE+-]+s?)$")


def canonical_name(row_name, run_name=None, aggregate_name=None):
    """The path name of a benchmark row, without google-benchmark's suffixes."""
    name = run_name if isinstance(run_name, str) and run_name else row_name
    if name is row_name and aggregate_name and name.endswith("_" + aggregate_name):
        name = name[: -len(aggregate_name) - 1]
    segments = name.strip().split("/")
    while len(segments) > 1 and _SUFFIX_SEGMENT.match(segments[-1]):
        segments.pop()
    return "/".join(segments)


def group_of(name):
    return name.split("/", 1)[0]


def kind_of(name):
    """`bound` for bound/<name>; otherwise the last segment (rnn, trivial, or a new kind)."""
    segments = name.split("/")
    if segments[0] == "bound":
        return "bound"
    return segments[-1] if len(segments) > 1 else "unknown"


def variant_of(name):
    segments = name.split("/")
    return segments[1] if len(segments) > 1 else ""


def sort_key(name):
    """Report order: RNN rows, trivial rows, other kinds, bounds; by group, then variant."""
    group, kind, variant = group_of(name), kind_of(name), variant_of(name)
    group_rank = _GROUP_ORDER.index(group) if group in _GROUP_ORDER else len(_GROUP_ORDER)
    variants = _VARIANT_ORDER.get(group, ())
    variant_rank = variants.index(variant) if variant in variants else len(variants)
    return (_KIND_ORDER.get(kind, 2), group_rank, group, variant_rank, name)


def _middle(name):
    """The segments that name a variant: a bound's name, else those between group and kind."""
    segments = name.split("/")
    if segments[0] == "bound":
        return segments, range(1, len(segments))
    return segments, range(1, len(segments) - 1)


def precision_of(name):
    """"bf16" or "int8" for a path whose variant (a bound's name) has that `_`-segment, else "fp32"."""
    segments, middle = _middle(name)
    found = [part for i in middle for part in segments[i].split("_") if part in REDUCED_PRECISIONS]
    return found[-1] if found else FP32


def fp32_twin(name):
    """The fp32 path a reduced-precision one is measured against (its name without the precision
    segment), or None for an fp32 path."""
    if precision_of(name) == FP32:
        return None
    segments, middle = _middle(name)
    for i in middle:
        segments[i] = "_".join(p for p in segments[i].split("_")
                               if p not in REDUCED_PRECISIONS + PRECISION_METHODS)
    return "/".join(segments)


def method_of(name):
    """The dot product a reduced-precision path narrows its activations for ("vnni", "dpbf16"), or None."""
    segments, middle = _middle(name)
    found = [part for i in middle for part in segments[i].split("_") if part in PRECISION_METHODS]
    return found[-1] if found else None


def own_bound_name(name):
    """The weight-streaming bound of a reduced-precision path's precision and dot product, or None (fp32)."""
    precision = precision_of(name)
    if precision == FP32:
        return None
    method = method_of(name)
    return f"bound/weight_stream_{precision}" + (f"_{method}" if method else "")


def reduced_bound_names():
    """Every reduced-precision weight-streaming bound, in report order."""
    return [f"bound/weight_stream_{p}{suffix}" for p in REDUCED_PRECISIONS
            for suffix in [""] + [f"_{m}" for m in PRECISION_METHODS]]
