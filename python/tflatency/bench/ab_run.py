"""`scripts/bench --ab=PYTHON_B`: one model's run for two TensorFlow builds, interleaved.

The Bazel layer over ab_execution.py. Side A is the orchestrator's own
interpreter (.venv, or $TFLATENCY_PYTHON) built in the clone's usual output
base, as a normal run; side B is the --ab interpreter (checked by
interpreter.py before anything runs), with TFLATENCY_PYTHON pointing Bazel's
@tf_python at it, built into an output base of its own
(bazel.ab_output_base, kept for the next run; its server is shut down after
the run). Each side gets its runner scripts, context.json and programs; the
cases then run interleaved. Writes results/<UTC>-<host>-ab/ (or --results_dir)
and returns its path.
"""

import os
import tempfile

from tflatency.bench import ab_execution
from tflatency.bench import bazel
from tflatency.bench import model_run
from tflatency.bench import results

FOLDER_SUFFIX = "-ab"
PYTHON_ENV = "TFLATENCY_PYTHON"  # read by third_party/tf_python


def run(settings, root):
    env_a, prepared, _ = model_run.environment(settings)
    python_b = settings.ab["python"]
    env_b = dict(env_a, **{PYTHON_ENV: python_b})
    output_base_b = bazel.ab_output_base(root, python_b)
    startup = {"A": (), "B": (f"--output_base={output_base_b}",)}
    envs = {"A": env_a, "B": env_b}
    model_run.build(env_a, side=" side A")
    try:
        model_run.build(env_b, startup["B"], side=f" side B ({python_b}, TensorFlow {settings.ab['tf_version']})")
        path = settings.results_dir or results.default_path(root, FOLDER_SUFFIX)
        if os.path.exists(path):
            path = f"{path}-{os.getpid()}"
        top = results.ResultsFolder.create(path, root)
        descriptions = {
            "A": {"python": os.environ.get(PYTHON_ENV) or os.path.join(root, ".venv", "bin", "python3"),
                  "output_base": "Bazel's default for this clone"},
            "B": {"python": python_b, "tf_version": settings.ab["tf_version"], "output_base": output_base_b},
        }
        sides = {}
        with tempfile.TemporaryDirectory(prefix="tflatency-runners.") as scripts:
            for name in ("A", "B"):
                folder = results.ResultsFolder.create(os.path.join(top.path, name), root)
                side_scripts = os.path.join(scripts, name)
                os.makedirs(side_scripts)
                with folder.keeping_partial_results():
                    programs = model_run.prepare_side(settings, folder, side_scripts, envs[name], prepared,
                                                      startup[name])
                sides[name] = ab_execution.Side(name, folder, programs, envs[name], descriptions[name])
            ab_execution.run(top, sides, settings, merge_argv=[os.path.join(root, "scripts", "merge")])
    finally:
        bazel.shutdown(env_b, startup["B"])
    for name in ("A", "B"):
        print(f"bench: side {name}: {os.path.join(top.path, name, 'report.md')}", flush=True)
    print(f"bench: report: {os.path.join(top.path, ab_execution.COMPARE_MD)}", flush=True)
    return top.path
