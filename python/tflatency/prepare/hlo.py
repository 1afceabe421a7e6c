"""A reader for XLA's HLO text: computations, instructions, shapes and the computations each one calls.

Enough of the grammar for counting work in a module that TensorFlow hands XLA
(`experimental_get_compiler_ir(...)(stage="hlo")`): every instruction keeps its
name, result type, opcode, operand names and attributes; nothing is evaluated
here (tflatency.prepare.fma_count does that).

  %dot.3 = f32[1,64]{1,0} dot(f32[1,8]{1,0} %x, f32[8,64]{1,0} %k), lhs_contracting_dims={1}, ...
  -> Instruction(name="dot.3", type=Shape("f32", (1, 64)), opcode="dot", operands=["x", "k"],
                 attributes={"lhs_contracting_dims": "{1}", ...}, literal="")
"""

import dataclasses
import re

_NAME = re.compile(r"%([\w.\-]+)")
_ARRAY_TYPE = re.compile(r"^([a-z]+[0-9]*)\[([^\]]*)\]")
_LITERAL_OPCODES = ("constant", "parameter")  # their parentheses hold a value, not operands
_COMPUTATION_HEAD = re.compile(r"^(ENTRY\s+)?%([\w.\-]+)\s*\(.*\{\s*$")


class HloError(ValueError):
    """HLO text this reader does not understand; the message names the line."""


@dataclasses.dataclass(frozen=True)
class Shape:
    """An array type (dtype, dims) or a tuple of types (dtype "tuple", elements)."""

    dtype: str
    dims: tuple = ()
    elements: tuple = ()

    @property
    def is_tuple(self):
        return self.dtype == "tuple"

    @property
    def is_scalar(self):
        return not self.is_tuple and not self.dims

    @property
    def size(self):
        size = 1
        for d in self.dims:
            size *= d
        return size


@dataclasses.dataclass
class Instruction:
    name: str
    type: Shape
    opcode: str
    operands: list
    attributes: dict
    literal: str = ""  # the text inside constant(...) or parameter(...)
    is_root: bool = False


@dataclasses.dataclass
class Computation:
    name: str
    instructions: dict  # name -> Instruction, in text order
    root: str = ""
    is_entry: bool = False


def _closing(text, start):
    """Index of the bracket closing text[start] ('(' '{' or '['), nesting counted."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    stack = []
    for i in range(start, len(text)):
        c = text[i]
        if c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i
    raise HloError(f"unbalanced brackets in: {text[:120]}")


def _split_top(text, sep=","):
    """Splits on `sep` outside any brackets."""
    parts, depth, current = [], 0, []
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    if current:
        parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_shape(text):
    """'f32[1,8]{1,0}' -> Shape('f32', (1, 8)); '(s32[], f32[2])' -> a tuple Shape."""
    text = re.sub(r"/\*.*?\*/", "", text).strip()
    if text.startswith("("):
        inner = text[1:_closing(text, 0)]
        return Shape("tuple", elements=tuple(parse_shape(p) for p in _split_top(inner)))
    match = _ARRAY_TYPE.match(text)
    if not match:
        raise HloError(f"not an HLO type: {text[:80]}")
    dims = []
    for d in match.group(2).split(","):
        d = d.strip().lstrip("<=")  # bounded dynamic dimension: its bound
        if d:
            dims.append(int(d))
    return Shape(match.group(1), tuple(dims))


def _parse_attributes(text):
    attributes = {}
    for part in _split_top(text):
        key, _, value = part.partition("=")
        attributes[key.strip()] = value.strip()
    return attributes


def parse_instruction(line):
    """One instruction line -> Instruction."""
    text = line.strip()
    is_root = text.startswith("ROOT ")
    if is_root:
        text = text[5:].strip()
    name_match = re.match(r"^%([\w.\-]+)\s*=\s*", text)
    if not name_match:
        raise HloError(f"not an instruction: {line.strip()[:120]}")
    rest = text[name_match.end():]
    if rest.startswith("("):
        end = _closing(rest, 0) + 1
    else:
        end = rest.index(" ") if " " in rest else len(rest)
        brace = rest.find("{")
        if 0 <= brace < end:  # layout {1,0} directly after the dims
            end = max(end, _closing(rest, brace) + 1)
    type_text, rest = rest[:end], rest[end:].strip()
    opcode_match = re.match(r"^([a-z][\w\-]*)\(", rest)
    if not opcode_match:
        raise HloError(f"no opcode in: {line.strip()[:120]}")
    open_paren = opcode_match.end() - 1
    close_paren = _closing(rest, open_paren)
    operand_text = rest[open_paren + 1:close_paren]
    after = rest[close_paren + 1:].strip().lstrip(",")
    opcode = opcode_match.group(1)
    return Instruction(
        name=name_match.group(1), type=parse_shape(type_text), opcode=opcode,
        operands=[] if opcode in _LITERAL_OPCODES else _NAME.findall(operand_text),
        attributes=_parse_attributes(after), literal=operand_text.strip() if opcode in _LITERAL_OPCODES else "",
        is_root=is_root)


def parse_module(text):
    """HLO module text -> {computation name: Computation}."""
    computations, current = {}, None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("HloModule") or stripped.startswith("//"):
            continue
        head = _COMPUTATION_HEAD.match(stripped)
        if current is None and head:
            current = Computation(name=head.group(2), instructions={}, is_entry=bool(head.group(1)))
            continue
        if stripped == "}":
            if current is None:
                raise HloError(f"line {number}: '}}' outside a computation")
            computations[current.name] = current
            current = None
            continue
        if current is None:
            raise HloError(f"line {number}: text outside a computation: {stripped[:80]}")
        try:
            instruction = parse_instruction(stripped)
        except HloError as e:
            raise HloError(f"line {number}: {e}") from None
        current.instructions[instruction.name] = instruction
        if instruction.is_root:
            current.root = instruction.name
    if current is not None:
        raise HloError(f"computation {current.name} is not closed")
    if not any(c.is_entry for c in computations.values()):
        raise HloError("no ENTRY computation")
    return computations


def called(instruction):
    """[(role, computation name)] an instruction calls: 'body', 'condition', 'calls', 'to_apply', 'branch'."""
    out = []
    for key in ("body", "condition", "calls", "to_apply"):
        value = instruction.attributes.get(key)
        if value:
            out.extend((key, name) for name in _NAME.findall(value))
    for key in ("branch_computations", "true_computation", "false_computation"):
        value = instruction.attributes.get(key)
        if value:
            out.extend(("branch", name) for name in _NAME.findall(value))
    return out
