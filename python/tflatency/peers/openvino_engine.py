"""peer/openvino/<variant>/rnn: the SavedModel converted by OpenVINO's own converter, run by its CPU plugin.

ov.convert_model reads the SavedModel directory (OpenVINO's TensorFlow
frontend) once per SavedModel, in memory: never through ov.save_model, which
compresses weights to fp16 unless told not to. Every variant compiles it for the
CPU with the latency hint and INFERENCE_PRECISION_HINT f32: on CPUs with AMX or
AVX-512 BF16 OpenVINO otherwise picks bf16, which fails the fp32 golden gate.
The inputs are set once as tensors on the request; each call is
request.infer() and a copy of each output tensor.

  one_thread          INFERENCE_NUM_THREADS 1
  two_threads         INFERENCE_NUM_THREADS 2
  one_thread_hoisted  one thread, converted from the hoisted SavedModel
                      (model.hoisted_saved_model_dir)
  one_thread_bf16     one thread, INFERENCE_PRECISION_HINT bf16: OpenVINO's
                      reduced-precision mode (bf16 weights and activations where
                      its CPU plugin has BF16; n/a with the reason where it has not,
                      or compiles f32 anyway)
"""

import time

from tflatency import gated_bench

ENGINE = "openvino"
VARIANTS = ("one_thread", "two_threads", "one_thread_hoisted", "one_thread_bf16")
_THREADS = {"one_thread": 1, "two_threads": 2, "one_thread_hoisted": 1, "one_thread_bf16": 1}
_BF16 = "BF16"  # in the CPU plugin's OPTIMIZATION_CAPABILITIES


class Loaded:
    """The OpenVINO runtime; the SavedModels are converted when a variant first needs them."""

    def __init__(self, model, workdir):  # pylint: disable=unused-argument
        import openvino as ov  # pylint: disable=g-import-not-at-top  (only when selected)
        self._ov = ov
        self._model = model
        self._core = ov.Core()
        self._converted = {}
        self.context = {"openvino_version": ov.get_version(),
                        "openvino_cpu": self._core.get_property("CPU", "FULL_DEVICE_NAME"),
                        "openvino_precision_hint": "f32", "openvino_performance_hint": "LATENCY",
                        "conversion": "openvino.convert_model(saved_model_dir)"}

    def _convert(self, hoisted):
        """The ov.Model of the (hoisted) SavedModel, converted once."""
        if hoisted not in self._converted:
            path = self._model.hoisted_saved_model_dir if hoisted else self._model.saved_model_dir
            start = time.perf_counter()
            self._converted[hoisted] = self._ov.convert_model(path)
            suffix = "_hoisted" if hoisted else ""
            self.context["conversion_seconds" + suffix] = round(time.perf_counter() - start, 3)
        return self._converted[hoisted]

    def make_step(self, variant):
        if variant not in VARIANTS:
            raise ValueError(f"unknown openvino variant {variant!r}")
        hoisted = variant.endswith("_hoisted")
        if hoisted and not self._model.hoisted_saved_model_dir:
            raise ValueError(f"openvino variant {variant!r} needs --hoisted_saved_model_dir")
        ov, model = self._ov, self._model
        bf16 = variant.endswith("_bf16")
        if bf16 and _BF16 not in self._core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
            raise gated_bench.CaseError("n/a: OpenVINO's CPU plugin has no BF16 capability on this CPU")
        compiled = self._core.compile_model(self._convert(hoisted), "CPU", {
            "INFERENCE_PRECISION_HINT": "bf16" if bf16 else "f32",
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_NUM_THREADS": _THREADS[variant],
        })
        executed = compiled.get_property("INFERENCE_PRECISION_HINT")
        self.context["openvino_execution_precision" + ("_bf16" if bf16 else "")] = str(executed)
        if bf16 and executed != ov.Type.bf16:
            raise gated_bench.CaseError(f"n/a: OpenVINO compiled {executed} although asked for bf16")
        request = compiled.create_infer_request()
        feeds = model.feeds
        for port in compiled.inputs:
            name = _matching_name(port.get_names(), feeds, "input")
            request.set_tensor(port, ov.Tensor(feeds[name]))  # a copy: the engine owns it
        output_names = model.golden.output_names
        outputs = [request.get_tensor(port) for port in compiled.outputs]
        if len(outputs) == 1 and len(output_names) == 1:
            order = [0]
        else:
            by_name = {_matching_name(port.get_names(), output_names, "output"): i
                       for i, port in enumerate(compiled.outputs)}
            order = [by_name[name] for name in output_names]
        infer = request.infer

        def step():
            infer()
            return model.outputs([outputs[i].data.copy() for i in order])
        return step


def _matching_name(port_names, wanted, what):
    """The one name of `wanted` that an OpenVINO port carries (as "x" or "x:0")."""
    found = [name for name in wanted if name in port_names or f"{name}:0" in port_names]
    if len(found) != 1:
        raise ValueError(f"converted model's {what} {sorted(port_names)} matches {found} of the golden "
                         f"files' {sorted(wanted)}")
    return found[0]


def load(model, workdir):
    return Loaded(model, workdir)
