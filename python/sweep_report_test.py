"""Tests of the scaling sweep report: the fit, the cache classification, and the CLI on testdata/sweep_small."""

import contextlib
import io
import json
import os
import shutil
from unittest import mock

import numpy as np
from absl.testing import absltest

import sweep_report
from tflatency.report import scaling

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "testdata")
PNG_HEADER = b"\x89PNG\r\n\x1a\n"
FIXED_US, PER_FMA_NS = 50.0, 0.04
SWEEP_FMAS = [3e3, 3e4, 3e5, 3e6, 3e7]  # tiny to large, as scripts/bench --sweep measures


def run(*args):
    """(exit status, stdout, stderr) of sweep_report.run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = sweep_report.run(list(args))
    return status, out.getvalue(), err.getvalue()


def latency(fma):
    return FIXED_US + PER_FMA_NS * fma / 1000


class FitTest(absltest.TestCase):

    def test_noiseless_points_give_the_exact_line(self):
        fit, reason = scaling.fit([(f, latency(f)) for f in SWEEP_FMAS])
        self.assertIsNone(reason)
        self.assertAlmostEqual(fit["fixed_us"], FIXED_US, delta=1e-9)
        self.assertAlmostEqual(fit["per_fma_ns"], PER_FMA_NS, delta=1e-13)
        self.assertAlmostEqual(fit["gfma_per_s"], 25.0, delta=1e-8)
        self.assertAlmostEqual(fit["break_even_fma"], 1.25e6, delta=1e-3)  # 50 us = 1.25M FMAs at 0.04 ns
        self.assertAlmostEqual(fit["r_squared"], 1.0, delta=1e-12)
        self.assertLess(fit["max_rel_residual"], 1e-12)
        self.assertEqual(fit["points"], 5)
        self.assertIsNone(fit["note"])

    def test_small_multiplicative_noise_stays_close(self):
        rng = np.random.default_rng(20240601)
        fmas = np.geomspace(3e3, 3e7, 9)
        for trial in range(20):
            noisy = [(f, latency(f) * float(np.exp(rng.normal(0.0, 0.01)))) for f in fmas]
            fit, _ = scaling.fit(noisy)
            with self.subTest(trial=trial):
                self.assertLess(abs(fit["fixed_us"] / FIXED_US - 1), 0.02)
                self.assertLess(abs(fit["per_fma_ns"] / PER_FMA_NS - 1), 0.02)
                self.assertGreater(fit["r_squared"], 0.99)
                self.assertLess(fit["max_rel_residual"], 0.05)

    def test_relative_weighting_keeps_the_tiny_models_overhead(self):
        # 10% off at 3M FMAs is 17 us, a third of the overhead: an unweighted fit moves
        # fixed_us to 54 us; weighted by 1/median^2 the tiny sizes keep it at 50.
        points = [(f, latency(f)) for f in SWEEP_FMAS]
        points[-2] = (points[-2][0], points[-2][1] * 1.10)
        fit, _ = scaling.fit(points)
        self.assertLess(abs(fit["fixed_us"] / FIXED_US - 1), 0.01)
        unweighted = np.linalg.lstsq(np.array([[1.0, f / 1000] for f, _ in points]),
                                     np.array([y for _, y in points]), rcond=None)[0]
        self.assertGreater(abs(unweighted[0] / FIXED_US - 1), 0.05)

    def test_fewer_than_three_points_give_no_fit_and_say_why(self):
        self.assertEqual(scaling.fit([(3e3, latency(3e3)), (3e7, latency(3e7))]),
                         (None, "2 ok points, needs >= 3"))
        self.assertEqual(scaling.fit([(3e3, 50.1)]), (None, "1 ok point, needs >= 3"))
        self.assertEqual(scaling.fit([]), (None, "0 ok points, needs >= 3"))

    def test_one_fma_count_gives_no_fit(self):
        self.assertEqual(scaling.fit([(3e3, 50.0), (3e3, 51.0), (3e3, 49.0)]),
                         (None, "every ok point has the same FMA count"))

    def test_negative_overhead_is_noted_without_break_even(self):
        fit, _ = scaling.fit([(f, PER_FMA_NS * f / 1000 - 0.05) for f in SWEEP_FMAS])
        self.assertAlmostEqual(fit["fixed_us"], -0.05, delta=1e-9)
        self.assertIsNone(fit["break_even_fma"])
        self.assertAlmostEqual(fit["gfma_per_s"], 25.0, delta=1e-6)
        self.assertEqual(fit["note"], "no measurable fixed overhead (fixed_us <= 0)")


class CacheTest(absltest.TestCase):

    def test_cache_sizes_as_linux_writes_them(self):
        self.assertEqual(scaling.cache_bytes("48K"), 48 * 1024)
        self.assertEqual(scaling.cache_bytes("1024K"), 1 << 20)
        self.assertEqual(scaling.cache_bytes("32768K"), 32 << 20)
        self.assertEqual(scaling.cache_bytes("1M"), 1 << 20)
        self.assertEqual(scaling.cache_bytes("32 MiB"), 32 << 20)
        self.assertEqual(scaling.cache_bytes(65536), 65536)
        for bad in ("", "big", "12Q", None, [], "-1K"):
            with self.subTest(bad=bad):
                self.assertIsNone(scaling.cache_bytes(bad))

    def test_where_the_weights_live(self):
        caches = {"L1": "48K", "L2": "1024K", "L3": "32768K"}
        self.assertEqual(scaling.weights_in(8448, caches), "L2")
        self.assertEqual(scaling.weights_in(1 << 20, caches), "L2")  # exactly L2: fits
        self.assertEqual(scaling.weights_in((1 << 20) + 1, caches), "L3")
        self.assertEqual(scaling.weights_in(1118208, {"L2": "1M", "L3": "32M"}), "L3")  # rnn_547k's weights
        self.assertEqual(scaling.weights_in(32 << 20, caches), "L3")
        self.assertEqual(scaling.weights_in((32 << 20) + 1, caches), "DRAM")

    def test_unknown_caches_give_unknown(self):
        self.assertIsNone(scaling.weights_in(8448, None))
        self.assertIsNone(scaling.weights_in(8448, {}))
        self.assertIsNone(scaling.weights_in(2 << 20, {"L2": "1024K"}))  # beyond L2, L3 unknown
        self.assertIsNone(scaling.weights_in(None, {"L2": "1024K", "L3": "32768K"}))


class PrecisionTransitionTest(absltest.TestCase):

    @staticmethod
    def record(name, fma_count, weight_bytes, bound_ns, int8_bound_ns):
        caches = {"L2": "2M", "L3": "32M"}
        int8 = {"weight_bytes": weight_bytes // 4, "weights_in": scaling.weights_in(weight_bytes // 4, caches),
                "bound_ns_per_fma": int8_bound_ns, "bound_source": "weight_stream_int8"}
        return {"name": name, "usable": True, "fma_count": fma_count, "weight_bytes": weight_bytes,
                "caches": caches, "weights_in": scaling.weights_in(weight_bytes, caches),
                "bound_ns_per_fma": bound_ns, "lower_bound_source": "weight_stream",
                "reduced_precisions": {"int8": int8, "bf16": None}}

    def test_int8_weights_leave_each_cache_at_a_larger_model(self):
        records = [self.record("small", 1e5, 1 << 20, 0.02, 0.01), self.record("mid", 1e6, 4 << 20, 0.05, 0.01),
                   self.record("large", 1e7, 40 << 20, 0.2, 0.03)]
        fp32 = [(t["level"], t["last_within"], t["first_beyond"]) for t in scaling.transitions(records)]
        self.assertEqual(fp32, [("L2", "small", "mid"), ("L3", "mid", "large")])
        int8 = scaling.transitions(records, "int8")  # 256K, 1M, 10M: only L2 is left, at the large model
        self.assertEqual([(t["precision"], t["level"], t["last_within"], t["first_beyond"]) for t in int8],
                         [("int8", "L2", "mid", "large")])
        self.assertAlmostEqual(int8[0]["bound_jump"], 3.0)
        self.assertEqual(int8[0]["bound_source_beyond"], "weight_stream_int8")
        self.assertEqual(scaling.transitions(records, "bf16"), [])  # no bf16 entry: nothing placed
        from tflatency.report import scaling_markdown  # pylint: disable=g-import-not-at-top
        self.assertIn("int8 weights leave L2 (2M) at **large**", scaling_markdown.transition_sentence(int8[0]))


class SweepReportTest(absltest.TestCase):

    def copy_fixture(self, name="sweep_small"):
        folder = os.path.join(self.create_tempdir().full_path, name)
        shutil.copytree(os.path.join(TESTDATA, name), folder)
        return folder

    def read(self, folder, name):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            return json.load(f) if name.endswith(".json") else f.read()

    def test_writes_json_markdown_and_png(self):
        folder = self.copy_fixture()
        status, out, err = run(folder)
        self.assertEqual(status, 0, err)
        self.assertIn("4 of 4 sizes", out)
        result = self.read(folder, "scaling.json")
        self.assertEqual(result["schema_version"], 1)
        self.assertEqual([s["name"] for s in result["sizes"]], ["lstm_4k", "lstm_131k", "lstm_3m", "lstm_26m"])
        self.assertEqual([s["weights_in"] for s in result["sizes"]], ["L2", "L2", "L3", "DRAM"])
        self.assertEqual([(t["level"], t["last_within"], t["first_beyond"]) for t in result["transitions"]],
                         [("L2", "lstm_131k", "lstm_3m"), ("L3", "lstm_3m", "lstm_26m")])
        self.assertGreater(result["transitions"][1]["bound_jump"], 1)
        # int8 weights are a quarter of the bytes: lstm_26m's 50 MB are 12.5 MB, inside L3 (32M).
        self.assertEqual([(t["precision"], t["level"], t["first_beyond"]) for t in result["precision_transitions"]],
                         [("bf16", "L2", "lstm_3m"), ("int8", "L2", "lstm_3m")])
        self.assertEqual(result["problems"], [])
        paths = {p["name"]: p for p in result["paths"]}
        self.assertNotIn("python/tf_function/trivial", paths)
        self.assertIn("bound/fma_peak", paths)
        aot = paths["aot/znver5/rnn"]
        self.assertEqual([p["fma_count"] for p in aot["points"]], [4096, 131072, 3145728, 26214400])
        self.assertIsNotNone(aot["fit"])
        peak = paths["bound/fma_peak"]["fit"]  # the fixture's fma_peak: 0.02 us + 0.0166 ns/FMA, 1% noise
        self.assertAlmostEqual(peak["per_fma_ns"], 0.0166, delta=0.0166 * 0.03)
        tflite = paths["tflite/interpreter/rnn"]
        self.assertLen(tflite["points"], 3)
        self.assertEqual([f["model"] for f in tflite["failed"]], ["lstm_26m"])
        self.assertIsNotNone(tflite["fit"])
        peer = paths["peer/onnxruntime/rnn"]
        self.assertIsNone(peer["fit"])
        self.assertEqual(peer["no_fit_reason"], "2 ok points, needs >= 3; not run at lstm_3m, lstm_26m")
        self.assertLen(result["lower_bound"]["points"], 4)

        report = self.read(folder, "scaling.md")
        self.assertIn("| Path | Fixed us | ns/FMA | GFMA/s | R² | Max resid. % | Break-even FMAs | Points |", report)
        self.assertIn("| lstm_3m | 3,145,728 | 6,303,744 (6.01 MiB) | L3 (<= 32768K) |", report)
        self.assertIn("- Weights leave L2 (1024K) at **lstm_3m**", report)
        self.assertIn("- Weights leave L3 (32768K) at **lstm_26m**", report)
        self.assertIn("peer/onnxruntime/rnn: not fitted: 2 ok points, needs >= 3", report)
        self.assertIn("None: every model size was read.", report)
        with open(os.path.join(folder, "scaling.png"), "rb") as f:
            self.assertEqual(f.read(8), PNG_HEADER)
        self.assertGreater(os.path.getsize(os.path.join(folder, "scaling.png")), 10000)
        self.assertEqual([n for n in os.listdir(folder) if n.startswith(".")], [])  # no temp files left

    def test_rerun_is_stable(self):
        folder = self.copy_fixture()
        self.assertEqual(run(folder)[0], 0)
        first = self.read(folder, "scaling.json")
        self.assertEqual(run(folder)[0], 0)
        self.assertEqual(self.read(folder, "scaling.json"), first)

    def test_missing_subfolder_is_a_problem_and_the_rest_count(self):
        folder = self.copy_fixture()
        shutil.rmtree(os.path.join(folder, "02-lstm_131k"))
        status, out, err = run(folder)
        self.assertEqual(status, 0, err)
        self.assertIn("3 of 4 sizes", out)
        result = self.read(folder, "scaling.json")
        self.assertEqual(result["problems"],
                         [{"file": "02-lstm_131k/", "reason": "missing folder: this size was not measured"}])
        self.assertEqual([s["usable"] for s in result["sizes"]], [True, False, True, True])
        paths = {p["name"]: p for p in result["paths"]}
        self.assertLen(paths["aot/znver5/rnn"]["points"], 3)
        self.assertIsNotNone(paths["aot/znver5/rnn"]["fit"])
        self.assertIsNone(paths["tflite/interpreter/rnn"]["fit"])  # lost lstm_131k, FAILED at lstm_26m
        report = self.read(folder, "scaling.md")
        self.assertIn("- `02-lstm_131k/`: missing folder: this size was not measured.", report)
        self.assertIn("| lstm_131k | 131,072 | 264,192 (258 KiB) | - | not measured (see Problems) |", report)

    def test_subfolder_without_summary_is_a_problem(self):
        folder = self.copy_fixture()
        os.remove(os.path.join(folder, "04-lstm_26m", "summary.json"))
        status, _, err = run(folder)
        self.assertEqual(status, 0, err)
        problems = self.read(folder, "scaling.json")["problems"]
        self.assertLen(problems, 1)
        self.assertEqual(problems[0]["file"], "04-lstm_26m/summary.json")
        self.assertStartsWith(problems[0]["reason"], "missing (no such file)")

    def test_relative_folder_is_taken_from_the_bazel_working_directory(self):
        folder = self.copy_fixture()
        with mock.patch.dict(os.environ, {"BUILD_WORKING_DIRECTORY": os.path.dirname(folder)}):
            status, _, err = run(os.path.basename(folder))
        self.assertEqual(status, 0, err)
        self.assertTrue(os.path.exists(os.path.join(folder, "scaling.md")))

    def test_missing_sweep_dir_exits_2_with_one_line(self):
        missing = os.path.join(self.create_tempdir().full_path, "nope")
        status, out, err = run(missing)
        self.assertEqual(status, 2)
        self.assertEqual(out, "")
        self.assertEqual(err, f"sweep_report: {missing}: no such folder\n")

    def test_missing_sweep_json_exits_2(self):
        folder = self.copy_fixture()
        os.remove(os.path.join(folder, "sweep.json"))
        status, _, err = run(folder)
        self.assertEqual(status, 2)
        self.assertEqual(err.count("\n"), 1)
        self.assertIn("sweep.json: missing (no such file)", err)
        self.assertFalse(os.path.exists(os.path.join(folder, "scaling.json")))

    def test_no_usable_subfolder_exits_2(self):
        folder = self.copy_fixture()
        for name in os.listdir(folder):
            if os.path.isdir(os.path.join(folder, name)):
                shutil.rmtree(os.path.join(folder, name))
        status, _, err = run(folder)
        self.assertEqual(status, 2)
        self.assertEqual(err.count("\n"), 1)
        self.assertIn("no usable model-size subfolder", err)

    def test_bad_arguments_exit_2(self):
        self.assertEqual(run()[0], 2)
        self.assertEqual(run("a", "b")[0], 2)
        self.assertEqual(run("--bogus", "a")[0], 2)


if __name__ == "__main__":
    absltest.main()
