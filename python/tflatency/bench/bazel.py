"""Bazel alone: build the targets, make `bazel run` scripts, read facts from the output base.

A runner script (`bazel run --script_path`) starts a target with its runfiles
exactly as `bazel run` would, without holding Bazel's lock while it runs: the
orchestrator runs every case through one. Bazel runs in its own session like
every child (process.py); on Ctrl-C it gets SIGINT, its own way to cancel.
"""

import os
import re
import signal
import subprocess

from tflatency.bench import process

QUIET = ("--ui_event_filters=-info,-stdout,-stderr", "--noshow_progress")
_STOP = dict(stop_signal=signal.SIGINT, grace=5.0)  # cancelling a build takes Bazel a moment
_HOST_TARGET_CPU = re.compile(r'^HOST_TARGET_CPU = "(.*)"$', re.MULTILINE)


def build(targets, env):
    """True if `bazel build` of the targets succeeded; Bazel's own errors go to stderr."""
    return process.run(["bazel", "build", *QUIET, *targets], env=env, **_STOP).ok


def runner_script(target, folder, env):
    """The path of a script in `folder` that runs `target` like `bazel run`, or None if Bazel could not make it."""
    script = os.path.join(folder, target.replace("/", "_").replace(":", "_"))
    exit = process.run(["bazel", "run", *QUIET, f"--script_path={script}", target], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **_STOP)
    return script if exit.ok else None


def host_target_cpu(env):
    """The AOT compiler's CPU for this machine, as @tf_python's defs.bzl records it, or None."""
    exit, output_base = process.output(["bazel", "info", "output_base"], env=env,
                                       stderr=subprocess.DEVNULL, **_STOP)
    if not exit.ok:
        return None
    try:
        with open(os.path.join(output_base.strip(), "external", "tf_python", "defs.bzl"), encoding="utf-8") as f:
            match = _HOST_TARGET_CPU.search(f.read())
    except OSError:
        return None
    return match.group(1) if match else None


def version():
    """Debian's bazel-bootstrap package version, else what `bazel --version` says."""
    exit, text = process.output(["dpkg-query", "-W", "-f=${Version}", "bazel-bootstrap"],
                                stderr=subprocess.DEVNULL)
    if exit.ok and text.strip():
        return text.strip()
    exit, text = process.output(["bazel", "--version"], stderr=subprocess.DEVNULL)
    return text.strip() or "unknown"
