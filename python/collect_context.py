"""Writes context.json: the machine and software a benchmark run measured.

  collect_context --model_config=configs/rnn_547k.json --out=results/X/context.json
      [--pinned_cpu=N] [--aot_target_cpu=znver5] [--bazel_version=...]
  collect_context --model_info=CACHE/<digest>/model_info.json ...   (a user's prepared model)

Everything is read from the running system (and the interpreter Bazel uses),
never typed in, so a report always says what it ran on.
"""

import datetime
import json
import os
import platform
import re
import socket
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from absl import app
from absl import flags

from tflatency.model_config import ConfigError, fma_count, load_config
from tflatency.peers import quiet

_MODEL_CONFIG = flags.DEFINE_string("model_config", None, "Model config JSON.")
_MODEL_INFO = flags.DEFINE_string("model_info", None, "model_info.json of a user's model prepared by tflatency.prepare.")
_OUT = flags.DEFINE_string("out", None, "Where to write context.json.", required=True)
_PINNED_CPU = flags.DEFINE_integer("pinned_cpu", None, "CPU the benchmarks were pinned to, if any.")
_AOT_TARGET_CPU = flags.DEFINE_string("aot_target_cpu", "unknown", "LLVM CPU the AOT path was compiled for.")
_BAZEL_VERSION = flags.DEFINE_string("bazel_version", "unknown", "Bazel version used to build.")
_GIT_COMMIT = flags.DEFINE_string("git_commit", "unknown", "Commit of tflatency that was measured.")


def _cpuinfo():
    fields = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def _cache_sizes():
    sizes = {}
    base = "/sys/devices/system/cpu/cpu0/cache"
    for index in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        try:
            with open(f"{base}/{index}/level") as f:
                level = f.read().strip()
            with open(f"{base}/{index}/type") as f:
                kind = f.read().strip()
            with open(f"{base}/{index}/size") as f:
                size = f.read().strip()
        except OSError:
            continue
        if kind != "Instruction":
            sizes[f"L{level}"] = size
    return sizes


def _compiler_version():
    try:
        out = subprocess.run(["cc", "--version"], capture_output=True, text=True, timeout=10).stdout
        return out.splitlines()[0] if out else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _package_version(name):
    from importlib import metadata
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# Versions recorded in context.json: TensorFlow's wheels, and the engines whose sameness on two
# sides makes their paths a drift control of a comparison (tflatency/report/control.py).
PACKAGES = ("tensorflow-cpu", "tensorflow", "tf-nightly", "tf-nightly-cpu", "numpy", "jax", "jaxlib",
            "onnxruntime", "ai-edge-litert", "tf2onnx", "google-benchmark")


# What the report shows of a user's prepared model (its model_info.json's fields).
_USER_MODEL_FIELDS = ("source", "inputs", "outputs", "fma_source", "fma_reason", "weight_source", "xla",
                      "golden_input", "batch_defaulted")


def model_fields(config=None, info=None):
    """context.json's model, fma_count and weight_bytes: of a config, or of a prepared model's info."""
    if config is not None:
        return {"model": config.to_dict(), "fma_count": fma_count(config), "weight_bytes": 4 * config.weight_count()}
    model = {"name": info["model"], "kind": info["kind"], **{k: info.get(k) for k in _USER_MODEL_FIELDS}}
    fields = {"model": model, "fma_count": info.get("fma_count"), "weight_bytes": info.get("weight_bytes")}
    if info.get("fma_count") is None:
        fields["fma_reason"] = info.get("fma_reason") or "not counted"
    return fields


def collect(model):
    """The context of a run on `model` (model_fields' dict)."""
    with quiet.filtered_stderr():  # TF's C++ start-up lines ignore TF_CPP_MIN_LOG_LEVEL
        import tensorflow as tf
    cpu = _cpuinfo()
    cpu_flags = cpu.get("flags", "").split()
    return {
        "host": socket.gethostname(),
        "started_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu_model": cpu.get("model name", platform.processor() or "unknown"),
        "cpu_flags": sorted(f for f in cpu_flags if re.match(r"^(avx|fma|amx|sse4)", f)),
        "cores": os.cpu_count(),
        "caches": _cache_sizes(),
        "kernel": platform.release(),
        "python_version": platform.python_version(),
        "python": sys.executable,
        "tf_version": tf.__version__,
        "tf_git_version": tf.version.GIT_VERSION,
        "tf_location": os.path.dirname(tf.__file__),
        "packages": {name: _package_version(name) for name in PACKAGES},
        "compiler": _compiler_version(),
        "bazel_version": _BAZEL_VERSION.value,
        "aot_target_cpu": _AOT_TARGET_CPU.value,
        "git_commit": _GIT_COMMIT.value,
        "pinned_cpu": _PINNED_CPU.value,
        **model,
    }


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected argument {argv[1]!r}")
    if bool(_MODEL_CONFIG.value) == bool(_MODEL_INFO.value):
        sys.exit("collect_context: give exactly one of --model_config and --model_info")
    if _MODEL_INFO.value:
        try:
            with open(_MODEL_INFO.value, encoding="utf-8") as f:
                model = model_fields(info=json.load(f))
        except (OSError, ValueError, KeyError) as e:
            sys.exit(f"collect_context: --model_info={_MODEL_INFO.value}: cannot read: {e}")
    else:
        try:
            model = model_fields(config=load_config(_MODEL_CONFIG.value))
        except ConfigError as e:
            sys.exit(f"collect_context: {e}")
    context = collect(model)
    tmp = _OUT.value + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(context, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, _OUT.value)


if __name__ == "__main__":
    app.run(main)
