"""The orchestrator's one-line errors; main.py prints them after `bench: ` and exits.

UsageError: bad input (a flag, a config, a pattern that matches nothing), exit
status 2, with a pointer to scripts/bench's usage. RunFailed: the run could not
go on (the build, the machine context, the merge), exit status 1.
"""


class UsageError(Exception):
    """Bad input; str() is the one line, without the `bench: ` prefix."""


class RunFailed(Exception):
    """The run stopped; str() is the one line, without the `bench: ` prefix."""


USAGE_HINT = "(see the header of scripts/bench for usage)"


def message(error):
    """The line main.py prints for a UsageError or RunFailed."""
    if isinstance(error, UsageError):
        return f"bench: {error} {USAGE_HINT}"
    return f"bench: {error}"


def exit_status(error):
    return 2 if isinstance(error, UsageError) else 1
