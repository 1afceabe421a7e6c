"""scripts/bench's orchestrator: builds, plans, runs every benchmark case, and merges the results.

The layers, bottom up (each module has one job):

  process    a child in its own session under a time limit; its whole group stopped on demand
  interrupt  Ctrl-C / SIGTERM -> an Interrupted exception wherever the orchestrator is
  programs   a benchmark program as the runner sees it (a command, not a Bazel label); its case list
  plan       the order cases run in: round-robin across programs (pure)
  names      file and report names of a case; the `_pinned` renaming inside result JSON
  failures   what went wrong with a case, worded for failures.json
  run        one case: its google-benchmark pass, then its per-call pass
  results    a results folder: naming, the INCOMPLETE marker, failures.json
  progress   a live line on a terminal (tqdm), one plain line per case otherwise; the end summary
  estimate   how long the rest of the run will take (pure)
  summary    the terminal summary read from summary.json (pure)
  profiling  --profile / scripts/profile: a case's per-call mode under perf or py-spy (tflatency.profile)
  execution  a whole run on given programs: list, plan, run, profile, failures.json, merge (no Bazel)
  bazel      Bazel alone: build, `bazel run --script_path` runner scripts, output_base facts
  context    context.json through //python:collect_context
  matrix     which Bazel targets make up a run, with which flags and min_time units
  model_run  one model: build, context, programs, execution
  sweep      every model of a sweep file, one results subfolder each, then sweep_report
  flags      scripts/bench's flags (absl), their checks and one-line errors
  errors     the one-line errors: UsageError (exit 2), RunFailed (exit 1)
  main       the entry point: exit statuses and the last lines

Everything below `bazel` runs on any program that speaks google-benchmark's
command line, so the tests drive it with small fake programs (testdata/,
started through testlib.py).
"""
