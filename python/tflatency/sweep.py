"""Model-size sweeps: a base config plus per-model overrides (configs/sweep.json).

  python -m tflatency.sweep SWEEP.json OUT_DIR

validates every model of the sweep and writes one config file per model,
OUT_DIR/<name>.json, printing their names in order; a bad sweep gets one line
naming the file and the model, and exit status 2.
"""

import json
import os
import sys

from tflatency.model_config import ConfigError, config_from_dict


def load_sweep(path):
    """The sweep's model configs, in order; raises ConfigError naming the file and model."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read sweep: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("base"), dict) or not isinstance(data.get("models"), list):
        raise ConfigError(f"{path}: a sweep is an object with 'base' (object) and 'models' (list)")
    if not data["models"]:
        raise ConfigError(f"{path}: 'models' is empty")
    configs = []
    for i, override in enumerate(data["models"]):
        if not isinstance(override, dict):
            raise ConfigError(f"{path}: models[{i}] must be an object")
        configs.append(config_from_dict(dict(data["base"], **override), where=f"{path}: models[{i}]"))
    names = [c.name for c in configs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: model name '{duplicates[0]}' appears twice")
    return configs


def write_configs(configs, out_dir):
    """Writes each config to OUT_DIR/<name>.json (the folder is created); returns their paths in order."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for config in configs:
        path = os.path.join(out_dir, config.name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(config.to_dict(), f, indent=2)
            f.write("\n")
        paths.append(path)
    return paths


def main(argv):
    if len(argv) != 3:
        print("usage: python -m tflatency.sweep SWEEP.json OUT_DIR", file=sys.stderr)
        return 2
    try:
        configs = load_sweep(argv[1])
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    write_configs(configs, argv[2])
    for config in configs:
        print(config.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
