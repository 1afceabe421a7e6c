"""flags.parse: defaults, --quick's values, --sweep's two spellings, and every one-line error."""

import contextlib
import io
import os

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
