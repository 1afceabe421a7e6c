"""//python:peer_bench: one unbatched inference of the RNN in the engines users pick instead of TF.

  bazel run //python:peer_bench -- --benchmark_repetitions=9 --benchmark_format=json
  bazel run //python:peer_bench -- --pin_cpu=1 --engines=onnxruntime,tflite --context_out=/tmp/ctx.json
  bazel-bin/python/peer_bench --saved_model_dir=bazel-bin/model/model/saved_model

Every engine runs the SavedModel's own weights (read from <golden_prefix>_weights.bin,
or converted from the SavedModel) on the golden input, prepared once. Cases:

  peer/onnxruntime/default/rnn      tf2onnx conversion, InferenceSession default options, run()
  peer/onnxruntime/one_thread/rnn   the same, intra/inter-op threads 1
  peer/onnxruntime/iobinding/rnn    one thread, IO binding with pre-bound OrtValues
  peer/onnxruntime/iobinding_hoisted/rnn  the same, converted from --hoisted_saved_model_dir
                                    (listed only with it)
  peer/jax/jit/rnn                  jax.jit of the model in jax.numpy, block_until_ready
  peer/numpy/plain/rnn              tuned float32 NumPy
  tflite/interpreter/one_thread/rnn TFLiteConverter.from_saved_model, ai_edge_litert
                                    Interpreter(num_threads=1), set_tensor/invoke/get_tensor
  tflite/interpreter/default/rnn    the same, default thread count
  tflite/interpreter/one_thread_hoisted/rnn  one thread, converted from
                                    --hoisted_saved_model_dir (the same network with
                                    hoisted input projections); listed only with it
  peer/onnxruntime/iobinding_int8/rnn  the iobinding case on the conversion quantized by
                                    onnxruntime.quantization.quantize_dynamic (int8 weights)
  tflite/interpreter/one_thread_int8/rnn  one thread on LiteRT's dynamic-range int8
                                    conversion (converter.optimizations = [Optimize.DEFAULT])
  peer/pytorch/<variant>/rnn        torch.nn.LSTM/GRU on the exported weights, one thread:
                                    eager, torchscript (trace, freeze, optimize_for_inference),
                                    compile (torch.compile, allow_rnn), aoti (AOTInductor .pt2
                                    from Python); each also <variant>_no_onednn
                                    (torch.backends.mkldnn off). Compiling is part of the load.
  peer/openvino/<variant>/rnn       openvino.convert_model of the SavedModel, f32 precision hint,
                                    latency hint, infer() on preset tensors: one_thread,
                                    two_threads, one_thread_hoisted; one_thread_bf16 with
                                    the bf16 precision hint (n/a where OpenVINO has no BF16)
  peer/iree/<variant>/rnn           tf2onnx -> iree-import-onnx -> iree-compile (llvm-cpu, host
                                    CPU), local-sync driver, VmContext.invoke on prebuilt
                                    arguments: local_sync, local_sync_hoisted

The int8 and bf16 cases are gated on the fp32 golden output by max |got - golden| <=
tflatency.golden.REDUCED_PRECISION_ATOL; every case reports that maximum as its
max_abs_error counter.

Timed with the google-benchmark Python package (every standard --benchmark_* flag,
the same JSON as the other benchmarks). Conversions happen at start-up; before its
first timed iteration every case computes its output on the golden input and
compares it with the golden output (tflatency.gated_bench, tflatency.golden_check).
A case that fails, or whose engine cannot load the model, reports an error instead
of a time; an engine that cannot be imported (not installed, a broken wheel) makes
its cases n/a with the import error. Only the engines of the cases
--benchmark_filter selects are imported and loaded (none for --benchmark_list_tests).

--pin_cpu=N pins the process to CPU N before any engine starts a thread.
--context_out=FILE writes engine versions, pinning, conversion times and each
case's golden check as JSON (google-benchmark's context block gets the same,
flattened). Only the selected engines (--engines) are imported.

--per_call_out=FILE [--per_call_count=N] times the one case --benchmark_filter
selects call by call instead; its load_ms covers reading the model files, importing
and converting for its engine and creating its session (tflatency/per_call.py).

Exit status: 0 all cases passed, 1 a case failed (golden check or engine), 2 bad
flags or inputs.
"""

