"""//python:py_bench: one unbatched inference of the RNN along every TF path from Python.

  bazel run //python:py_bench -- --benchmark_repetitions=9 --benchmark_format=json
  bazel-bin/python/py_bench --saved_model_dir=bazel-bin/model/model/saved_model
      --trivial_saved_model_dir=bazel-bin/model/trivial_multiply/saved_model  (one line)

Timed with the google-benchmark Python package, so it takes every standard
--benchmark_* flag and writes the same JSON as the C++ benchmarks. Cases:

  python/signature/rnn     tf.saved_model.load(dir).signatures["serving_default"](x=x)
                           (the original investigation's path)
  python/tf_function/rnn   the loaded SavedModel's restored `serve` tf.function
  python/eager/rnn         the same model (weights from its config's seed), run eagerly
  python/xla_jit/rnn       that model's forward in tf.function(jit_compile=True)
  python/tf_function/trivial  6 * 7 in int32 through the trivial SavedModel's `serve`
  python/eager/trivial     tf.multiply on the same two int32 constants, eagerly

A user's model (golden files of kind "model", from scripts/bench --saved_model /
--keras) has python/signature/model, python/tf_function/model and, when XLA can
compile it (its model_info.json says), python/xla_jit/model: the signature in
tf.function(jit_compile=True). It has no eager case (there is no Python code of
it to run eagerly); inputs are fed and outputs compared by name.

Before its first timed iteration every case computes its output on the golden
input and compares it with the golden output (tflatency.gated_bench,
tflatency.golden_check). A case that fails reports an error instead of a time,
and the program exits 1.
Tracing and XLA compilation happen in that check, never inside the timing.

--per_call_out=FILE [--per_call_count=N] times the one case --benchmark_filter
selects call by call instead, loading only what it needs (tflatency/per_call.py).

Exit status: 0 all cases passed, 1 a golden check failed, 2 bad flags or inputs.
"""

import os
import sys

# Before TensorFlow is imported anywhere: hide its C++ INFO and WARNING logs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import dataclasses
import functools
import platform

from absl import flags
import google_benchmark as benchmark

from tflatency import gated_bench
from tflatency import golden_check
from tflatency import per_call
from tflatency.gated_bench import UsageError
from tflatency.model_config import ConfigError, config_from_dict, load_config
from tflatency.peers import quiet

_SAVED_MODEL_DIR = flags.DEFINE_string(
    "saved_model_dir", None, "SavedModel directory of the RNN (from a tf_saved_model target).")
_TRIVIAL_SAVED_MODEL_DIR = flags.DEFINE_string(
    "trivial_saved_model_dir", None, "SavedModel directory of the trivial int32 multiply.")
_GOLDEN_PREFIX = flags.DEFINE_string(
    "golden_prefix", None,
    "Path prefix of the RNN's golden files (<prefix>_info.json, _input<i>.bin, _output<j>.bin). "
    "Default: derived from --saved_model_dir laid out as tf_saved_model writes it (<prefix>/saved_model).")
_TRIVIAL_GOLDEN_PREFIX = flags.DEFINE_string(
    "trivial_golden_prefix", None,
    "Path prefix of the trivial multiply's golden files. Default: derived from --trivial_saved_model_dir.")
_CONFIG = flags.DEFINE_string(
    "config", None,
    "Model config JSON for the eager and XLA paths. Default: the config recorded in the golden "
    "info.json; when given, it must be the config the SavedModel was exported from.")

PROGRAM = "py_bench"

# Names of the cases, exactly as they appear in every report (<kind>: rnn, or model for a user's).
TF_FUNCTION_TRIVIAL = "python/tf_function/trivial"
EAGER_TRIVIAL = "python/eager/trivial"


def import_tensorflow():
    """Imports TensorFlow without its known start-up log lines (tflatency/peers/quiet.py); returns the module."""
    with quiet.filtered_stderr():
        import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return tf


# ----------------------------------------------------------------------------
# What the cases share: SavedModels, golden data, the model built from its config.


@dataclasses.dataclass(frozen=True)
class Paths:
    """Where the inputs are; see the flags of the same names."""

    saved_model_dir: str
    trivial_saved_model_dir: str
    golden_prefix: str
    trivial_golden_prefix: str
    config: str = None


def golden_prefix_of(saved_model_dir):
    """tf_saved_model writes <pkg>/<name>/saved_model and <pkg>/<name>_info.json etc."""
    parent = os.path.normpath(saved_model_dir)
    if os.path.basename(parent) == "saved_model":
        return os.path.dirname(parent)
    return None


