"""Build macro that AOT-compiles a SavedModel with XLA into a cc_library, in the style of TF's tf_library.

To use it from a BUILD file:

  load("//bazel:saved_model.bzl", "tf_saved_model")
  load("//tfcompile:tf_aot_library.bzl", "tf_aot_library")

  tf_saved_model(name = "rnn_547k", config = "//configs:rnn_547k.json")

  tf_aot_library(
      name = "rnn_547k_aot",
      saved_model = ":rnn_547k",
      cpp_class = "tflatency::Rnn547k",
  )

TensorFlow's own tf_library (tensorflow/compiler/aot/tfcompile.bzl) compiles a
GraphDef with tfcompile; this macro compiles a SavedModel signature with
`saved_model_cli aot_compile_cpu` (tfcompile/aot_compile.py), which is what the
pip wheel ships, and checks the result against the model's golden output.
"""

load("@tf_python//:defs.bzl", "HOST_TARGET_CPU")
load("//bazel:saved_model.bzl", "SavedModelInfo")

def _camel(name):
    return "".join([p[:1].upper() + p[1:] for p in name.split("_")])

def traits_name(name):
    """The traits struct (namespace tflatency) generated for tf_aot_library `name`."""
    return _camel(name) + "Traits"

def _c_string(text):
    return text.replace("\\", "\\\\").replace("\"", "\\\"")

def _tf_aot_compile_impl(ctx):
    name = ctx.attr.library_name
    sm = ctx.attr.saved_model[SavedModelInfo]
    header = ctx.actions.declare_file(name + ".h")
    objects = [ctx.actions.declare_file(name + suffix) for suffix in [".o", "_constants.o"]]
    makefile = ctx.actions.declare_file(name + "_makefile.inc")
    args = ctx.actions.args()
    args.add("--saved_model_dir", sm.dir.path)
    args.add("--output_prefix", header.path[:-2])
    args.add("--cpp_class", ctx.attr.cpp_class)
    args.add("--target_cpu", ctx.attr.target_cpu)
    args.add("--")
    args.add_all(ctx.attr.tfcompile_flags)
    ctx.actions.run(
        executable = ctx.executable._compiler,
        arguments = [args],
        env = {"XLA_FLAGS": " ".join(ctx.attr.xla_flags)} if ctx.attr.xla_flags else {},
        inputs = [sm.dir],
        outputs = [header, makefile] + objects,
        mnemonic = "TfAotCompile",
        progress_message = "AOT-compiling %s for %s" % (ctx.attr.cpp_class, ctx.attr.target_cpu or "generic x86-64"),
    )

    traits = ctx.actions.declare_file(name + "_traits.h")
    ctx.actions.expand_template(
        template = ctx.file._traits_template,
        output = traits,
        substitutions = {
            "{{LABEL}}": str(ctx.label),
            "{{GUARD}}": "TFLATENCY_" + (ctx.label.package + "/" + name).upper().replace("/", "_") + "_TRAITS_H_",
            "{{MODEL_HEADER}}": header.short_path,
            "{{GOLDEN_HEADER}}": sm.golden_header.short_path,
            "{{TRAITS}}": traits_name(name),
            "{{CPP_CLASS}}": ctx.attr.cpp_class,
            "{{GOLDEN_STRUCT}}": sm.golden_struct,
            "{{NAME}}": name,
            "{{TARGET_CPU}}": ctx.attr.target_cpu or "generic",
            "{{VARIANT}}": ctx.attr.variant,
            "{{FLAGS}}": _c_string(" ".join(ctx.attr.tfcompile_flags + ctx.attr.xla_flags)),
        },
    )
    main_substitutions = {
        "{{LABEL}}": str(ctx.label),
        "{{NAME}}": name,
        "{{TRAITS_HEADER}}": traits.short_path,
        "{{TRAITS}}": traits_name(name),
        "{{MODULE}}": name + "_py",
    }
    generated = {}
    for group, template, suffix, wanted in [
        ("test_main", ctx.file._test_template, "_test_main.cc", ctx.attr.gen_test),
        ("benchmark_main", ctx.file._benchmark_template, "_benchmark_main.cc", ctx.attr.gen_benchmark),
        ("py_module", ctx.file._python_module_template, "_py_module.cc", ctx.attr.python_module),
    ]:
        if wanted:
            src = ctx.actions.declare_file(name + suffix)
            ctx.actions.expand_template(template = template, output = src, substitutions = main_substitutions)
            generated[group] = depset([src])
    return [
        DefaultInfo(files = depset([header, traits] + objects)),
        OutputGroupInfo(headers = depset([header, traits]), objects = depset(objects), **generated),
    ]

_tf_aot_compile = rule(
    implementation = _tf_aot_compile_impl,
    doc = "Runs the AOT compiler on a SavedModel and generates the traits header and the mains of tf_aot_library.",
    attrs = {
        "library_name": attr.string(mandatory = True),
        "saved_model": attr.label(mandatory = True, providers = [SavedModelInfo]),
        "cpp_class": attr.string(mandatory = True),
        "target_cpu": attr.string(),
        "tfcompile_flags": attr.string_list(),
        "xla_flags": attr.string_list(),
        "variant": attr.string(),
        "gen_test": attr.bool(),
        "gen_benchmark": attr.bool(),
        "python_module": attr.bool(),
        "_compiler": attr.label(default = "//tfcompile:aot_compile", executable = True, cfg = "exec"),
        "_traits_template": attr.label(default = "//tfcompile/templates:traits.h.tpl", allow_single_file = True),
        "_test_template": attr.label(default = "//tfcompile/templates:test_main.cc.tpl", allow_single_file = True),
        "_benchmark_template": attr.label(
            default = "//tfcompile/templates:benchmark_main.cc.tpl",
            allow_single_file = True,
        ),
        "_python_module_template": attr.label(
            default = "//tfcompile/templates:python_module.cc.tpl",
            allow_single_file = True,
        ),
    },
)