import os
import sys

# Before any engine is imported: hide TF's C++ INFO logs, keep JAX on the CPU.
from tflatency.peers import quiet

quiet.set_quiet_env()

import functools  # pylint: disable=g-import-not-at-top,wrong-import-position
import math  # pylint: disable=g-import-not-at-top,wrong-import-position
import re  # pylint: disable=g-import-not-at-top,wrong-import-position
import tempfile  # pylint: disable=g-import-not-at-top,wrong-import-position

from absl import flags  # pylint: disable=g-import-not-at-top,wrong-import-position

from tflatency import gated_bench  # pylint: disable=g-import-not-at-top,wrong-import-position
from tflatency import per_call  # pylint: disable=g-import-not-at-top,wrong-import-position
from tflatency.gated_bench import UsageError  # pylint: disable=g-import-not-at-top,wrong-import-position
from tflatency.peers import cases  # pylint: disable=g-import-not-at-top,wrong-import-position
from tflatency.peers import pinning  # pylint: disable=g-import-not-at-top,wrong-import-position

# Nothing above imports NumPy: with --pin_cpu, its BLAS threads start after pinning.

_SAVED_MODEL_DIR = flags.DEFINE_string(
    "saved_model_dir", None,
    "SavedModel directory of the RNN (from a tf_saved_model target); the onnxruntime and "
    "tflite engines convert it.")
_HOISTED_SAVED_MODEL_DIR = flags.DEFINE_string(
    "hoisted_saved_model_dir", None,
    "SavedModel directory of the same RNN with hoisted input projections (tf_saved_model "
    "hoist_input_projection = True); adds the onnxruntime and tflite *_hoisted cases.")
_GOLDEN_PREFIX = flags.DEFINE_string(
    "golden_prefix", None,
    "Path prefix of the RNN's golden files (<prefix>_info.json, _input<i>.bin, _output<j>.bin). "
    "Default: derived from --saved_model_dir laid out as tf_saved_model writes it (<prefix>/saved_model).")
_WEIGHTS = flags.DEFINE_string(
    "weights", None, "The model's exported weights (raw fp32, tflatency.weights). "
    "Default: <golden_prefix>_weights.bin.")
_ENGINES = flags.DEFINE_string(
    "engines", ",".join(cases.ENGINE_MODULES),
    f"Comma-separated engines to run, of: {', '.join(cases.ENGINE_MODULES)}.")
_PIN_CPU = flags.DEFINE_integer(
    "pin_cpu", None, "Pin the process to this CPU (os.sched_setaffinity) before any engine starts.")
_CONTEXT_OUT = flags.DEFINE_string(
    "context_out", None,
    "Write the run's context (engine versions, pinning, conversion times, golden checks) "
    "to this JSON file. Relative paths are taken from where `bazel run` was called.")

PROGRAM = "peer_bench"


def _first_line(error):
    return (str(error).strip().splitlines() or [""])[0]


def _finite_or_none(value):
    return value if value is not None and math.isfinite(value) else None


def golden_prefix_of(saved_model_dir):
    """tf_saved_model writes <pkg>/<name>/saved_model and <pkg>/<name>_info.json etc."""
    parent = os.path.normpath(saved_model_dir)
    if os.path.basename(parent) == "saved_model":
        return os.path.dirname(parent)
    return None


def model_kind_from_flags():
    """The golden files' kind ("rnn", or "model" for a user's), read without loading anything else."""
    import json  # pylint: disable=g-import-not-at-top
    prefix = _GOLDEN_PREFIX.value or (_SAVED_MODEL_DIR.value and golden_prefix_of(_SAVED_MODEL_DIR.value))
    try:
        with open(f"{prefix}_info.json", encoding="utf-8") as f:
            return json.load(f).get("kind", "rnn")
    except (OSError, ValueError, TypeError):
        return "rnn"  # model_from_flags reports the unreadable files


