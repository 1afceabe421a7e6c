"""prepare(options): a user's model -> a prepared folder in the cache (see the package docstring).

  python -m tflatency.prepare.prepare --saved_model=DIR [--signature=KEY] [--input=NAME:DIMS[:DTYPE] ...]
                                      [--golden_input=FILE.npz] [--atol=...] [--rtol=...] [--fma_count=N]
  python -m tflatency.prepare.prepare --keras=FILE.keras [...]
prints the prepared folder; bad input is one line on stderr and exit status 2.
"""

import dataclasses
import os
import re
import sys
import tempfile

from tflatency import golden
from tflatency.prepare import cache
from tflatency.prepare import fma_count as fma_counter
from tflatency.prepare import golden_data
from tflatency.prepare import keras_model
from tflatency.prepare import saved_model
from tflatency.prepare import static_model
from tflatency.prepare import tensors
from tflatency.prepare import tolerances
from tflatency.prepare import xla_support
from tflatency.prepare.errors import PrepareError

PREFIX = "model"  # the golden files are <folder>/model_info.json, model_input0.bin, ...
KIND = "model"    # the last segment of every case name of a user's model (aot/<cpu>/model, ...)
DEFAULT_SIGNATURE = saved_model.DEFAULT_SIGNATURE


@dataclasses.dataclass(frozen=True)
class Options:
    saved_model: str = None
    keras: str = None
    signature: str = DEFAULT_SIGNATURE
    inputs: tuple = ()        # --input flags as given
    golden_input: str = None  # an .npz file
    atol: tuple = ()          # --atol flags as given
    rtol: tuple = ()
    fma_count: int = None     # --fma_count


@dataclasses.dataclass(frozen=True)
class Prepared:
    folder: str
    info: dict

    @property
    def prefix(self):
        return os.path.join(self.folder, PREFIX)

    @property
    def saved_model_dir(self):
        return os.path.join(self.folder, "saved_model")


def model_name(path):
    """An identifier for reports and module names, from the directory or file name.

    A directory called saved_model, or a version number (TF Serving's <model>/1/), is named by its parent.
    """
    path = os.path.normpath(os.path.abspath(path))
    base = os.path.basename(path)
    if base == "saved_model" or base.isdigit():
        base = os.path.basename(os.path.dirname(path))
    base = re.sub(r"\.keras$", "", base)
    name = re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_") or "model"
    return name if not name[0].isdigit() else "m_" + name


def _settings(options, tf_version):
    golden_digest = cache.digest_of(options.golden_input, {}) if options.golden_input else None
    return {"kind": "keras" if options.keras else "saved_model", "signature": options.signature,
            "inputs": sorted(options.inputs), "golden_input": golden_digest, "atol": list(options.atol),
            "rtol": list(options.rtol), "fma_count": options.fma_count, "tensorflow": tf_version}


def check_options(options):
    """PrepareError for what is wrong with the options alone, without TensorFlow (scripts/bench checks
    them before setting anything up): conflicting flags, malformed --input/--atol/--rtol, a path that
    is not a SavedModel directory or a .keras file."""
    if bool(options.saved_model) == bool(options.keras):
        raise PrepareError("give exactly one of --saved_model=DIR or --keras=FILE.keras")
    if options.keras and options.signature != saved_model.DEFAULT_SIGNATURE:
        raise PrepareError("--signature applies to --saved_model; a Keras model has one call")
    if options.fma_count is not None and options.fma_count < 0:
        raise PrepareError(f"--fma_count must be >= 0, got {options.fma_count}")
    if options.golden_input and not os.path.isfile(options.golden_input):
        raise PrepareError(f"--golden_input={options.golden_input}: no such file")
    tensors.parse_input_flags(options.inputs)
    tolerances.parse("atol", options.atol, 0.0)
    tolerances.parse("rtol", options.rtol, 0.0)
    if options.keras:
        keras_model.check_file(options.keras)
    else:
        saved_model.check_directory("--saved_model", options.saved_model)


def _source(options, workdir):
    """(loaded SavedModel, signature function, where, source description, static inputs, defaulted names)."""
    overrides = tensors.parse_input_flags(options.inputs)
    if options.keras:
        where = f"--keras={options.keras}"
        model = keras_model.load(options.keras)
        static, defaulted = tensors.resolve_inputs(keras_model.inputs_of(model), overrides, where)
        exported = os.path.join(workdir, "keras_export")
        keras_model.export(model, static, exported, where)
        loaded = saved_model.open_saved_model("--keras (exported)", exported)
        function = saved_model.signature_function(loaded, saved_model.DEFAULT_SIGNATURE, where)
        source = {"kind": "keras", "path": os.path.abspath(options.keras)}
    else:
        where = f"--saved_model={options.saved_model}"
        loaded = saved_model.open_saved_model("--saved_model", options.saved_model)
        function = saved_model.signature_function(loaded, options.signature, where)
        inputs, outputs = saved_model.signature_tensors(function)
        static, defaulted = tensors.resolve_inputs(inputs, overrides, where)
        for t in outputs:
            tensors.check_dtype(t, "output", where)
        source = {"kind": "saved_model", "path": os.path.abspath(options.saved_model),
                  "signature": options.signature}
    return loaded, function, where, source, static, defaulted


