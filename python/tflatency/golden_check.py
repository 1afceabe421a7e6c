"""The correctness gate of every Python path: compare an output with the golden one.

The Python counterpart of cc/harness/golden_compare.h. A benchmark computes its
output on the golden input before timing and reports no time when the gate
fails; the messages read the same as the C++ side's, e.g.

  golden check FAILED: max |got - golden| = 0.0123 at element 17

Tolerances come from the golden info.json (written by export from
tflatency.golden.ATOL / RTOL), so every path, Python or C++, uses the same ones.
"""

import dataclasses

import numpy as np

from tflatency import golden


@dataclasses.dataclass(frozen=True)
class GoldenResult:
    """Outcome of one comparison; `describe()` is the one-line verdict."""

    ok: bool
    max_abs_diff: float
    worst_index: int = -1  # flat index of the first failing element, -1 when ok
    output: str = ""  # the output named in the verdict, for models with several

    def describe(self):
        where = f"output '{self.output}': " if self.output else ""
        text = f"{'passed' if self.ok else 'FAILED'}: {where}max |got - golden| = {self.max_abs_diff:.6g}"
        if not self.ok and self.worst_index >= 0:
            text += f" at element {self.worst_index}"
        return "golden check " + text


def compare(got, want, atol=golden.ATOL, rtol=golden.RTOL):
    """Compares `got` with the golden `want` (|got - want| <= atol + rtol*|want|; NaN fails)."""
    got = np.asarray(got)
    want = np.asarray(want)
    ok, max_abs_diff = golden.max_violation(got, want, atol=atol, rtol=rtol)
    if ok or got.shape != want.shape:
        return GoldenResult(ok, max_abs_diff)
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64)).ravel()
    bound = atol + rtol * np.abs(want.astype(np.float64)).ravel()
    failing = np.flatnonzero(~(diff <= bound))  # ~(<=) also catches NaN
    if np.isnan(diff).any():
        max_abs_diff = float("nan")
    return GoldenResult(False, max_abs_diff, int(failing[0]) if failing.size else -1)


@dataclasses.dataclass(frozen=True)
class GoldenData:
    """A model's golden vectors: the fixed inputs, TF's outputs and their tolerances, by name."""

    prefix: str
    info: dict
    named_inputs: list   # [(name, array)] in info["inputs"] order
    named_outputs: list  # [(name, array)] in info["outputs"] order

    @property
    def model(self):
        return self.info.get("model", "")

    @property
    def fma_count(self):
        """The model's multiply-accumulates per inference; 0 when unknown."""
        return int(self.info.get("fma_count") or 0)

    @property
    def inputs(self):
        return [array for _, array in self.named_inputs]

    @property
    def input_names(self):
        return [name for name, _ in self.named_inputs]

    @property
    def output_names(self):
        return [name for name, _ in self.named_outputs]

    @property
    def output(self):
        """The output of a single-output model (the RNNs, the trivial multiply)."""
        if len(self.named_outputs) != 1:
            raise ValueError(f"{self.prefix}: model has {len(self.named_outputs)} outputs, not one")
        return self.named_outputs[0][1]

    @property
    def reduced_precision_atol(self):
        """The max abs error a bf16 or int8 path may have (golden.REDUCED_PRECISION_ATOL, as recorded)."""
        return float(self.info.get("reduced_precision_atol", golden.REDUCED_PRECISION_ATOL))

    def tolerance(self, j, precision="fp32"):
        """(atol, rtol) of output j for a path of `precision`: the recorded fp32 tolerances, or for bf16
        and int8 (reduced_precision_atol x the output's scale, 0), the scale being max(1, max |golden|):
        rounding the weights moves an output in proportion to its size, so an output in [-1, 1] (the
        RNNs') gets reduced_precision_atol itself."""
        if precision not in golden.PRECISIONS:
            raise ValueError(f"unknown precision {precision!r} (known: {', '.join(golden.PRECISIONS)})")
        if precision != "fp32":
            want = np.abs(np.asarray(self.named_outputs[j][1], dtype=np.float64))
            scale = max(1.0, float(want.max())) if want.size else 1.0
            return self.reduced_precision_atol * scale, 0.0
        spec = self.info["outputs"][j]
        return spec.get("atol", golden.ATOL), spec.get("rtol", golden.RTOL)

    def tolerance_text(self):
        """'atol=1e-05 rtol=0.0001', per output when the model has several (for a run's context)."""
        parts = []
        for j, name in enumerate(self.output_names):
            atol, rtol = self.tolerance(j)
            parts.append((f"{name}: " if len(self.output_names) > 1 else "") + f"atol={atol} rtol={rtol}")
        return "; ".join(parts)

    def check(self, got, precision="fp32"):
        """The gate: an output array (single-output models) or {output name: array}, at the recorded
        tolerances of a path of `precision` (tolerance())."""
        if not isinstance(got, dict):
            if len(self.named_outputs) != 1:
                return GoldenResult(False, float("inf"))
            atol, rtol = self.tolerance(0, precision)
            return compare(got, self.named_outputs[0][1], atol=atol, rtol=rtol)
        worst = GoldenResult(True, 0.0)
        several = len(self.named_outputs) > 1  # the verdict names the output only then
        for j, (name, want) in enumerate(self.named_outputs):
            if name not in got:
                return GoldenResult(False, float("inf"), output=name)
            atol, rtol = self.tolerance(j, precision)
            result = compare(got[name], want, atol=atol, rtol=rtol)
            result = dataclasses.replace(result, output=name) if several else result
            if not result.ok:
                return result
            if not result.max_abs_diff <= worst.max_abs_diff:
                worst = result
        return worst


class GoldenError(ValueError):
    """Golden files that cannot be read; the message names the prefix and the problem."""


def load(prefix):
    """Reads the golden files at `prefix`; raises GoldenError with a one-line message."""
    try:
        info, inputs, outputs = golden.read_golden(prefix)
    except OSError as e:
        raise GoldenError(f"{prefix}: cannot read golden files: {e.strerror}: {e.filename}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise GoldenError(f"{prefix}: corrupt golden files: {e}") from None
    return GoldenData(prefix=prefix, info=info, named_inputs=inputs, named_outputs=outputs)
