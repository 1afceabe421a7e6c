"""//python:compiled_demo: one inference from Python through the AOT-compiled model.

  bazel run //python:compiled_demo
  TFLATENCY_PREPARED_MODEL=$(scripts/prepare --keras=model.keras) bazel run //python:compiled_demo

Loads the compiled model (the benchmarked one: the default RNN, or your own
model), runs it on the golden inputs, by name, and prints each output's first
values, the golden check and the time of one call.
"""

import sys
import time

from absl import app
from absl import flags

from tflatency import compiled
from tflatency import golden_check

_GOLDEN_PREFIX = flags.DEFINE_string("golden_prefix", None, "Path prefix of the model's golden files.", required=True)


def main(argv):
    del argv
    try:
        golden = golden_check.load(_GOLDEN_PREFIX.value)
    except golden_check.GoldenError as e:
        sys.exit(f"compiled_demo: --golden_prefix={e}")
    try:
        model = compiled.load(golden.model)
    except ImportError as e:  # a user's model XLA cannot compile has no compiled build
        sys.exit(f"compiled_demo: {e}")
    module = compiled.module(golden.model)
    inputs = dict(golden.named_inputs)
    result = model(**inputs)
    start = time.perf_counter_ns()
    model(**inputs)
    elapsed_us = (time.perf_counter_ns() - start) / 1e3
    fmas = f"{module.fma_count:,} FMA" if module.fma_count >= 0 else "FMA count unknown"
    print(f"model {module.model_name} ({fmas}), AOT-compiled for {module.target_cpu}")
    print("inputs " + ", ".join(f"{name} {a.dtype}{list(a.shape)}" for name, a in inputs.items()))
    for name, y in (result.items() if isinstance(result, dict) else [(module.output_names[0], result)]):
        print(f"output {name} {y.dtype}{list(y.shape)}: {y.ravel()[:4]} ...")
    verdict = golden.check(result)
    print(f"{verdict.describe()}; one call took {elapsed_us:.1f} us (run compiled_bench for a measurement)")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    app.run(main)
