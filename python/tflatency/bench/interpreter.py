"""Checks the interpreter of an A/B run's side B (`scripts/bench --ab=PYTHON`) before anything runs.

Side B builds every C++ path against the TensorFlow of that interpreter and runs
every Python path on it, so it must run, import TensorFlow, ship what
third_party/tf_python/tf_python.bzl links from the wheel (WHEEL_ENTRIES: the
same four entries that rule symlinks), and import the packages the benchmark
programs need. A problem is one UsageError line naming the interpreter and
what is missing (exit status 2), found in a few seconds by one probe process.
"""

import json
import os
import subprocess

from tflatency.bench.errors import UsageError

FLAG = "--ab"
# Entries of the wheel's tensorflow/ folder, and what each is for.
WHEEL_ENTRIES = (
    ("include", "the C++ headers"),
    ("xla_aot_runtime_src", "the XLA AOT runtime sources"),
    ("libtensorflow_cc.so.2", "the C++ API library"),
    ("libtensorflow_framework.so.2", "the framework library"),
)
# What the Python benchmark programs import besides TensorFlow (module names).
PACKAGES = ("absl", "numpy", "google_benchmark")
PROBE_TIME_LIMIT_SECONDS = 180

_PROBE = r"""
import importlib.util, json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
try:
    import tensorflow as tf
except BaseException as e:
    print(json.dumps({"error": (str(e).strip().splitlines() or [type(e).__name__])[-1]}))
    sys.exit(0)
print(json.dumps({"tf_dir": os.path.dirname(tf.__file__), "tf_version": getattr(tf, "__version__", "unknown"),
                  "missing": [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]}))
"""


def check(python):
    """{"python", "tf_version", "tf_dir"} of a usable side-B interpreter; UsageError otherwise."""
    where = f"{FLAG}={python}"
    if not os.path.exists(python):
        raise UsageError(f"{where}: no such interpreter")
    if os.path.isdir(python) or not os.access(python, os.X_OK):
        raise UsageError(f"{where}: not an executable interpreter")
    try:
        result = subprocess.run([python, "-c", _PROBE, *PACKAGES], capture_output=True, text=True,
                                timeout=PROBE_TIME_LIMIT_SECONDS, stdin=subprocess.DEVNULL)
    except OSError as e:
        raise UsageError(f"{where}: cannot run it: {e.strerror or e}") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{where}: importing tensorflow took more than {PROBE_TIME_LIMIT_SECONDS}s") from None
    lines = result.stdout.strip().splitlines()
    try:
        info = json.loads(lines[-1]) if lines else None
    except ValueError:
        info = None
    if not isinstance(info, dict):
        last = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise UsageError(f"{where}: not a Python interpreter that runs the probe: {last}")
    if "error" in info:
        raise UsageError(f"{where}: cannot import tensorflow: {info['error']}")
    tf_dir, version = info["tf_dir"], info["tf_version"]
    for entry, what in WHEEL_ENTRIES:
        if not os.path.exists(os.path.join(tf_dir, entry)):
            raise UsageError(f"{where}: its TensorFlow {version} lacks {what} ({tf_dir}/{entry}): the C++ API "
                             "and XLA AOT paths are built from a wheel that ships them")
    if info["missing"]:
        raise UsageError(f"{where}: cannot import {', '.join(info['missing'])}: install requirements.in's "
                         "other packages into it")
    return {"python": python, "tf_version": version, "tf_dir": tf_dir}
