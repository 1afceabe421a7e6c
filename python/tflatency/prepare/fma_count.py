"""Multiply-accumulates of one inference, counted in the HLO XLA compiles from a signature.

Every `dot` contributes (output elements) x (product of the lhs contracting
dimensions); every `convolution` (output elements) x (kernel spatial size) x
(kernel input features). A computation's count is multiplied by how often it
runs: the entry once, a `while` body by the loop's trip count, a called or fused
computation as often as its caller. Trip counts are found by evaluating the
loop's scalar integer state (its counters) from the loop's initial value through
its condition and body, as XLA would: a loop whose bound depends on the input,
or on anything else that is not a constant, has no static trip count, and the
count is then unknown (None with the reason), never a guess.

The unoptimised HLO (stage "hlo") is used on purpose: XLA's optimiser folds
products with a zero operand (an RNN's first step on its zero initial state),
and the count is of the work the model defines, as the config formula of
tflatency.model_config counts it.
"""

import dataclasses
import math
import re

from tflatency.prepare import hlo

MAX_TRIP_COUNT = 10_000_000
_INT_TYPES = ("s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64", "pred")


@dataclasses.dataclass(frozen=True)
class FmaCount:
    """`count` (None when unknown, with `reason`); `dots`/`convolutions`: how many ran; `loops`: trip counts."""

    count: object
    reason: str = ""
    dots: int = 0
    convolutions: int = 0
    loops: tuple = ()


class _Unknown(Exception):
    """The count cannot be computed; str() says why."""


def _dims_attr(text):
    return [int(d) for d in re.findall(r"-?\d+", text or "")]


def dot_macs(instruction, shape_of):
    lhs = shape_of(instruction.operands[0])
    contracting = 1
    for d in _dims_attr(instruction.attributes.get("lhs_contracting_dims")):
        contracting *= lhs.dims[d]
    return instruction.type.size * contracting


def convolution_macs(instruction, shape_of):
    labels = instruction.attributes.get("dim_labels", "")
    match = re.match(r"^\w+_(\w+)->\w+$", labels)
    if not match:
        raise _Unknown(f"convolution {instruction.name} without dim_labels")
    kernel_labels, kernel = match.group(1), shape_of(instruction.operands[1])
    per_output = 1
    for label, size in zip(kernel_labels, kernel.dims):
        if label != "o":  # spatial dimensions and input features (per group)
            per_output *= size
    return instruction.type.size * per_output


class _Evaluator:
    """Evaluates scalar integer and predicate instructions of a module (loop counters)."""

    def __init__(self, computations):
        self.computations = computations

    def run(self, computation_name, args):
        computation = self.computations[computation_name]
        memo = {}
        return self.value(computation, computation.root, args, memo)

    def value(self, computation, name, args, memo):
        if name in memo:
            return memo[name]
        instruction = computation.instructions[name]
        result = self._compute(computation, instruction, args, memo)
        memo[name] = result
        return result

    def _compute(self, computation, ins, args, memo):
        op = ins.opcode
        if op == "parameter":
            number = int(ins.literal)
            return args[number] if number < len(args) else None
        if op == "tuple":
            return tuple(self.value(computation, o, args, memo) for o in ins.operands)
        if op == "get-tuple-element":
            whole = self.value(computation, ins.operands[0], args, memo)
            index = int(ins.attributes["index"])
            return whole[index] if isinstance(whole, tuple) and index < len(whole) else None
        if ins.type.is_tuple or not ins.type.is_scalar or ins.type.dtype not in _INT_TYPES:
            if op in ("call", "fusion"):
                return self._call(computation, ins, args, memo)
            return None
        if op == "constant":
            text = ins.literal.strip().lower()
            if text in ("true", "false"):
                return text == "true"
            try:
                return int(text)
            except ValueError:
                return None
        if op in ("call", "fusion"):
            return self._call(computation, ins, args, memo)
        values = [self.value(computation, o, args, memo) for o in ins.operands]
        if any(v is None for v in values):
            return None
        return _apply(op, values, ins)

    def _call(self, computation, ins, args, memo):
        target = next((n for role, n in hlo.called(ins) if role in ("calls", "to_apply")), None)
        if target is None:
            return None
        inner_args = [self.value(computation, o, args, memo) for o in ins.operands]
        return self.run(target, inner_args)


