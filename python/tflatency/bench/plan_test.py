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



def _steps(steps):
    return [(s.side, s.planned.program.label, s.planned.case) for s in steps]


class AbPlanTest(absltest.TestCase):

    def test_every_case_runs_for_a_and_b_back_to_back(self):
        steps, pairs = plan.ab_plan([(A, ["a1", "a2"]), (B, ["b1", "b2"])], [(A, ["a1", "a2"]), (B, ["b1", "b2"])])
        self.assertEqual(_steps(steps), [
            ("A", "a", "a1"), ("B", "a", "a1"), ("B", "b", "b1"), ("A", "b", "b1"),   # round 0
            ("B", "a", "a2"), ("A", "a", "a2"), ("A", "b", "b2"), ("B", "b", "b2")])  # round 1: the other way
        self.assertEqual(pairs, [("a1", "", ("A", "B")), ("b1", "", ("B", "A")), ("a2", "", ("B", "A")),
                                 ("b2", "", ("A", "B"))])

    def test_the_order_alternates_for_every_program(self):
        cases = [f"c{i}" for i in range(6)]
        steps, _ = plan.ab_plan([(A, cases), (B, cases), (C, cases)], [(A, cases), (B, cases), (C, cases)])
        for label in ("a", "b", "c"):
            firsts = [s.side for s in steps if s.planned.program.label == label][::2]
            self.assertEqual(firsts.count("A"), 3, label)
            self.assertTrue(all(x != y for x, y in zip(firsts, firsts[1:])), (label, firsts))
        # Each side's own runs keep plan()'s round-robin order.
        for side in plan.SIDES:
            self.assertEqual([(s.planned.program.label, s.planned.case) for s in steps if s.side == side],
                             _order(plan.plan([(A, cases), (B, cases), (C, cases)])))

    def test_sides_pair_programs_by_label_and_suffix_not_by_object(self):
        b_side = Program(label="a", argv=("other-runner",), min_time="0.5")
        pinned_a = Program(label="a", argv=("a",), min_time="0.5", name_suffix="_pinned")
        pinned_b = Program(label="a", argv=("other-runner",), min_time="0.5", name_suffix="_pinned")
        steps, pairs = plan.ab_plan([(A, ["x"]), (pinned_a, ["x"])], [(b_side, ["x"]), (pinned_b, ["x"])])
        self.assertEqual([(s.side, s.planned.program.argv) for s in steps],
                         [("A", ("a",)), ("B", ("other-runner",)), ("B", ("other-runner",)), ("A", ("a",))])
        self.assertEqual([p[1] for p in pairs], ["", "_pinned"])

    def test_a_case_one_side_lacks_runs_alone(self):
        steps, pairs = plan.ab_plan([(A, ["x", "only_a"])], [(A, ["x", "only_b"])])
        self.assertEqual(_steps(steps), [("A", "a", "x"), ("B", "a", "x"), ("A", "a", "only_a"),
                                         ("B", "a", "only_b")])
        self.assertEqual(pairs[1:], [("only_a", "", ("A",)), ("only_b", "", ("B",))])
        steps, _ = plan.ab_plan([(A, ["x"])], [])  # B's program listed nothing
        self.assertEqual(_steps(steps), [("A", "a", "x")])

    def test_only_and_engine_flags_apply_to_both_sides(self):
        peer_bench = _program(plan.PEER_BENCH)  # the program whose peer cases get --engines
        steps, _ = plan.ab_plan([(peer_bench, ["peer/numpy/rnn", "aot/x/rnn"])],
                                [(peer_bench, ["peer/numpy/rnn", "aot/x/rnn"])], plan.compile_only("^peer/"))
        self.assertEqual([(s.side, s.planned.case, s.planned.flags) for s in steps],
                         [("A", "peer/numpy/rnn", ("--engines=numpy",)), ("B", "peer/numpy/rnn", ("--engines=numpy",))])


if __name__ == "__main__":
    absltest.main()
