"""What a run shows while it goes: a live line on a terminal, plain lines otherwise.

On a terminal (stderr is a TTY, and tqdm is installed) one line is redrawn
every second on stderr: case k of N, its name, a bar, the time since the first
case started and an estimate of what is left (estimate.py); a case that fails
is printed above it, and at the end the summary (summary.py) follows. Without
a terminal (CI, a pipe) each case gets one plain line on stdout,
`bench: [12/54] aot/znver3/rnn`, with no control characters.
"""

import os
import sys
import threading
import time

from tflatency.bench import summary

try:
    import tqdm
except ImportError:  # an interpreter without it (TFLATENCY_PYTHON) gets plain lines
    tqdm = None

_REDRAW_SECONDS = 1.0
# For a terminal that reports no size (a fresh pseudo-terminal): tqdm would hide its line.
_FALLBACK_SIZE = os.terminal_size((100, 24))


def _clock(seconds):
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class PlainLines:
    """One line per case on `out`; nothing else."""

    def __init__(self, total, estimate, out=None):
        self.total = total
        self.out = out or sys.stdout

    def case_started(self, index, name):
        print(f"bench: [{index + 1}/{self.total}] {name}", file=self.out, flush=True)

    def case_finished(self, seconds, failures):
        pass

    def close(self):
        pass

    def show_summary(self, summary_path):
        pass


def _size(stream):
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        return _FALLBACK_SIZE
    return size if size.columns and size.lines else _FALLBACK_SIZE


if tqdm is not None:
    class _CaseBar(tqdm.tqdm):
        """tqdm's bar with one more field for bar_format: {timing}, our elapsed and left."""
        timing = ""

        @property
        def format_dict(self):
            return dict(super().format_dict, timing=self.timing)


class LiveLine:
    """tqdm's line on `stream`, redrawn by a background thread once a second."""

    def __init__(self, total, estimate, stream=None):
        self.total = total
        self.estimate = estimate
        self.stream = stream or sys.stderr
        columns, lines = _size(self.stream)
        self._bar = _CaseBar(total=total, file=self.stream, leave=False, ncols=columns, nrows=lines,
                             desc=f"bench: [0/{total}]", bar_format="{desc} |{bar:20}| {timing}")
        self._lock = threading.Lock()
        self._run_started = time.monotonic()
        self._case_started = self._run_started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._redraw_every_second, daemon=True)
        self._thread.start()

    def _redraw(self):
        now = time.monotonic()
        left = self.estimate.remaining(now - self._case_started)
        self._bar.timing = f"{_clock(now - self._run_started)} elapsed, ~{_clock(left)} left"
        self._bar.ncols, self._bar.nrows = _size(self.stream)
        self._bar.refresh()

    def _redraw_every_second(self):
        while not self._stop.wait(_REDRAW_SECONDS):
            with self._lock:
                self._redraw()

    def case_started(self, index, name):
        with self._lock:
            self._case_started = time.monotonic()
            self._bar.set_description_str(f"bench: [{index + 1}/{self.total}] {name}", refresh=False)
            self._redraw()

    def case_finished(self, seconds, failures):
        with self._lock:
            for failure in failures:
                mode = " (per-call)" if failure.mode else ""
                self._bar.write(f"bench: FAILED {failure.name}{mode}: {failure.reason}", file=self.stream)
            self._bar.update(1)

    def close(self):
        self._stop.set()
        self._thread.join()
        self._bar.close()

    def show_summary(self, summary_path):
        for line in summary.read_lines(summary_path):
            print(line, file=self.stream)


def for_this_run(total, estimate):
    """LiveLine on a terminal with tqdm installed, else PlainLines."""
    if sys.stderr.isatty() and tqdm is not None:
        return LiveLine(total, estimate)
    return PlainLines(total, estimate)
