"""A tiny program that keeps the profiler's gate like the per-call mode: some work, then `calls` timed calls."""

import sys

from tflatency import per_call


def spin(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def main(calls):
    spin(3000000)  # "loading" (~0.2 s): before the gate, never in the profile
    per_call.profile_gate("start")
    for _ in range(calls):
        spin(2000)
    per_call.profile_gate("stop")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
