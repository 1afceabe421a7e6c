"""Runs one command under a sampling profiler that sees only its timed calls.

The command is a benchmark program in per-call mode (tflatency/per_call.py,
cc/harness/per_call.h). With TFLATENCY_PROFILE_GATE=DIR it creates DIR/start
after loading and warm-up (holding its process id: a launcher script may
sit between us and it) and waits until it is removed; likewise DIR/stop
after the timed calls. In between the profiler is attached by process id:

  perf    `perf record -e cpu-clock -g -F <hz> -p PID`, started disabled and
          enabled through its control FIFO (it acknowledges), so no sample
          predates the calls; every thread of the process is sampled (native
          stacks, frame pointers). The VM exposes no hardware counters:
          cpu-clock is the software timer event.
  py-spy  `py-spy record --native --format raw -r <hz> --pid PID`, an option for
          Python programs (paths.tool_for): Python frames with native ones; it
          stops the process for each sample, so a low rate; only threads that
          hold a Python thread state (TF's own pool threads are not seen).

Returns a Recording (folded stacks, event, tool) or raises ProfileError with one line.
"""

import dataclasses
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from tflatency.profile import fold

GATE_ENV = "TFLATENCY_PROFILE_GATE"
PERF_EVENT = "cpu-clock"
PERF_HZ = 1000
PY_SPY_HZ = 50
ATTACH_SECONDS = 60  # py-spy reads the symbols of every library first (TensorFlow's are large)


class ProfileError(Exception):
    """A profile that could not be taken; the message is one line."""


@dataclasses.dataclass
class Recording:
    tool: str        # "perf" or "py-spy"
    event: str       # what a sample is
    frequency_hz: int
    folded: object   # collections.Counter {'root;...;leaf': samples}
    libraries: dict = dataclasses.field(default_factory=dict)  # perf: {library file name: path}


def py_spy_path():
    """py-spy from the interpreter's own environment (requirements.txt), else PATH; None if neither."""
    beside = os.path.join(os.path.dirname(sys.executable), "py-spy")
    return beside if os.access(beside, os.X_OK) else shutil.which("py-spy")


