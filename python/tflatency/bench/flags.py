"""scripts/bench's flags: defined with absl, checked here, one line per bad value.

Every flag is written --name=value (--quick, --profile and --sweep alone are switches;
--sweep=FILE names another sweep file; --input, --atol and --rtol may be given
several times). The model is a config (--model_config, default
configs/rnn_547k.json), a sweep of configs (--sweep), or a user's model
(--saved_model=DIR or --keras=FILE.keras, with --signature, --input,
--golden_input, --atol, --rtol, --fma_count; tflatency.prepare checks those
against the model before anything is built). --ab=PYTHON makes it an A/B run
against a second interpreter (ab_run.py), checked here by interpreter.py so a
bad one is reported before anything runs. Values are checked as text, in the
order below, so each message quotes what the user typed; main.py prints it as
`bench: <message> (see the header of scripts/bench for usage)` with exit
status 2. `python -m tflatency.bench.flags [flags]` checks them alone (what
scripts/bench does before scripts/setup, so a typo is reported at once). Relative paths are taken from the working directory (scripts/bench
runs in the project's root). --quick sets --repetitions=3 (5 with --ab, so the
U test can flag a change) and --min_time=0.05 whatever they were, and --per_call_count to 1000 unless given.
"""

import dataclasses
import os
import re
import sys

from absl import flags as absl_flags

from tflatency.bench import errors
from tflatency.bench import interpreter
from tflatency.bench import plan
from tflatency.bench.errors import UsageError

DEFAULT_MODEL_CONFIG = "configs/rnn_547k.json"  # relative to the project's root
DEFAULT_SWEEP = "configs/sweep.json"
QUICK_REPETITIONS, QUICK_MIN_TIME = 3, "0.05"
# 3 + 3 repetitions can never pass the U test (smallest p 0.1); 5 + 5 can (0.008).
QUICK_AB_REPETITIONS = 5
DEFAULT_PER_CALL_COUNT, QUICK_PER_CALL_COUNT = 5000, 1000

FLAGS = absl_flags.FlagValues()  # bench's own: no clash with the flags of the modules it imports
absl_flags.DEFINE_boolean("quick", False, "3 repetitions of 0.05 s and 1000 per-call calls: a run of minutes.",
                          flag_values=FLAGS)
absl_flags.DEFINE_string("model_config", None, f"Model config to build and run every path for (default {DEFAULT_MODEL_CONFIG}).",
                         flag_values=FLAGS)
absl_flags.DEFINE_string("sweep", None, f"Run the whole matrix for every model of this sweep file (--sweep alone: {DEFAULT_SWEEP}), "
                         "one results subfolder each, then fit latency = fixed + per-FMA cost (scaling.md).",
                         flag_values=FLAGS)
absl_flags.DEFINE_string("pin_cpu", None, "Run every case pinned to this CPU (taskset).", flag_values=FLAGS)
absl_flags.DEFINE_string("repetitions", "10", "google-benchmark repetitions per case.", flag_values=FLAGS)
absl_flags.DEFINE_string("min_time", "0.5", "google-benchmark's minimum time per repetition, in seconds.", flag_values=FLAGS)
absl_flags.DEFINE_string("path_timeout", "300", "Time limit of each case's run (and of its per-call run), in seconds.",
                         flag_values=FLAGS)
absl_flags.DEFINE_string("per_call_count", None, f"Timed calls of each case's per-call run (default {DEFAULT_PER_CALL_COUNT}, "
                         f"--quick {QUICK_PER_CALL_COUNT}).", flag_values=FLAGS)
absl_flags.DEFINE_string("results_dir", None, "Write the results here (must not exist) instead of results/<UTC>-<host>.",
                         flag_values=FLAGS)
absl_flags.DEFINE_string("saved_model", None, "A SavedModel directory: every applicable path on your own model "
                         "(tflatency.prepare), instead of --model_config.", flag_values=FLAGS)
absl_flags.DEFINE_string("keras", None, "A .keras file: exported to a SavedModel with a static signature, then as "
                         "--saved_model.", flag_values=FLAGS)
absl_flags.DEFINE_string("signature", None, "The SavedModel's signature to time (default serving_default).",
                         flag_values=FLAGS)
absl_flags.DEFINE_multi_string("input", [], "NAME:D0,D1,...[:DTYPE]: an input's static shape (needed for dynamic "
                               "dimensions; a leading batch dimension becomes 1 without it).", flag_values=FLAGS)
absl_flags.DEFINE_string("golden_input", None, "An .npz file with one array per input name: the golden input "
                         "(default: seeded random).", flag_values=FLAGS)
