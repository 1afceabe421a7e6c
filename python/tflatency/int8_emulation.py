"""The hand kernel's int8 arithmetic with narrowed activations, emulated in NumPy.

What cc/hand/rnn_plan.h documents for hand/avx512_int8_vnni/rnn (vpdpbusd), in
plain NumPy, so tests can hold the kernel to the scheme, not only to a tolerance:
  weights   q_w = round(w / s_w), s_w = max |w| / 127 per output column (1 if 0),
  a row x   q = round(x * (127 / max |x|)) + 128 in [1, 255], scale s = max |x| / 127,
  the model's input x_t gets a second digit: the remainder x - s (q - 128) the same
            way with s_lo = s / 254 (rounded in float32 like the kernel's fused multiply-add),
  a product s_w (s (sum q q_w - offset) + s_lo (...)) with the integer sums exact.
Every step rounds to float32 where the kernel does; the cell arithmetic is
tflatency.reference's, so the outputs agree with the kernel's to float32 rounding
(exp and the order of float additions), far closer than the scheme's own error.
"""

import numpy as np

from tflatency import reference

INT8_MAX = 127
INPUT_DIGITS = 2  # rows the model's input x_t is narrowed into (InputDigits in cc/hand/rnn_plan.h)


def quantize_columns(w):
    """int8 values (as int64) and float32 scales per output column of w [rows, cols]."""
    max_abs = np.abs(w).max(axis=0)
    scale = np.where(max_abs > 0, max_abs / np.float32(INT8_MAX), np.float32(1)).astype(np.float32)
    return np.clip(np.rint(w / scale), -INT8_MAX, INT8_MAX).astype(np.int64), scale


def narrow_row(x):
    """One row of activations [n] -> (q in [1, 255] as int64, float32 scale), the kernel's NarrowInt8."""
    top = np.float32(np.abs(x).max())
    inv = np.float32(INT8_MAX) / top if top > 0 else np.float32(0)
    q = np.clip(np.rint((x * inv).astype(np.float32)), -INT8_MAX, INT8_MAX).astype(np.int64)
    return q + 128, np.float32(top / np.float32(INT8_MAX))


def narrow_remainder(x, q_hi, scale):
    """The second digit of x (the kernel's NarrowInt8Remainder) and its scale s / 254."""
    # x - s (q - 128) with one rounding, as the kernel's vfnmadd: exact in float64, then to float32.
    remainder = (x.astype(np.float64) - np.float64(scale) * (q_hi - 128)).astype(np.float32)
    inv = np.float32(254) / scale if scale > 0 else np.float32(0)
    q = np.clip(np.rint((remainder * inv).astype(np.float32)), -INT8_MAX, INT8_MAX).astype(np.int64)
    return q + 128, np.float32(scale / np.float32(254))


def _product(digits_of):
    def product(layer_index, name, a, w):
        q_w, s_w = quantize_columns(w)
        offset = 128 * q_w.sum(axis=0)
        out = np.zeros((a.shape[0], w.shape[1]), np.float64)
        for b, row in enumerate(a):
            q, s = narrow_row(row)
            digits = [(q, s)]
            if digits_of(layer_index, name) == 2:
                digits.append(narrow_remainder(row, q, s))
            for q_d, s_d in reversed(digits):  # the smallest digit first, as the kernel adds them
                out[b] += (q_d @ q_w - offset) * (s_w.astype(np.float64) * s_d)
        return out.astype(np.float32)
    return product


def forward(config, weights, x, input_digits=INPUT_DIGITS):
    """The kernel's int8 output for input x [batch, time, features] (input_digits: 1 or 2 for x_t of layer 0)."""
    return reference.forward(config, weights, x,
                             _product(lambda l, name: input_digits if (l, name) == (0, "kernel") else 1))
