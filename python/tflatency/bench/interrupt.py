"""Ctrl-C and SIGTERM: either signal becomes an Interrupted exception in the main thread.

Every child runs in its own process session (process.py), so a terminal's
Ctrl-C reaches the orchestrator alone and the orchestrator decides: the signal
handler raises Interrupted wherever the main thread is (usually waiting for a
case), process.py ends that child's whole process group on the way out,
the results folder is marked interrupted (results.py), and main.py exits with
128 + the signal number (130 for SIGINT, 143 for SIGTERM).
"""

import signal

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, so no `except Exception` swallows it.

    `partial_results` is set, on the way up, by whoever owns a results folder:
    the outermost owner's folder is the one main.py names.
    """

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.partial_results = None

    @property
    def exit_status(self):
        return 128 + self.signum

    @property
    def signal_name(self):
        return signal.Signals(self.signum).name


def _raise_interrupted(signum, frame):
    # Later signals must not cut short the cleanup the first one starts (it is
    # bounded: process.py kills what does not stop within its grace period).
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


def catch_signals():
    """From now on, SIGINT and SIGTERM raise Interrupted in the main thread."""
    for signum in SIGNALS:
        signal.signal(signum, _raise_interrupted)