def tf_aot_library(
        name,
        saved_model,
        cpp_class,
        target_cpu = None,
        tfcompile_flags = [],
        xla_flags = [],
        variant = "",
        gen_test = True,
        gen_benchmark = True,
        python_module = False,
        visibility = None,
        testonly = None,
        tags = []):
    """AOT-compiles a SavedModel's serving signature into executable code.

    Given tf_aot_library(name = "foo", ...), generates the following targets:
      foo:            cc_library with the generated header foo.h (class
                      `cpp_class`, a tensorflow::XlaCompiledCpuFunction), the
                      compiled objects, and foo_traits.h (struct
                      tflatency::FooTraits: Model, Golden, target CPU, variant,
                      flags), linked against the XLA AOT runtime.
      foo_test:       cc_test: the compiled model on the golden input reproduces
                      TF's golden output within the golden tolerance. Only with
                      gen_test = True.
      foo_benchmark:  cc_binary: google-benchmark of one inference (standard
                      --benchmark_* flags, and the per-call mode
                      --per_call_out), checked against the golden output first.
                      Only with gen_benchmark = True.
      foo_py.so, foo_py:
                      the Python extension module `foo_py` (pybind11) and a
                      py_library holding it: `foo_py.Model()(x)` runs one
                      inference from Python (tfcompile/aot_python_module.h).
                      Only with python_module = True.
    The generated sources (traits header, test and benchmark mains, Python
    module) come from tfcompile/templates/. Benchmark cases are named
    aot/<target cpu>[_<variant>]/<rnn|trivial> (tfcompile/aot_harness.h).

    Args:
      name: The name of the cc_library; prefix of every other target.
      saved_model: A tf_saved_model target (//bazel:saved_model.bzl); its
        golden files become the test's and the benchmark's reference.
      cpp_class: The generated C++ class, with its namespaces
        ("tflatency::Rnn547k").
      target_cpu: LLVM CPU name to compile for ("haswell"); "" for generic
        x86-64; None (default) for this machine's family (@tf_python's
        HOST_TARGET_CPU, or $TFLATENCY_AOT_TARGET_CPU).
      tfcompile_flags: Extra flags for saved_model_cli aot_compile_cpu.
      xla_flags: XLA_FLAGS for the compiler, e.g.
        ["--xla_cpu_prefer_vector_width=512"].
      variant: Names a build with other flags; the benchmark case becomes
        aot/<cpu>_<variant>/<kind>.
      gen_test: Also generate foo_test.
      gen_benchmark: Also generate foo_benchmark.
      python_module: Also generate the Python extension module foo_py.
      visibility: Bazel visibility of the library, benchmark and module.
      testonly: Bazel testonly of every generated target.
      tags: Tags of every generated target.
    """
    if target_cpu == None:
        target_cpu = HOST_TARGET_CPU
    compile_name = name + "_compile"
    _tf_aot_compile(
        name = compile_name,
        library_name = name,
        saved_model = saved_model,
        cpp_class = cpp_class,
        target_cpu = target_cpu,
        tfcompile_flags = tfcompile_flags,
        xla_flags = xla_flags,
        variant = variant,
        gen_test = gen_test,
        gen_benchmark = gen_benchmark,
        python_module = python_module,
        testonly = testonly,
        tags = tags,
    )
    groups = ["headers", "objects"]
    if gen_test:
        groups.append("test_main")
    if gen_benchmark:
        groups.append("benchmark_main")
    if python_module:
        groups.append("py_module")
    for group in groups:
        native.filegroup(
            name = "%s_%s" % (name, group),
            srcs = [compile_name],
            output_group = group,
            testonly = testonly,
            tags = tags,
        )
    native.cc_library(
        name = name,
        hdrs = [name + "_headers"],
        srcs = [name + "_objects"],
        deps = [
            saved_model + "_golden",
            "@tf_python//:aot_runtime",
            "@tf_python//:tf_headers",
        ],
        visibility = visibility,
        testonly = testonly,
        tags = tags,
    )
    if gen_test:
        native.cc_test(
            name = name + "_test",
            srcs = [name + "_test_main"],
            deps = [name, "//tfcompile:aot_harness"],
            size = "small",
            tags = tags,
        )
    if gen_benchmark:
        native.cc_binary(
            name = name + "_benchmark",
            srcs = [name + "_benchmark_main"],
            deps = [name, "//tfcompile:aot_harness"],
            visibility = visibility,
            testonly = testonly,
            tags = tags,
        )
    if python_module:
        native.cc_binary(
            name = name + "_py.so",
            srcs = [name + "_py_module"],
            linkshared = True,
            copts = ["-fvisibility=hidden"],
            deps = [name, "//tfcompile:aot_python_module"],
            visibility = visibility,
            testonly = testonly,
            tags = tags,
        )
        native.py_library(
            name = name + "_py",
            data = [name + "_py.so"],
            imports = ["."],
            visibility = visibility,
            testonly = testonly,
            tags = tags,
        )
