"""Model configurations: load and validate a config JSON, and count its FMAs.

A config describes a stacked recurrent network (LSTM or GRU) run on one input
sequence. Every consumer (export, benchmarks, report) reads it through
`load_config`, so a bad file is rejected in one place with one clear line.
"""

import dataclasses
import json
import os


def _load_cells():
    """{cell: {"gates": G, "bias_vectors": B}} from rnn_cells.json beside this file."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn_cells.json"), encoding="utf-8") as f:
        return json.load(f)["cells"]


# Gate matrices and bias vectors per layer of each cell (rnn_cells.json, shared with Starlark and C++).
CELLS = _load_cells()
CELL_GATES = {cell: facts["gates"] for cell, facts in CELLS.items()}
SUPPORTED_DTYPES = ("float32",)
# Refuse models whose fp32 weights alone would exceed this many bytes, before
# anything is allocated.
MAX_WEIGHT_BYTES = 4 << 30


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and field."""


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    name: str
    cell: str
    layers: int
    units: int
    input_size: int
    time_steps: int
    batch: int
    dtype: str
    seed: int

    @property
    def gates(self) -> int:
        return CELLS[self.cell]["gates"]

    @property
    def bias_vectors(self) -> int:
        """Bias vectors per layer: LSTM 1, GRU 2 (reset_after has an input and a recurrent bias)."""
        return CELLS[self.cell]["bias_vectors"]

    def layer_input_sizes(self):
        """Input width of each layer: the features for the first, units after."""
        return [self.input_size] + [self.units] * (self.layers - 1)

    def input_shape(self):
        return (self.batch, self.time_steps, self.input_size)

    def output_shape(self):
        return (self.batch, self.time_steps, self.units)

    def weight_count(self) -> int:
        """Parameters: input kernel, recurrent kernel and bias(es) per layer."""
        gh = self.gates * self.units
        return sum(d * gh + self.units * gh + self.bias_vectors * gh for d in self.layer_input_sizes())

    def to_dict(self):
        return dataclasses.asdict(self)


def fma_count(config: ModelConfig) -> int:
    """Multiply-accumulates in the gate matrix products of one inference.

    Per layer and time step: gates * units * (layer input width + units).
    Element-wise gate arithmetic is not counted, as in the original investigation.
    """
    per_step = sum(config.gates * config.units * (d + config.units)
                   for d in config.layer_input_sizes())
    return per_step * config.time_steps * config.batch


def needed_fma_count(config: ModelConfig) -> int:
    """The FMAs any algorithm needs: fma_count without step 0's recurrent products.

    The initial state is zero, so step 0's h_{-1} x recurrent_kernel (batch x
    gates*units*units per layer) adds nothing; bound/fma_peak times these.
    """
    return fma_count(config) - config.layers * config.gates * config.units * config.units * config.batch


_INT_FIELDS = ("layers", "units", "input_size", "time_steps", "batch")


def _require(data, field, kind, where):
    if field not in data:
        raise ConfigError(f"{where}: missing field '{field}'")
    value = data[field]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where}: field '{field}' must be an integer, got {value!r}")
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"{where}: field '{field}' must be a string, got {value!r}")
    return value


def config_from_dict(data, where="config") -> ModelConfig:
    """Validates a parsed config; `where` names its source in error messages."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: top level must be a JSON object")
    known = {f.name for f in dataclasses.fields(ModelConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown field '{unknown[0]}' (known: {', '.join(sorted(known))})")
    name = _require(data, "name", str, where)
    if not name or not all(c.isalnum() or c == "_" for c in name):
        raise ConfigError(f"{where}: field 'name' must be a non-empty identifier [A-Za-z0-9_], got {name!r}")
    cell = _require(data, "cell", str, where)
    if cell not in CELL_GATES:
        raise ConfigError(f"{where}: field 'cell' must be one of {sorted(CELL_GATES)}, got {cell!r}")
    for field in _INT_FIELDS:
        if _require(data, field, int, where) <= 0:
            raise ConfigError(f"{where}: field '{field}' must be positive, got {data[field]}")
    dtype = _require(data, "dtype", str, where)
    if dtype not in SUPPORTED_DTYPES:
        raise ConfigError(f"{where}: field 'dtype' must be one of {list(SUPPORTED_DTYPES)}, got {dtype!r}")
    seed = _require(data, "seed", int, where)
    if seed < 0:
        raise ConfigError(f"{where}: field 'seed' must be non-negative, got {seed}")
    config = ModelConfig(**{f: data[f] for f in known})
    weight_bytes = 4 * config.weight_count()
    if weight_bytes > MAX_WEIGHT_BYTES:
        raise ConfigError(
            f"{where}: model too large: {weight_bytes / 2**30:.1f} GiB of weights "
            f"exceeds the {MAX_WEIGHT_BYTES >> 30} GiB limit (reduce 'units' or 'layers')")
    return config


def load_config(path) -> ModelConfig:
    """Reads and validates a config JSON file; raises ConfigError naming the file."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config: {e.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    return config_from_dict(data, where=str(path))


def main(argv):
    """`python -m tflatency.model_config PATH`: validates a config, one line on error."""
    import sys
    if len(argv) != 2:
        print("usage: python -m tflatency.model_config CONFIG.json", file=sys.stderr)
        return 2
    try:
        config = load_config(argv[1])
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    print(f"{config.name}: {fma_count(config)} FMA")
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv))
