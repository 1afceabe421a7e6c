"""The hand kernel's reduced-precision arithmetic, emulated in NumPy, for its tests.

What cc/hand/rnn_plan.h documents, in plain NumPy, so tests hold each
reduced-precision kernel to its scheme, not only to a tolerance:
  bf16 weights  w rounded to the upper 16 bits, to nearest even;
  int8 weights  q_w = round(w / s_w), s_w = max |w| / 127 per output column (1 if 0);
  activations="fp32"  (hand/<isa>_bf16, _int8): the fp32 network on those weights;
  activations="bf16"  (vdpbf16ps): x and h rounded to bf16 too, the products added in
                fp32 a pair at a time, the odd element's first (the instruction's order);
  activations="int8"  (vpdpbusd): each row q = round(x * (127 / max |x|)) + 128 with
                scale s = max |x| / 127; the model's input x_t gets a second digit, the
                remainder x - s (q - 128) narrowed the same way at s / 254 (rounded once
                to float32, like the kernel's fused multiply-add); a product is
                s_w (s (sum q q_w - offset) + s_lo (...)) with the integer sums exact.
The cell arithmetic is tflatency.reference's, so outputs agree with the kernels'
to float32 rounding (exp, and where a sum starts: ~1e-7 on the default model),
far closer than the schemes differ from each other and from fp32 (> 1e-4).
"""

import numpy as np

from tflatency import reference
from tflatency.weights import NARROWED

INT8_MAX = 127
INPUT_DIGITS = 2  # rows the model's input x_t is narrowed into with int8 (InputDigits in cc/hand/rnn_plan.h)


def round_bf16(x):
    """float32 values rounded to bf16 (nearest even), as float32."""
    bits = np.ascontiguousarray(x, np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


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


def narrowed_weights(weights, precision):
    """The weights as the kernels with fp32 activations see them: K and R rounded (bf16) or q * s (int8)."""
    def narrow(w):
        if precision == "bf16":
            return round_bf16(w)
        q, s = quantize_columns(w)
        return (q * s).astype(np.float32)
    return [{name: narrow(w) if name in NARROWED else w for name, w in layer.items()} for layer in weights]


def _int8_product(input_digits):
    def product(layer_index, name, a, w):
        q_w, s_w = quantize_columns(w)
        offset = 128 * q_w.sum(axis=0)
        out = np.zeros((a.shape[0], w.shape[1]), np.float64)
        for b, row in enumerate(a):
            q, s = narrow_row(row)
            digits = [(q, s)]
            if (layer_index, name) == (0, "kernel") and input_digits == 2:
                digits.append(narrow_remainder(row, q, s))
            for q_d, s_d in reversed(digits):  # the smallest digit first, as the kernel adds them
                out[b] += (q_d @ q_w - offset) * (s_w.astype(np.float64) * s_d)
        return out.astype(np.float32)
    return product


def _bf16_product(layer_index, name, a, w):
    a, w = round_bf16(a), round_bf16(w)
    if a.shape[1] % 2:  # the re-laid-out panels pad an odd row count with a zero row
        a = np.pad(a, ((0, 0), (0, 1)))
        w = np.pad(w, ((0, 1), (0, 0)))
    out = np.zeros((a.shape[0], w.shape[1]), np.float32)
    for k in range(0, a.shape[1], 2):  # products exact in float32; each addition rounds
        out += a[:, k + 1:k + 2] * w[k + 1]
        out += a[:, k:k + 1] * w[k]
    return out


def forward(config, weights, x, precision, activations="fp32", input_digits=INPUT_DIGITS):
    """A reduced-precision kernel's output for input x [batch, time, features]: weights of `precision`
    ("bf16", "int8"), activations "fp32" or the same precision (input_digits: int8's for the model's input)."""
    if activations == "fp32":
        return reference.forward(config, narrowed_weights(weights, precision), x)
    if activations != precision:
        raise ValueError(f"activations must be fp32 or the weights' precision ({precision}), got '{activations}'")
    return reference.forward(config, weights, x, _bf16_product if precision == "bf16" else _int8_product(input_digits))
