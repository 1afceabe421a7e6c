"""flags.parse: defaults, --quick's values, --sweep's two spellings, and every one-line error."""

import contextlib
import io
import os
from unittest import mock

from absl.testing import absltest
from absl.testing import parameterized

from tflatency.bench import errors
from tflatency.bench import flags
from tflatency.bench.errors import UsageError

ROOT = "/project"


def parse(*args):
    return flags.parse(["bench", *args], ROOT)


class DefaultsTest(absltest.TestCase):

    def test_defaults(self):
        s = parse()
        self.assertEqual((s.repetitions, s.min_time, s.path_timeout, s.per_call_count),
                         (10, "0.5", 300, 5000))
        self.assertEqual(s.model_config, "/project/configs/rnn_547k.json")
        self.assertFalse(s.model_config_given)
        self.assertIsNone(s.sweep)
        self.assertIsNone(s.results_dir)
        self.assertIsNone(s.pin_cpu)
        self.assertIsNone(s.only)

    def test_quick_overrides_repetitions_and_min_time(self):
        s = parse("--repetitions=7", "--min_time=2", "--quick")
        self.assertEqual((s.repetitions, s.min_time, s.per_call_count), (3, "0.05", 1000))

    def test_explicit_per_call_count_wins_over_quick(self):
        self.assertEqual(parse("--quick", "--per_call_count=100").per_call_count, 100)

    def test_values(self):
        s = parse("--repetitions=5", "--min_time=.2", "--path_timeout=20", "--pin_cpu=0", "--only=^aot/")
        self.assertEqual((s.repetitions, s.min_time, s.path_timeout, s.pin_cpu, s.only), (5, ".2", 20, 0, "^aot/"))

    def test_sweep_alone_and_with_a_file(self):
        self.assertEqual(parse("--sweep").sweep, "/project/configs/sweep.json")
        self.assertEqual(parse("--sweep=/tmp/s.json").sweep, "/tmp/s.json")

    def test_relative_paths_from_the_working_directory(self):
        s = parse("--model_config=configs/gru_3layer.json")
        self.assertEqual(s.model_config, os.path.realpath("configs/gru_3layer.json"))
        self.assertTrue(s.model_config_given)

    def test_parsing_twice_forgets_the_first(self):
        parse("--quick")
        self.assertEqual(parse().repetitions, 10)


class UserModelTest(parameterized.TestCase):
    """--saved_model / --keras and the flags that go with them (tflatency.prepare checks the model itself)."""

    def setUp(self):
        super().setUp()
        self.saved_model = self.create_tempdir("sm").full_path
        self.create_tempfile("sm/saved_model.pb")
        self.keras = self.create_tempfile("m.keras").full_path
        self.npz = self.create_tempfile("g.npz").full_path

    def test_saved_model_with_its_flags(self):
        s = parse(f"--saved_model={self.saved_model}", "--signature=predict", "--input=x:1,4",
                  "--input=ids:1,2:int32", f"--golden_input={self.npz}", "--atol=1e-3", "--rtol=y:0", "--fma_count=64")
        model = s.user_model
        self.assertEqual((model.saved_model, model.keras, model.signature),
                         (os.path.realpath(self.saved_model), None, "predict"))
        self.assertEqual((model.inputs, model.golden_input, model.atol, model.rtol, model.fma_count),
                         (("x:1,4", "ids:1,2:int32"), os.path.realpath(self.npz), ("1e-3",), ("y:0",), 64))

    def test_keras_defaults(self):
        model = parse(f"--keras={self.keras}", "--quick").user_model
        self.assertEqual((model.keras, model.signature, model.inputs, model.fma_count),
                         (os.path.realpath(self.keras), "serving_default", (), None))

    def test_paths_and_forms_are_checked_before_anything_runs(self):
        for args, message in (
                (["--saved_model=/nonexistent/sm"], r"^--saved_model=/nonexistent/sm: no such directory$"),
                ([f"--saved_model={os.path.dirname(self.keras)}"], r"not a SavedModel \(no saved_model.pb in it\)$"),
                ([f"--keras={self.npz}"], r"not a .keras file"),
                ([f"--saved_model={self.saved_model}", "--input=x"], r"^--input=x: want NAME:D0,D1"),
                ([f"--keras={self.keras}", "--golden_input=/nonexistent.npz"], r"^--golden_input=/nonexistent.npz: no such file$")):
            with self.subTest(args=args), self.assertRaisesRegex(UsageError, message):
                parse(*args)

    def test_a_config_run_has_no_user_model(self):
        self.assertIsNone(parse().user_model)

    @parameterized.named_parameters(
        ("both_sources", ["--saved_model=/m", "--keras=/k.keras"], "--saved_model and --keras exclude each other"),
        ("with_model_config", ["--keras=/k.keras", "--model_config=/c.json"],
         "--keras and --model_config exclude each other"),
        ("with_sweep", ["--saved_model=/m", "--sweep"], "--saved_model and --sweep exclude each other"),
        ("input_without_model", ["--input=x:1"],
         "--input applies to your own model: give --saved_model=DIR or --keras=FILE too"),
        ("signature_without_model", ["--signature=s"], "--signature applies to your own model"),
        ("bad_fma_count", ["--saved_model=/m", "--fma_count=-3"], "--fma_count must be a positive integer, got '-3'"),
    )
    def test_errors(self, args, message):
        with self.assertRaisesRegex(UsageError, "^" + message.replace("(", r"\(").replace(")", r"\)")):
            parse(*args)


