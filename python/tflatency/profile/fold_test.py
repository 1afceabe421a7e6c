"""Folding `perf script` output and py-spy's raw format into 'root;...;leaf count' stacks."""

import os
import unittest

from tflatency.profile import fold

TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")


class FoldTest(unittest.TestCase):

    def test_perf_script_fixture(self):
        with open(os.path.join(TESTDATA, "perf_script.txt"), encoding="utf-8") as f:
            folded = fold.from_perf_script(f.read())
        self.assertEqual(dict(folded), {
            "start_thread (libc.so.6);Eigen::EventCount::CommitWait (libtensorflow_framework.so.2);"
            "syscall (libc.so.6);do_futex ([kernel.kallsyms])": 1,
            "main (session_bench);Eigen::internal::gebp_kernel<float, float, long> (libtensorflow_cc.so.2)": 2,
            "[unknown] ([unknown]);[unknown] ([unknown])": 1,
        })

    def test_library_paths_of_the_fixture(self):
        with open(os.path.join(TESTDATA, "perf_script.txt"), encoding="utf-8") as f:
            libraries = fold.library_paths(f.read())
        self.assertEqual(libraries, {
            "libc.so.6": "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "libtensorflow_framework.so.2":
                "/home/user/tflatency/.venv/lib/python3.11/site-packages/tensorflow/libtensorflow_framework.so.2",
            "libtensorflow_cc.so.2": "/home/user/tflatency/.venv/lib/python3.11/site-packages/tensorflow/libtensorflow_cc.so.2",
            "session_bench": "/root/.cache/bazel/execroot/cc/session_bench",
        })

    def test_round_trip_heaviest_first(self):
        folded = fold.read_folded("a (x);b (y) 3\nmalformed line\na (x) 5\n")
        self.assertEqual(dict(folded), {"a (x);b (y)": 3, "a (x)": 5})
        text = fold.to_text(folded)
        self.assertEqual(text.splitlines()[0], "a (x) 5")
        self.assertEqual(fold.read_folded(text), folded)


if __name__ == "__main__":
    unittest.main()