def paths_from_flags():
    """Paths from the parsed flags, with derived defaults; UsageError when one is missing."""
    values = {}
    for flag, prefix_flag in ((_SAVED_MODEL_DIR, _GOLDEN_PREFIX),
                              (_TRIVIAL_SAVED_MODEL_DIR, _TRIVIAL_GOLDEN_PREFIX)):
        if not flag.value:
            raise UsageError(f"--{flag.name} is required (`bazel run //python:{PROGRAM}` supplies it)")
        prefix = prefix_flag.value or golden_prefix_of(flag.value)
        if not prefix:
            raise UsageError(f"--{prefix_flag.name} is required: it cannot be derived from "
                             f"--{flag.name}={flag.value} (not a <prefix>/saved_model directory)")
        values[flag.name] = flag.value
        values[prefix_flag.name] = prefix
    return Paths(config=_CONFIG.value, **values)


class Models:
    """Loads everything once; the eager model (an RNN config's) is built on first use.

    `saved_models` names the SavedModels to load ("model", "trivial"); the per-call
    mode loads only the one its case needs (none for eager and XLA of an RNN).
    """

    def __init__(self, paths: Paths, saved_models=("model", "trivial")):
        self.paths = paths
        self.golden = _load_golden(paths.golden_prefix, "golden_prefix")
        self.kind = kind_of(self.golden)
        self.trivial_golden = _load_golden(paths.trivial_golden_prefix, "trivial_golden_prefix")
        self.config = self._config() if self.kind == "rnn" else None
        if self.config is None and paths.config:
            raise UsageError(f"--config={paths.config} applies to an RNN config's golden files; "
                             f"--golden_prefix={paths.golden_prefix} holds a user's model")
        self.tf = import_tensorflow()
        self.model = self.trivial = None
        if "model" in saved_models:
            self.model = _load_saved_model(self.tf, paths.saved_model_dir, "saved_model_dir")
        if "trivial" in saved_models:
            self.trivial = _load_saved_model(self.tf, paths.trivial_saved_model_dir, "trivial_saved_model_dir")
        # Inputs are built once and reused, as a latency-conscious user would; in the
        # golden files' order (sorted by name), which is also `serve`'s argument order.
        self.feeds = [self.tf.constant(a) for a in self.golden.inputs]
        self.feed_names = self.golden.input_names
        self.trivial_x, self.trivial_y = (self.tf.constant(a) for a in self.trivial_golden.inputs)
        self._eager_model = None

    def _config(self):
        """The RNN's config: recorded in its golden info.json, or --config (which must be the same)."""
        paths = self.paths
        try:
            recorded = config_from_dict(self.golden.info.get("config"),
                                        where=f"{paths.golden_prefix}_info.json: config")
            config = load_config(paths.config) if paths.config else recorded
        except ConfigError as e:
            raise UsageError(str(e)) from None
        if config != recorded:
            raise UsageError(f"--config={paths.config} is not the config of --golden_prefix="
                             f"{paths.golden_prefix} (model {config.name!r} vs {recorded.name!r}, "
                             "or different fields)")
        return config

    @property
    def eager_model(self):
        """RnnModel rebuilt from the config: the same weights as the SavedModel (same seed)."""
        if self._eager_model is None:
            from tflatency.rnn_model import RnnModel  # pylint: disable=g-import-not-at-top
            self._eager_model = RnnModel(self.config)
        return self._eager_model


def kind_of(golden):
    """"rnn" for an RNN config's golden files, "model" for a user's prepared model."""
    return golden.info.get("kind", "rnn")


def _load_golden(prefix, flag_name):
    try:
        return golden_check.load(prefix)
    except golden_check.GoldenError as e:
        raise UsageError(f"--{flag_name}={e}") from None


def _load_saved_model(tf, path, flag_name):
    where = f"--{flag_name}={path}"
    if not os.path.isdir(path):
        raise UsageError(f"{where}: no such directory")
    try:
        loaded = tf.saved_model.load(path)
    except Exception as e:  # pylint: disable=broad-except  (OSError, DecodeError, ValueError, ...)
        first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise UsageError(f"{where}: not a loadable SavedModel: {first_line}") from None
    if "serving_default" not in loaded.signatures or not hasattr(loaded, "serve"):
        raise UsageError(f"{where}: SavedModel lacks the 'serving_default' signature or the 'serve' function")
    return loaded


# ----------------------------------------------------------------------------
# The cases. Each builder returns step(): one inference on the golden input
# that returns the output as a NumPy array. The timed loop calls step(), and
# the golden check calls the very same step().
#
# Every step materializes its output (.numpy()) because a real user needs the
# values: without it an asynchronous or lazily-copied result would be timed
# before the computation or copy is done.


def _signature_rnn(m):
    signature = m.model.signatures["serving_default"]
    x = m.feeds[0]
    return lambda: signature(x=x)["y"].numpy()


def _tf_function_rnn(m):
    serve = m.model.serve
    x = m.feeds[0]
    return lambda: serve(x)["y"].numpy()