absl_flags.DEFINE_multi_string("atol", [], "Golden tolerance: VALUE for every float output, or OUTPUT:VALUE "
                               "(default 1e-05).", flag_values=FLAGS)
absl_flags.DEFINE_multi_string("rtol", [], "Golden relative tolerance, as --atol (default 0.0001).", flag_values=FLAGS)
absl_flags.DEFINE_string("fma_count", None, "The model's multiply-accumulates per inference, instead of counting "
                         "them in XLA's HLO.", flag_values=FLAGS)
absl_flags.DEFINE_boolean("profile", False, "After the timing passes, run each main path once more in a fresh process "
                          "under a sampling profiler (perf, py-spy): 'Where the time goes, measured' in the report.",
                          flag_values=FLAGS)
absl_flags.DEFINE_string("ab", None, "A/B run: a second Python interpreter (side B) holding another TensorFlow build; "
                         "every case runs for A (this interpreter) and B back to back, then a comparison report "
                         "with a drift control.", flag_values=FLAGS)
absl_flags.DEFINE_string("only", None, "Run only the cases whose name (e.g. aot/haswell/rnn) contains a match of "
                         "this regular expression.", flag_values=FLAGS)

_SWITCHES = ("quick", "sweep", "profile")
_POSITIVE_INTEGER = re.compile(r"[1-9][0-9]*")
_SECONDS = re.compile(r"[0-9]*\.?[0-9]+")
_CPU_NUMBER = re.compile(r"[0-9]+")


@dataclasses.dataclass(frozen=True)
class Settings:
    model_config: str        # absolute path
    model_config_given: bool
    sweep: object            # absolute path of the sweep file, or None
    results_dir: object      # absolute path, or None for results/<UTC>-<host>
    quick: bool
    repetitions: int
    min_time: str            # seconds, as typed: C++ programs take it so, Python ones with an "s"
    path_timeout: int        # seconds
    per_call_count: int
    pin_cpu: object          # int, or None
    only: object             # the --only pattern, or None
    user_model: object = None  # tflatency.prepare.prepare.Options for --saved_model / --keras, else None
    profile: bool = False    # --profile: the main paths once more under a profiler (tflatency.profile)
    ab: object = None          # --ab: interpreter.check's dict of side B's interpreter, else None


def usage():
    """The flags' help, for --help."""
    return ("usage: scripts/bench [--quick] [--profile] [--model_config=PATH] [--pin_cpu=N] [--repetitions=N] [--min_time=SECONDS]\n"
            "                     [--path_timeout=SECONDS] [--per_call_count=N] [--results_dir=DIR] [--only=REGEX]\n"
            "       scripts/bench --sweep[=configs/sweep.json] [the same flags but --model_config]\n"
            "       scripts/bench --saved_model=DIR | --keras=FILE.keras [--signature=KEY] [--input=NAME:D0,D1,...[:DTYPE]]\n"
            "                     [--golden_input=FILE.npz] [--atol=[OUTPUT:]V] [--rtol=[OUTPUT:]V] [--fma_count=N]\n"
            "                     [the same flags but --model_config and --sweep]\n"
            "       scripts/bench --ab=PYTHON_B [the same flags but --sweep]\n\n"
            + FLAGS.module_help(__name__))


def _checked_syntax(args):
    """args with each one checked to be a flag of ours written as scripts/bench takes it."""
    for arg in args:
        name, has_value, _ = arg[2:].partition("=") if arg.startswith("--") else ("", "", "")
        known = bool(name) and name in FLAGS
        if not known or (name not in _SWITCHES and not has_value) or (name in ("quick", "profile") and has_value):
            raise UsageError(f"unknown flag '{arg}'")
    return args


def _absolute(path):
    return os.path.realpath(path) if path is not None else None


