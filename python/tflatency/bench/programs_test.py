"""programs.list_cases: a program's case names, or a failure naming the program."""

import sys

from absl.testing import absltest

from tflatency.bench import programs
from tflatency.bench import testlib
from tflatency.bench.programs import Program


def _fake(cases):
    spec = ",".join(f"{name}=ok" for name in cases)
    return Program(label="//fake:p", argv=(sys.executable, testlib.FAKE_BENCHMARK), min_time="0.01",
                   flags=(f"--fake_cases={spec}",))


class ListCasesTest(absltest.TestCase):

    def test_names_in_order_without_real_time(self):
        self.assertEqual(programs.list_cases(_fake(["b/x/rnn", "a/y/rnn"])), (["b/x/rnn", "a/y/rnn"], None))

    def test_no_cases_is_a_failure_with_the_last_error_line(self):
        cases, failure = programs.list_cases(_fake([]))
        self.assertEqual((cases, failure.name, failure.reason), ([], "//fake:p", "listed no cases: fake_benchmark: no cases"))

    def test_a_program_that_hangs_while_listing_is_stopped(self):
        hangs = Program(label="//fake:hangs", argv=(sys.executable, "-c", "import time; time.sleep(60)"), min_time="1")
        cases, failure = programs.list_cases(hangs, time_limit=1)
        self.assertEqual((cases, failure.reason), ([], "listing its cases timed out after 1s"))


if __name__ == "__main__":
    absltest.main()
