"""An A/B run on given programs: both sides' cases interleaved, each side merged, then compared.

No Bazel here (ab_run.py builds the two sides), so tests drive it on fake
programs. The A/B results folder holds A/ and B/, each a complete results
folder as a normal run writes it (raw JSON, context.json, failures.json,
summary.json, report.md), plus pairing.json (each side's interpreter and
TensorFlow, and the order the cases ran in) and compare.md / compare.json
(report/compare.py with interleaved=True: per path B/A, its spread, the U test,
the drift control, a verdict). Every folder stays marked INCOMPLETE until its
own report is written; an interruption keeps what finished in both sides.
"""

import contextlib
import dataclasses
import json
import os
import time

from tflatency.bench import estimate as estimate_lib
from tflatency.bench import execution
from tflatency.bench import names
from tflatency.bench import plan as plan_lib
from tflatency.bench import process
from tflatency.bench import progress as progress_lib
from tflatency.bench import results
from tflatency.bench import run as run_lib
from tflatency.bench.errors import RunFailed
from tflatency.bench.errors import UsageError
from tflatency.bench.interrupt import Interrupted
from tflatency.report import compare
from tflatency.report import load
from tflatency.report import output

PAIRING_FILE = "pairing.json"
COMPARE_MD, COMPARE_JSON = "compare.md", "compare.json"


@dataclasses.dataclass
class Side:
    """One side of an A/B run: its results folder (results.ResultsFolder, A/ or B/ of the run's
    folder), its programs, the environment they run in, and what pairing.json says of it."""
    name: str
    folder: object
    programs: list
    env: dict
    description: dict


def write_pairing(path, sides, pairs):
    order = [{"case": names.report_name(case, suffix), "sides": list(ran)} for case, suffix, ran in pairs]
    pairing = {"schema_version": 1,
               "sides": {s.name: {"folder": os.path.basename(s.folder.path), **s.description} for s in sides.values()},
               "order": order}
    with output.atomic_open(os.path.join(path, PAIRING_FILE)) as f:
        f.write(json.dumps(pairing, indent=2) + "\n")


def write_comparison(path, folder_a, folder_b):
    """compare.md and compare.json of the two sides into `path`; returns the comparison."""
    try:
        inputs = load.load_folder(folder_a), load.load_folder(folder_b)
    except load.FolderError as e:  # a side where nothing ran: its report says why
        raise RunFailed(f"cannot compare the two sides: {e}") from None
    result = compare.compare(*inputs, interleaved=True)
    output.write_text(os.path.join(path, COMPARE_MD), compare.render(result))
    output.write_text(os.path.join(path, COMPARE_JSON), json.dumps(result, indent=2, allow_nan=False) + "\n")
    return result


def _run_steps(steps, sides, settings):
    per_case = execution.case_settings(settings)
    estimate = estimate_lib.Estimate([estimate_lib.expected_seconds(
        s.planned.program.min_time, settings.repetitions, settings.per_call_count, s.planned.program.per_call)
        for s in steps])
    progress = progress_lib.for_this_run(len(steps), estimate)
    try:
        for index, step in enumerate(steps):
            side = sides[step.side]
            progress.case_started(index, f"{step.side} {names.report_name(step.planned.case, step.planned.program.name_suffix)}")
            started = time.monotonic()
            new_failures = run_lib.run_case(step.planned, per_case, side.folder.path, side.env)
            side.folder.record(new_failures)
            seconds = time.monotonic() - started
            estimate.finished(seconds)
            progress.case_finished(seconds, new_failures)
    finally:
        progress.close()


def verdict_lines(result):
    """A few lines for the terminal: the drift band and every TensorFlow path flagged slower or faster."""
    band = result["drift_control"]["band"]
    lines = [f"bench: A/B: {result['counts']['slower']} slower, {result['counts']['faster']} faster, "
             f"{result['counts']['within drift']} within drift, {result['counts']['same']} same"]
    if band:
        lines.append(f"bench: drift control ({len(result['drift_control']['controls'])} paths without TensorFlow): "
                     f"B/A {band[0]:.3f}-{band[1]:.3f}")
    else:
        lines.append("bench: no drift control (no path without TensorFlow ran on both sides)")
    lines += [f"  {p['name']:<44} B/A {p['ratio']:.3f}  {p['verdict']}" for p in result["paths"]
              if p["verdict"] in ("slower", "faster") and not p["control"]]
    return lines


def run(top, sides, settings, merge_argv):
    """Runs both sides' cases interleaved (plan.ab_plan) into `top` (a results.ResultsFolder holding
    sides["A"].folder and sides["B"].folder), merges each side, writes the comparison. Raises
    UsageError if --only matches no case (the folder is removed), RunFailed if a merge fails,
    Interrupted on Ctrl-C / SIGTERM (naming `top`)."""
    try:
        with contextlib.ExitStack() as stack:
            for side in sides.values():
                stack.enter_context(side.folder.keeping_partial_results())
            listed = {name: execution.list_all(side.programs, side.folder) for name, side in sides.items()}
            steps, pairs = plan_lib.ab_plan(listed["A"], listed["B"], plan_lib.compile_only(settings.only))
            if not steps and settings.only:
                top.discard()
                raise UsageError(f"--only='{settings.only}' matches no case")
            write_pairing(top.path, sides, pairs)
            _run_steps(steps, sides, settings)
            for side in sides.values():
                side.folder.write_failures()
                # Both merged by the orchestrator's own interpreter (side A's), one report code for both.
                if not process.run([*merge_argv, side.folder.path], env=sides["A"].env).ok:
                    raise RunFailed(f"merging side {side.name} failed; raw results are in {side.folder.path}")
                side.folder.finish()
    except Interrupted as e:
        results.note_interrupted(top.path, e.signal_name)
        e.partial_results = top.path
        raise
    result = write_comparison(top.path, sides["A"].folder.path, sides["B"].folder.path)
    top.finish()
    for line in verdict_lines(result):
        print(line, flush=True)
    return result