def _fill(folder, options, loaded, function, where, source, static, defaulted):
    """Writes the static SavedModel and the golden files into `folder`."""
    sm_dir = os.path.join(folder, "saved_model")
    static_model.save(loaded, function, static, sm_dir)
    reloaded = saved_model.open_saved_model("(prepared)", sm_dir)
    serve = reloaded.signatures[static_model.SIGNATURE]
    _, outputs = saved_model.signature_tensors(serve)
    for t in outputs:
        tensors.check_dtype(t, "output", where)
    inputs = (golden_data.npz_inputs(options.golden_input, static) if options.golden_input
              else golden_data.seeded_inputs(static))
    results = golden_data.run_outputs(serve, inputs, where)
    tol = tolerances.for_outputs(outputs, options.atol, options.rtol)

    hlo, xla_reason = xla_support.hlo_text(serve, static)
    if options.fma_count is not None:
        fmas, fma_source, fma_reason = options.fma_count, "--fma_count", ""
    elif hlo is None:
        fmas, fma_source, fma_reason = None, "", f"not counted: {xla_reason}"
    else:
        counted = fma_counter.count_module(hlo)
        fmas, fma_source, fma_reason = counted.count, "XLA HLO (dots and convolutions)", counted.reason
    weight_bytes = sum(int(v.numpy().nbytes) for v in {id(v): v for v in serve.variables}.values())
    import tensorflow as tf  # pylint: disable=g-import-not-at-top  (imported by saved_model already)
    info = {
        "source": source,
        "batch_defaulted": defaulted,
        "golden_input": os.path.abspath(options.golden_input) if options.golden_input
                        else f"seeded (numpy PCG64, seed {golden_data.SEED})",
        "fma_source": fma_source,
        "fma_reason": fma_reason,
        "weight_bytes": weight_bytes,
        "weight_source": "the variables the signature reads",
        "xla": {"compiles": hlo is not None, "reason": xla_reason},
        "tensorflow_version": tf.__version__,
    }
    golden.write_data(os.path.join(folder, PREFIX), model_name(source["path"]), KIND, fmas,
                      [(t.name, inputs[t.name]) for t in static],
                      [(t.name, results[t.name]) + tol[t.name] for t in outputs], info)


def prepare(options):
    """The prepared folder for `options` (from the cache when it is there); PrepareError on bad input."""
    check_options(options)
    source_path = options.keras or options.saved_model
    tf = saved_model.import_tensorflow()
    digest = cache.digest_of(source_path, _settings(options, tf.__version__))
    folder = cache.lookup(digest)
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="tflatency-prepare-") as workdir:
            loaded, function, where, source, static, defaulted = _source(options, workdir)
            folder = cache.create(digest, lambda f: _fill(f, options, loaded, function, where, source,
                                                          static, defaulted))
    info, _, _ = golden.read_golden(os.path.join(folder, PREFIX))
    return Prepared(folder, info)


def _main(argv):
    from absl import flags  # pylint: disable=g-import-not-at-top
    defined = flags.FlagValues()
    flags.DEFINE_string("saved_model", None, "SavedModel directory.", flag_values=defined)
    flags.DEFINE_string("keras", None, "A .keras file.", flag_values=defined)
    flags.DEFINE_string("signature", saved_model.DEFAULT_SIGNATURE, "Signature key.", flag_values=defined)
    flags.DEFINE_multi_string("input", [], "NAME:D0,D1,...[:DTYPE]", flag_values=defined)
    flags.DEFINE_string("golden_input", None, "An .npz file with one array per input.", flag_values=defined)
    flags.DEFINE_multi_string("atol", [], "VALUE or OUTPUT:VALUE", flag_values=defined)
    flags.DEFINE_multi_string("rtol", [], "VALUE or OUTPUT:VALUE", flag_values=defined)
    flags.DEFINE_integer("fma_count", None, "Override the FMA count.", flag_values=defined)
    try:
        rest = defined(argv)
    except flags.Error as e:
        print(f"prepare: {(str(e).strip().splitlines() or ['bad flags'])[0]}", file=sys.stderr)
        return 2
    if len(rest) > 1:
        print(f"prepare: unexpected argument {rest[1]!r}", file=sys.stderr)
        return 2
    options = Options(saved_model=defined.saved_model, keras=defined.keras, signature=defined.signature,
                      inputs=tuple(defined.input), golden_input=defined.golden_input, atol=tuple(defined.atol),
                      rtol=tuple(defined.rtol), fma_count=defined.fma_count)
    try:
        prepared = prepare(options)
    except PrepareError as e:
        print(f"prepare: {e}", file=sys.stderr)
        return 2
    print(prepared.folder)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