def engines_from_flags():
    """The selected engines; UsageError on an unknown one."""
    try:
        return cases.parse_engines(_ENGINES.value)
    except cases.EngineError as e:
        raise UsageError(f"--engines={_ENGINES.value}: {e}") from None


def model_from_flags(engines):
    """The PeerModel the flags name (and, for converting engines, a checked SavedModel)."""
    from tflatency.peers import model as peer_model  # pylint: disable=g-import-not-at-top  (NumPy)
    saved_model_dir = _SAVED_MODEL_DIR.value
    prefix = _GOLDEN_PREFIX.value or (saved_model_dir and golden_prefix_of(saved_model_dir))
    if not prefix:
        if saved_model_dir:
            raise UsageError(f"--golden_prefix is required: it cannot be derived from --saved_model_dir="
                             f"{saved_model_dir} (not a <prefix>/saved_model directory)")
        raise UsageError(f"--saved_model_dir or --golden_prefix is required "
                         f"(`bazel run //python:{PROGRAM}` supplies them)")
    try:
        model = peer_model.load(prefix, _WEIGHTS.value, saved_model_dir, _HOISTED_SAVED_MODEL_DIR.value)
        if any(engine in cases.CONVERTING_ENGINES for engine in engines):
            from tflatency.peers import savedmodel  # pylint: disable=g-import-not-at-top
            savedmodel.load(saved_model_dir)
            if _HOISTED_SAVED_MODEL_DIR.value:
                savedmodel.load(_HOISTED_SAVED_MODEL_DIR.value, "hoisted_saved_model_dir")
    except peer_model.InputError as e:
        raise UsageError(str(e)) from None
    return model


def _not_applicable_prefix(model):
    """A user's model that an engine cannot convert or run is n/a for that engine (the report's
    convention: an error starting "n/a: "); for a model config it is a failure."""
    return "n/a: " if model.kind == "model" else ""


def engines_to_load(engines, case_list, argv):
    """The engines with a case this run times: none when it only lists cases, else those with a case
    --benchmark_filter selects (all of them without a filter, or with a negative or invalid one)."""
    for arg in argv[1:]:
        if arg == "--benchmark_list_tests" or (arg.startswith("--benchmark_list_tests=") and
                                               arg.split("=", 1)[1].lower() in ("true", "1", "yes")):
            return []
    text = per_call.benchmark_filter(argv)
    if text in ("", "all") or text.startswith("-"):
        return list(engines)
    try:
        pattern = re.compile(text)
    except re.error:
        return list(engines)  # google-benchmark reports the bad filter
    selected = {case.engine for case in case_list
                if pattern.search(case.name) or pattern.search(case.name + "/real_time")}
    return [engine for engine in engines if engine in selected]


def load_engines(model, engines, workdir):
    """(engine -> loaded engine, engine -> one-line reason it could not load the model)."""
    loaded, errors = {}, {}
    for engine in engines:
        try:
            loaded[engine] = cases.load_engine(engine, model, workdir)
        except ImportError as e:
            errors[engine] = f"n/a: {engine} cannot be imported: {type(e).__name__}: {_first_line(e)}"
        except Exception as e:  # pylint: disable=broad-except  (a converter's failure is a result)
            errors[engine] = (f"{_not_applicable_prefix(model)}{engine} could not load the model: "
                              f"{type(e).__name__}: {_first_line(e)}")
    return loaded, errors


def build_step(loaded_engine, case, model=None):
    """The step() of `case` (sessions and interpreters are created here). For a user's model an
    engine that cannot run what it converted (an op it lacks) makes the case n/a."""
    if model is None or model.kind != "model":
        return loaded_engine.make_step(case.variant)
    try:
        return loaded_engine.make_step(case.variant)
    except Exception as e:  # pylint: disable=broad-except
        raise gated_bench.CaseError(f"n/a: {case.engine} cannot run the converted model: "
                                    f"{type(e).__name__}: {_first_line(e)}") from None


def check_step(model, step, golden=None, precision="fp32"):
    """Runs step() once on the golden input and returns its GoldenResult at the tolerance of
    `precision` (compilation happens here)."""
    return (golden or model.golden).check(step(), precision)


# ----------------------------------------------------------------------------
# The program: the cases on tflatency.gated_bench.