def parse(argv, root):
    """argv (program name first) -> Settings; raises UsageError with the first problem's one line."""
    args = _checked_syntax(argv[1:])
    args = [f"--sweep={os.path.join(root, DEFAULT_SWEEP)}" if arg == "--sweep" else arg for arg in args]
    for name in FLAGS:  # back to the defaults: parse() may run more than once in a process
        FLAGS[name].unparse()
    try:
        FLAGS([argv[0], *args])
    except absl_flags.Error as e:  # not expected after the syntax check; still one line
        raise UsageError(str(e)) from None
    f = FLAGS
    if not _POSITIVE_INTEGER.fullmatch(f.repetitions):
        raise UsageError(f"--repetitions must be a positive integer, got '{f.repetitions}'")
    if not _SECONDS.fullmatch(f.min_time):
        raise UsageError(f"--min_time must be a number of seconds, got '{f.min_time}'")
    if not _POSITIVE_INTEGER.fullmatch(f.path_timeout):
        raise UsageError(f"--path_timeout must be a positive integer, got '{f.path_timeout}'")
    if f.per_call_count and not _POSITIVE_INTEGER.fullmatch(f.per_call_count):
        raise UsageError(f"--per_call_count must be a positive integer, got '{f.per_call_count}'")
    cpus = len(os.sched_getaffinity(0))
    if f.pin_cpu and not (_CPU_NUMBER.fullmatch(f.pin_cpu) and int(f.pin_cpu) < cpus):
        raise UsageError(f"--pin_cpu must be a CPU number below {cpus}, got '{f.pin_cpu}'")
    if f.only:
        try:
            plan.compile_only(f.only)
        except re.error:
            raise UsageError(f"--only='{f.only}' is not a valid extended regular expression") from None
    results_dir = _absolute(f.results_dir or None)
    if results_dir and os.path.lexists(results_dir):
        raise UsageError(f"--results_dir={results_dir} already exists (results are never overwritten)")
    if f.sweep is not None and f.model_config is not None:
        raise UsageError("--sweep and --model_config exclude each other")
    user_model = _user_model(f)
    ab = None
    if f.ab is not None:
        if f.sweep is not None:
            raise UsageError("--ab and --sweep exclude each other")
        # Not resolved: a venv's bin/python3 is a link to the base interpreter, outside the venv.
        ab = interpreter.check(os.path.abspath(f.ab) if f.ab else "")
    per_call_count = int(f.per_call_count) if f.per_call_count else (
        QUICK_PER_CALL_COUNT if f.quick else DEFAULT_PER_CALL_COUNT)
    return Settings(
        model_config=_absolute(f.model_config) or os.path.join(root, DEFAULT_MODEL_CONFIG),
        model_config_given=f.model_config is not None,
        sweep=_absolute(f.sweep),
        results_dir=results_dir,
        quick=f.quick,
        repetitions=(QUICK_AB_REPETITIONS if ab else QUICK_REPETITIONS) if f.quick else int(f.repetitions),
        min_time=QUICK_MIN_TIME if f.quick else f.min_time,
        path_timeout=int(f.path_timeout),
        per_call_count=per_call_count,
        pin_cpu=int(f.pin_cpu) if f.pin_cpu else None,
        only=f.only or None,
        user_model=user_model,
        profile=f.profile,
        ab=ab,
    )


_USER_MODEL_FLAGS = ("signature", "input", "golden_input", "atol", "rtol", "fma_count")


def _user_model(f):
    """prepare.Options for --saved_model / --keras (paths absolute), None without them; UsageError on a clash."""
    source = [name for name in ("saved_model", "keras") if f[name].value is not None]
    if not source:
        for name in _USER_MODEL_FLAGS:
            if f[name].present:
                raise UsageError(f"--{name} applies to your own model: give --saved_model=DIR or --keras=FILE too")
        return None
    if len(source) == 2:
        raise UsageError("--saved_model and --keras exclude each other")
    for other in ("model_config", "sweep"):
        if f[other].value is not None:
            raise UsageError(f"--{source[0]} and --{other} exclude each other")
    if f.fma_count is not None and not _POSITIVE_INTEGER.fullmatch(f.fma_count):
        raise UsageError(f"--fma_count must be a positive integer, got '{f.fma_count}'")
    from tflatency.prepare import prepare  # pylint: disable=g-import-not-at-top  (no TensorFlow import here)
    from tflatency.prepare.errors import PrepareError  # pylint: disable=g-import-not-at-top
    options = prepare.Options(
        saved_model=_absolute(f.saved_model), keras=_absolute(f.keras),
        signature=f.signature or prepare.DEFAULT_SIGNATURE, inputs=tuple(f.input),
        golden_input=_absolute(f.golden_input), atol=tuple(f.atol), rtol=tuple(f.rtol),
        fma_count=int(f.fma_count) if f.fma_count else None)
    try:
        prepare.check_options(options)  # the paths and the flags' forms; the model itself after setup
    except PrepareError as e:
        raise UsageError(str(e)) from None
    return options


def main(argv):
    """Checks the flags only: exit status 2 after the one line, else 0."""
    try:
        parse(argv, os.getcwd())
    except UsageError as e:
        print(errors.message(e), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
