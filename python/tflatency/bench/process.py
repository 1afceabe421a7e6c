"""Child processes the orchestrator can always stop.

Each child starts in a new session (hence its own process group), so a
terminal's Ctrl-C does not reach it directly: the orchestrator decides. The
wait blocks on a pidfd (no polling that could disturb a benchmark). When the
time limit passes, or an exception (Interrupted) arrives while waiting, the
whole group gets `stop_signal`, then SIGKILL after `grace` seconds. After the
child exits, anything it left behind in its group is killed too.
"""

import dataclasses
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

# Benchmarks die at once on SIGTERM; this only bounds a child that does not.
KILL_GRACE_SECONDS = 1.0


@dataclasses.dataclass(frozen=True)
class Exit:
    """How a child ended: `returncode` as subprocess reports it (negative: killed
    by that signal), or `timed_out` (then returncode is whatever the stop gave)."""
    returncode: int
    timed_out: bool = False

    @property
    def ok(self):
        return self.returncode == 0 and not self.timed_out


def _signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def _wait_exited(pidfd, timeout):
    """True once the child has exited (it stays unreaped), False after `timeout` seconds (None: no limit)."""
    if timeout is not None:
        deadline = time.monotonic() + timeout
    while True:
        left = None if timeout is None else max(0.0, deadline - time.monotonic())
        readable, _, _ = select.select([pidfd], [], [], left)
        if readable:
            return True
        if left == 0.0:
            return False


def _stop(proc, pidfd, stop_signal, grace):
    """Ends the child's whole group: stop_signal, then SIGKILL after `grace` seconds."""
    _signal_group(proc.pid, stop_signal)
    _wait_exited(pidfd, grace)
    _signal_group(proc.pid, signal.SIGKILL)


def _say_where_output_goes(target, message):
    """Writes `message` where the child's stderr would have gone (a file object, a descriptor, or ours)."""
    if target in (None, subprocess.DEVNULL):
        if target is None:
            sys.stderr.write(message)
        return
    if isinstance(target, int):
        os.write(target, message.encode())
    else:
        target.write(message.encode() if "b" in getattr(target, "mode", "b") else message)
        target.flush()


def run(argv, *, timeout=None, stdout=None, stderr=None, env=None, cwd=None,
        stop_signal=signal.SIGTERM, grace=KILL_GRACE_SECONDS):
    """Runs `argv` to its end or its time limit (seconds); returns an Exit.

    stdout/stderr are as for subprocess (None: inherited). Any exception while
    waiting (Interrupted above all) stops the child's group before it goes on.
    """
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                env=env, cwd=cwd, start_new_session=True)
    except OSError as e:  # as a shell says it: 127 not found, 126 not executable
        _say_where_output_goes(stdout if stderr == subprocess.STDOUT else stderr, f"{argv[0]}: {e.strerror}\n")
        return Exit(127 if isinstance(e, FileNotFoundError) else 126)
    timed_out = False
    pidfd = os.pidfd_open(proc.pid)
    try:
        if not _wait_exited(pidfd, timeout):
            timed_out = True
            _stop(proc, pidfd, stop_signal, grace)
        else:
            # The leader is a zombie until reaped, so its group id cannot be reused yet.
            _signal_group(proc.pid, signal.SIGKILL)
    except BaseException:
        _stop(proc, pidfd, stop_signal, grace)
        proc.wait()
        raise
    finally:
        os.close(pidfd)
    return Exit(proc.wait(), timed_out)


def output(argv, **kwargs):
    """(Exit, its standard output as text) of run(argv, **kwargs); stderr is inherited unless given."""
    with tempfile.TemporaryFile() as out:
        exit = run(argv, stdout=out, **kwargs)
        out.seek(0)
        return exit, out.read().decode("utf-8", "replace")
