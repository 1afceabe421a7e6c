"""scripts/bench's entry point: flags, then one model's run or a sweep; exit statuses.

  scripts/bench [flags]      (= PYTHONPATH=python python -m tflatency.bench [flags], from the root)

The last two lines on stdout are `bench: report: DIR/report.md` (for a sweep
`bench: sweep report: DIR/scaling.md`) and DIR. Exit status: 0 done (FAILED
rows included), 1 the run could not go on (build, context, merge), 2 bad input
(one line), 130 / 143 interrupted by SIGINT / SIGTERM (one line naming the
folder that keeps the partial results, marked INCOMPLETE).
"""

import os
import sys

from tflatency.bench import ab_run
from tflatency.bench import errors
from tflatency.bench import flags
from tflatency.bench import interrupt
from tflatency.bench import model_run
from tflatency.bench import sweep
from tflatency.bench.errors import RunFailed
from tflatency.bench.errors import UsageError
from tflatency.bench.interrupt import Interrupted

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
_HELP = ("-h", "--help", "--helpfull")


def run_guarded(job):
    """job() with Ctrl-C / SIGTERM caught and the one-line errors printed; returns the exit status."""
    interrupt.catch_signals()
    try:
        return job()
    except (UsageError, RunFailed) as e:
        print(errors.message(e), file=sys.stderr)
        return errors.exit_status(e)
    except Interrupted as e:
        if e.partial_results:
            print(f"bench: interrupted; partial results stay in {e.partial_results} (marked INCOMPLETE)",
                  file=sys.stderr)
        else:
            print("bench: interrupted before any results were written", file=sys.stderr)
        return e.exit_status


def bench(argv, root=ROOT):
    if any(arg in _HELP for arg in argv[1:]):
        print(flags.usage())
        return 0
    settings = flags.parse(argv, root)
    if settings.sweep:
        folder = sweep.run(settings, root)
    elif settings.ab:
        folder = ab_run.run(settings, root)
    else:
        folder = model_run.run(settings, root)
    print(folder, flush=True)
    return 0


def main(argv):
    return run_guarded(lambda: bench(argv))
