"""interpreter.check: side B's interpreter of `scripts/bench --ab`, on fake interpreters.

Each fake interpreter is a shell script running this test's Python with a stub
`tensorflow` package first on PYTHONPATH: one that cannot be imported, and
wheels lacking the C++ headers or the AOT runtime sources.
"""

import os
import stat
import sys

from absl.testing import absltest

from tflatency.bench import interpreter
from tflatency.bench.errors import UsageError

ALL_ENTRIES = [entry for entry, _ in interpreter.WHEEL_ENTRIES]


class InterpreterCheckTest(absltest.TestCase):

    def fake_python(self, init, entries=ALL_ENTRIES):
        """A fake interpreter whose `import tensorflow` runs `init`, its package holding `entries`."""
        base = self.create_tempdir().full_path
        package = os.path.join(base, "stub", "tensorflow")
        os.makedirs(package)
        with open(os.path.join(package, "__init__.py"), "w", encoding="utf-8") as f:
            f.write(init)
        for entry in entries:
            path = os.path.join(package, entry)
            if entry.endswith(".so.2"):
                open(path, "w").close()
            else:
                os.makedirs(path)
        python = os.path.join(base, "python3")
        with open(python, "w", encoding="utf-8") as f:
            f.write(f'#!/bin/sh\nPYTHONPATH={base}/stub exec {sys.executable} "$@"\n')
        os.chmod(python, os.stat(python).st_mode | stat.S_IXUSR)
        return python

    def assert_rejected(self, python, *expected):
        with self.assertRaises(UsageError) as caught:
            interpreter.check(python)
        message = str(caught.exception)
        self.assertLen(message.splitlines(), 1)
        self.assertStartsWith(message, f"--ab={python}: ")
        for text in expected:
            self.assertIn(text, message)

    def test_missing_interpreter(self):
        missing = os.path.join(self.create_tempdir().full_path, "bin", "python3")
        self.assert_rejected(missing, "no such interpreter")
        self.assert_rejected(self.create_tempdir().full_path, "not an executable interpreter")

    def test_interpreter_without_tensorflow(self):
        python = self.fake_python("raise ImportError(\"No module named 'tensorflow'\")\n")
        self.assert_rejected(python, "cannot import tensorflow: No module named 'tensorflow'")

    def test_tensorflow_without_cpp_headers(self):
        python = self.fake_python('__version__ = "9.9.9-stub"\n', [e for e in ALL_ENTRIES if e != "include"])
        self.assert_rejected(python, "its TensorFlow 9.9.9-stub lacks the C++ headers", "/tensorflow/include)")

    def test_tensorflow_without_aot_runtime(self):
        python = self.fake_python('__version__ = "9.9.9-stub"\n',
                                  [e for e in ALL_ENTRIES if e != "xla_aot_runtime_src"])
        self.assert_rejected(python, "lacks the XLA AOT runtime sources", "xla_aot_runtime_src")

    def test_a_complete_wheel_passes(self):
        python = self.fake_python('__version__ = "9.9.9-stub"\n')
        info = interpreter.check(python)
        self.assertEqual((info["python"], info["tf_version"]), (python, "9.9.9-stub"))
        self.assertTrue(info["tf_dir"].endswith("/stub/tensorflow"))


if __name__ == "__main__":
    absltest.main()
