"""`tf_saved_model`: a model to benchmark as a SavedModel and its golden vectors.

  load("//bazel:saved_model.bzl", "tf_saved_model")

  tf_saved_model(name = "rnn_547k", config = "//configs:rnn_547k.json")
  tf_saved_model(name = "trivial_multiply", trivial_multiply = True)
  tf_saved_model(name = "rnn_547k_hoisted", config = ..., hoist_input_projection = True)
      (the same RNN with each layer's input projection done for all time steps in
      one matmul; tflatency/rnn_model.py)
  tf_saved_model(name = "rnn_547k_bf16", config = ..., weights_precision = "bf16")
      (the same RNN with bf16 kernels; its golden files: the fp32 output at the reduced tolerance)
  tf_saved_model(name = "model", prepared = "@bench_model//:prepared_files",
                 prepared_info = "@bench_model//:prepared/model_info.json", num_inputs = 2, num_outputs = 2)
      (a user's model prepared by tflatency.prepare: its static SavedModel and golden
      files are copied, and the header written for this target)

Generates:
  <name>               the SavedModel directory plus golden files (SavedModelInfo provider)
  <name>_golden        cc_library with <name>_golden.h: struct <Name>Golden (inputs and outputs
                       by name, FMA count, tolerances; SetArgs fills an AOT model's arguments)
  <name>_files         filegroup of the golden files (_input<i>.bin, _output<j>.bin, _info.json)
                       and, for RNN configs, <name>_weights.bin (the model's variables, raw fp32)

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
    outputs = [ctx.actions.declare_file("%s_output%d.bin" % (prefix, j)) for j in range(ctx.attr.num_outputs)]
    weights = [ctx.actions.declare_file(prefix + "_weights.bin")] if ctx.attr.config else []
    inputs = [ctx.actions.declare_file("%s_input%d.bin" % (prefix, i)) for i in range(ctx.attr.num_inputs)]
    args = ctx.actions.args()
    srcs = []
    if ctx.attr.trivial_multiply:
        args.add("--trivial_multiply")
    elif ctx.attr.prepared_info:
        args.add("--prepared_info", ctx.file.prepared_info)
        srcs += ctx.files.prepared + [ctx.file.prepared_info]
    else:
        args.add("--config", ctx.file.config)
        srcs.append(ctx.file.config)
        if ctx.attr.hoist_input_projection:
            args.add("--hoist_input_projection")
        if ctx.attr.weights_precision != "fp32":
            args.add("--weights_precision", ctx.attr.weights_precision)
    args.add("--saved_model_dir", sm_dir.path)
    args.add("--golden_prefix", header.path[:-len("_golden.h")])
    args.add("--golden_struct", golden_struct_name(ctx.label.name))
    ctx.actions.run(
        executable = ctx.executable._exporter,
        arguments = [args],
        inputs = srcs,
        outputs = [sm_dir, header, info] + outputs + inputs + weights,
        mnemonic = "ExportSavedModel",
        progress_message = "Exporting SavedModel %s" % ctx.label,
        env = {"TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""},
    )
    golden_files = [info] + outputs + inputs + weights
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
        "weights_precision": attr.string(default = "fp32", values = ["fp32", "bf16"]),
        "prepared": attr.label_list(allow_files = True),
        "prepared_info": attr.label(allow_single_file = [".json"]),
        "num_inputs": attr.int(mandatory = True),
        "num_outputs": attr.int(mandatory = True),
        "_exporter": attr.label(default = "//python:export_model", executable = True, cfg = "exec"),
    },
)

def tf_saved_model(name, config = None, trivial_multiply = False, hoist_input_projection = False, prepared = None,
                   prepared_info = None, num_inputs = None, num_outputs = 1, visibility = None, **kwargs):
    """A SavedModel from a config, the trivial multiply or a prepared model; see the module docstring."""
    if num_inputs == None:
        num_inputs = 2 if trivial_multiply else 1  # x, y / the RNN's x
    _tf_saved_model(
        name = name,
        config = config,
        trivial_multiply = trivial_multiply,
        hoist_input_projection = hoist_input_projection,
        prepared = prepared or [],
        prepared_info = prepared_info,
        num_inputs = num_inputs,
        num_outputs = num_outputs,
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
