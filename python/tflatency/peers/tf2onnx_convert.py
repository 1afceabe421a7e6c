"""A SavedModel's serving signature converted to ONNX by tf2onnx, for the engines that run ONNX (ONNX Runtime, IREE).

The converted model's inputs keep the signature's names; its outputs come in
the order of the function's flattened outputs, sorted by name. tf2onnx only
logs the ops it cannot map and still writes a file, so callers must check what
their runtime makes of it.
"""

import time

from tflatency.peers import quiet
from tflatency.peers import savedmodel


def import_tf2onnx():
    """tf2onnx and onnx, imported without their start-up chatter (and with quiet loggers after)."""
    with quiet.filtered_stderr():
        import tf2onnx  # pylint: disable=g-import-not-at-top
        import onnx  # pylint: disable=g-import-not-at-top
    quiet.set_quiet_env()  # tf2onnx resets its loggers on import
    return tf2onnx, onnx


def convert(saved_model_dir, path, flag="saved_model_dir"):
    """Writes `path`; returns {"onnx_opset", "onnx_nodes", "conversion_seconds"}."""
    tf2onnx, _ = import_tf2onnx()
    signature = savedmodel.load(saved_model_dir, flag)
    tf = savedmodel.import_tensorflow()
    function, names = signature.function, signature.input_names

    @tf.function
    def serve(*args):
        return function(**dict(zip(names, args)))

    start = time.perf_counter()
    with quiet.filtered_stderr():
        model_proto, _ = tf2onnx.convert.from_function(
            serve, input_signature=[tf.TensorSpec(spec.shape, spec.dtype, name=name)
                                    for name, spec in signature.input_specs.items()],
            output_path=path)
    opsets = {o.domain or "ai.onnx": o.version for o in model_proto.opset_import}
    return {"onnx_opset": opsets.get("ai.onnx"), "onnx_nodes": len(model_proto.graph.node),
            "conversion_seconds": round(time.perf_counter() - start, 3)}
