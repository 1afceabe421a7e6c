"""The content-addressed cache of prepared models: one folder per digest of everything that shapes it.

The digest covers the model's bytes (every file of a SavedModel directory, or
the .keras file), the signature, the --input overrides, the golden input file,
the tolerances, the FMA-count override, the TensorFlow version and
PREPARE_VERSION (bump it when the prepared folder's layout changes). So a second
run of the same model finds its folder and prepares nothing; any change gives a
new folder, which Bazel sees as a new input and rebuilds from.

A folder is filled under a temporary name and renamed into place when complete:
a half-written folder is never mistaken for a prepared model.
"""

import hashlib
import json
import os
import shutil
import tempfile

PREPARE_VERSION = 1
CACHE_ENV = "TFLATENCY_CACHE"


def root():
    """$TFLATENCY_CACHE/models, else ~/.cache/tflatency/models (beside Bazel's disk cache)."""
    base = os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "tflatency")
    return os.path.join(base, "models")


def _hash_file(digest, path):
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)


def digest_of(source_path, settings):
    """sha256 hex of the source (a file, or a directory's files by relative path) and `settings` (JSON-able)."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"prepare_version": PREPARE_VERSION, "settings": settings},
                             sort_keys=True).encode())
    if os.path.isdir(source_path):
        for folder, dirs, files in os.walk(source_path):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                digest.update(b"\0" + os.path.relpath(path, source_path).encode() + b"\0")
                _hash_file(digest, path)
    else:
        _hash_file(digest, source_path)
    return digest.hexdigest()


def lookup(digest):
    """The prepared folder for `digest`, or None when it is not (completely) there."""
    folder = os.path.join(root(), digest)
    return folder if os.path.isfile(os.path.join(folder, "COMPLETE")) else None


def create(digest, fill):
    """Runs fill(folder) on a fresh temporary folder, then moves it to the digest's place; returns that path."""
    os.makedirs(root(), exist_ok=True)
    final = os.path.join(root(), digest)
    work = tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=root())
    try:
        fill(work)
        with open(os.path.join(work, "COMPLETE"), "w", encoding="utf-8") as f:
            f.write(digest + "\n")
        if os.path.isdir(final):  # another run prepared it meanwhile, or an incomplete leftover
            if lookup(digest):
                shutil.rmtree(work)
                return final
            shutil.rmtree(final)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final