def _eager_rnn(m):
    forward = m.eager_model._forward  # pylint: disable=protected-access  (the undecorated forward)
    x = m.feeds[0]
    return lambda: forward(x)["y"].numpy()


def _xla_jit_rnn(m):
    forward = m.tf.function(m.eager_model._forward, jit_compile=True)  # pylint: disable=protected-access
    x = m.feeds[0]
    return lambda: forward(x)["y"].numpy()


def _numpy_outputs(outputs):
    return {name: value.numpy() for name, value in outputs.items()}


def _signature_model(m):
    signature = m.model.signatures["serving_default"]
    feeds = dict(zip(m.feed_names, m.feeds))
    return lambda: _numpy_outputs(signature(**feeds))


def _tf_function_model(m):
    serve = m.model.serve
    feeds = m.feeds
    return lambda: _numpy_outputs(serve(*feeds))


def _xla_jit_model(m):
    signature = m.model.signatures["serving_default"]
    names = m.feed_names
    jit = m.tf.function(lambda *args: signature(**dict(zip(names, args))), jit_compile=True)
    feeds = m.feeds
    return lambda: _numpy_outputs(jit(*feeds))


def _tf_function_trivial(m):
    serve = m.trivial.serve
    x, y = m.trivial_x, m.trivial_y
    return lambda: serve(x, y)["z"].numpy()


def _eager_trivial(m):
    multiply = m.tf.multiply
    x, y = m.trivial_x, m.trivial_y
    return lambda: multiply(x, y).numpy()


def case_table(golden):
    """{case name: (builder, the SavedModel it calls or None)} for the model of `golden`, in report order.

    An RNN config's eager and XLA cases rebuild the model from its config (no SavedModel);
    a user's model has no eager case, and an XLA case only when XLA can compile it.
    """
    if kind_of(golden) == "rnn":
        cases = {"python/signature/rnn": (_signature_rnn, "model"),
                 "python/tf_function/rnn": (_tf_function_rnn, "model"),
                 "python/eager/rnn": (_eager_rnn, None),
                 "python/xla_jit/rnn": (_xla_jit_rnn, None)}
    else:
        cases = {"python/signature/model": (_signature_model, "model"),
                 "python/tf_function/model": (_tf_function_model, "model")}
        if golden.info.get("xla", {}).get("compiles"):
            cases["python/xla_jit/model"] = (_xla_jit_model, "model")
    cases[TF_FUNCTION_TRIVIAL] = (_tf_function_trivial, "trivial")
    cases[EAGER_TRIVIAL] = (_eager_trivial, None)
    return cases


def golden_of(models, name):
    return models.trivial_golden if name.endswith("/trivial") else models.golden


def build_step(models, name):
    """The step() of case `name` (tracing and compilation happen on its first call)."""
    return case_table(models.golden)[name][0](models)


def check_step(models, name, step, golden=None):
    """Runs step() once on the golden input and returns its GoldenResult."""
    return (golden or golden_of(models, name)).check(step())


# ----------------------------------------------------------------------------
# The program: the cases on tflatency.gated_bench.

_MODELS = None  # kept while the cases run: a restored function needs its SavedModel alive


def _load(paths, saved_model, name):
    """load() of case `name`: its step on the Models main loaded or, in the per-call
    mode, on TensorFlow and the one SavedModel (if any) the case needs, loaded now."""
    global _MODELS
    if _MODELS is None:
        _MODELS = Models(paths, saved_models=[saved_model] if saved_model else [])
    return build_step(_MODELS, name)


def _check(name, output):
    return golden_of(_MODELS, name).check(output)


def _context(models):
    tf = models.tf
    import numpy as np  # pylint: disable=g-import-not-at-top
    return {
        "tf_version": tf.__version__,
        "tf_git_version": tf.version.GIT_VERSION,
        "model": models.golden.model,
        "fma_count": models.golden.fma_count,
        "trivial_model": models.trivial_golden.model,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "google_benchmark_python_version": benchmark.__version__,
        "golden_tolerance": models.golden.tolerance_text(),
    }


def main(argv):
    global _MODELS
    gated_bench.parse_flags(argv, PROGRAM, __doc__)
    try:
        paths = paths_from_flags()
        golden = _load_golden(paths.golden_prefix, "golden_prefix")
        if not per_call.enabled():  # the per-call mode loads (and times) only what its case needs
            _MODELS = Models(paths)
    except UsageError as e:
        gated_bench.fail_usage(PROGRAM, str(e))
    for name, (_, saved_model) in case_table(golden).items():
        fma_count = golden_of(_MODELS, name).fma_count if _MODELS else 0  # no counter per call
        gated_bench.add_case(name, functools.partial(_load, paths, saved_model, name),
                             functools.partial(_check, name), fma_count)
    return gated_bench.run(PROGRAM, lambda: _context(_MODELS))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
