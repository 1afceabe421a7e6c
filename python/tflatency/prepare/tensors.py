"""A model's inputs and outputs as tflatency sees them (name, dtype, shape), and `--input` overrides.

Only dtypes every path can feed are accepted: float32, int32, int64 and bool.
A dimension that is None in the signature must become static before anything
is compiled: the leading dimension of an input of rank >= 2 (the batch) becomes
1, as tflatency times one unbatched inference; any other needs `--input`.

  --input=NAME:D0,D1,...[:DTYPE]     e.g. --input=x:1,16,80:float32, a scalar: --input=n::int32
"""

import dataclasses

from tflatency.prepare.errors import PrepareError

SUPPORTED_DTYPES = ("float32", "int32", "int64", "bool")


@dataclasses.dataclass(frozen=True)
class Tensor:
    """One input or output; `shape` holds None for a dynamic dimension."""

    name: str
    dtype: str
    shape: tuple

    @property
    def is_static(self):
        return all(d is not None for d in self.shape)

    def to_dict(self):
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


@dataclasses.dataclass(frozen=True)
class InputOverride:
    """One `--input` flag: the static shape (and optionally the dtype) of a named input."""

    name: str
    shape: tuple
    dtype: str = None
    flag: str = ""  # the flag as given, for error messages


def shape_text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def parse_input_flag(text):
    """'x:1,2,150:float32' -> InputOverride; PrepareError naming the flag otherwise."""
    flag = f"--input={text}"
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0]:
        raise PrepareError(f"{flag}: want NAME:D0,D1,...[:DTYPE], e.g. --input=x:1,16,80:float32")
    name, dims = parts[0], parts[1].strip()
    shape = []
    for d in (dims.split(",") if dims else []):
        d = d.strip()
        if not d.isdigit() or int(d) < 1:
            raise PrepareError(f"{flag}: dimension {d!r} is not a positive integer")
        shape.append(int(d))
    dtype = parts[2].strip() if len(parts) == 3 and parts[2].strip() else None
    if dtype is not None and dtype not in SUPPORTED_DTYPES:
        raise PrepareError(f"{flag}: dtype {dtype!r} is not one of {', '.join(SUPPORTED_DTYPES)}")
    return InputOverride(name, tuple(shape), dtype, flag)


def parse_input_flags(texts):
    """Every --input, each input named at most once."""
    overrides = {}
    for text in texts or ():
        override = parse_input_flag(text)
        if override.name in overrides:
            raise PrepareError(f"{override.flag}: input {override.name!r} is given twice")
        overrides[override.name] = override
    return overrides


def check_dtype(tensor, role, where):
    """PrepareError unless `tensor` has a dtype tflatency can feed and compare."""
    if tensor.dtype in SUPPORTED_DTYPES:
        return
    if tensor.dtype == "string":
        raise PrepareError(f"{where}: {role} {tensor.name!r} is a string tensor: tflatency times numeric "
                           f"models only ({', '.join(SUPPORTED_DTYPES)}); move the string handling out of the model")
    raise PrepareError(f"{where}: {role} {tensor.name!r} has dtype {tensor.dtype}, not one of "
                       f"{', '.join(SUPPORTED_DTYPES)}")


def resolve_inputs(inputs, overrides, where):
    """The static inputs: the signature's, with --input applied and the batch dimension defaulted.

    Returns (static inputs, names of inputs whose leading dimension was defaulted to 1).
    """
    by_name = {t.name: t for t in inputs}
    for name, override in overrides.items():
        if name not in by_name:
            raise PrepareError(f"{override.flag}: the model has no input {name!r} "
                               f"(inputs: {', '.join(sorted(by_name)) or 'none'})")
    static, defaulted = [], []
    for tensor in inputs:
        check_dtype(tensor, "input", where)
        override = overrides.get(tensor.name)
        if override is None:
            shape = list(tensor.shape)
            if len(shape) >= 2 and shape[0] is None:
                shape[0] = 1
                defaulted.append(tensor.name)
            if any(d is None for d in shape):
                example = ",".join("N" if d is None else str(d) for d in shape)
                raise PrepareError(f"{where}: input {tensor.name!r} has dynamic shape {shape_text(tensor.shape)}: "
                                   f"give its static shape with --input={tensor.name}:{example}")
            static.append(dataclasses.replace(tensor, shape=tuple(shape)))
            continue
        if override.dtype is not None and override.dtype != tensor.dtype:
            raise PrepareError(f"{override.flag}: input {tensor.name!r} of the model is {tensor.dtype}, "
                               f"not {override.dtype}")
        if len(override.shape) != len(tensor.shape) or any(
                want is not None and want != got for want, got in zip(tensor.shape, override.shape)):
            raise PrepareError(f"{override.flag}: shape {shape_text(override.shape)} does not fit input "
                               f"{tensor.name!r} of the model, {shape_text(tensor.shape)}")
        static.append(dataclasses.replace(tensor, shape=override.shape))
    return static, defaulted
