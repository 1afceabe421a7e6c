"""Tests for reduced precision in the report: names, own bounds, fp32 twins, the Precision table, targets."""

from absl.testing import absltest

from tflatency.report import load
from tflatency.report import markdown
from tflatency.report import naming
from tflatency.report import plot
from tflatency.report import summary as summary_lib


def rows(name, times_us, max_abs_error=None):
    return [load.Row("bench.json", name, "iteration", None, t, None, max_abs_error) for t in times_us]


def build(*row_lists):
    return summary_lib.build(load.Inputs(folder="/nowhere", context={"fma_count": 10}, benchmark_contexts={},
                                         rows=[r for rs in row_lists for r in rs], failures=[], problems=[]))


class NamingTest(absltest.TestCase):

    def test_precision_and_twin_from_the_name(self):
        cases = {
            "hand/avx2_int8/rnn": ("int8", "hand/avx2/rnn"),
            "hand/avx512_int8_vnni/rnn": ("int8", "hand/avx512/rnn"),
            "hand/avx512_bf16_dpbf16/rnn": ("bf16", "hand/avx512/rnn"),
            "bound/weight_stream_int8_vnni": ("int8", "bound/weight_stream"),
            "aot/znver5_bf16/rnn": ("bf16", "aot/znver5/rnn"),
            "hand/avx2_bf16_2threads/rnn": ("bf16", "hand/avx2_2threads/rnn"),
            "tflite/interpreter/one_thread_int8/rnn": ("int8", "tflite/interpreter/one_thread/rnn"),
            "bound/weight_stream_bf16": ("bf16", "bound/weight_stream"),
            "python_compiled/hand_int8/rnn": ("int8", "python_compiled/hand/rnn"),
            "aot/znver3/rnn": ("fp32", None),
            "bound/weight_stream": ("fp32", None),
            "int8/x/rnn": ("fp32", None),  # a group, not a variant
            "peer/x/pint8/rnn": ("fp32", None),  # a segment must be exactly the precision
        }
        for name, want in cases.items():
            self.assertEqual((naming.precision_of(name), naming.fp32_twin(name)), want, name)

    def test_own_bound_follows_precision_and_dot_product(self):
        cases = {
            "hand/avx512_int8_vnni/rnn": "bound/weight_stream_int8_vnni",
            "python_compiled/hand_bf16_dpbf16/rnn": "bound/weight_stream_bf16_dpbf16",
            "hand/avx2_int8/rnn": "bound/weight_stream_int8",
            "hand/avx2/rnn": None,
        }
        for name, want in cases.items():
            self.assertEqual(naming.own_bound_name(name), want, name)
        self.assertLess(set(cases.values()) - {None}, set(naming.reduced_bound_names()))


