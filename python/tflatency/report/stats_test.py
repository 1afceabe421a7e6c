"""Tests for tflatency.report.stats and .naming: statistics of known values, name parsing."""

from absl.testing import absltest

from tflatency.report import naming
from tflatency.report import stats


class StatsTest(absltest.TestCase):

    def test_median_min_max_of_known_values(self):
        s = stats.summarize([3.0, 1.0, 2.0])
        self.assertEqual((s["median_us"], s["min_us"], s["max_us"], s["repetitions"]), (2.0, 1.0, 3.0, 3))
        self.assertEqual(stats.summarize([4.0, 1.0, 3.0, 2.0])["median_us"], 2.5)

    def test_percentiles_need_ten_repetitions(self):
        nine = stats.summarize(range(1, 10))
        self.assertIsNone(nine["p10_us"])
        self.assertIsNone(nine["p90_us"])
        ten = stats.summarize(range(1, 11))
        self.assertAlmostEqual(ten["p10_us"], 1.9)  # numpy's linear method
        self.assertAlmostEqual(ten["p90_us"], 9.1)

    def test_cv_is_sample_stdev_over_mean(self):
        self.assertAlmostEqual(stats.summarize([9.0, 11.0])["cv"], 2 ** 0.5 / 10)
        self.assertEqual(stats.summarize([5.0, 5.0, 5.0])["cv"], 0.0)
        self.assertIsNone(stats.summarize([5.0])["cv"])

    def test_tail_of_1_to_1000_linear_percentiles(self):
        # 1..1000 us as ns; linear: position (n - 1) * q / 100 between sorted samples.
        t = stats.tail([1000 * i for i in range(1, 1001)])
        self.assertAlmostEqual(t["p50_us"], 500.5)
        self.assertAlmostEqual(t["p90_us"], 900.1)
        self.assertAlmostEqual(t["p99_us"], 990.01)
        self.assertAlmostEqual(t["p999_us"], 999.001)
        self.assertEqual(t["max_us"], 1000.0)
        self.assertAlmostEqual(t["p99_over_p50"], 990.01 / 500.5)

    def test_tail_ignores_sample_order_and_handles_one_sample(self):
        self.assertEqual(stats.tail([3000, 1000, 2000])["p50_us"], 2.0)
        one = stats.tail([7000])
        self.assertEqual((one["p50_us"], one["p999_us"], one["max_us"], one["p99_over_p50"]), (7.0, 7.0, 7.0, 1.0))
        with self.assertRaises(ValueError):
            stats.tail([])

    def test_jitter_rule_is_p99_over_p50_above_2(self):
        self.assertFalse(stats.has_jitter(2.0))
        self.assertTrue(stats.has_jitter(2.01))
        self.assertFalse(stats.has_jitter(None))
        steady = stats.tail([100] * 990 + [190] * 10)  # p99 = 100.9 ns: the slowest 1% barely counts
        self.assertFalse(stats.has_jitter(steady["p99_over_p50"]))
        spiky = stats.tail([100] * 980 + [1000] * 20)  # the slowest 2%: p99 = 1000 = 10x p50
        self.assertAlmostEqual(spiky["p99_over_p50"], 10.0)
        self.assertTrue(stats.has_jitter(spiky["p99_over_p50"]))

    def test_no_values_is_an_error(self):
        with self.assertRaises(ValueError):
            stats.summarize([])

    def test_percentile_endpoints(self):
        self.assertEqual(stats.percentile([7, 1, 4], 0), 1)
        self.assertEqual(stats.percentile([7, 1, 4], 100), 7)
        self.assertEqual(stats.percentile([7, 1, 4], 50), 4)


class NamingTest(absltest.TestCase):

    def test_strips_google_benchmark_suffixes(self):
        self.assertEqual(naming.canonical_name("python/signature/rnn/real_time"), "python/signature/rnn")
        self.assertEqual(naming.canonical_name("bound/fma_peak/iterations:100/repeats:5/min_time:0.100/real_time"),
                         "bound/fma_peak")
        self.assertEqual(naming.canonical_name("aot/znver5/rnn/real_time_mean", aggregate_name="mean"),
                         "aot/znver5/rnn")
        self.assertEqual(naming.canonical_name("aot/znver5/rnn/real_time_cv", "aot/znver5/rnn/real_time", "cv"),
                         "aot/znver5/rnn")
        self.assertEqual(naming.canonical_name("python/xla_jit/rnn"), "python/xla_jit/rnn")

    def test_group_and_kind(self):
        self.assertEqual((naming.group_of("cpp_api/inline/trivial"), naming.kind_of("cpp_api/inline/trivial")),
                         ("cpp_api", "trivial"))
        self.assertEqual(naming.kind_of("bound/original_fma_loop"), "bound")
        self.assertEqual((naming.group_of("tflite/interpreter/rnn"), naming.kind_of("tflite/interpreter/rnn")),
                         ("tflite", "rnn"))

    def test_report_order(self):
        names = ["bound/fma_peak", "aot/znver5/trivial", "hand/avx512/rnn", "cpp_api/inline/rnn",
                 "python/eager/rnn", "python/signature/rnn", "cpp_api/default_threads/rnn",
                 "bound/original_fma_loop", "python/tf_function/trivial"]
        self.assertEqual(sorted(names, key=naming.sort_key), [
            "python/signature/rnn", "python/eager/rnn", "cpp_api/default_threads/rnn", "cpp_api/inline/rnn",
            "hand/avx512/rnn", "python/tf_function/trivial", "aot/znver5/trivial",
            "bound/original_fma_loop", "bound/fma_peak"])


if __name__ == "__main__":
    absltest.main()
