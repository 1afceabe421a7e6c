"""session_bench --step_stats_out: the per-op view of the TF C++ API (cc/step_stats.h) is consistent.

For every thread configuration: executed nodes and op types recorded, and the
intervals add up as they must (busy <= kernel sum, busy <= step span, gap = span
- busy, overlap = kernel sum / busy >= 1, the step inside Session::Run's wall time).
Structure and arithmetic only; the times themselves belong to benchmarks.

  step_stats_test <session_bench> <rnn saved model dir> <trivial saved model dir>
"""

import json
import os
import subprocess
import sys

from absl.testing import absltest

SESSION_BENCH, RNN, TRIVIAL = sys.argv[1:4] if len(sys.argv) >= 4 else (None, None, None)
CONFIGS = ("cpp_api/default_threads/rnn", "cpp_api/one_thread/rnn", "cpp_api/inline/rnn")


class StepStatsTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        out = os.path.join(absltest.get_default_test_tmpdir(), "step_stats.json")
        cls.proc = subprocess.run([SESSION_BENCH, f"--rnn_saved_model={RNN}", f"--trivial_saved_model={TRIVIAL}",
                                   f"--step_stats_out={out}", "--step_stats_runs=20"],
                                  capture_output=True, text=True, timeout=300,
                                  env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        with open(out, encoding="utf-8") as f:
            cls.data = json.load(f)

    def test_every_thread_configuration(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-2000:])
        self.assertEqual((self.data["program"], self.data["trace_level"]), ("session_bench", "FULL_TRACE"))
        self.assertEqual([p["name"] for p in self.data["paths"]], list(CONFIGS))

    def test_intervals_add_up(self):
        for p in self.data["paths"]:
            with self.subTest(p["name"]):
                self.assertEqual(p["runs"], 20)
                self.assertGreater(p["nodes"], 10)
                self.assertNotIn("threads", p)  # TensorFlow records no thread per node
                self.assertGreater(p["busy_us"], 0)
                self.assertLessEqual(p["busy_us"], p["kernel_sum_us"] * 1.0001)
                self.assertLessEqual(p["busy_us"], p["span_us"] * 1.0001)
                self.assertGreaterEqual(p["overlap"], 1.0)
                self.assertLessEqual(p["span_us"], p["wall_us"])
                # Medians of per-run values: gap and outside are medians of differences, close to the
                # differences of the medians.
                self.assertAlmostEqual(p["gap_us"], p["span_us"] - p["busy_us"], delta=0.25 * p["span_us"])
                self.assertGreaterEqual(p["gap_us"], 0)
                self.assertGreaterEqual(p["outside_us"], 0)
                ops = p["top_ops"]
                self.assertTrue(ops)
                self.assertEqual([o["us"] for o in ops], sorted((o["us"] for o in ops), reverse=True))
                self.assertTrue(any("MatMul" in o["op"] for o in ops), [o["op"] for o in ops])  # _Mkl*MatMul too

    def test_inline_runs_one_kernel_at_a_time(self):
        inline = self.data["paths"][2]
        self.assertAlmostEqual(inline["overlap"], 1.0, delta=1e-6)


if __name__ == "__main__":
    absltest.main(argv=sys.argv[:1])