class SummaryTest(absltest.TestCase):

    def setUp(self):
        super().setUp()
        self.summary = build(
            rows("hand/avx2/rnn", [10.0, 10.0, 10.0], 1e-6), rows("hand/avx2_int8/rnn", [4.0, 4.0, 4.0], 3e-3),
            rows("hand/avx2_bf16/rnn", [6.0] * 3, 2e-3), rows("hand/avx512_int8_vnni/rnn", [3.0] * 3, 4e-3),
            rows("tflite/interpreter/one_thread/rnn", [40.0] * 3), rows("tflite/interpreter/one_thread_int8/rnn",
                                                                         [20.0] * 3, 5e-3),
            rows("python_compiled/hand_int8/rnn", [5.0] * 3, 3e-3),
            rows("aot/znver3/rnn", [12.0] * 3), rows("aot/znver3_bf16/rnn", [7.0] * 3),
            rows("bound/fma_peak", [5.0] * 3), rows("bound/weight_stream", [9.0] * 3),
            rows("bound/weight_stream_int8", [2.5] * 3), rows("bound/weight_stream_bf16", [4.5] * 3),
            rows("bound/weight_stream_int8_vnni", [2.0] * 3))
        self.paths = {p["name"]: p for p in self.summary["paths"]}
        self.targets = {t["key"]: t for t in self.summary["targets"]["items"]}

    def test_fields(self):
        int8 = self.paths["hand/avx2_int8/rnn"]
        self.assertEqual((int8["precision"], int8["fp32_twin"], int8["max_abs_error"]), ("int8", "hand/avx2/rnn", 3e-3))
        self.assertAlmostEqual(int8["ratio_to_own_bound"], 4.0 / 2.5)
        self.assertAlmostEqual(int8["speedup_over_fp32"], 10.0 / 4.0)
        fp32 = self.paths["hand/avx2/rnn"]
        self.assertEqual((fp32["precision"], fp32["speedup_over_fp32"]), ("fp32", None))
        self.assertAlmostEqual(fp32["ratio_to_own_bound"], 10.0 / 9.0)  # the lower bound: max(5, 9)
        self.assertIsNone(self.paths["tflite/interpreter/one_thread/rnn"]["max_abs_error"])  # not reported
        self.assertEqual(self.summary["reduced_precision_atol"], 2e-2)

    def test_fp32_comparisons_ignore_reduced_precision(self):
        self.assertEqual(self.summary["best_aot_rnn"], "aot/znver3/rnn")  # not the faster bf16 build
        self.assertEqual(self.targets["hand_1_bound"]["formula"], "hand/avx2/rnn / bound/weight_stream")
        self.assertEqual(self.targets["compiled_best_vs_peer"]["value"], None)  # no fp32 python_compiled

    def test_reduced_precision_targets(self):
        self.assertAlmostEqual(self.targets["hand_int8_fp32_bound"]["value"], 3.0 / 9.0)  # the fastest: vnni
        self.assertTrue(self.targets["hand_int8_fp32_bound"]["met"])  # 0.33 <= 0.4
        own = self.targets["hand_int8_own_bound"]  # vpdpbusd's bound, not the widening one
        self.assertEqual(own["formula"], "hand/avx512_int8_vnni/rnn / bound/weight_stream_int8_vnni")
        self.assertAlmostEqual(own["value"], 3.0 / 2.0)
        self.assertFalse(own["met"])
        self.assertAlmostEqual(self.paths["hand/avx512_int8_vnni/rnn"]["ratio_to_own_bound"], 3.0 / 2.0)
        self.assertAlmostEqual(self.targets["hand_bf16_fp32_bound"]["value"], 6.0 / 9.0)
        notes = " ".join(self.summary["targets"]["notes"])
        self.assertNotIn("hand/avx2_bf16/rnn / bound/weight_stream =", notes)  # below the fp32 bound is the goal
        vs_engine = self.targets["compiled_reduced_vs_engine"]
        self.assertEqual(vs_engine["formula"], "tflite/interpreter/one_thread_int8/rnn / python_compiled/hand_int8/rnn")
        self.assertAlmostEqual(vs_engine["value"], 4.0)
        self.assertTrue(vs_engine["met"])
        error = self.targets["compiled_reduced_error_vs_engine"]
        self.assertAlmostEqual(error["value"], 3e-3 / 5e-3)
        self.assertTrue(error["met"])

    def test_no_reduced_precision_targets_without_such_paths(self):
        summary = build(rows("hand/avx2/rnn", [10.0] * 3), rows("bound/weight_stream", [9.0] * 3))
        keys = [t["key"] for t in summary["targets"]["items"]]
        self.assertNotIn("hand_int8_fp32_bound", keys)
        self.assertEqual(summary["precision_table"], [])
        self.assertNotIn("## Precision", markdown.render(summary))

    def test_table_order_and_rendering(self):
        self.assertEqual(self.summary["precision_table"], [
            "python_compiled/hand_int8/rnn",  # its twin was not measured
            "aot/znver3/rnn", "aot/znver3_bf16/rnn", "hand/avx2/rnn", "hand/avx2_bf16/rnn", "hand/avx2_int8/rnn",
            "hand/avx512_int8_vnni/rnn",  # its twin hand/avx512/rnn was not measured
            "tflite/interpreter/one_thread/rnn", "tflite/interpreter/one_thread_int8/rnn",
            "bound/weight_stream", "bound/weight_stream_bf16", "bound/weight_stream_int8",
            "bound/weight_stream_int8_vnni"])
        text = markdown.render(self.summary)
        self.assertIn("## Precision", text)
        self.assertIn("| hand/avx2_int8/rnn | int8 | 4.00 | 1.60 | 2.50 | 0.003 |", text)
        self.assertIn("max |got - golden| <= 0.02", text)

    def test_plot_hatches_reduced_precision_bars(self):
        out = self.create_tempfile("latency.png").full_path
        plot.render(self.summary, out)
        with open(out, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertEqual(sorted(plot.PRECISION_HATCH), sorted(naming.REDUCED_PRECISIONS))


if __name__ == "__main__":
    absltest.main()
