"""What a peer_bench run measured with: engine versions, pinning, conversion times.

Two places get it: google-benchmark's JSON `context` block (flat string
values, via benchmark.add_custom_context, as //python:py_bench does) and the
--context_out JSON sidecar (nested, with each case's golden check result).
"""

import json
import os
import platform


def base_context(model, pinned_cpu, engines):
    """Context known before any engine loads."""
    import numpy as np  # pylint: disable=g-import-not-at-top
    import google_benchmark  # pylint: disable=g-import-not-at-top
    return {
        "program": "peer_bench",
        "model": model.golden.model,
        "fma_count": model.golden.fma_count,
        "golden_tolerance": model.golden.tolerance_text(),
        "weights_file": model.weights_path,
        "pinned_cpu": pinned_cpu,
        "cpu_affinity": sorted(os.sched_getaffinity(0)),
        "engines_selected": list(engines),
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "google_benchmark_python_version": google_benchmark.__version__,
        "engines": {},
        "engine_errors": {},
        "cases": {},
    }


def flat_for_benchmark(context):
    """String key/values for google-benchmark's context block."""
    flat = {key: context[key] for key in ("model", "fma_count", "golden_tolerance", "pinned_cpu",
                                         "python_version", "numpy_version",
                                         "google_benchmark_python_version")}
    flat["cpu_affinity"] = ",".join(map(str, context["cpu_affinity"]))
    flat["engines_selected"] = ",".join(context["engines_selected"])
    for engine, values in context["engines"].items():
        for key, value in values.items():
            flat[key if key.startswith(engine) else f"{engine}_{key}"] = value
    for engine, reason in context["engine_errors"].items():
        flat[f"{engine}_error"] = reason
    return {key: "none" if value is None else str(value) for key, value in flat.items()}


def resolve_path(path):
    """A relative path is taken from where `bazel run` was called (not the runfiles tree)."""
    if not os.path.isabs(path) and os.environ.get("BUILD_WORKING_DIRECTORY"):
        return os.path.join(os.environ["BUILD_WORKING_DIRECTORY"], path)
    return path


def write(context, path):
    """Writes the sidecar atomically to resolve_path(path); returns that path."""
    path = resolve_path(path)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(context, f, indent=2, sort_keys=True, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)
    return path