def _apply(op, values, ins):
    a = values[0]
    b = values[1] if len(values) > 1 else None
    if op in ("copy", "convert", "bitcast", "reshape", "bitcast-convert"):
        return int(a) if ins.type.dtype != "pred" else bool(a)
    if op == "add":
        return a + b
    if op == "subtract":
        return a - b
    if op == "multiply":
        return a * b
    if op == "divide":
        return int(a / b) if b else None
    if op == "remainder":
        return int(math.fmod(a, b)) if b else None
    if op == "maximum":
        return max(a, b)
    if op == "minimum":
        return min(a, b)
    if op == "negate":
        return -a
    if op == "abs":
        return abs(a)
    if op == "and":
        return a and b if ins.type.dtype == "pred" else a & b
    if op == "or":
        return a or b if ins.type.dtype == "pred" else a | b
    if op == "not":
        return not a if ins.type.dtype == "pred" else ~a
    if op == "select":
        return values[1] if a else values[2]
    if op == "compare":
        direction = ins.attributes.get("direction")
        return {"LT": a < b, "LE": a <= b, "GT": a > b, "GE": a >= b, "EQ": a == b, "NE": a != b}.get(direction)
    return None


def trip_count(evaluator, parent, while_ins, parent_args):
    """The number of times a while loop's body runs, or _Unknown."""
    condition = dict(hlo.called(while_ins)).get("condition")
    body = dict(hlo.called(while_ins)).get("body")
    state = evaluator.value(parent, while_ins.operands[0], parent_args, {})
    for count in range(MAX_TRIP_COUNT + 1):
        go_on = evaluator.run(condition, [state])
        if isinstance(go_on, tuple) and len(go_on) == 1:
            go_on = go_on[0]
        if go_on is None:
            raise _Unknown(f"while loop {while_ins.name}: its trip count is not static "
                           "(the loop's condition depends on values other than constant counters)")
        if not go_on:
            return count
        state = evaluator.run(body, [state])
    raise _Unknown(f"while loop {while_ins.name} runs more than {MAX_TRIP_COUNT} times")


def count_module(text):
    """FmaCount of the HLO module `text`."""
    try:
        computations = hlo.parse_module(text)
    except hlo.HloError as e:
        return FmaCount(None, f"cannot read XLA's HLO: {e}")
    evaluator = _Evaluator(computations)
    totals = {"macs": 0, "dots": 0, "convolutions": 0}
    loops = []

    def walk(name, multiplicity, args, depth=0):
        if depth > 64:
            raise _Unknown("computations nested more than 64 deep")
        computation = computations[name]

        def shape_of(operand):
            return computation.instructions[operand].type

        for ins in computation.instructions.values():
            if ins.opcode == "dot":
                totals["macs"] += multiplicity * dot_macs(ins, shape_of)
                totals["dots"] += multiplicity
            elif ins.opcode == "convolution":
                totals["macs"] += multiplicity * convolution_macs(ins, shape_of)
                totals["convolutions"] += multiplicity
            calls = hlo.called(ins)
            if ins.opcode == "while":
                trips = trip_count(evaluator, computation, ins, args)
                loops.append(trips)
                walk(dict(calls)["body"], multiplicity * trips, [None], depth + 1)
            elif ins.opcode == "conditional":
                raise _Unknown(f"conditional {ins.name}: which branch runs depends on the data")
            else:
                for role, target in calls:
                    if role in ("calls", "to_apply") and ins.opcode in ("call", "fusion", "async-start"):
                        walk(target, multiplicity, [None] * len(ins.operands), depth + 1)

    entry = next(c.name for c in computations.values() if c.is_entry)
    try:
        walk(entry, 1, [None] * 64)
    except _Unknown as e:
        return FmaCount(None, str(e))
    return FmaCount(totals["macs"], dots=totals["dots"], convolutions=totals["convolutions"], loops=tuple(loops))
