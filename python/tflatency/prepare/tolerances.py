"""Per-output golden tolerances from --atol/--rtol: one value for every output, or NAME:VALUE for one.

  --atol=1e-4            every float output
  --atol=logits:1e-3     only output 'logits' (repeatable; overrides the plain value for it)

An output passes when |got - golden| <= atol + rtol * |golden| element-wise.
Integer and bool outputs are compared exactly, whatever the flags say.
"""

from tflatency.prepare.errors import PrepareError

DEFAULT_ATOL = 1e-5  # as tflatency.golden's ATOL/RTOL for the configured RNNs
DEFAULT_RTOL = 1e-4


def _value(flag, text):
    try:
        value = float(text)
    except ValueError:
        raise PrepareError(f"{flag}: {text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise PrepareError(f"{flag}: must be a finite number >= 0, got {text}")
    return value


def parse(name, texts, default):
    """(default value, {output name: value}) from the repeated --<name> flags."""
    plain, per_output = default, {}
    for text in texts or ():
        flag = f"--{name}={text}"
        output, sep, value = text.rpartition(":")
        if sep:
            per_output[output] = _value(flag, value)
        else:
            plain = _value(flag, text)
    return plain, per_output


def for_outputs(outputs, atol_flags, rtol_flags):
    """{output name: (atol, rtol)} for the static outputs; PrepareError for a flag naming no output."""
    atol, atols = parse("atol", atol_flags, DEFAULT_ATOL)
    rtol, rtols = parse("rtol", rtol_flags, DEFAULT_RTOL)
    names = [t.name for t in outputs]
    for flag, per_output in (("atol", atols), ("rtol", rtols)):
        for name in per_output:
            if name not in names:
                raise PrepareError(f"--{flag}={name}:...: the model has no output {name!r} "
                                   f"(outputs: {', '.join(names)})")
    result = {}
    for t in outputs:
        exact = t.dtype != "float32"
        result[t.name] = (0.0, 0.0) if exact else (atols.get(t.name, atol), rtols.get(t.name, rtol))
    return result
