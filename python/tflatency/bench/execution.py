"""A whole run on given programs: list their cases, plan, run each, profile (--profile), failures.json, merge.

No Bazel here: the programs are commands (programs.Program), so the tests run
this on fake programs exactly as scripts/bench runs it on the real ones. The
results folder stays marked INCOMPLETE until the merge has written the report;
an interruption keeps everything finished so far (results.py).
"""

import os
import time

from tflatency.bench import estimate as estimate_lib
from tflatency.bench import names
from tflatency.bench import plan as plan_lib
from tflatency.bench import process
from tflatency.bench import programs as programs_lib
from tflatency.bench import progress as progress_lib
from tflatency.bench import run as run_lib
from tflatency.bench.errors import RunFailed
from tflatency.bench.errors import UsageError
from tflatency.bench import profiling

SUMMARY_FILE = "summary.json"


def case_settings(settings):
    """The part of the run's settings (flags.Settings) every case's command line needs."""
    run_under = ("taskset", "-c", str(settings.pin_cpu)) if settings.pin_cpu is not None else ()
    return run_lib.CaseSettings(repetitions=settings.repetitions, per_call_count=settings.per_call_count,
                                time_limit=settings.path_timeout, run_under=run_under)


def list_all(programs, folder):
    """[(Program, its cases)] of the programs that listed any; the others recorded as failures of `folder`."""
    listed = []
    for program in programs:
        cases, failure = programs_lib.list_cases(program)
        if failure:
            folder.record([failure])
        else:
            listed.append((program, cases))
    return listed


def _expected_seconds(planned, settings):
    return [estimate_lib.expected_seconds(p.program.min_time, settings.repetitions, settings.per_call_count,
                                          p.program.per_call) for p in planned]


def run(folder, programs, settings, merge_argv, env=None):
    """Runs every case of `programs` (in plan order) into `folder` (a results.ResultsFolder),
    then `merge_argv` + [folder]. Raises UsageError if --only matches no case (the folder
    is removed), RunFailed if the merge fails, Interrupted on Ctrl-C / SIGTERM."""
    with folder.keeping_partial_results():
        listed = list_all(programs, folder)
        planned = plan_lib.plan(listed, plan_lib.compile_only(settings.only))
        if not planned and settings.only:
            folder.discard()
            raise UsageError(f"--only='{settings.only}' matches no case")
        per_case = case_settings(settings)
        estimate = estimate_lib.Estimate(_expected_seconds(planned, settings))
        progress = progress_lib.for_this_run(len(planned), estimate)
        try:
            for index, case in enumerate(planned):
                progress.case_started(index, names.report_name(case.case, case.program.name_suffix))
                started = time.monotonic()
                new_failures = run_lib.run_case(case, per_case, folder.path, env)
                folder.record(new_failures)
                seconds = time.monotonic() - started
                estimate.finished(seconds)
                progress.case_finished(seconds, new_failures)
        finally:
            progress.close()
        if settings.profile:
            profiling.profile_run(folder.path, planned, settings.path_timeout, env, per_case.run_under)
        folder.write_failures()
        if not process.run([*merge_argv, folder.path], env=env).ok:
            raise RunFailed(f"merging failed; raw results are in {folder.path}")
        folder.finish()
        progress.show_summary(os.path.join(folder.path, SUMMARY_FILE))
