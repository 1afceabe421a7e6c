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