def perf_available():
    """'' if `perf record -e cpu-clock` works here, else why not (one line)."""
    if shutil.which("perf") is None:
        return "perf is not installed (scripts/setup installs Debian's linux-perf)"
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(["perf", "record", "-q", "-e", PERF_EVENT, "-o", os.path.join(scratch, "p.data"),
                               "--", "true"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [l for l in done.stderr.splitlines() if l.strip()]
        return "perf cannot record here: " + (lines[0].strip() if lines else f"exit status {done.returncode}")
    return ""


def _wait_for(path, child, deadline, what):
    while not os.path.exists(path):
        if child.poll() is not None:
            raise ProfileError(f"the program exited (status {child.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise ProfileError(f"timed out waiting for {what}")
        time.sleep(0.005)


def _gate_pid(path, fallback):
    """The process id the program wrote into the gate file (the benchmark itself, whatever launched it)."""
    try:
        with open(path, encoding="ascii") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return fallback


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _log_tail(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [l.strip() for l in f if l.strip()]
    except OSError:
        return ""
    return lines[-1] if lines else ""


class _Perf:
    tool, event, hz = "perf", PERF_EVENT, PERF_HZ

    def __init__(self, scratch):
        self.data = os.path.join(scratch, "perf.data")
        self.ctl, self.ack = os.path.join(scratch, "ctl"), os.path.join(scratch, "ack")
        os.mkfifo(self.ctl)
        os.mkfifo(self.ack)
        self.log = os.path.join(scratch, "perf.log")

    def attach(self, pid, deadline):
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["perf", "record", "-e", self.event, "-F", str(self.hz), "-g", "-p", str(pid), "-o", self.data,
                 "-D", "-1", f"--control=fifo:{self.ctl},{self.ack}"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        # Read-write opens of a FIFO do not block, whether or not perf has opened its end.
        self.ctl_fd = os.open(self.ctl, os.O_RDWR)
        self.ack_fd = os.open(self.ack, os.O_RDWR)
        self._command("enable", deadline)

    def _command(self, word, deadline):
        os.write(self.ctl_fd, (word + "\n").encode("ascii"))
        answer = b""
        while b"\n" not in answer:
            ready, _, _ = select.select([self.ack_fd], [], [], 0.1)
            if ready:
                answer += os.read(self.ack_fd, 64)
            elif self.process.poll() is not None or time.monotonic() > deadline:
                raise ProfileError(f"perf did not acknowledge '{word}': {_log_tail(self.log) or 'no answer'}")
        answer = answer.replace(b"\0", b"")  # perf writes "ack\n\0"
        if answer.strip() != b"ack":
            raise ProfileError(f"perf answered '{answer.strip().decode(errors='replace')}' to '{word}'")

    def detach(self):
        try:
            if self.process.poll() is None:
                self._command("disable", time.monotonic() + 10)
                self.process.send_signal(signal.SIGINT)
                self.process.wait(timeout=120)
        finally:
            _stop(self.process)
            os.close(self.ctl_fd)
            os.close(self.ack_fd)
        if not os.path.exists(self.data):
            raise ProfileError(f"perf wrote no data: {_log_tail(self.log)}")

    def folded(self):
        done = subprocess.run(["perf", "script", "-i", self.data, "-F", fold.PERF_SCRIPT_FIELDS],
                              capture_output=True, text=True, errors="replace", check=False)
        if done.returncode != 0:
            raise ProfileError(f"perf script failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
        self.libraries = fold.library_paths(done.stdout)
        return fold.from_perf_script(done.stdout)


class _PySpy:
    tool, event, hz = "py-spy", "py-spy --native wall-clock samples of running (non-idle) Python threads", PY_SPY_HZ

    def __init__(self, scratch):
        self.out = os.path.join(scratch, "py-spy.folded")
        self.log = os.path.join(scratch, "py-spy.log")

    def attach(self, pid, deadline):
        binary = py_spy_path()
        if binary is None:
            raise ProfileError("py-spy is not installed (requirements.txt pins it)")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [binary, "record", "--native", "--format", "raw", "-r", str(self.hz), "--pid", str(pid),
                 "-o", self.out], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        while True:  # it says so once it samples
            with open(self.log, encoding="utf-8", errors="replace") as f:
                if "Sampling process" in f.read():
                    return
            if self.process.poll() is not None:
                raise ProfileError(f"py-spy could not attach: {_log_tail(self.log)}")
            if time.monotonic() > deadline:
                raise ProfileError("py-spy did not start sampling in time")
            time.sleep(0.01)

    def detach(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=120)
        finally:
            _stop(self.process)
        if not os.path.exists(self.out):
            raise ProfileError(f"py-spy wrote nothing: {_log_tail(self.log)}")

    def folded(self):
        with open(self.out, encoding="utf-8", errors="replace") as f:
            return fold.read_folded(f.read())


TOOLS = {"perf": _Perf, "py-spy": _PySpy}


def record(argv, tool, log_path, time_limit, env=None):
    """Runs argv (a per-call command line) with the gate, `tool` attached over its timed calls only.
    The program's output goes to log_path. Returns a Recording; ProfileError if anything fails."""
    with tempfile.TemporaryDirectory(prefix="tflatency-profile.") as scratch:
        gate = os.path.join(scratch, "gate")
        os.mkdir(gate)
        profiler = TOOLS[tool](scratch)
        deadline = time.monotonic() + time_limit
        with open(log_path, "wb") as log:
            child = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                     env={**(env if env is not None else os.environ), GATE_ENV: gate})
        try:
            _wait_for(os.path.join(gate, "start"), child, deadline, "its timed calls")
            profiler.attach(_gate_pid(os.path.join(gate, "start"), child.pid),
                            min(deadline, time.monotonic() + ATTACH_SECONDS))
            os.remove(os.path.join(gate, "start"))
            try:
                _wait_for(os.path.join(gate, "stop"), child, deadline, "the end of its timed calls")
            finally:
                profiler.detach()
            os.remove(os.path.join(gate, "stop"))
            try:
                status = child.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise ProfileError("timed out after its timed calls") from None
            if status != 0:
                raise ProfileError(f"the program failed (status {status}): {_log_tail(log_path)}")
        finally:
            _stop(child)
        folded = profiler.folded()
        if not folded:
            raise ProfileError(f"{tool} recorded no samples")
        return Recording(profiler.tool, profiler.event, profiler.hz, folded, getattr(profiler, "libraries", {}))
