"""scripts/bench --sweep: the whole matrix for every model of a sweep file, then the scaling fit.

The sweep folder (results/<UTC>-<host>-sweep, or --results_dir) gets the
models' configs (configs/<name>.json), one results subfolder per model (a model
run that fails is reported and the sweep goes on), sweep.json ({"sweep",
"models": [{"name", "fma_count", "weight_bytes", "folder"}]}) and what
python/sweep_report.py writes from them (scaling.md, scaling.json,
scaling.png). It is marked INCOMPLETE until that report is written.
"""

import dataclasses
import json
import os
import sys

from tflatency import model_config
from tflatency import sweep as sweep_config
from tflatency.bench import errors
from tflatency.bench import model_run
from tflatency.bench import process
from tflatency.bench import results
from tflatency.bench.errors import RunFailed
from tflatency.bench.errors import UsageError
from tflatency.bench.interrupt import Interrupted

SWEEP_FILE = "sweep.json"


def _load(path):
    try:
        return sweep_config.load_sweep(path)
    except model_config.ConfigError as e:
        raise UsageError(f"--sweep={path}: {str(e).removeprefix(f'{path}: ')}") from None


def _entry(config):
    return {"name": config.name, "fma_count": model_config.fma_count(config),
            "weight_bytes": 4 * config.weight_count(), "folder": config.name}


def _run_model(settings, config, config_path, folder, root):
    """One model's run; its failure is reported and the sweep goes on."""
    print(f"bench: sweep: {config.name}", flush=True)
    model_settings = dataclasses.replace(settings, sweep=None, model_config=config_path,
                                         model_config_given=True, results_dir=folder)
    try:
        model_run.run(model_settings, root)
    except (UsageError, RunFailed) as e:
        print(errors.message(e), file=sys.stderr)
        print(f"bench: sweep: {config.name} did not complete; see {folder}", file=sys.stderr)


def run(settings, root):
    """Runs the sweep of settings.sweep; returns the sweep folder."""
    configs = _load(settings.sweep)
    sweep_dir = settings.results_dir or results.default_path(root, "-sweep")
    config_paths = sweep_config.write_configs(configs, os.path.join(sweep_dir, "configs"))
    results.mark_incomplete(sweep_dir)
    try:
        for config, config_path in zip(configs, config_paths):
            _run_model(settings, config, config_path, os.path.join(sweep_dir, config.name), root)
        with open(os.path.join(sweep_dir, SWEEP_FILE), "w", encoding="utf-8") as f:
            json.dump({"sweep": settings.sweep, "models": [_entry(c) for c in configs]}, f, indent=2)
            f.write("\n")
        report = process.run([sys.executable, os.path.join(root, "python", "sweep_report.py"), sweep_dir],
                             env=dict(os.environ, PYTHONPATH=os.path.join(root, "python")))
        if not report.ok:
            raise RunFailed(f"the sweep report failed; per-model results are in {sweep_dir}")
        results.finish(sweep_dir)
    except Interrupted as e:
        results.note_interrupted(sweep_dir, e.signal_name)
        e.partial_results = sweep_dir
        raise
    print(f"bench: sweep report: {os.path.join(sweep_dir, 'scaling.md')}", flush=True)
    return sweep_dir
