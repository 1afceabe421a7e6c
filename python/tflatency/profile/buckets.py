"""Folds profile samples into the named buckets of buckets.json (the one table; its _doc says the rules).

A stack is a list of frames, innermost (leaf) first; a frame is the text
"symbol (module)" that fold.py writes for perf and py-spy writes for Python
(`function (file.py:line)`). classify() names one stack's bucket; tally()
counts a whole folded profile (stack -> samples) into a Tally.
"""

import collections
import dataclasses
import json
import os
import re

TABLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "buckets.json")
_FRAME = re.compile(r"^(.*) \(([^()]*)\)$")


@dataclasses.dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    what: str
    symbol: tuple = ()  # compiled patterns
    module: tuple = ()


class Table:
    """buckets.json, compiled. `buckets`: the rule buckets in matching order, then other and unresolved;
    `display`: the same buckets in the report's order (the Python side first, unresolved last)."""

    def __init__(self, data):
        self.rules = [Bucket(b["key"], b["label"], b["what"], tuple(map(re.compile, b["symbol"])),
                             tuple(map(re.compile, b["module"]))) for b in data["buckets"]]
        self.other = Bucket(**data["other"])
        self.unresolved = Bucket(**data["unresolved"])
        self.buckets = [*self.rules, self.other, self.unresolved]
        by_key = {b.key: b for b in self.buckets}
        self.display = [by_key[k] for k in data["display_order"]]  # every bucket, in the report's order
        self.kernel_modules = [re.compile(p) for p in data["kernel_modules"]]
        self.kernel_key = "kernel"
        self.kernel_time_goes_to = frozenset(data["kernel_time_goes_to"])
        self.unresolved_symbol = re.compile(data["unresolved_symbol"])
        jit = data["jit_code"]
        self.jit_module, self.jit_caller, self.jit_bucket = (re.compile(jit["module"]), re.compile(jit["called_from"]),
                                                             jit["bucket"])
        self.jit_registered = re.compile(jit["registered"])

    def label(self, key):
        return next(b.label for b in self.buckets if b.key == key)


def load_table(path=TABLE_FILE):
    with open(path, encoding="utf-8") as f:
        return Table(json.load(f))


def split_frame(frame):
    """'symbol (module)' -> (symbol, module); a frame without a module -> (frame, '')."""
    match = _FRAME.match(frame.strip())
    return (match.group(1), match.group(2)) if match else (frame.strip(), "")


def _rule_bucket(table, symbol, module):
    for bucket in table.rules:
        if any(p.search(symbol) for p in bucket.symbol):
            return bucket.key
    for bucket in table.rules:
        if any(p.search(module) for p in bucket.module):
            return bucket.key
    return None


def classify(frames, table):
    """(bucket key, the unresolved frame's module or None) of one stack, innermost frame first."""
    parsed = [split_frame(f) for f in frames]
    first_user = 0
    while first_user < len(parsed) and any(p.search(parsed[first_user][1]) for p in table.kernel_modules):
        first_user += 1
    kernel_on_top = first_user > 0
    user = parsed[first_user:]
    if not user:
        return table.kernel_key, None
    symbol, module = user[0]
    if table.unresolved_symbol.match(symbol):
        if table.jit_registered.match(module):
            return table.jit_bucket, None
        if table.jit_module.match(module or "[unknown]") and any(
                table.jit_caller.search(s) or table.jit_caller.search(m) for s, m in user[1:]):
            return table.jit_bucket, None
        return table.unresolved.key, module or "[unknown]"
    for symbol, module in user:
        if table.unresolved_symbol.match(symbol):
            continue
        key = _rule_bucket(table, symbol, module)
        if key is not None:
            if kernel_on_top and key not in table.kernel_time_goes_to:
                return table.kernel_key, None
            return key, None
    return (table.kernel_key if kernel_on_top else table.other.key), None


@dataclasses.dataclass
class Tally:
    """Samples per bucket key (every bucket of the table present) and unresolved samples per module."""
    samples: int
    buckets: dict
    unresolved_modules: dict

    def share(self, key):
        return self.buckets[key] / self.samples if self.samples else None


def tally(folded, table):
    """A Tally of a folded profile: {'root;...;leaf': samples}."""
    buckets = collections.Counter({b.key: 0 for b in table.buckets})
    unresolved = collections.Counter()
    for stack, count in folded.items():
        key, module = classify(list(reversed(stack.split(";"))), table)
        buckets[key] += count
        if module is not None:
            unresolved[module] += count
    return Tally(sum(folded.values()), dict(buckets), dict(unresolved.most_common()))
