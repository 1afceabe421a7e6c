"""The same recurrent network in plain NumPy: an independent check of the TF model.

Used by tests (TF's golden output must match it) and as the pure-Python baseline.
Computes in float32, like every other path.
"""

import numpy as np


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _matmul(layer_index, name, a, w):
    return a @ w


def forward(config, weights, x, product=_matmul):
    """x: [batch, time, features] -> top layer outputs [batch, time, units].

    product(layer_index, name, a, w) computes a @ w for weights[layer_index][name]
    ("kernel" or "recurrent_kernel"): another arithmetic (an emulation of a
    reduced-precision kernel) can stand in for it.
    """
    inputs = [x[:, t, :] for t in range(config.time_steps)]
    for l, layer in enumerate(weights):
        h = np.zeros((config.batch, config.units), np.float32)
        c = np.zeros((config.batch, config.units), np.float32)
        outputs = []

        def kernel(a):
            return product(l, "kernel", a, layer["kernel"])

        def recurrent(a):
            return product(l, "recurrent_kernel", a, layer["recurrent_kernel"])

        for x_t in inputs:
            if config.cell == "lstm":
                z = kernel(x_t) + recurrent(h) + layer["bias"]
                i, f, g, o = np.split(z, 4, axis=1)
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
            else:
                xz, xr, xn = np.split(kernel(x_t) + layer["bias"], 3, axis=1)
                hz, hr, hn = np.split(recurrent(h) + layer["recurrent_bias"], 3, axis=1)
                z = _sigmoid(xz + hz)
                r = _sigmoid(xr + hr)
                n = np.tanh(xn + r * hn)
                h = (1.0 - z) * n + z * h
            outputs.append(h.astype(np.float32))
        inputs = outputs
    return np.stack(inputs, axis=1)
