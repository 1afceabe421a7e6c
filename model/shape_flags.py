"""Prints a model config's shape as command-line flags, one per line (a --flagfile).

  shape_flags configs/rnn_547k.json
  --cell=lstm
  --layers=2
  ...
  --batch=1

The config is validated first (tflatency.model_config): a bad one is one line
on stderr and exit 2. //model:model_shape_flags runs it on the benchmarked
model's config for `bazel run //cc:bound_bench`, which has no model of its own.
"""

import sys

from tflatency.model_config import ConfigError, load_config

SHAPE_FIELDS = ("cell", "layers", "units", "input_size", "time_steps", "batch")


def main(argv):
    if len(argv) != 2:
        print("usage: shape_flags CONFIG.json", file=sys.stderr)
        return 2
    try:
        config = load_config(argv[1])
    except ConfigError as e:
        print(f"shape_flags: {e}", file=sys.stderr)
        return 2
    for field in SHAPE_FIELDS:
        print(f"--{field}={getattr(config, field)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
