"""plan.plan: round-robin order across programs, --only, and the per-case engine flags."""

from absl.testing import absltest

from tflatency.bench import plan
from tflatency.bench.programs import Program


def _program(label):
    return Program(label=label, argv=(label,), min_time="0.5")


A, B, C = _program("a"), _program("b"), _program("c")


def _order(planned):
    return [(p.program.label, p.case) for p in planned]


class PlanTest(absltest.TestCase):

    def test_round_robin_across_programs(self):
        planned = plan.plan([(A, ["a1", "a2", "a3"]), (B, ["b1"]), (C, ["c1", "c2"])])
        self.assertEqual(_order(planned), [("a", "a1"), ("b", "b1"), ("c", "c1"), ("a", "a2"), ("c", "c2"),
                                           ("a", "a3")])

    def test_only_filters_before_ranking(self):
        # b's first kept case is its third listed one, and it still comes first of b's.
        planned = plan.plan([(A, ["aot/x/rnn", "python/y/rnn", "aot/z/rnn"]),
                             (B, ["python/p/rnn", "python/q/rnn", "aot/w/rnn"])],
                            plan.compile_only("^aot/"))
        self.assertEqual(_order(planned), [("a", "aot/x/rnn"), ("b", "aot/w/rnn"), ("a", "aot/z/rnn")])

    def test_only_searches_anywhere_in_the_name(self):
        planned = plan.plan([(A, ["aot/haswell/rnn", "aot/generic/rnn"])], plan.compile_only("haswell"))
        self.assertEqual(_order(planned), [("a", "aot/haswell/rnn")])

    def test_nothing_listed_plans_nothing(self):
        self.assertEqual(plan.plan([]), [])
        self.assertEqual(plan.plan([(A, ["x"])], plan.compile_only("^nomatch$")), [])

    def test_the_same_program_twice_keeps_both_places(self):
        pinned = Program(label="a", argv=("a",), min_time="0.5", name_suffix="_pinned")
        planned = plan.plan([(A, ["p1", "p2"]), (pinned, ["p1", "p2"])])
        self.assertEqual([(p.program.name_suffix, p.case) for p in planned],
                         [("", "p1"), ("_pinned", "p1"), ("", "p2"), ("_pinned", "p2")])

    def test_engine_flag_per_case(self):
        peers = Program(label=plan.PEER_BENCH, argv=("p",), min_time="0.5s")
        planned = plan.plan([(peers, ["peer/onnxruntime/iobinding/rnn", "tflite/interpreter/one_thread/rnn",
                                      "aot/haswell/rnn"])])
        self.assertEqual([p.flags for p in planned], [("--engines=onnxruntime",), ("--engines=tflite",), ()])

    def test_no_engine_flag_for_other_programs_peer_cases(self):
        planned = plan.plan([(A, ["peer/pytorch/aoti_cpp_no_onednn/rnn"])])
        self.assertEqual(planned[0].flags, ())


if __name__ == "__main__":
    absltest.main()
