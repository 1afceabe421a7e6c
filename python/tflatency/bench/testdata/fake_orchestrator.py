"""The orchestrator on fake benchmark programs, as a process: what the tests start.

  fake_orchestrator.py --programs=JSON --fake_dir=DIR --merge=COMMAND [scripts/bench flags...]

--programs: a list of {"label", "cases": {name: behaviour}, "per_call" (default
true), "name_suffix" (default ""), "min_time" (default "0.01s")}; each becomes
a Program running testdata/fake_benchmark.py. The bench flags (--results_dir,
--repetitions, --path_timeout, --only, ...) are parsed by tflatency.bench.flags
as scripts/bench's are. Then it does what scripts/bench does after Bazel:
results folder, execution.run, the same exit statuses and last lines
(main.run_guarded), without building anything or collecting a context.
"""

import json
import os
import sys

from tflatency.bench import execution
from tflatency.bench import flags
from tflatency.bench import main
from tflatency.bench import results
from tflatency.bench import testlib
from tflatency.bench.programs import Program


def _own_flags(argv):
    own, rest = {}, [argv[0]]
    for arg in argv[1:]:
        name, _, value = arg.partition("=")
        if name in ("--programs", "--fake_dir", "--merge"):
            own[name[2:]] = value
        else:
            rest.append(arg)
    return own, rest


def programs(specs, fake_dir):
    return [Program(label=spec["label"], argv=(sys.executable, testlib.FAKE_BENCHMARK),
                    flags=(f"--fake_cases={','.join(f'{c}={b}' for c, b in spec['cases'].items())}",
                           f"--fake_dir={fake_dir}"),
                    min_time=spec.get("min_time", "0.01s"), per_call=spec.get("per_call", True),
                    name_suffix=spec.get("name_suffix", "")) for spec in specs]


def job(argv):
    own, bench_argv = _own_flags(argv)
    settings = flags.parse(bench_argv, root=os.getcwd())
    folder = results.ResultsFolder.create(settings.results_dir, os.getcwd())
    execution.run(folder, programs(json.loads(own["programs"]), own["fake_dir"]), settings,
                  merge_argv=own["merge"].split())
    print(f"bench: report: {os.path.join(folder.path, 'report.md')}")
    print(folder.path)
    return 0


if __name__ == "__main__":
    sys.exit(main.run_guarded(lambda: job(sys.argv)))
