"""A case's file names and report name, and the name suffix of pinned runs.

A program run with a name suffix (peer_bench pinned to one CPU: `_pinned`)
measures the same cases under other conditions; its rows get the suffix after
the variant, peer/jax/jit/rnn -> peer/jax/jit_pinned/rnn, both in what the
orchestrator records and inside the JSON the program wrote, which is parsed and
rewritten (never edited as text).
"""

import json
import os
import re

# <group>/<engine>/<variant> followed by more: the suffix goes after the variant.
_SUFFIXABLE = re.compile(r'^([a-z_]+/[^/"]+/[^/"]+)(/.*)$', re.DOTALL)
_NAME_KEYS = ("name", "run_name")


def file_stem(case, suffix=""):
    """aot/haswell/rnn -> aot__haswell__rnn; the suffix is appended (peer__jax__jit__rnn_pinned)."""
    return case.replace("/", "__") + suffix


def report_name(case, suffix=""):
    """The name reports use: the suffix before the last segment (peer/jax/jit/rnn -> peer/jax/jit_pinned/rnn)."""
    if not suffix:
        return case
    head, slash, last = case.rpartition("/")
    return f"{head}{suffix}/{last}" if slash else case + suffix


def with_suffix(name, suffix):
    """A row name from the program's JSON with the suffix after its variant; unchanged
    if it has fewer than four segments (peer/jax/jit/rnn/real_time -> peer/jax/jit_pinned/rnn/real_time)."""
    match = _SUFFIXABLE.match(name)
    return f"{match.group(1)}{suffix}{match.group(2)}" if match else name


def _rename(data, suffix):
    if isinstance(data, dict):
        return {key: with_suffix(value, suffix) if key in _NAME_KEYS and isinstance(value, str)
                else _rename(value, suffix) for key, value in data.items()}
    if isinstance(data, list):
        return [_rename(value, suffix) for value in data]
    return data


def keep(temporary, final, suffix=""):
    """Moves a program's finished JSON into place, renaming its rows for `suffix`.
    A file that is not JSON is kept as it is: the merge lists it under Problems."""
    if suffix:
        try:
            with open(temporary, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = None
        if data is not None:
            with open(temporary, "w", encoding="utf-8") as f:
                json.dump(_rename(data, suffix), f, indent=2)
                f.write("\n")
    os.replace(temporary, final)
