"""One model's run: check the model, build, collect the context, run every program's cases.

The Bazel layer over execution.py. The model is a config (TFLATENCY_MODEL_CONFIG
tells @bench_model which) or a user's model prepared first (tflatency.prepare:
checked, given static shapes, its golden output computed and its FMAs counted,
kept in a content-addressed cache; TFLATENCY_PREPARED_MODEL tells @bench_model
which folder). It builds the targets, turns each label into a runner script,
writes not_applicable.json for a user's model, and hands the programs to
execution.run. Prints `bench: report: DIR/report.md` and returns the results folder.
"""

import functools
import os
import tempfile

from tflatency import model_config
from tflatency.bench import bazel
from tflatency.bench import context
from tflatency.bench import execution
from tflatency.bench import matrix
from tflatency.bench import not_applicable
from tflatency.bench import plan
from tflatency.bench import results
from tflatency.bench.errors import RunFailed
from tflatency.bench.errors import UsageError

MODEL_CONFIG_ENV = "TFLATENCY_MODEL_CONFIG"  # read by third_party/bench_model
PREPARED_MODEL_ENV = "TFLATENCY_PREPARED_MODEL"


def checked_config(path, flag="--model_config"):
    """The model config at `path`; UsageError `<flag>=<path>: <problem>` if it is not usable."""
    try:
        return model_config.load_config(path)
    except model_config.ConfigError as e:
        problem = str(e).removeprefix(f"{path}: ")
        raise UsageError(f"{flag}={path}: {problem}") from None


def prepared_model(options):
    """tflatency.prepare's folder for a user's model (from its cache when there); UsageError on bad input."""
    from tflatency.prepare import prepare  # pylint: disable=g-import-not-at-top  (imports TensorFlow)
    from tflatency.prepare.errors import PrepareError  # pylint: disable=g-import-not-at-top
    source = options.saved_model or options.keras
    print(f"bench: preparing {source} (static shapes, golden output, FMA count)", flush=True)
    try:
        prepared = prepare.prepare(options)
    except PrepareError as e:
        raise UsageError(str(e)) from None
    print(f"bench: prepared model '{prepared.info['model']}': {prepared.folder}", flush=True)
    return prepared


def environment(settings):
    """(environment for Bazel and the programs, the user's prepared model or None, the config or None)."""
    env = dict(os.environ)
    env.pop(PREPARED_MODEL_ENV, None)
    if settings.user_model is not None:
        prepared = prepared_model(settings.user_model)
        env.pop(MODEL_CONFIG_ENV, None)
        env[PREPARED_MODEL_ENV] = prepared.folder
        return env, prepared, None
    config = checked_config(settings.model_config)
    env[MODEL_CONFIG_ENV] = settings.model_config
    return env, None, config


def prepare_side(settings, folder, scripts, env, prepared, startup=()):
    """Turns each label into a runner script in `scripts`, writes `folder`'s context.json (and
    not_applicable.json for a user's model); returns the programs. startup: Bazel's startup options."""
    runner_for = functools.lru_cache(maxsize=None)(lambda label: bazel.runner_script(label, scripts, env, startup))
    collector = runner_for(matrix.CONTEXT_TARGET)
    model_flag = (f"--model_info={prepared.prefix}_info.json" if prepared else
                  f"--model_config={settings.model_config}")
    target_cpu = bazel.host_target_cpu(env, startup)
    if not (collector and context.collect(collector, model_flag, os.path.join(folder.path, context.CONTEXT_FILE),
                                          settings.pin_cpu, env, target_cpu)):
        raise RunFailed("could not collect the machine context")
    if prepared:
        only = plan.compile_only(settings.only)
        entries = not_applicable.rows(prepared.info, target_cpu)
        not_applicable.write(folder.path, [(n, r) for n, r in entries if only is None or only.search(n)])
    programs, unprepared = matrix.programs(settings, runner_for, user_model=prepared is not None)
    folder.record(unprepared)
    return programs


def build(env, startup=(), side=""):
    """Builds every target of a run; RunFailed naming the command to see why."""
    print(f"bench: building{side} {' '.join(matrix.TARGETS)}", flush=True)
    if not bazel.build(matrix.TARGETS, env, startup):
        command = " ".join(["bazel", *startup, "build", *matrix.TARGETS])
        raise RunFailed(f"build failed; run '{command}' to see why")


def run(settings, root):
    """Runs the whole matrix for the settings' model; returns the results folder."""
    env, prepared, _ = environment(settings)
    build(env)
    folder = results.ResultsFolder.create(settings.results_dir, root)
    with tempfile.TemporaryDirectory(prefix="tflatency-runners.") as scripts, folder.keeping_partial_results():
        programs = prepare_side(settings, folder, scripts, env, prepared)
        execution.run(folder, programs, settings, merge_argv=[os.path.join(root, "scripts", "merge")], env=env)
    print(f"bench: report: {os.path.join(folder.path, 'report.md')}", flush=True)
    return folder.path
