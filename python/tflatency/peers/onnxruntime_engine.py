"""peer/onnxruntime/<variant>/rnn: the SavedModel converted by tf2onnx, run by ONNX Runtime.

Conversion happens once at start-up (tf2onnx.convert.from_function on the
SavedModel's serving signature, written to a temporary directory); each
variant then has its own InferenceSession on the CPU execution provider:

  default     default session options, sess.run([output], {input: x})
  one_thread  intra_op_num_threads = inter_op_num_threads = 1, run()
  iobinding   the one-thread session with IO binding: the input and output are
              OrtValues bound once, each call is run_with_iobinding(binding)
              and a copy of the bound output. (Not run_with_ort_values: its
              public wrapper iterates the result and costs more than run().)
  iobinding_hoisted  the same on the conversion of the model's graph with
              hoisted input projections (model.hoisted_saved_model_dir)
  iobinding_int8  the iobinding case on the conversion quantized by
              onnxruntime.quantization.quantize_dynamic with its defaults
              (QInt8 weights, one scale per tensor; activations quantized to
              uint8 on the fly: DynamicQuantizeLinear + MatMulInteger), made
              when first asked for. (per_channel=True measured slower and no
              more accurate on the default LSTM: max abs error 0.019 vs 0.018.)

The golden inputs are prepared once; every call returns fresh arrays of the
output values (one array for a single-output model, else a dict by output
name). The converted model's inputs keep the signature's names; its outputs
come in the order of the function's flattened outputs, sorted by name.
"""

import os
import time

import numpy as np

from tflatency.peers import quiet
from tflatency.peers import tf2onnx_convert

ENGINE = "onnxruntime"
VARIANTS = ("default", "one_thread", "iobinding", "iobinding_hoisted", "iobinding_int8")


class Loaded:
    """The converted .onnx file and the sessions built on it."""

    def __init__(self, model, workdir):
        self._model = model
        tf2onnx, onnx = tf2onnx_convert.import_tf2onnx()
        with quiet.filtered_stderr():
            import onnxruntime as ort  # pylint: disable=g-import-not-at-top
        self._ort = ort
        ort.set_default_logger_severity(3)  # errors only
        self.context = {
            "onnxruntime_version": ort.__version__,
            "tf2onnx_version": tf2onnx.__version__,
            "onnx_version": onnx.__version__,
            "onnx_providers": ",".join(ort.get_available_providers()),
            "conversion": "tf2onnx.convert.from_function(serving_default)",
        }
        self.path = self._convert(model.saved_model_dir, os.path.join(workdir, "model.onnx"), "")
        self.hoisted_path = None
        self._int8_path = None
        if model.hoisted_saved_model_dir:
            self.hoisted_path = self._convert(model.hoisted_saved_model_dir,
                                              os.path.join(workdir, "model_hoisted.onnx"), "_hoisted",
                                              "hoisted_saved_model_dir")

    def _convert(self, saved_model_dir, path, suffix, flag="saved_model_dir"):
        """Converts one SavedModel's serving signature to `path`; records opset, size and time."""
        for key, value in tf2onnx_convert.convert(saved_model_dir, path, flag).items():
            self.context[key + suffix] = value
        return path

    def int8_path(self):
        """The conversion quantized by quantize_dynamic (int8 weights), written once, when first asked for."""
        if self._int8_path is None:
            from onnxruntime.quantization import QuantType, quantize_dynamic  # pylint: disable=g-import-not-at-top
            path = os.path.join(os.path.dirname(self.path), "model_int8.onnx")
            start = time.perf_counter()
            with quiet.filtered_stderr():
                quantize_dynamic(self.path, path, weight_type=QuantType.QInt8)
            self.context["quantization_int8"] = "onnxruntime.quantization.quantize_dynamic(weight_type=QInt8)"
            self.context["quantization_seconds_int8"] = round(time.perf_counter() - start, 3)
            self._int8_path = path
        return self._int8_path

    def _session(self, path, one_thread):
        ort = self._ort
        options = None
        if one_thread:
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
        session = ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
        inputs, outputs = session.get_inputs(), session.get_outputs()
        golden = self._model.golden
        if len(inputs) != len(golden.input_names) or len(outputs) != len(golden.output_names):
            raise ValueError(f"converted model has {len(inputs)} inputs and {len(outputs)} outputs, the golden "
                             f"files {len(golden.input_names)} and {len(golden.output_names)}")
        return session, [i.name for i in inputs], [o.name for o in outputs]

    def make_step(self, variant):
        if variant not in VARIANTS:
            raise ValueError(f"unknown onnxruntime variant {variant!r}")
        if variant.endswith("_int8"):
            path = self.int8_path()
        else:
            path = self.hoisted_path if variant.endswith("_hoisted") else self.path
        if path is None:
            raise ValueError(f"onnxruntime variant {variant!r} needs --hoisted_saved_model_dir")
        session, input_names, output_names = self._session(path, one_thread=variant != "default")
        model = self._model
        feeds = model.feeds
        # The converted inputs keep the signature's names ("x", or "x:0" in older tf2onnx).
        feed = {name: feeds[name.split(":")[0]] for name in input_names}
        if not variant.startswith("iobinding"):
            return lambda: model.outputs(session.run(output_names, feed))
        ort = self._ort
        input_values = [ort.OrtValue.ortvalue_from_numpy(array) for array in feed.values()]
        output_values = [ort.OrtValue.ortvalue_from_shape_and_type(list(array.shape), array.dtype)
                         for _, array in model.golden.named_outputs]
        binding = session.io_binding()
        for name, value in zip(feed, input_values):
            binding.bind_ortvalue_input(name, value)
        for name, value in zip(output_names, output_values):
            binding.bind_ortvalue_output(name, value)
        views = [value.numpy() for value in output_values]  # share the bound outputs' memory
        if not all(np.shares_memory(view, value.numpy()) for view, value in zip(views, output_values)):
            raise ValueError("OrtValue.numpy() of a bound output is a copy, not a view")
        for view in views:
            if view.dtype.kind == "f":
                view.fill(np.nan)  # the golden check fails unless a run writes the output
        run = session.run_with_iobinding

        def step():
            run(binding)
            return model.outputs([view.copy() for view in views])
        step.bound_values = (input_values, output_values)  # alive as long as the step
        return step


def load(model, workdir):
    return Loaded(model, workdir)
