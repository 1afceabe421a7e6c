"""The recurrent network in plain TensorFlow ops (tf.Module, tf.Variable, matmul).

Plain ops, not Keras layers: the AOT compiler (saved_model_cli aot_compile_cpu)
needs a SavedModel whose signature traces to simple XLA-compilable ops, and
Keras 3 models do not save in that form.
"""

import tensorflow as tf

from tflatency.model_config import ModelConfig
from tflatency.weights import NARROWED, make_weights


def _lstm_step(xk, h, c, layer):
    """One LSTM step from the input's projection xk = x @ kernel."""
    z = xk + tf.matmul(h, layer["recurrent_kernel"]) + layer["bias"]
    i, f, g, o = tf.split(z, 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c


def _gru_step(xk, h, layer):
    """One GRU step (reset_after, Keras' default) from the input's projection xk = x @ kernel."""
    xz, xr, xn = tf.split(xk + layer["bias"], 3, axis=1)
    hz, hr, hn = tf.split(tf.matmul(h, layer["recurrent_kernel"]) + layer["recurrent_bias"], 3, axis=1)
    z = tf.sigmoid(xz + hz)
    r = tf.sigmoid(xr + hr)
    n = tf.tanh(xn + r * hn)
    return (1.0 - z) * n + z * h


def _input_projections(inputs, layer, hoisted):
    """x_t @ kernel for every step: one matmul per step, or one for all steps (hoisted)."""
    if not hoisted:
        return [tf.matmul(x_t, layer["kernel"]) for x_t in inputs]
    return tf.split(tf.matmul(tf.concat(inputs, axis=0), layer["kernel"]), len(inputs), axis=0)




class RnnModel(tf.Module):
    """Stacked LSTM/GRU; serve() maps [batch, time, features] to the top layer's outputs.

    hoist_input_projection=True computes each layer's input projection for all
    time steps in one matmul ([time*batch, features] x kernel) before the
    recurrence, instead of one matmul per step: the same network and numbers,
    the graph cuDNN-style RNN kernels use, which reads every input kernel once
    per inference instead of once per step.

    weights_precision="bf16" stores the kernels as bfloat16 variables (rounded to
    nearest even) cast to float32 where they are used: bf16 weights, fp32
    arithmetic, what XLA AOT makes of such a SavedModel is then measured.
    """

    def __init__(self, config: ModelConfig, hoist_input_projection: bool = False, weights_precision: str = "fp32"):
        super().__init__(name=config.name)
        if weights_precision not in ("fp32", "bf16"):
            raise ValueError(f"weights_precision must be fp32 or bf16, got {weights_precision!r}")
        self.config = config
        self.hoist_input_projection = hoist_input_projection
        narrow = weights_precision == "bf16"
        self.layers = [
            {key: tf.Variable(tf.cast(value, tf.bfloat16) if narrow and key in NARROWED else value,
                              name=f"layer{n}_{key}") for key, value in layer.items()}
            for n, layer in enumerate(make_weights(config))
        ]
        self.serve = tf.function(
            self._forward,
            input_signature=[tf.TensorSpec(config.input_shape(), tf.float32, name="x")])

    def _forward(self, x):
        cfg = self.config
        inputs = tf.unstack(x, axis=1)  # time steps are few and fixed: unroll.
        for variables in self.layers:
            layer = {key: tf.cast(v, tf.float32) if v.dtype != tf.float32 else v for key, v in variables.items()}
            h = tf.zeros((cfg.batch, cfg.units), tf.float32)
            c = tf.zeros((cfg.batch, cfg.units), tf.float32)
            outputs = []
            for xk in _input_projections(inputs, layer, self.hoist_input_projection):
                if cfg.cell == "lstm":
                    h, c = _lstm_step(xk, h, c, layer)
                else:
                    h = _gru_step(xk, h, layer)
                outputs.append(h)
            inputs = outputs
        return {"y": tf.stack(inputs, axis=1)}


class TrivialMultiply(tf.Module):
    """The original's overhead probe: one int32 multiply, x * y."""

    def __init__(self):
        super().__init__(name="trivial_multiply")
        self.serve = tf.function(
            lambda x, y: {"z": x * y},
            input_signature=[tf.TensorSpec((), tf.int32, name="x"), tf.TensorSpec((), tf.int32, name="y")])
