"""Both per-call writers against the one schema (cc/harness/per_call_schema.json).

The C++ writer (cc/harness/per_call.cc) through //cc:hand_bench --per_call_out,
the Python writer (python/tflatency/per_call.py) through per_call.run on a
stand-in case: each file must hold exactly the schema's fields, in its order,
each of its JSON type (null only where nullable).

  per_call_schema_test SCHEMA_JSON HAND_BENCH MODEL_INFO_JSON
"""

import json
import os
import subprocess
import sys

from absl.testing import absltest
from absl.testing import flagsaver
import numpy as np

from tflatency import golden_check
from tflatency import per_call

SCHEMA, HAND_BENCH, MODEL_INFO = (os.path.abspath(p) for p in sys.argv[1:4])
del sys.argv[1:4]  # the rest belongs to absltest

_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def load_schema():
    with open(SCHEMA, encoding="utf-8") as f:
        return json.load(f)["fields"]


def violations(record, fields):
    """What in `record` disagrees with the schema `fields`: [] when it conforms."""
    problems = []
    names = [f["name"] for f in fields]
    if list(record) != names:
        problems.append(f"fields {list(record)} != schema {names}")
    for field in fields:
        name, value = field["name"], record.get(field["name"])
        if value is None:
            if not field.get("nullable", False):
                problems.append(f"{name}: null, not nullable")
        elif field["type"] == "array":
            if not isinstance(value, list) or not all(_TYPES[field["items"]](v) for v in value):
                problems.append(f"{name}: not an array of {field['items']}: {value!r:.80}")
        elif not _TYPES[field["type"]](value):
            problems.append(f"{name}: {value!r} is not {field['type']}")
    return problems


class SchemaTest(absltest.TestCase):

    def test_schema_itself(self):
        fields = load_schema()
        self.assertEqual(fields[0]["name"], "name")
        self.assertEqual(fields[-1], {"name": "samples_ns", "type": "array", "items": "integer"})
        for field in fields:
            self.assertIn(field["type"], list(_TYPES) + ["array"], field)

    def test_checker_catches_a_drift(self):
        fields = load_schema()
        good = {f["name"]: ([1] if f["type"] == "array" else "x" if f["type"] == "string" else 1) for f in fields}
        self.assertEqual(violations(good, fields), [])
        self.assertNotEqual(violations(dict(good, count=1.5), fields), [])  # wrong type
        self.assertNotEqual(violations(dict(good, load_ms=None), fields), [])  # null, not nullable
        self.assertNotEqual(violations({**good, "extra": 1}, fields), [])  # unknown field
        reordered = dict(reversed(list(good.items())))
        self.assertNotEqual(violations(reordered, fields), [])  # another order

    def test_cc_writer(self):
        out = os.path.join(self.create_tempdir().full_path, "hand.percall.json")
        result = subprocess.run(
            [HAND_BENCH, f"--model_prefix={MODEL_INFO}", "--benchmark_filter=^hand/scalar/rnn$",
             f"--per_call_out={out}", "--per_call_count=20"],
            capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(out, encoding="utf-8") as f:
            record = json.load(f)
        self.assertEqual(violations(record, load_schema()), [])
        self.assertLen(record["samples_ns"], 20)

    def test_python_writer(self):
        out = os.path.join(self.create_tempdir().full_path, "py.percall.json")
        want = np.arange(6, dtype=np.float32)

        def load_case(name):
            del name
            return (lambda: want.copy()), (lambda got: golden_check.compare(got, want))

        with flagsaver.flagsaver(per_call_out=out, per_call_count=20):
            status = per_call.run("schema_test", ["a/b/rnn"], load_case, ["schema_test"])
        self.assertEqual(status, 0)
        with open(out, encoding="utf-8") as f:
            record = json.load(f)
        self.assertEqual(violations(record, load_schema()), [])
        self.assertEqual((record["name"], record["program"], len(record["samples_ns"])), ("a/b/rnn", "schema_test", 20))


if __name__ == "__main__":
    absltest.main()
