"""AOT-compiles a SavedModel signature with XLA: saved_model_cli aot_compile_cpu, made strict.

Wraps TensorFlow's own compiler entry point and fails (instead of silently
compiling for a generic CPU) when LLVM does not recognise --target_cpu.

Writes <prefix>.h, .o and _constants.o. XLA also writes <prefix>_metadata.o, a
serialized xla::cpu::CompilationResultProto whose protobuf maps come out in
hash order, so it differs from run to run. The generated class never reads it
(its static data sets the proto to nullptr), so it is deleted, which makes the
outputs byte-for-byte reproducible; if a TensorFlow version's class does read
it, compilation fails here instead of linking without it.
"""

import os
import subprocess
import sys

from absl import app
from absl import flags

_SAVED_MODEL_DIR = flags.DEFINE_string("saved_model_dir", None, "SavedModel directory.", required=True)
_OUTPUT_PREFIX = flags.DEFINE_string("output_prefix", None, "Writes <prefix>.h, .o, _constants.o.", required=True)
_CPP_CLASS = flags.DEFINE_string("cpp_class", None, "Fully qualified C++ class name to generate.", required=True)
_TARGET_CPU = flags.DEFINE_string("target_cpu", "", "LLVM CPU name, e.g. haswell, znver5; empty for generic x86-64.")
_TARGET_TRIPLE = flags.DEFINE_string("target_triple", "x86_64-pc-linux", "LLVM target triple.")
_SIGNATURE = flags.DEFINE_string("signature_def_key", "serving_default", "Signature to compile.")


def main(argv):
    cmd = [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "aot_compile_cpu",
           "--dir", _SAVED_MODEL_DIR.value, "--tag_set", "serve",
           "--signature_def_key", _SIGNATURE.value,
           "--output_prefix", _OUTPUT_PREFIX.value, "--cpp_class", _CPP_CLASS.value,
           "--target_triple", _TARGET_TRIPLE.value, "--target_cpu", _TARGET_CPU.value] + argv[1:]
    # saved_model_cli orders a signature's arguments by iterating Python sets and
    # dicts and the signature's protobuf map: a fixed hash seed fixes the former;
    # protobuf's default (upb) C maps iterate in a per-process random order (the
    # trivial model's x and y swapped between clean builds), its pure-Python
    # implementation in parse order. Both make the header reproducible.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0",
               PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION="python")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        sys.exit(f"aot_compile: saved_model_cli aot_compile_cpu failed (exit {proc.returncode})")
    if "is not a recognized processor" in proc.stderr:
        sys.exit(f"aot_compile: LLVM does not know --target_cpu={_TARGET_CPU.value!r}; "
                 "set TFLATENCY_AOT_TARGET_CPU or target_cpu to a known name (e.g. haswell)")
    _drop_unused_metadata(_OUTPUT_PREFIX.value)


def _drop_unused_metadata(prefix):
    """Deletes <prefix>_metadata.o after checking the generated class never reads it."""
    header = open(prefix + ".h").read()
    if "set_static_data_compilation_result_proto(data, nullptr)" not in header:
        sys.exit(f"aot_compile: {prefix}.h reads the embedded CompilationResultProto; this TensorFlow needs "
                 f"{prefix}_metadata.o linked (tfcompile/tf_aot_library.bzl no longer declares it)")
    os.remove(prefix + "_metadata.o")


if __name__ == "__main__":
    app.run(main)
