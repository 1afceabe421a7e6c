"""context.json: the machine, the software and the model of a run.

//python:collect_context writes it; this module gathers what only the
orchestrator knows (the AOT target CPU from Bazel's output base, Bazel's
version, the project's git commit, the pinned CPU) and passes it as flags.
"""

import subprocess

from tflatency.bench import bazel
from tflatency.bench import process

CONTEXT_FILE = "context.json"


def git_commit():
    exit, text = process.output(["git", "rev-parse", "--short", "HEAD"], stderr=subprocess.DEVNULL)
    return text.strip() if exit.ok and text.strip() else "unknown"


def collect(runner, model_flag, out, pin_cpu, env, aot_target_cpu):
    """Runs collect_context's runner script writing `out`; True if it succeeded.
    model_flag: --model_config=PATH, or --model_info=PATH for a user's prepared model;
    aot_target_cpu: bazel.host_target_cpu of the output base the runner comes from, or None."""
    argv = [runner, model_flag, f"--out={out}",
            f"--aot_target_cpu={aot_target_cpu or 'unknown'}",
            f"--bazel_version={bazel.version()}", f"--git_commit={git_commit()}"]
    if pin_cpu is not None:
        argv.append(f"--pinned_cpu={pin_cpu}")
    return process.run(argv, env=env).ok