class ErrorsTest(parameterized.TestCase):

    @parameterized.named_parameters(
        ("unknown_flag", ["--bogus"], "unknown flag '--bogus'"),
        ("positional", ["aot"], "unknown flag 'aot'"),
        ("value_without_equals", ["--repetitions", "5"], "unknown flag '--repetitions'"),
        ("quick_with_value", ["--quick=true"], "unknown flag '--quick=true'"),
        ("absl_negation", ["--noquick"], "unknown flag '--noquick'"),
        ("zero_repetitions", ["--repetitions=0"], "--repetitions must be a positive integer, got '0'"),
        ("bad_min_time", ["--min_time=fast"], "--min_time must be a number of seconds, got 'fast'"),
        ("bad_timeout", ["--path_timeout=-5"], "--path_timeout must be a positive integer, got '-5'"),
        ("bad_per_call_count", ["--per_call_count=0"], "--per_call_count must be a positive integer, got '0'"),
        ("cpu_out_of_range", ["--pin_cpu=4096"],
         f"--pin_cpu must be a CPU number below {len(os.sched_getaffinity(0))}, got '4096'"),
        ("bad_only", ["--only=("], "--only='(' is not a valid extended regular expression"),
        ("sweep_and_model_config", ["--sweep", "--model_config=x.json"],
         "--sweep and --model_config exclude each other"),
        # The first problem wins, in scripts/bench's order.
        ("unknown_before_values", ["--repetitions=0", "--bogus"], "unknown flag '--bogus'"),
    )
    def test_one_line(self, args, message):
        with self.assertRaises(UsageError) as raised:
            parse(*args)
        self.assertEqual(str(raised.exception), message)

    def test_existing_results_dir(self):
        folder = self.create_tempdir().full_path
        with self.assertRaises(UsageError) as raised:
            parse(f"--results_dir={folder}")
        self.assertEqual(str(raised.exception), f"--results_dir={folder} already exists (results are never overwritten)")

    def test_printed_with_the_usage_hint(self):
        self.assertEqual(errors.message(UsageError("unknown flag '--bogus'")),
                         "bench: unknown flag '--bogus' (see the header of scripts/bench for usage)")
        self.assertEqual(errors.exit_status(UsageError("x")), 2)
        self.assertEqual(errors.exit_status(errors.RunFailed("x")), 1)


class AbTest(absltest.TestCase):
    """--ab: side B's interpreter is checked while the flags are (interpreter_test has every problem)."""

    def test_missing_interpreter_is_a_usage_error_naming_it(self):
        missing = os.path.join(self.create_tempdir().full_path, "nope", "python3")
        with self.assertRaises(UsageError) as caught:
            parse(f"--ab={missing}")
        self.assertEqual(str(caught.exception), f"--ab={missing}: no such interpreter")
        with self.assertRaises(UsageError) as caught:
            parse("--ab=")
        self.assertEqual(str(caught.exception), "--ab=: no such interpreter")

    def test_ab_excludes_sweep(self):
        with self.assertRaisesRegex(UsageError, "^--ab and --sweep exclude each other$"):
            parse("--sweep", "--ab=/usr/bin/python3")

    def test_status_2_before_anything_runs(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(flags.main(["bench", "--quick", "--ab=/no/such/python3"]), 2)
        self.assertEqual(err.getvalue(),
                         f"bench: --ab=/no/such/python3: no such interpreter {errors.USAGE_HINT}\n")

    def test_no_ab_by_default(self):
        self.assertIsNone(parse().ab)

    def test_quick_ab_takes_enough_repetitions_for_the_u_test(self):
        import sys  # pylint: disable=g-import-not-at-top
        with mock.patch.object(flags.interpreter, "check", return_value={"python": sys.executable}):
            s = parse("--quick", f"--ab={sys.executable}")
        self.assertEqual((s.repetitions, s.min_time), (flags.QUICK_AB_REPETITIONS, "0.05"))
        self.assertEqual(s.ab, {"python": sys.executable})


class CheckOnlyTest(absltest.TestCase):
    """`python -m tflatency.bench.flags`: what scripts/bench runs before setup."""

    def test_bad_flag_is_status_2_with_the_line(self):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            self.assertEqual(flags.main(["bench", "--repetitions=0"]), 2)
        self.assertEqual(stderr.getvalue(), "bench: --repetitions must be a positive integer, got '0' "
                                            "(see the header of scripts/bench for usage)\n")

    def test_good_flags_are_status_0(self):
        self.assertEqual(flags.main(["bench", "--quick", "--only=^aot/"]), 0)


if __name__ == "__main__":
    absltest.main()
