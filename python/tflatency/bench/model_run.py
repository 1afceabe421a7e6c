"""One model's run: check its config, build, collect the context, run every program's cases.

The Bazel layer over execution.py: it builds the targets for the model
(TFLATENCY_MODEL_CONFIG tells @bench_model which), turns each label into a
runner script, and hands the programs to execution.run. Prints
`bench: report: DIR/report.md` and returns the results folder.
"""

import functools
import os
import tempfile

from tflatency import model_config
from tflatency.bench import bazel
from tflatency.bench import context
from tflatency.bench import execution
from tflatency.bench import matrix
from tflatency.bench import results
from tflatency.bench.errors import RunFailed
from tflatency.bench.errors import UsageError

MODEL_CONFIG_ENV = "TFLATENCY_MODEL_CONFIG"  # read by third_party/bench_model


def checked_config(path, flag="--model_config"):
    """The model config at `path`; UsageError `<flag>=<path>: <problem>` if it is not usable."""
    try:
        return model_config.load_config(path)
    except model_config.ConfigError as e:
        problem = str(e).removeprefix(f"{path}: ")
        raise UsageError(f"{flag}={path}: {problem}") from None


def run(settings, root):
    """Runs the whole matrix for settings.model_config; returns the results folder."""
    config = checked_config(settings.model_config)
    env = dict(os.environ, **{MODEL_CONFIG_ENV: settings.model_config})
    print(f"bench: building {' '.join(matrix.TARGETS)}", flush=True)
    if not bazel.build(matrix.TARGETS, env):
        raise RunFailed(f"build failed; run 'bazel build {' '.join(matrix.TARGETS)}' to see why")
    folder = results.ResultsFolder.create(settings.results_dir, root)
    with tempfile.TemporaryDirectory(prefix="tflatency-runners.") as scripts, folder.keeping_partial_results():
        runner_for = functools.lru_cache(maxsize=None)(lambda label: bazel.runner_script(label, scripts, env))
        collector = runner_for(matrix.CONTEXT_TARGET)
        if not (collector and context.collect(collector, settings.model_config,
                                              os.path.join(folder.path, context.CONTEXT_FILE), settings.pin_cpu, env)):
            raise RunFailed("could not collect the machine context")
        programs, unprepared = matrix.programs(settings, config, runner_for)
        folder.record(unprepared)
        execution.run(folder, programs, settings, merge_argv=[os.path.join(root, "scripts", "merge")], env=env)
    print(f"bench: report: {os.path.join(folder.path, 'report.md')}", flush=True)
    return folder.path
