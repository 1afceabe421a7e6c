"""Prints the benchmarked model's size as bound_bench flags, one per line (a --flagfile).

  shape_flags configs/rnn_547k.json            a config: its shape
  --cell=lstm
  --layers=2
  ...
  shape_flags CACHE/<digest>/model_info.json   a user's prepared model: what it reads and computes
  --weight_bytes=104488
  --fma_count=25856                            (absent when the FMA count is unknown)

A bad config is one line on stderr and exit 2 (tflatency.model_config).
//model:model_shape_flags runs it on the benchmarked model for `bazel run
//cc:bound_bench`, which has no model of its own.
"""

import json
import sys

from tflatency.model_config import ConfigError, load_config

SHAPE_FIELDS = ("cell", "layers", "units", "input_size", "time_steps", "batch")


def prepared_flags(info):
    """bound_bench's generic flags for a prepared model's model_info.json."""
    flags = [f"--weight_bytes={int(info['weight_bytes'])}"]
    if info.get("fma_count") is not None:
        flags.append(f"--fma_count={int(info['fma_count'])}")
    return flags


def main(argv):
    if len(argv) != 2:
        print("usage: shape_flags CONFIG.json | model_info.json", file=sys.stderr)
        return 2
    if argv[1].endswith("model_info.json"):
        with open(argv[1], encoding="utf-8") as f:
            print("\n".join(prepared_flags(json.load(f))))
        return 0
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
