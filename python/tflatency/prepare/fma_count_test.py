"""tflatency.prepare.fma_count on recorded and hand-written HLO: dots, convolutions, loop trip counts."""

import os

from absl.testing import absltest

from tflatency.prepare import fma_count

TESTDATA = os.path.join(os.path.dirname(__file__), "testdata")


def read(name):
    with open(os.path.join(TESTDATA, name), encoding="utf-8") as f:
        return f.read()


class FmaCountTest(absltest.TestCase):

    def test_keras_lstm_while_loop_counts_every_step(self):
        # LSTM(16) over 5 steps of 8 features, then Dense(4): TF's while loop runs its two dots 5 times.
        result = fma_count.count_module(read("keras_lstm_5steps.hlo"))
        self.assertEqual(result.count, 5 * 4 * 16 * (8 + 16) + 16 * 4)
        self.assertEqual(result.loops, (5,))
        self.assertEqual(result.dots, 11)

    def test_loop_from_1_by_2_below_7_runs_3_times_and_convolution(self):
        result = fma_count.count_module(read("loop_and_conv.hlo"))
        dot, conv = 4 * 6, (1 * 8 * 2) * (3 * 4)  # [1,4]x[4,6]; 8 outputs x 2 filters, window 3 x 4 channels
        self.assertEqual(result.loops, (3,))
        self.assertEqual(result.count, 3 * dot + conv)
        self.assertEqual((result.dots, result.convolutions), (3, 1))

    def test_loop_bounded_by_an_input_has_no_count(self):
        text = read("loop_and_conv.hlo").replace("%limit = s32[] constant(7)",
                                                 "%limit = s32[] get-tuple-element((s32[], f32[1,6]{1,0}, "
                                                 "f32[4,6]{1,0}) %state.1), index=0")
        text = text.replace("%zero = s32[] constant(1)", "%zero = s32[] parameter(2)")
        result = fma_count.count_module(text)
        self.assertIsNone(result.count)
        self.assertRegex(result.reason, r"while loop loop: its trip count is not static")

    def test_conditional_is_unknown(self):
        text = read("loop_and_conv.hlo").replace(
            "ROOT %conv", "%branch = f32[] conditional(pred[] %p, f32[] %a, f32[] %b), "
            "branch_computations={%body, %cond}\n  ROOT %conv")
        result = fma_count.count_module(text)
        self.assertIsNone(result.count)
        self.assertIn("conditional branch", result.reason)

    def test_unreadable_hlo_is_a_reason_not_a_crash(self):
        result = fma_count.count_module("ENTRY %m () -> f32[] {\n  garbage\n}\n")
        self.assertIsNone(result.count)
        self.assertIn("cannot read XLA's HLO", result.reason)


if __name__ == "__main__":
    absltest.main()
