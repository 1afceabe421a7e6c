"""tflite/interpreter/<threads>/rnn: the SavedModel converted to TFLite, run by LiteRT.

Conversion happens once at start-up with tf.lite.TFLiteConverter.from_saved_model
(default options: float32, the XNNPACK delegate applied by the interpreter).
The model runs in ai_edge_litert.interpreter.Interpreter, the successor of the
deprecated tf.lite.Interpreter, in these variants:

  one_thread          Interpreter(num_threads=1)
  default             Interpreter() (the interpreter picks its thread count)
  one_thread_hoisted  one thread on the conversion of the model's graph with
                      hoisted input projections (model.hoisted_saved_model_dir),
                      so LiteRT gets the same graph the hoisted AOT build gets
  one_thread_int8     one thread on LiteRT's dynamic-range quantization of the
                      model (converter.optimizations = [tf.lite.Optimize.DEFAULT]:
                      int8 weights with per-channel scales, activations
                      quantized on the fly); converted when first asked for

Each call is set_tensor(input, x) for every input; invoke(); get_tensor(output)
for every output, which returns a copy the caller owns. Inputs and outputs are
matched to the golden files by name through the converted model's signature. tensor() views save nothing here: the input must still
be copied in and the output copied out before the next invoke() overwrites it.
"""

import time

from tflatency.peers import quiet
from tflatency.peers import savedmodel

ENGINE = "tflite"
VARIANTS = ("one_thread", "default", "one_thread_hoisted", "one_thread_int8")


def _package_version(name):
    from importlib import metadata  # pylint: disable=g-import-not-at-top
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


class Loaded:
    """The converted flatbuffer and the interpreters built on it."""

    def __init__(self, model, workdir):  # pylint: disable=unused-argument
        self._model = model
        with quiet.filtered_stderr():
            from ai_edge_litert import interpreter as litert  # pylint: disable=g-import-not-at-top
        self._litert = litert
        self.context = {"ai_edge_litert_version": _package_version("ai-edge-litert")}
        self.flatbuffer, self.context["tflite_converter"] = self._convert(model.saved_model_dir, "")
        self.hoisted_flatbuffer = None
        self._int8_flatbuffer = None
        if model.hoisted_saved_model_dir:
            self.hoisted_flatbuffer, _ = self._convert(model.hoisted_saved_model_dir, "_hoisted",
                                                       "hoisted_saved_model_dir")

    def _convert(self, saved_model_dir, suffix, flag="saved_model_dir", quantize=False):
        """(flatbuffer, converter description) of one SavedModel; records its size and time.
        quantize: dynamic-range int8 (Optimize.DEFAULT)."""
        savedmodel.load(saved_model_dir, flag)  # a usable SavedModel, or InputError
        tf = savedmodel.import_tensorflow()
        start = time.perf_counter()
        with quiet.filtered_stderr():
            converter = tf.lite.TFLiteConverter.from_saved_model(saved_model_dir)
            if quantize:
                converter.optimizations = [tf.lite.Optimize.DEFAULT]
            flatbuffer = converter.convert()
        self.context["tflite_model_bytes" + suffix] = len(flatbuffer)
        self.context["conversion_seconds" + suffix] = round(time.perf_counter() - start, 3)
        return flatbuffer, f"tf.lite.TFLiteConverter.from_saved_model (TF {tf.__version__})"

    def int8_flatbuffer(self):
        """The dynamic-range int8 conversion of the model, made once, when first asked for."""
        if self._int8_flatbuffer is None:
            self._int8_flatbuffer, self.context["tflite_converter_int8"] = self._convert(
                self._model.saved_model_dir, "_int8", quantize=True)
            self.context["tflite_converter_int8"] += ", optimizations=[Optimize.DEFAULT]"
        return self._int8_flatbuffer

    def make_step(self, variant):
        if variant not in VARIANTS:
            raise ValueError(f"unknown tflite variant {variant!r}")
        if variant.endswith("_int8"):
            flatbuffer = self.int8_flatbuffer()
        else:
            flatbuffer = self.hoisted_flatbuffer if variant.endswith("_hoisted") else self.flatbuffer
        if flatbuffer is None:
            raise ValueError(f"tflite variant {variant!r} needs --hoisted_saved_model_dir")
        kwargs = {"num_threads": 1} if variant.startswith("one_thread") else {}
        with quiet.filtered_stderr():
            interpreter = self._litert.Interpreter(model_content=flatbuffer, **kwargs)
            interpreter.allocate_tensors()
        runner = interpreter.get_signature_runner(savedmodel.SIGNATURE)
        inputs, outputs = runner.get_input_details(), runner.get_output_details()
        model = self._model
        golden = model.golden
        if sorted(inputs) != sorted(golden.input_names) or sorted(outputs) != sorted(golden.output_names):
            raise ValueError(f"converted model's signature has inputs {sorted(inputs)} and outputs {sorted(outputs)}, "
                             f"the golden files {golden.input_names} and {golden.output_names}")
        feeds = [(inputs[name]["index"], array) for name, array in golden.named_inputs]
        fetches = [outputs[name]["index"] for name in golden.output_names]
        set_tensor, invoke, get_tensor = interpreter.set_tensor, interpreter.invoke, interpreter.get_tensor
        if len(feeds) == 1 and len(fetches) == 1:  # the RNN: no loops in the timed call
            (index, x), (output_index,) = feeds[0], fetches

            def step():
                set_tensor(index, x)
                invoke()
                return get_tensor(output_index)
            return step

        def step_named():
            for index, array in feeds:
                set_tensor(index, array)
            invoke()
            return model.outputs([get_tensor(index) for index in fetches])
        return step_named


def load(model, workdir):
    return Loaded(model, workdir)
