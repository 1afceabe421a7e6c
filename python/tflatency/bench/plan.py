"""The order cases run in: round-robin across programs.

Every program's cases are listed first; then the first case of each program
runs, then the second of each, and so on, so that drift in the machine's state
over a run hits every group alike instead of one program's cases. A pure
function of what the programs listed.
"""

import dataclasses
import re

from tflatency.bench.programs import Program


@dataclasses.dataclass(frozen=True)
class PlannedCase:
    """One case to run: its program, its google-benchmark name (aot/haswell/rnn) and
    the flags this case alone needs (after the program's own)."""
    program: Program
    case: str
    flags: tuple = ()


PEER_BENCH = "//python:peer_bench"


def case_flags(program, case):
    """peer_bench loads only the engine a case needs: its peer/<engine>/... and tflite/... cases get
    --engines (other programs' peer/ cases, e.g. //cc:aoti_bench's, take no such flag)."""
    if program.label != PEER_BENCH:
        return ()
    group, _, rest = case.partition("/")
    if group == "peer":
        return (f"--engines={rest.split('/', 1)[0]}",)
    if group == "tflite":
        return ("--engines=tflite",)
    return ()


def plan(listed, only=None):
    """listed: [(Program, [case, ...]), ...] in program order; only: a compiled
    pattern a case name must contain a match of (re.search), or None.
    Returns the PlannedCases in run order."""
    queues = [[PlannedCase(program, case, case_flags(program, case)) for case in cases
               if only is None or only.search(case)]
              for program, cases in listed]
    order = []
    for rank in range(max((len(q) for q in queues), default=0)):
        order.extend(q[rank] for q in queues if rank < len(q))
    return order


def compile_only(pattern):
    """--only's pattern compiled, or None for no pattern; re.error if it is not a valid expression."""
    return re.compile(pattern) if pattern else None


SIDES = ("A", "B")


@dataclasses.dataclass(frozen=True)
class AbStep:
    """One case of one side of an A/B run (`scripts/bench --ab`): side "A" or "B", and its PlannedCase."""
    side: str
    planned: PlannedCase


def _program_key(program):
    return (program.label, program.name_suffix)


def ab_plan(listed_a, listed_b, only=None):
    """The interleaved order of an A/B run: (AbSteps in run order, pairs).

    listed_a, listed_b: each side's plan() input; programs pair up by label and name
    suffix, cases by name. The round-robin is plan()'s over the union of both sides'
    cases; each case runs for A and B back to back, A first when its round plus its
    program's position is even, B first otherwise, so the order alternates from round
    to round for every program and from program to program within a round. A case only
    one side lists runs alone. pairs: [(case, report name suffix, sides in run order)]."""
    by_side = {"A": {}, "B": {}}
    keys = []
    for side, listed in (("A", listed_a), ("B", listed_b)):
        for program, cases in listed:
            key = _program_key(program)
            if key not in keys:
                keys.append(key)
            by_side[side][key] = (program, [c for c in cases if only is None or only.search(c)])
    steps, pairs = [], []
    queues = []
    for key in keys:
        cases = []
        for side in SIDES:
            cases += [c for c in by_side[side].get(key, (None, []))[1] if c not in cases]
        queues.append(cases)
    for rank in range(max((len(q) for q in queues), default=0)):
        for position, (key, cases) in enumerate(zip(keys, queues)):
            if rank >= len(cases):
                continue
            case = cases[rank]
            order = SIDES if (rank + position) % 2 == 0 else SIDES[::-1]
            ran = []
            for side in order:
                program, side_cases = by_side[side].get(key, (None, []))
                if case in side_cases:
                    steps.append(AbStep(side, PlannedCase(program, case, case_flags(program, case))))
                    ran.append(side)
            pairs.append((case, key[1], tuple(ran)))
    return steps, pairs
