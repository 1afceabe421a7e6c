"""The drift control of a comparison: which paths do not depend on TensorFlow, and their B/A band.

Two runs (or the two sides of one interleaved A/B run) differ by more than the
TensorFlow build: the machine drifts (clock, neighbours, cache state). Paths
that never call TensorFlow measure that drift alone. The one rule of which
paths those are (`control_reason`):

  hand/*, bound/*          C++ kernels that link no TensorFlow: always;
  python_compiled/hand*/*  the hand kernel called from Python: always;
  peer/<engine>/*          NumPy or JAX re-implementations on the model's weights,
                           when the engine's packages have the same version on
                           both sides (context.json "packages"): the engine is
                           identical, so only the machine can move it.

Not controls: every python/, cpp_api/, aot/ and python_compiled/aot* path (they
run TensorFlow or code its XLA compiled), tflite/ and peer/onnxruntime/ (their
model file is converted from the SavedModel by TensorFlow's converters).

Each control has a paired spread of B/A: B p10 / A p90 up to B p90 / A p10
over the repetitions (the convention of the Targets table), which holds both
the drift it saw and its own noise. The band runs from the median of the
controls' low ends to the median of their high ends: the drift most controls
agree on. A union of the spreads would let one noisy control (a two-thread
kernel on a shared 2-vCPU machine measured 0.01-1.01 in a real run) widen the
band until it vouches for nothing. A TensorFlow path whose B/A lies inside the
band cannot be told from drift.
"""

import statistics

from tflatency.report import stats

ALWAYS_CONTROL_GROUPS = ("hand", "bound")
HAND_FROM_PYTHON = ("python_compiled", "hand")  # group, variant prefix
ENGINE_PACKAGES = {"numpy": ("numpy",), "jax": ("jax", "jaxlib")}


def _packages(context):
    packages = context.get("packages") if isinstance(context, dict) else None
    return packages if isinstance(packages, dict) else {}


def control_reason(name, context_a, context_b):
    """Why path `name` serves as a drift control (one short phrase), or None if it may depend on TensorFlow."""
    segments = name.split("/")
    group = segments[0]
    variant = segments[1] if len(segments) > 1 else ""
    if group in ALWAYS_CONTROL_GROUPS:
        return "C++ kernel without TensorFlow"
    if (group, variant.split("_")[0]) == HAND_FROM_PYTHON:
        return "hand kernel from Python, without TensorFlow"
    if group == "peer" and variant in ENGINE_PACKAGES:
        a, b = _packages(context_a), _packages(context_b)
        versions = [(p, a.get(p), b.get(p)) for p in ENGINE_PACKAGES[variant]]
        if all(va is not None and va == vb for _, va, vb in versions):
            return "same " + ", ".join(f"{p} {va}" for p, va, _ in versions) + " on both sides"
    return None


def paired_spread(times_a, times_b):
    """(low, high) of B/A over the two sides' repetition times: B p10 / A p90 to B p90 / A p10
    (percentiles interpolated as in stats.py, from any number of repetitions), or (None, None)."""
    if not times_a or not times_b or min(times_a) <= 0:
        return None, None
    a10, a90 = stats.percentile(times_a, 10), stats.percentile(times_a, 90)
    b10, b90 = stats.percentile(times_b, 10), stats.percentile(times_b, 90)
    return b10 / a90, b90 / a10


def band(controls):
    """(median of the lows, median of the highs) of the controls' (low, high) spreads, or None without any."""
    spreads = [(low, high) for low, high in controls if low is not None]
    if not spreads:
        return None
    return statistics.median(low for low, _ in spreads), statistics.median(high for _, high in spreads)


def verdict_against(ratio, change, drift_band):
    """A significant change's verdict against the drift band: "slower"/"faster" when B/A lies
    beyond the band on the side of the change, else "within drift"."""
    low, high = drift_band
    if change > 0 and ratio > high:
        return "slower"
    if change < 0 and ratio < low:
        return "faster"
    return "within drift"


def beyond(ratio, drift_band):
    """How far B/A lies outside the band, as a fraction (ratio / high - 1 above, ratio / low - 1 below; 0 inside)."""
    low, high = drift_band
    if ratio > high:
        return ratio / high - 1.0
    if ratio < low:
        return ratio / low - 1.0
    return 0.0