_PER_CALL = {}  # the per-call mode's "model" and "workdir" (kept until exit)


def _load(case, loaded, errors, model):
    """load() of `case`: its step on the engine main loaded (CaseError if it could not)."""
    if case.engine in errors:
        raise gated_bench.CaseError(errors[case.engine])
    if case.engine not in loaded:
        raise gated_bench.CaseError(f"{case.engine} was not loaded: --benchmark_filter did not select it")
    return build_step(loaded[case.engine], case, model)


def _per_call_load(case):
    """The per-call mode's load() of `case`: the model files, its engine (importing,
    converting), its session or interpreter."""
    model = model_from_flags([case.engine])
    workdir = tempfile.TemporaryDirectory(prefix="peer_bench_")  # removed at exit
    _PER_CALL.update(model=model, workdir=workdir)
    loaded, errors = load_engines(model, [case.engine], workdir.name)
    if errors:
        raise RuntimeError(errors[case.engine])
    return build_step(loaded[case.engine], case, model)


def _per_call_check(precision, output):
    return _PER_CALL["model"].golden.check(output, precision)


def main(argv):
    gated_bench.parse_flags(argv, PROGRAM, __doc__)
    try:
        engines = engines_from_flags()
        pinned = None
        if _PIN_CPU.value is not None:
            try:
                pinning.pin_to_cpu(_PIN_CPU.value)
            except (pinning.PinError, OSError) as e:
                raise UsageError(f"--pin_cpu={_PIN_CPU.value}: {e}") from None
            pinned = _PIN_CPU.value
        kind = model_kind_from_flags()
        if per_call.enabled():  # after pinning: the engine's threads inherit it
            for case in cases.cases_of(engines, hoisted=bool(_HOISTED_SAVED_MODEL_DIR.value), kind=kind):
                gated_bench.add_case(case.name, functools.partial(_per_call_load, case),
                                     functools.partial(_per_call_check, case.precision))
            return gated_bench.run(PROGRAM, {})
        model = model_from_flags(engines)
        if _CONTEXT_OUT.value:
            from tflatency.peers import context as peer_context  # pylint: disable=g-import-not-at-top
            out_dir = os.path.dirname(peer_context.resolve_path(_CONTEXT_OUT.value)) or "."
            if not os.path.isdir(out_dir):
                raise UsageError(f"--context_out={_CONTEXT_OUT.value}: no such directory {out_dir}")
    except UsageError as e:
        gated_bench.fail_usage(PROGRAM, str(e))

    from tflatency.peers import context as peer_context  # pylint: disable=g-import-not-at-top
    context = peer_context.base_context(model, pinned, engines)
    case_list = cases.cases_of(engines, hoisted=bool(model.hoisted_saved_model_dir), kind=model.kind)
    with tempfile.TemporaryDirectory(prefix="peer_bench_") as workdir:
        loaded, errors = load_engines(model, engines_to_load(engines, case_list, argv), workdir)
        for engine, engine_loaded in loaded.items():
            context["engines"][engine] = engine_loaded.context
        for engine, reason in errors.items():
            context["engine_errors"][engine] = reason
            print(f"{PROGRAM}: {reason}", file=sys.stderr)
        for case in case_list:
            gated_bench.add_case(case.name, functools.partial(_load, case, loaded, errors, model),
                                 functools.partial(model.golden.check, precision=case.precision),
                                 model.golden.fma_count)
        status = gated_bench.run(PROGRAM, peer_context.flat_for_benchmark(context), failed="FAILED")

    for name, (error, result) in gated_bench.outcomes().items():
        context["cases"][name] = {
            "status": "FAILED" if error else "ok",
            "golden_check": error or result.describe(),
            "max_abs_diff": _finite_or_none(None if result is None else result.max_abs_diff),
        }
    if _CONTEXT_OUT.value:
        try:
            peer_context.write(context, _CONTEXT_OUT.value)
        except OSError as e:
            print(f"{PROGRAM}: --context_out={_CONTEXT_OUT.value}: cannot write: {e.strerror or e}",
                  file=sys.stderr)
            return 2
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
