"""scripts/bench --profile and scripts/profile without Bazel or a profiler: which paths are profiled,
how many calls, which program runs a case, and scripts/profile's one-line errors."""

import io
import contextlib
import unittest

from tflatency.bench import flags as bench_flags
from tflatency.bench import matrix
from tflatency.bench import profile_main
from tflatency.bench import profiling
from tflatency.bench.errors import UsageError
from tflatency.profile import paths


class CallsTest(unittest.TestCase):

    def test_about_the_seconds_asked_within_limits(self):
        self.assertEqual(profiling.calls_for(10.0, seconds=2.0), 200_000)
        self.assertEqual(profiling.calls_for(400.0, seconds=2.0), 5000)
        self.assertEqual(profiling.calls_for(1e6, seconds=2.0), profiling.MIN_CALLS)
        self.assertEqual(profiling.calls_for(0.001, seconds=2.0), profiling.MAX_CALLS)
        self.assertEqual(profiling.calls_for(None), profiling.DEFAULT_CALLS)


class SelectTest(unittest.TestCase):

    def test_main_paths_fastest_of_aot_litert_onnxruntime(self):
        medians = {
            "python/signature/rnn": 250.0, "python/eager/rnn": 900.0, "python/tf_function/trivial": 60.0,
            "python/tf_function/rnn": 240.0, "python/xla_jit/rnn": 90.0,
            "cpp_api/default_threads/rnn": 150.0, "cpp_api/one_thread/rnn": 100.0, "cpp_api/inline/rnn": 75.0,
            "cpp_api/inline/trivial": 5.0, "aot/znver3/rnn": 16.0, "aot/znver3_hoisted_tuned/rnn": 9.0,
            "aot/generic/rnn": None, "python_compiled/aot/rnn": 17.0, "python_compiled/aot_out/rnn": 16.5,
            "tflite/interpreter/rnn": 19.0, "tflite/interpreter/one_thread_pinned/rnn": 15.4,
            "peer/onnxruntime/iobinding/rnn": 35.0, "peer/onnxruntime/run/rnn": 40.0, "peer/numpy/rnn": 30.0,
            "hand/avx2/rnn": 9.0}
        self.assertEqual(paths.select(medians), [
            "python/signature/rnn", "python/tf_function/trivial", "python/xla_jit/rnn",
            "cpp_api/default_threads/rnn", "cpp_api/one_thread/rnn", "cpp_api/inline/rnn",
            "aot/znver3_hoisted_tuned/rnn", "python_compiled/aot/rnn", "tflite/interpreter/one_thread_pinned/rnn",
            "peer/onnxruntime/iobinding/rnn"])

    def test_reduced_precision_twins_are_not_main_paths(self):
        medians = {"aot/znver5/rnn": 16.0, "aot/znver5_bf16/rnn": 15.0, "tflite/interpreter/one_thread/rnn": 19.0,
                   "tflite/interpreter/one_thread_int8/rnn": 12.0, "peer/onnxruntime/iobinding/rnn": 35.0,
                   "peer/onnxruntime/iobinding_int8/rnn": 30.0}
        self.assertEqual(profiling.main_paths(medians), ["aot/znver5/rnn", "tflite/interpreter/one_thread/rnn",
                                                         "peer/onnxruntime/iobinding/rnn"])

    def test_a_users_model_and_missing_paths(self):
        self.assertEqual(paths.select({"cpp_api/inline/model": 70.0, "python/signature/model": 200.0,
                                       "aot/znver3/model": None}),
                         ["python/signature/model", "cpp_api/inline/model"])

    def test_tool_per_program(self):
        self.assertEqual(paths.tool_for("//python:py_bench"), "perf")
        self.assertEqual(paths.tool_for("//python:py_bench", py_spy=True), "py-spy")
        self.assertEqual(paths.tool_for("//cc:session_bench", py_spy=True), "perf")


class CaseProgramTest(unittest.TestCase):

    class Settings:
        min_time, pin_cpu = "0.5", 1

    def test_programs_of_report_names(self):
        label, options, case = matrix.case_program("peer/onnxruntime/iobinding_pinned/rnn", self.Settings())
        self.assertEqual((label, case, options["name_suffix"]),
                         ("//python:peer_bench", "peer/onnxruntime/iobinding/rnn", "_pinned"))
        self.assertEqual(options["flags"], ("--pin_cpu=1",))
        self.assertEqual(matrix.case_program("cpp_api/inline/rnn", self.Settings())[::2],
                         ("//cc:session_bench", "cpp_api/inline/rnn"))
        self.assertIsNone(matrix.case_program("nothing/like/this", self.Settings()))


class BenchFlagTest(unittest.TestCase):

    def test_profile_is_a_switch(self):
        self.assertTrue(bench_flags.parse(["bench", "--quick", "--profile"], "/root-of-project").profile)
        self.assertFalse(bench_flags.parse(["bench", "--quick"], "/root-of-project").profile)
        with self.assertRaisesRegex(UsageError, r"^unknown flag '--profile=yes'$"):
            bench_flags.parse(["bench", "--profile=yes"], "/root-of-project")


class ProfileMainParseTest(unittest.TestCase):

    def test_a_peer_case_names_its_engine(self):
        case, _, _, _, _ = profile_main.parse(["profile", "peer/onnxruntime/iobinding/rnn"])
        self.assertEqual(case, "peer/onnxruntime/iobinding/rnn")


class ProfileMainErrorsTest(unittest.TestCase):

    def _error(self, *args):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status = profile_main.main(["profile", *args])
        lines = err.getvalue().splitlines()
        self.assertEqual(len(lines), 1, lines)
        return status, lines[0]

    def test_bad_input_is_one_line_and_status_2(self):
        cases = {
            (): "profile: no CASE given",
            ("nonsense",): "profile: CASE 'nonsense' is not <group>/[<engine>/]<variant>/<kind>",
            ("cpp_api/inline/rnn", "extra"): "profile: one CASE only",
            ("bound/fma_peak/bound",): "profile: CASE 'bound/fma_peak/bound': the bound/* kernels have no per-call",
            ("cpp_api/inline/rnn", "--seconds=0"): "profile: --seconds must be a positive number of seconds, got '0'",
            ("cpp_api/inline/rnn", "--bogus=1"): "profile: unknown flag '--bogus=1'",
            ("cpp_api/inline/rnn", "--results_dir=/"): "profile: --results_dir=/ already exists",
        }
        for args, start in cases.items():
            with self.subTest(args=args):
                status, line = self._error(*args)
                self.assertEqual(status, 2)
                self.assertTrue(line.startswith(start), line)
                self.assertIn("usage: scripts/profile", line)


if __name__ == "__main__":
    unittest.main()
