"""One file of a tf_saved_model target, for a program's runfiles and `$(rootpath)`.

A tf_saved_model target's default outputs are the SavedModel directory plus its
golden files, so `$(rootpath)` of it fails ("expands to more than one file").
These rules forward exactly one of them, so a binary can get it as one argument:

  saved_model_dir(name = "model_saved_model", saved_model = ":model")
      the SavedModel directory (a tree artifact):
      cc_binary(..., data = [":model_saved_model"],
                args = ["--rnn_saved_model=$(rootpath :model_saved_model)"])

  saved_model_info(name = "model_info", saved_model = ":model")
      <name>_info.json; the hand-written kernel accepts its path as the model's
      path prefix (give the `<name>_files` filegroup as data too):
      cc_binary(..., data = [":model_info", ":model_files"],
                args = ["--model_prefix=$(rootpath :model_info)"])
"""

load("//bazel:saved_model.bzl", "SavedModelInfo")

def _saved_model_dir_impl(ctx):
    sm_dir = ctx.attr.saved_model[SavedModelInfo].dir
    return [DefaultInfo(files = depset([sm_dir]), runfiles = ctx.runfiles(files = [sm_dir]))]

saved_model_dir = rule(
    implementation = _saved_model_dir_impl,
    doc = "Forwards only the SavedModel directory (tree artifact) of a tf_saved_model target.",
    attrs = {
        "saved_model": attr.label(mandatory = True, providers = [SavedModelInfo]),
    },
)

def _saved_model_info_impl(ctx):
    info = ctx.attr.saved_model[SavedModelInfo].info
    return [DefaultInfo(files = depset([info]), runfiles = ctx.runfiles(files = [info]))]

saved_model_info = rule(
    implementation = _saved_model_info_impl,
    doc = "Forwards only the _info.json file of a tf_saved_model target.",
    attrs = {
        "saved_model": attr.label(mandatory = True, providers = [SavedModelInfo]),
    },
)
