"""Bad input at every entry point: one line naming the problem and a non-zero exit.

Each case here is a row of docs/bad_inputs.md. Config-file errors are covered
in model_config_test, merge/compare errors in their own tests, and the compiled
model's argument errors in compiled_test.
"""

import os
import subprocess
import sys

from absl.testing import absltest
from absl.testing import parameterized

# Scripts use the test's own interpreter instead of a .venv (there is none in runfiles).
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TFLATENCY_QUIET="1", TFLATENCY_PYTHON=sys.executable)
_NOISE = ("I0000 ", "WARNING: All log messages before absl::InitializeLog()")


def run(cmd, env=None):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env or ENV)
    lines = [l for l in result.stderr.strip().splitlines() if l.strip() and not l.startswith(_NOISE)]
    return result.returncode, lines


class ScriptErrorsTest(parameterized.TestCase):

    @parameterized.named_parameters(
        ("unknown_flag", ["--bogus"], r"^bench: unknown flag '--bogus'"),
        ("zero_repetitions", ["--repetitions=0"], r"^bench: --repetitions must be a positive integer, got '0'"),
        ("bad_min_time", ["--min_time=fast"], r"^bench: --min_time must be a number of seconds, got 'fast'"),
        ("cpu_out_of_range", ["--pin_cpu=4096"], r"^bench: --pin_cpu must be a CPU number below \d+, got '4096'"),
        ("bad_timeout", ["--path_timeout=-5"], r"^bench: --path_timeout must be a positive integer, got '-5'"),
        ("bad_per_call_count", ["--per_call_count=0"], r"^bench: --per_call_count must be a positive integer, got '0'"),
        ("bad_only", ["--only=("], r"^bench: --only='\(' is not a valid extended regular expression"),
        ("missing_model_config", ["--model_config=/nonexistent/m.json"], r"^bench: --model_config=/nonexistent/m.json: cannot read config"),
        ("missing_sweep", ["--sweep=/nonexistent/s.json"], r"^bench: --sweep=/nonexistent/s.json: cannot read sweep"),
        ("sweep_and_model_config", ["--sweep", "--model_config=configs/rnn_547k.json"],
         r"^bench: --sweep and --model_config exclude each other"),
        ("existing_results_dir", ["--results_dir=/"], r"^bench: --results_dir=/ already exists \(results are never overwritten\)"),
        ("missing_saved_model", ["--saved_model=/nonexistent/sm"], r"^bench: --saved_model=/nonexistent/sm: no such directory"),
        ("missing_keras", ["--keras=/nonexistent/m.keras"], r"^bench: --keras=/nonexistent/m.keras: no such file"),
        ("saved_model_and_model_config", ["--saved_model=/tmp", "--model_config=configs/rnn_547k.json"],
         r"^bench: --saved_model and --model_config exclude each other"),
        ("input_without_a_model", ["--input=x:1,4"], r"^bench: --input applies to your own model: give "
                                                      r"--saved_model=DIR or --keras=FILE too"),
        ("not_a_saved_model", ["--saved_model=/tmp"], r"^bench: --saved_model=/tmp: not a SavedModel \(no saved_model.pb in it\)"),
        ("missing_ab_interpreter", ["--quick", "--ab=/nonexistent/bin/python3"],
         r"^bench: --ab=/nonexistent/bin/python3: no such interpreter"),
        ("ab_interpreter_without_tensorflow", ["--ab=/bin/sh"],
         r"^bench: --ab=/bin/sh: (not a Python interpreter|cannot import tensorflow)"),
    )
    def test_bench_rejects(self, args, message):
        status, lines = run(["scripts/bench", *args])
        self.assertEqual(status, 2)
        self.assertLen(lines, 1, lines)
        self.assertRegex(lines[0], message)

    def test_bench_rejects_invalid_config_naming_the_field(self):
        bad = self.create_tempfile("bad.json", content='{"name": "m", "cell": "lstm", "layers": -2}').full_path
        status, lines = run(["scripts/bench", f"--model_config={bad}"])
        self.assertEqual(status, 2)
        self.assertRegex(lines[-1], r"^bench: .*bad.json: ")

    def test_setup_names_the_bad_interpreter(self):
        env = dict(ENV, TFLATENCY_PYTHON="/nonexistent/python3")
        status, lines = run(["scripts/setup"], env=env)
        self.assertEqual(status, 1)
        self.assertRegex(lines[-1], r"^setup: step 'TFLATENCY_PYTHON' failed: /nonexistent/python3 cannot import")

    def test_serve_cache_unknown_action(self):
        status, lines = run(["scripts/serve_cache", "restart"])
        self.assertEqual((status, lines), (2, ["serve_cache: first argument must be 'start' or 'stop', got 'restart'"]))


class BinaryErrorsTest(parameterized.TestCase):

    @parameterized.named_parameters(
        ("aot_unknown_flag", ["cc/aot_bench", "--bogus"], 2, r"unrecognized command-line flag: --bogus"),
        ("session_missing_flag", ["cc/session_bench"], 2, r"missing --rnn_saved_model=DIR"),
        ("session_missing_dir", ["cc/session_bench", "--rnn_saved_model=/nope", "--trivial_saved_model=/nope"], 1,
         r"--rnn_saved_model=/nope: cannot load SavedModel"),
        ("aoti_missing_package", ["cc/aoti_bench"], 2, r"^aoti_bench: missing --package=FILE"),
        ("aoti_unreadable_package", ["cc/aoti_bench", "--package=/nope.pt2"], 2,
         r"^aoti_bench: --package=/nope.pt2: cannot read the file$"),
        ("bound_bad_units", ["cc/bound_bench", "--units=abc"], 2, r"^bound_bench: --units must be a positive integer, got 'abc'"),
        ("bound_unknown_cell", ["cc/bound_bench", "--cell=rnn"], 2, r"^bound_bench: --cell must be lstm or gru, got 'rnn'"),
        ("bound_zero_layers", ["cc/bound_bench", "--layers=0"], 2, r"^bound_bench: --layers must be a positive integer"),
    )
    def test_rejects(self, cmd, want_status, message):
        status, lines = run(cmd)
        self.assertEqual(status, want_status, lines)
        self.assertLen(lines, 1, lines)
        self.assertRegex(lines[0], message)


if __name__ == "__main__":
    absltest.main()
