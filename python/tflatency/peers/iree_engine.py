"""peer/iree/<variant>/rnn: the SavedModel compiled ahead of time by IREE for this CPU, run by IREE's runtime.

IREE (OpenXLA's compiler and runtime) takes the model as ONNX: the SavedModel's
serving signature converted by tf2onnx (tf2onnx_convert), imported with
iree-import-onnx (opset upgraded to 17), compiled by iree-compile for the
llvm-cpu backend with --iree-llvmcpu-target-cpu=host and data tiling. All of
that happens in make_step, so a cold start pays it, as a user does. The module
runs on the `local-sync` driver (no worker threads: the local-task pool costs
far more than it gains for one small inference) with the fastest call the
Python API offers: VmContext.invoke on an argument list built once from device
buffers holding the golden inputs; each call maps its result buffers and copies
them out.

  local_sync          the SavedModel
  local_sync_hoisted  the hoisted SavedModel (model.hoisted_saved_model_dir)
"""

from importlib import metadata
import os
import time

import numpy as np

from tflatency.peers import quiet
from tflatency.peers import tf2onnx_convert

ENGINE = "iree"
VARIANTS = ("local_sync", "local_sync_hoisted")
ONNX_OPSET = 17
COMPILE_FLAGS = ("--iree-llvmcpu-target-cpu=host", "--iree-opt-data-tiling")
DRIVER = "local-sync"


class Loaded:
    """IREE's compiler and runtime; each variant compiles its SavedModel in make_step."""

    def __init__(self, model, workdir):
        import iree.compiler  # pylint: disable=g-import-not-at-top  (only when selected)
        import iree.runtime  # pylint: disable=g-import-not-at-top
        self._compiler, self._runtime = iree.compiler, iree.runtime
        self._model = model
        self._workdir = workdir
        self.context = {"iree_compiler_version": metadata.version("iree-base-compiler"),
                        "iree_runtime_version": metadata.version("iree-base-runtime"),
                        "iree_driver": DRIVER, "iree_compile_flags": " ".join(COMPILE_FLAGS),
                        "conversion": "tf2onnx -> iree-import-onnx -> iree-compile llvm-cpu"}

    def _compile(self, saved_model_dir, suffix, flag):
        """The .vmfb of one SavedModel (tf2onnx, iree-import-onnx, iree-compile)."""
        from iree.compiler.tools.import_onnx import __main__ as import_onnx  # pylint: disable=g-import-not-at-top
        base = os.path.join(self._workdir, f"iree{suffix}")
        info = tf2onnx_convert.convert(saved_model_dir, base + ".onnx", flag)
        start = time.perf_counter()
        with quiet.filtered_stderr():
            import_onnx.main(import_onnx.parse_arguments(
                [base + ".onnx", "-o", base + ".mlir", "--opset-version", str(ONNX_OPSET)]))
            self._compiler.compile_file(base + ".mlir", target_backends=["llvm-cpu"],
                                        extra_args=list(COMPILE_FLAGS), output_file=base + ".vmfb")
        info["compile_seconds"] = round(time.perf_counter() - start, 3)
        for key, value in info.items():
            self.context[f"iree_{key}{suffix}"] = value
        return base + ".vmfb"

    def make_step(self, variant):
        if variant not in VARIANTS:
            raise ValueError(f"unknown iree variant {variant!r}")
        hoisted = variant.endswith("_hoisted")
        model = self._model
        if hoisted and not model.hoisted_saved_model_dir:
            raise ValueError(f"iree variant {variant!r} needs --hoisted_saved_model_dir")
        vmfb = self._compile(*((model.hoisted_saved_model_dir, "_hoisted", "hoisted_saved_model_dir") if hoisted
                               else (model.saved_model_dir, "", "saved_model_dir")))
        rt = self._runtime
        config = rt.Config(DRIVER)
        context = rt.SystemContext(config=config)
        with open(vmfb, "rb") as f:
            context.add_vm_module(rt.VmModule.copy_buffer(config.vm_instance, f.read()))
        module = context.modules[_main_module(context)]
        # The ONNX graph's name ("tf2onnx") names the function; the rest are IREE's own ("__init", "<name>$async").
        names = [name for name in module.vm_module.function_names if not name.startswith("__") and "$" not in name]
        if len(names) != 1:
            raise ValueError(f"expected one public function in the compiled module, found {names}")
        function = module.vm_module.lookup_function(names[0])
        device = config.device
        args = rt.VmVariantList(len(model.golden.input_names))
        for _, array in model.golden.named_inputs:
            args.push_ref(device.allocator.allocate_buffer_copy(
                memory_type=rt.MemoryType.DEVICE_LOCAL, allowed_usage=rt.BufferUsage.DEFAULT, device=device,
                buffer=array, element_type=_element_type(rt, array)))
        outputs = [(array.shape, array.dtype) for _, array in model.golden.named_outputs]
        invoke, buffer_view = context.vm_context.invoke, rt.HalBufferView

        def step():
            results = rt.VmVariantList(len(outputs))
            invoke(function, args, results)
            return model.outputs([np.array(results.get_as_object(i, buffer_view).map().asarray(shape, dtype))
                                  for i, (shape, dtype) in enumerate(outputs)])
        step.bound_values = args  # alive as long as the step
        return step


def _main_module(context):
    """The name of the compiled module (the one that is not one of the runtime's own)."""
    names = [name for name in context.modules if name not in ("hal", "io_parameters")]
    if len(names) != 1:
        raise ValueError(f"expected one compiled module, the context has {names}")
    return names[0]


def _element_type(rt, array):
    element_type = rt.array_interop.map_dtype_to_element_type(array.dtype)
    if element_type is None:
        raise ValueError(f"IREE has no element type for input dtype {array.dtype}")
    return element_type


def load(model, workdir):
    return Loaded(model, workdir)
