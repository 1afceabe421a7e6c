"""Small models of the kinds users bring, built on the spot (never downloaded), with their FMA counts by hand.

  python -m tflatency.prepare.example_models OUT_DIR     writes every model below into OUT_DIR

  mlp.keras        Keras Dense MLP 64 -> 128 -> 128 -> 10
  lstm.keras       Keras LSTM(32) over 12 steps of 20 features, no unroll (a while loop), then Dense(5)
  conv1d.keras     Keras Conv1D(16, 3) -> Conv1D(8, 5) over 40 steps of 6 channels, then Dense(3)
  two_inputs/      a tf.Module SavedModel: float32 x [1, 8] and int32 ids [1, 4] (a gather) -> two outputs
  segment_sum/     a SavedModel with tf.math.segment_sum, an op XLA cannot compile

Tests (python/tflatency/prepare/*_test.py) prepare and count them; the README's
"Your own model" example runs scripts/bench on them.
"""

import os
import sys

# name -> multiply-accumulates of one inference, counted by hand from the layer shapes
FMA_COUNTS = {
    "mlp.keras": 64 * 128 + 128 * 128 + 128 * 10,
    "lstm.keras": 12 * 4 * 32 * (20 + 32) + 32 * 5,
    "conv1d.keras": 38 * 16 * (3 * 6) + 34 * 8 * (5 * 16) + 8 * 3,
    "two_inputs": 8 * 16 + 4 * 6 * 16,  # x @ w, then the four gathered rows of e (6 wide) @ v
}


def _tf_keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    import keras  # pylint: disable=g-import-not-at-top
    keras.utils.set_random_seed(7)
    return tf, keras


def mlp(path):
    _, keras = _tf_keras()
    inp = keras.Input((64,), name="features")
    x = keras.layers.Dense(128, activation="relu")(inp)
    x = keras.layers.Dense(128, activation="relu")(x)
    keras.Model(inp, keras.layers.Dense(10)(x)).save(path)


def lstm(path):
    _, keras = _tf_keras()
    inp = keras.Input((12, 20), name="frames")
    x = keras.layers.LSTM(32)(inp)  # unroll=False: a tf.while_loop in the graph
    keras.Model(inp, keras.layers.Dense(5)(x)).save(path)


def conv1d(path):
    _, keras = _tf_keras()
    inp = keras.Input((40, 6), name="signal")
    x = keras.layers.Conv1D(16, 3, activation="relu")(inp)
    x = keras.layers.Conv1D(8, 5, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    keras.Model(inp, keras.layers.Dense(3)(x)).save(path)


def two_inputs(path):
    tf, _ = _tf_keras()

    class TwoInputs(tf.Module):
        def __init__(self):
            super().__init__()
            rng = tf.random.Generator.from_seed(3)
            self.w = tf.Variable(rng.normal((8, 16)))
            self.e = tf.Variable(rng.normal((10, 6)))
            self.v = tf.Variable(rng.normal((6, 16)))

        @tf.function(input_signature=[tf.TensorSpec((1, 8), tf.float32, name="x"),
                                      tf.TensorSpec((1, 4), tf.int32, name="ids")])
        def serve(self, x, ids):
            rows = tf.gather(self.e, ids[0])  # [4, 6]
            return {"scores": tf.matmul(x, self.w),
                    "pooled": tf.reduce_sum(tf.matmul(rows, self.v), axis=0, keepdims=True)}

    module = TwoInputs()
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})


def segment_sum(path):
    tf, _ = _tf_keras()

    class SegmentSum(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(tf.random.Generator.from_seed(5).normal((8, 4)))

        @tf.function(input_signature=[tf.TensorSpec((1, 8), tf.float32, name="x")])
        def serve(self, x):
            sums = tf.math.segment_sum(tf.reshape(x, [8]), tf.constant([0, 0, 1, 1, 2, 2, 3, 3]))
            return {"y": tf.matmul(x, self.w) + sums}

    module = SegmentSum()
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})


BUILDERS = {"mlp.keras": mlp, "lstm.keras": lstm, "conv1d.keras": conv1d, "two_inputs": two_inputs,
            "segment_sum": segment_sum}


def build(out_dir, names=None):
    """Builds the named models (default: all) into out_dir; returns {name: path}."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    for name in names or BUILDERS:
        paths[name] = os.path.join(out_dir, name)
        BUILDERS[name](paths[name])
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tflatency.prepare.example_models OUT_DIR")
    for model, where in build(sys.argv[1]).items():
        print(f"{model}: {where}")
