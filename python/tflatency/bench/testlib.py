"""Test helpers: the orchestrator run as a process on fake benchmark programs.

Starts testdata/fake_orchestrator.py (execution.run behind main.run_guarded,
as scripts/bench after its Bazel steps) with programs made of
testdata/fake_benchmark.py, and merges with the real //python:merge_results.
Paths are relative to the runfiles' workspace folder, where Bazel runs tests.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORCHESTRATOR = os.path.join(HERE, "testdata", "fake_orchestrator.py")
FAKE_BENCHMARK = os.path.join(HERE, "testdata", "fake_benchmark.py")
MERGE = os.path.abspath(os.path.join("python", "merge_results"))
# Small and fast: two repetitions, a short time limit, a few per-call calls.
FAST_FLAGS = ("--repetitions=2", "--min_time=0.01", "--path_timeout=3", "--per_call_count=10")


def program(label, cases, **options):
    """One fake program: cases maps case name -> fake_benchmark behaviour."""
    return dict(label=label, cases=cases, **options)


def scratch(base=None):
    """(base, fake_dir, results_dir) for one orchestrator run: fake_dir (the fake programs' records) created,
    results_dir not yet; base is a new folder under the test's TEST_TMPDIR unless given."""
    base = base or tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
    fake_dir = os.path.join(base, "fake")
    os.makedirs(fake_dir)
    return base, fake_dir, os.path.join(base, "results")


def command(programs, fake_dir, results_dir, *flags):
    return [sys.executable, ORCHESTRATOR, f"--programs={json.dumps(programs)}", f"--fake_dir={fake_dir}",
            f"--merge={MERGE}", f"--results_dir={results_dir}", *FAST_FLAGS, *flags]


def run(programs, fake_dir, results_dir, *flags, timeout=120):
    """The orchestrator to its end: a CompletedProcess with text stdout and stderr."""
    return subprocess.run(command(programs, fake_dir, results_dir, *flags), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def start(programs, fake_dir, results_dir, *flags):
    """The orchestrator started in a new session (as a terminal starts a job): a Popen with text pipes."""
    return subprocess.Popen(command(programs, fake_dir, results_dir, *flags), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, start_new_session=True)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def runs(fake_dir):
    """Every run of a fake program that selected a case: [{"case", "argv"}] in order."""
    path = os.path.join(fake_dir, "runs.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def folder_digest(folder):
    """sha256 over every file's relative path and bytes: equal digests, identical folders."""
    digest = hashlib.sha256()
    for parent, dirs, files in sorted(os.walk(folder)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(parent, name)
            digest.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def process_gone(pid):
    """True if no process `pid` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")
