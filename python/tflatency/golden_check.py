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

    def describe(self):
        text = f"{'passed' if self.ok else 'FAILED'}: max |got - golden| = {self.max_abs_diff:.6g}"
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
    """A model's golden vectors: the fixed inputs, TF's output and the tolerance."""

    prefix: str
    info: dict
    inputs: list
    output: np.ndarray

    @property
    def model(self):
        return self.info.get("model", "")

    @property
    def fma_count(self):
        return int(self.info.get("fma_count", 0))

    def check(self, got):
        """The gate: compares an output with this golden output at the recorded tolerance."""
        return compare(got, self.output,
                       atol=self.info.get("atol", golden.ATOL), rtol=self.info.get("rtol", golden.RTOL))


class GoldenError(ValueError):
    """Golden files that cannot be read; the message names the prefix and the problem."""


def load(prefix):
    """Reads the golden files at `prefix`; raises GoldenError with a one-line message."""
    try:
        info, inputs, output = golden.read_golden(prefix)
    except OSError as e:
        raise GoldenError(f"{prefix}: cannot read golden files: {e.strerror}: {e.filename}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise GoldenError(f"{prefix}: corrupt golden files: {e}") from None
    return GoldenData(prefix=prefix, info=info, inputs=inputs, output=output)
