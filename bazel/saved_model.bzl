"""`tf_saved_model`: exports a model config to a SavedModel and its golden vectors.

  load("//bazel:saved_model.bzl", "tf_saved_model")

  tf_saved_model(name = "rnn_547k", config = "//configs:rnn_547k.json")
  tf_saved_model(name = "trivial_multiply", trivial_multiply = True)
  tf_saved_model(name = "rnn_547k_hoisted", config = ..., hoist_input_projection = True)
      (the same RNN with each layer's input projection done for all time steps in
      one matmul; tflatency/rnn_model.py)

Generates:
  <name>               the SavedModel directory plus golden files (SavedModelInfo provider)
  <name>_golden        cc_library with <name>_golden.h: struct <Name>Golden (inputs, output,
                       FMA count, tolerance; SetArgs fills an AOT model's arguments)
  <name>_files         filegroup of the golden files (_input<i>.bin, _output.bin, _info.json)
                       and, for RNNs, <name>_weights.bin (the model's variables, raw fp32)

A tf_saved_model target is what tf_aot_library (tfcompile/tf_aot_library.bzl)
compiles; saved_model_dir and saved_model_info (saved_model_files.bzl) forward
one of its files to a program's runfiles.
"""

SavedModelInfo = provider(
    doc = "A SavedModel exported by //python:export_model and its golden files.",
    fields = {
        "dir": "File: the SavedModel directory (tree artifact)",
        "golden_header": "File: <name>_golden.h",
        "golden_struct": "string: the C++ struct in golden_header",
        "info": "File: <name>_info.json",
    },
)

def _camel(name):
    return "".join([p[:1].upper() + p[1:] for p in name.split("_")])

def golden_struct_name(name):
    """The C++ struct (in namespace tflatency) holding a model's golden data."""
    return _camel(name) + "Golden"

def _tf_saved_model_impl(ctx):
    sm_dir = ctx.actions.declare_directory(ctx.label.name + "/saved_model")
    prefix = ctx.label.name
    header = ctx.actions.declare_file(prefix + "_golden.h")
    info = ctx.actions.declare_file(prefix + "_info.json")
    output = ctx.actions.declare_file(prefix + "_output.bin")
    num_inputs = 2 if ctx.attr.trivial_multiply else 1
    weights = [] if ctx.attr.trivial_multiply else [ctx.actions.declare_file(prefix + "_weights.bin")]
    inputs = [ctx.actions.declare_file("%s_input%d.bin" % (prefix, i)) for i in range(num_inputs)]
    args = ctx.actions.args()
    srcs = []
    if ctx.attr.trivial_multiply:
        args.add("--trivial_multiply")
    else:
        args.add("--config", ctx.file.config)
        srcs.append(ctx.file.config)
        if ctx.attr.hoist_input_projection:
            args.add("--hoist_input_projection")
    args.add("--saved_model_dir", sm_dir.path)
    args.add("--golden_prefix", header.path[:-len("_golden.h")])
    args.add("--golden_struct", golden_struct_name(ctx.label.name))
    ctx.actions.run(
        executable = ctx.executable._exporter,
        arguments = [args],
        inputs = srcs,
        outputs = [sm_dir, header, info, output] + inputs + weights,
        mnemonic = "ExportSavedModel",
        progress_message = "Exporting SavedModel %s" % ctx.label,
        env = {"TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""},
    )
    golden_files = [info, output] + inputs + weights
    return [
        DefaultInfo(
            files = depset([sm_dir, header] + golden_files),
            runfiles = ctx.runfiles(files = [sm_dir] + golden_files),
        ),
        OutputGroupInfo(golden = depset(golden_files), header = depset([header])),
        SavedModelInfo(dir = sm_dir, golden_header = header, golden_struct = golden_struct_name(ctx.label.name), info = info),
    ]

_tf_saved_model = rule(
    implementation = _tf_saved_model_impl,
    attrs = {
        "config": attr.label(allow_single_file = [".json"]),
        "trivial_multiply": attr.bool(default = False),
        "hoist_input_projection": attr.bool(default = False),
        "_exporter": attr.label(default = "//python:export_model", executable = True, cfg = "exec"),
    },
)

def tf_saved_model(name, config = None, trivial_multiply = False, hoist_input_projection = False, visibility = None, **kwargs):
    """Exports a config (or the trivial multiply) to a SavedModel; see the module docstring."""
    _tf_saved_model(
        name = name,
        config = config,
        trivial_multiply = trivial_multiply,
        hoist_input_projection = hoist_input_projection,
        visibility = visibility,
        **kwargs
    )
    native.filegroup(name = name + "_header_file", srcs = [name], output_group = "header", visibility = ["//visibility:private"])
    native.filegroup(name = name + "_files", srcs = [name], output_group = "golden", visibility = visibility)
    native.cc_library(
        name = name + "_golden",
        hdrs = [name + "_header_file"],
        deps = ["//cc/harness:tensor_spec"],
        visibility = visibility,
    )
