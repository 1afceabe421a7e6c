"""How long the rest of a run will take.

Each case's cost is guessed up front from what it will do: a process start,
repetitions x min_time of google-benchmark, and, with a per-call pass, another
process start and per_call_count calls. The guesses are then scaled by how the
finished cases really compared with theirs (sum of real / sum of guessed), so
a machine where every process start takes 10 s, or a program slower than
guessed, corrects the estimate as the run goes; the case that is running
counts with what is left of its own scaled guess. A pure calculation.
"""

import dataclasses

PROCESS_START_SECONDS = 3.0  # a Python program importing TensorFlow; C++ programs start faster
PER_CALL_SECONDS = 50e-6  # one timed call of the default model, with its clock reads


def min_time_seconds(min_time):
    """--benchmark_min_time as either program kind takes it ("0.5" or "0.5s") -> 0.5."""
    return float(min_time.rstrip("s"))


def expected_seconds(min_time, repetitions, per_call_count, per_call):
    """The up-front guess of one case's cost."""
    seconds = PROCESS_START_SECONDS + repetitions * min_time_seconds(min_time)
    if per_call:
        seconds += PROCESS_START_SECONDS + per_call_count * PER_CALL_SECONDS
    return seconds


@dataclasses.dataclass
class Estimate:
    expected: list  # the guess per case, in run order
    taken: list = dataclasses.field(default_factory=list)  # real seconds of the finished cases, in order

    def finished(self, seconds):
        """The next case in order finished after `seconds`."""
        self.taken.append(seconds)

    def scale(self):
        """Real over guessed time of the finished cases; 1 before any finished."""
        guessed = sum(self.expected[: len(self.taken)])
        return sum(self.taken) / guessed if self.taken and guessed > 0 else 1.0

    def remaining(self, running_for=0.0):
        """Seconds left: the running case's scaled guess minus `running_for` (never below
        zero), plus the scaled guesses of the cases not started."""
        current = len(self.taken)
        if current >= len(self.expected):
            return 0.0
        scale = self.scale()
        running = max(0.0, scale * self.expected[current] - running_for)
        return running + scale * sum(self.expected[current + 1:])
