"""Bazel alone: build the targets, make `bazel run` scripts, read facts from the output base.

A runner script (`bazel run --script_path`) starts a target with its runfiles
exactly as `bazel run` would, without holding Bazel's lock while it runs: the
orchestrator runs every case through one. Bazel runs in its own session like
every child (process.py); on Ctrl-C it gets SIGINT, its own way to cancel.

Every call takes `startup`, Bazel's startup options: `scripts/bench --ab` builds
side B against another interpreter in an output base of its own
(ab_output_base), so the two sides' builds and runfiles never replace each other.
"""

import hashlib
import os
import re
import signal
import subprocess

from tflatency.bench import process

QUIET = ("--ui_event_filters=-info,-stdout,-stderr", "--noshow_progress")
_STOP = dict(stop_signal=signal.SIGINT, grace=5.0)  # cancelling a build takes Bazel a moment
_HOST_TARGET_CPU = re.compile(r'^HOST_TARGET_CPU = "(.*)"$', re.MULTILINE)


AB_OUTPUT_BASES = os.path.join("~", ".cache", "tflatency", "ab_output_bases")


def ab_output_base(root, python):
    """The output base of an A/B run's side B: one per (clone, interpreter), kept between runs so
    a second run rebuilds nothing. The interpreter's path is not resolved: two venvs share one binary."""
    key = hashlib.sha256(f"{os.path.abspath(root)}\0{os.path.abspath(python)}".encode()).hexdigest()[:16]
    return os.path.join(os.path.expanduser(AB_OUTPUT_BASES), key)


def build(targets, env, startup=()):
    """True if `bazel build` of the targets succeeded; Bazel's own errors go to stderr."""
    return process.run(["bazel", *startup, "build", *QUIET, *targets], env=env, **_STOP).ok


def runner_script(target, folder, env, startup=()):
    """The path of a script in `folder` that runs `target` like `bazel run`, or None if Bazel could not make it."""
    script = os.path.join(folder, target.replace("/", "_").replace(":", "_"))
    exit = process.run(["bazel", *startup, "run", *QUIET, f"--script_path={script}", target], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **_STOP)
    return script if exit.ok else None


def shutdown(env, startup=()):
    """Stops the Bazel server of that output base (side B's: it would otherwise hold its memory)."""
    process.run(["bazel", *startup, "shutdown"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def host_target_cpu(env, startup=()):
    """The AOT compiler's CPU for this machine, as @tf_python's defs.bzl records it, or None."""
    exit, output_base = process.output(["bazel", *startup, "info", "output_base"], env=env,
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
