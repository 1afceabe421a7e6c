"""Tests for tflatency.report.summary and .decompose on the recorded fixtures in testdata/."""

import json
import os

from absl.testing import absltest

from tflatency.report import decompose
from tflatency.report import load
from tflatency.report import summary as summary_lib

# The recorded results folders, shared with the programs' tests (python/testdata).
TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata")

PATH_FIELDS = {"name", "group", "kind", "status", "reason", "median_us", "min_us", "max_us", "p10_us",
               "p90_us", "cv", "repetitions", "ratio_to_bound", "ratio_to_aot", "original_us", "source_file",
               "per_call", "precision", "fp32_twin", "max_abs_error", "ratio_to_own_bound", "speedup_over_fp32",
               "profile"}
PER_CALL_FIELDS = {"status", "reason", "count", "warmup", "p50_us", "p90_us", "p99_us", "p999_us", "max_us",
                   "p99_over_p50", "jitter", "timer_overhead_ns", "load_ms", "first_inference_us", "peak_rss_mb",
                   "rss_growth_mb", "possible_leak", "source_file"}
TOP_FIELDS = {"schema_version", "context", "lower_bound_us", "lower_bound_source", "best_aot_rnn", "main_kind",
              "best_aot", "paths", "decomposition", "order_check", "targets", "originals", "warnings", "problems",
              "precision_table", "reduced_precision_atol", "profiles"}


def rows(name, times_us, file_name="bench.json"):
    return [load.Row(file_name, name, "iteration", None, t, None) for t in times_us]


def inputs(rows_, failures=(), context=None, benchmark_contexts=None):
    return load.Inputs(folder="/nowhere", context=context if context is not None else {"fma_count": 10},
                       benchmark_contexts=benchmark_contexts or {}, rows=list(rows_),
                       failures=list(failures), problems=[])


def path_dict(name, median, status="ok"):
    return {"name": name, "group": name.split("/")[0], "kind": name.split("/")[-1], "status": status,
            "median_us": median if status == "ok" else None}


class FullFixtureTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.summary = summary_lib.build(load.load_folder(os.path.join(TESTDATA, "results_full")))
        cls.paths = {p["name"]: p for p in cls.summary["paths"]}
        cls.items = {i["key"]: i for i in cls.summary["decomposition"]}

    def test_schema_fields(self):
        self.assertEqual(set(self.summary), TOP_FIELDS)
        self.assertEqual(self.summary["schema_version"], 1)
        for path in self.summary["paths"]:
            self.assertEqual(set(path), PATH_FIELDS, path["name"])
        self.assertEqual(self.summary["context"]["fma_count"], 546816)
        self.assertEqual(self.summary["context"]["benchmark_contexts"]["aot_bench.json"]["aot_target_cpu"], "znver5")
        json.dumps(self.summary, allow_nan=False)  # plain JSON, no NaN

    def test_every_path_is_there_once(self):
        self.assertLen(self.summary["paths"], 22)
        self.assertLen(self.paths, 22)
        for name in ("python/signature/rnn", "cpp_api/inline/trivial", "aot/generic/rnn", "bound/weight_stream",
                     "hand/avx512_naive/rnn", "tflite/interpreter/rnn"):
            self.assertIn(name, self.paths)

    def test_statistics_of_known_repetitions(self):
        sig = self.paths["python/signature/rnn"]
        self.assertEqual((sig["median_us"], sig["min_us"], sig["max_us"], sig["repetitions"]), (251.5, 247, 260, 10))
        self.assertAlmostEqual(sig["p10_us"], 247.9)
        self.assertAlmostEqual(sig["p90_us"], 255.5)
        self.assertIsNone(self.paths["cpp_api/default_threads/rnn"]["p10_us"])  # 5 repetitions
        self.assertEqual(self.paths["cpp_api/default_threads/rnn"]["median_us"], 110)

    def test_time_units_are_converted_to_us(self):
        self.assertAlmostEqual(self.paths["aot/znver5/rnn"]["median_us"], 38.2)  # ns
        self.assertAlmostEqual(self.paths["aot/znver5/trivial"]["median_us"], 0.0056)  # ns
        self.assertAlmostEqual(self.paths["hand/avx512_naive/rnn"]["median_us"], 18.5)  # ms

    def test_failed_golden_check_has_reason_and_no_time(self):
        xla = self.paths["python/xla_jit/rnn"]
        self.assertEqual(xla["status"], "FAILED")
        self.assertEqual(xla["reason"], "golden check FAILED: max |got - golden| = 0.0123 at element 17")
        for key in ("median_us", "min_us", "max_us", "cv", "ratio_to_bound", "ratio_to_aot"):
            self.assertIsNone(xla[key], key)

    def test_failures_json_rows(self):
        tflite = self.paths["tflite/interpreter/rnn"]
        self.assertEqual((tflite["status"], tflite["group"], tflite["kind"], tflite["reason"]),
                         ("FAILED", "tflite", "rnn", "timed out after 600 s"))
        self.assertEqual(tflite["source_file"], "failures.json")

    def test_lower_bound_is_the_larger_bound(self):
        self.assertAlmostEqual(self.summary["lower_bound_us"], 18.1)
        self.assertEqual(self.summary["lower_bound_source"], "weight_stream")

    def test_ratios(self):
        sig = self.paths["python/signature/rnn"]
        self.assertAlmostEqual(sig["ratio_to_bound"], 251.5 / 18.1)
        self.assertAlmostEqual(sig["ratio_to_aot"], 251.5 / 38.2)
        self.assertEqual(self.summary["best_aot_rnn"], "aot/znver5/rnn")
        self.assertEqual(self.paths["aot/znver5/rnn"]["ratio_to_aot"], 1.0)
        self.assertAlmostEqual(self.paths["cpp_api/inline/trivial"]["ratio_to_aot"], 3.1 / 0.0056)
        self.assertIsNone(self.paths["cpp_api/inline/trivial"]["ratio_to_bound"])

    def test_original_figures_are_attached(self):
        originals = {name: p["original_us"] for name, p in self.paths.items() if p["original_us"] is not None}
        self.assertEqual(originals, {
            "python/signature/rnn": 500, "cpp_api/default_threads/rnn": 160, "aot/znver5/rnn": 85,
            "python/tf_function/trivial": 130, "cpp_api/default_threads/trivial": 8,
            "bound/original_fma_loop": 100})

    def test_decomposition_numbers(self):
        self.assertAlmostEqual(self.items["python_beyond_cpp"]["us"], 141.5)
        self.assertAlmostEqual(self.items["cpp_api_over_aot"]["us"], 71.8)
        self.assertAlmostEqual(self.items["aot_over_bound"]["us"], 20.1)
        self.assertAlmostEqual(self.items["lower_bound"]["us"], 18.1)
        self.assertAlmostEqual(self.items["python_call_overhead"]["us"], 230)
        self.assertAlmostEqual(self.items["thread_pool"]["us"], 38)
        self.assertAlmostEqual(self.items["thread_pool"]["share_of_relative"], 38 / 110)
        self.assertAlmostEqual(self.items["python_beyond_cpp"]["share_of_total"], 141.5 / 251.5)
        additive = [i for i in self.summary["decomposition"] if i["additive"]]
        self.assertAlmostEqual(sum(i["us"] for i in additive), 251.5)
        self.assertAlmostEqual(sum(i["share_of_total"] for i in additive), 1.0)

    def test_order_holds(self):
        check = self.summary["order_check"]
        self.assertEqual(check["status"], "holds")
        self.assertEqual([s["name"] for s in check["chain"]],
                         ["python/signature/rnn", "cpp_api/default_threads/rnn", "aot/znver5/rnn",
                          "bound/weight_stream"])

    def test_noise_warning_only_for_the_noisy_path(self):
        noisy = [w["path"] for w in self.summary["warnings"] if w["code"] == "noise"]
        self.assertEqual(noisy, ["python/eager/rnn"])

    def test_no_problems(self):
        self.assertEqual(self.summary["problems"], [])


class PerCallFixtureTest(absltest.TestCase):
    """results_percall: results_full plus two .percall.json files and a per-call failure (its README)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inputs = load.load_folder(os.path.join(TESTDATA, "results_percall"))
        cls.summary = summary_lib.build(cls.inputs)
        cls.paths = {p["name"]: p for p in cls.summary["paths"]}

    def test_per_call_files_are_not_benchmark_files(self):
        folder = os.path.join(TESTDATA, "results_percall")
        self.assertNotIn("aot__znver5__rnn.percall.json", load.benchmark_files(folder))
        self.assertEqual(load.per_call_files(folder),
                         ["aot__znver5__rnn.percall.json", "python__signature__rnn.percall.json"])
        self.assertEqual(self.summary["problems"], [])
        self.assertLen(self.summary["paths"], 22)  # the same paths as results_full

    def test_every_path_has_the_per_call_object(self):
        for path in self.summary["paths"]:
            self.assertEqual(set(path), PATH_FIELDS, path["name"])
            self.assertEqual(set(path["per_call"]), PER_CALL_FIELDS, path["name"])
        absent = self.paths["bound/fma_peak"]["per_call"]
        self.assertEqual(absent, dict.fromkeys(PER_CALL_FIELDS))  # null when absent
        json.dumps(self.summary, allow_nan=False)

    def test_known_percentiles_cold_start_and_leak(self):
        pc = self.paths["aot/znver5/rnn"]["per_call"]
        self.assertEqual(pc["status"], "ok")
        self.assertEqual((pc["count"], pc["warmup"]), (1000, 200))
        self.assertAlmostEqual(pc["p50_us"], 500.5)
        self.assertAlmostEqual(pc["p90_us"], 900.1)
        self.assertAlmostEqual(pc["p99_us"], 990.01)
        self.assertAlmostEqual(pc["p999_us"], 999.001)
        self.assertEqual(pc["max_us"], 1000.0)
        self.assertFalse(pc["jitter"])
        self.assertEqual((pc["timer_overhead_ns"], pc["load_ms"], pc["first_inference_us"], pc["peak_rss_mb"],
                          pc["rss_growth_mb"]), (20, 0.05, 180.0, 34.8, 2.5))
        self.assertTrue(pc["possible_leak"])
        self.assertEqual(pc["source_file"], "aot__znver5__rnn.percall.json")
        self.assertAlmostEqual(self.paths["aot/znver5/rnn"]["median_us"], 38.2)  # medians untouched

    def test_jitter_is_flagged(self):
        pc = self.paths["python/signature/rnn"]["per_call"]
        self.assertEqual((pc["p50_us"], pc["p99_us"], pc["max_us"]), (255.0, 900.0, 900.0))
        self.assertTrue(pc["jitter"])
        self.assertFalse(pc["possible_leak"])
        codes = {(w["code"], w["path"]) for w in self.summary["warnings"]}
        self.assertIn(("jitter", "python/signature/rnn"), codes)
        self.assertIn(("possible_leak", "aot/znver5/rnn"), codes)
        self.assertNotIn(("jitter", "aot/znver5/rnn"), codes)

    def test_per_call_failure_leaves_the_medians_alone(self):
        path = self.paths["cpp_api/inline/rnn"]
        self.assertEqual(path["status"], "ok")
        self.assertEqual(path["median_us"], 72.0)
        self.assertEqual(path["per_call"]["status"], "FAILED")
        self.assertStartsWith(path["per_call"]["reason"], "per-call run timed out after 300s")
        self.assertIsNone(path["per_call"]["p50_us"])

    def test_unusable_per_call_file_is_a_problem(self):
        folder = self.create_tempdir().full_path
        for name in ("context.json", "aot_bench.json"):
            with open(os.path.join(TESTDATA, "results_full", name), encoding="utf-8") as src, \
                    open(os.path.join(folder, name), "w", encoding="utf-8") as dst:
                dst.write(src.read())
        with open(os.path.join(folder, "aot__generic__rnn.percall.json"), "w", encoding="utf-8") as f:
            f.write('{"name": "aot/generic/rnn", "samples_ns": [1, "x"]}')
        with open(os.path.join(folder, "aot__haswell__rnn.percall.json"), "w", encoding="utf-8") as f:
            f.write('{"name": "aot/haswell/rnn", "count": 3, "load_ms": "slow", "samples_ns": [1000, 2000]}')
        summary = summary_lib.build(load.load_folder(folder))
        problems = {p["file"]: p["reason"] for p in summary["problems"]}
        self.assertIn("samples are not times", problems["aot__generic__rnn.percall.json"])
        self.assertIn("load_ms 'slow' is not a number", problems["aot__haswell__rnn.percall.json"])
        paths = {p["name"]: p for p in summary["paths"]}
        self.assertIsNone(paths["aot/generic/rnn"]["per_call"]["status"])
        haswell = paths["aot/haswell/rnn"]["per_call"]
        self.assertEqual((haswell["status"], haswell["count"], haswell["p50_us"], haswell["load_ms"]),
                         ("ok", 2, 1.5, None))


class UserModelFixtureTest(absltest.TestCase):
    """A user's model (scripts/bench --keras): kind `model`, n/a rows, no RNN-only figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = os.path.join(TESTDATA, "results_user_model")
        cls.summary = summary_lib.build(load.load_folder(cls.folder))
        cls.paths = {p["name"]: p for p in cls.summary["paths"]}

    def test_not_applicable_rows_have_their_reason_and_no_numbers(self):
        eager = self.paths["python/eager/model"]
        self.assertEqual(eager["status"], "n/a")
        self.assertIn("no such re-implementation", eager["reason"])
        self.assertIsNone(eager["median_us"])
        self.assertEqual(eager["source_file"], "not_applicable.json")
        self.assertEqual(sum(p["status"] == "n/a" for p in self.summary["paths"]), 4)
        self.assertFalse(any(p["status"] == "FAILED" for p in self.summary["paths"]))

    def test_the_model_kind_drives_the_figures(self):
        self.assertEqual(self.summary["main_kind"], "model")
        self.assertEqual(self.summary["best_aot"], "aot/znver3_tuned/model")
        self.assertIsNone(self.summary["best_aot_rnn"])
        self.assertIsNotNone(self.paths["aot/znver3/model"]["ratio_to_bound"])
        items = {i["key"]: i for i in self.summary["decomposition"]}
        self.assertEqual(items["python_beyond_cpp"]["formula"],
                         "python/signature/model - cpp_api/default_threads/model")
        self.assertAlmostEqual(items["python_beyond_cpp"]["us"], 65.0, delta=3.0)
        self.assertEqual(self.summary["order_check"]["status"], "holds")

    def test_rnn_only_figures_are_left_out(self):
        self.assertEqual(self.summary["originals"], [])
        self.assertTrue(all(p["original_us"] is None for p in self.summary["paths"]))
        keys = [i["key"] for i in self.summary["targets"]["items"]]
        self.assertFalse([k for k in keys if k.startswith("hand_")], keys)
        vs_peer = {i["key"]: i for i in self.summary["targets"]["items"]}["compiled_aot_vs_peer"]
        self.assertEqual(vs_peer["formula"], "tflite/interpreter/one_thread/model / python_compiled/aot/model")
        self.assertAlmostEqual(vs_peer["value"], 2.0, delta=0.1)

    def test_measured_path_listed_not_applicable_keeps_its_times_with_a_warning(self):
        inputs = load.load_folder(self.folder)
        inputs.not_applicable.append(load.NotApplicable("aot/znver3/model", "said by mistake"))
        summary = summary_lib.build(inputs)
        path = {p["name"]: p for p in summary["paths"]}["aot/znver3/model"]
        self.assertEqual(path["status"], "ok")
        self.assertIn("not_applicable_but_measured", [w["code"] for w in summary["warnings"]])

    def test_error_row_starting_n_a_is_not_applicable(self):
        summary = summary_lib.build(inputs(
            [load.Row("peer.json", "peer/openvino/f32/rnn", "iteration", None, None,
                      "n/a: openvino is not installed (No module named 'openvino')")]))
        path = summary["paths"][0]
        self.assertEqual((path["status"], path["reason"]),
                         ("n/a", "openvino is not installed (No module named 'openvino')"))

    def test_unknown_fma_count_with_a_reason_is_not_a_problem(self):
        work = self.create_tempdir().full_path
        for name in os.listdir(self.folder):
            with open(os.path.join(self.folder, name), encoding="utf-8") as f:
                data = json.load(f)
            if name == "context.json":
                data.update(fma_count=None, fma_reason="XLA cannot compile op SegmentSum (no XLA CPU kernel)")
            with open(os.path.join(work, name), "w", encoding="utf-8") as f:
                json.dump(data, f)
        summary = summary_lib.build(load.load_folder(work))
        self.assertEqual(summary["problems"], [])

    def test_unusable_not_applicable_file_is_a_problem(self):
        work = self.create_tempdir().full_path
        with open(os.path.join(work, "python.json"), "w", encoding="utf-8") as out, \
                open(os.path.join(self.folder, "python.json"), encoding="utf-8") as src:
            out.write(src.read())
        with open(os.path.join(work, "not_applicable.json"), "w", encoding="utf-8") as f:
            json.dump([{"name": "hand/avx2/model"}, "junk"], f)
        problems = load.load_folder(work).problems
        self.assertEqual([p.file for p in problems if p.file == "not_applicable.json"], ["not_applicable.json"] * 2)


class DecompositionTest(absltest.TestCase):

    def test_missing_and_failed_inputs_are_skipped_with_a_note(self):
        paths = [path_dict("python/signature/rnn", 250), path_dict("cpp_api/default_threads/rnn", None, "FAILED"),
                 path_dict("aot/znver5/rnn", 40), path_dict("python/tf_function/trivial", 200)]
        items = {i["key"]: i for i in decompose.decompose(paths, None, None, "aot/znver5/rnn")}
        self.assertIsNone(items["python_beyond_cpp"]["us"])
        self.assertIn("cpp_api/default_threads/rnn FAILED", items["python_beyond_cpp"]["note"])
        self.assertIn("cpp_api/inline/rnn missing", items["thread_pool"]["note"])
        self.assertIn("no ok bound", items["aot_over_bound"]["note"])
        self.assertEqual(items["python_call_overhead"]["us"], 200)
        self.assertAlmostEqual(items["python_call_overhead"]["share_of_total"], 0.8)

    def test_no_aot_path(self):
        paths = [path_dict("cpp_api/default_threads/rnn", 100)]
        items = {i["key"]: i for i in decompose.decompose(paths, 20.0, "fma_peak", None)}
        self.assertIn("no ok aot rnn path", items["cpp_api_over_aot"]["note"])
        self.assertEqual(items["lower_bound"]["us"], 20.0)
        self.assertIn("share unknown", items["lower_bound"]["note"])

    def test_order_violated(self):
        paths = [path_dict("python/signature/rnn", 100), path_dict("cpp_api/default_threads/rnn", 120),
                 path_dict("aot/znver5/rnn", 40)]
        check = decompose.order_check(paths, 50.0, "weight_stream", "aot/znver5/rnn")
        self.assertEqual(check["status"], "violated")
        self.assertLen(check["violations"], 2)  # python <= cpp_api, aot <= lower bound
        self.assertIn("python (python/signature/rnn, 100 us) is not slower than cpp_api", check["violations"][0])

    def test_order_skips_missing_steps(self):
        paths = [path_dict("python/signature/rnn", 250), path_dict("aot/znver5/rnn", 40)]
        check = decompose.order_check(paths, 20.0, "fma_peak", "aot/znver5/rnn")
        self.assertEqual(check["status"], "holds")
        self.assertEqual(check["missing"], ["cpp_api"])
        check = decompose.order_check([path_dict("aot/znver5/rnn", 40)], None, None, "aot/znver5/rnn")
        self.assertEqual(check["status"], "not checked")

    def test_best_aot_is_the_fastest_ok_one(self):
        paths = [path_dict("aot/a/rnn", 50), path_dict("aot/b/rnn", 30), path_dict("aot/c/rnn", None, "FAILED"),
                 path_dict("aot/d/trivial", 1)]
        self.assertEqual(decompose.best_ok(paths, "aot", "rnn")["name"], "aot/b/rnn")
        self.assertIsNone(decompose.best_ok(paths, "aot", "bound"))


class BuildTest(absltest.TestCase):

    def test_failures_json_overrides_measured_times(self):
        failure = load.Failure("python/signature/rnn", "python", "rnn", "crashed after writing its JSON")
        summary = summary_lib.build(inputs(rows("python/signature/rnn", [250, 251]), failures=[failure]))
        path = summary["paths"][0]
        self.assertEqual((path["status"], path["reason"], path["median_us"]),
                         ("FAILED", "crashed after writing its JSON", None))
        self.assertIn("failure_overrides", [w["code"] for w in summary["warnings"]])

    def test_any_error_row_fails_the_path(self):
        error = load.Row("b.json", "cpp_api/inline/rnn", "iteration", None, None, "Session::Run failed: boom")
        summary = summary_lib.build(inputs(rows("cpp_api/inline/rnn", [70, 71], "b.json") + [error]))
        self.assertEqual(summary["paths"][0]["status"], "FAILED")
        self.assertEqual(summary["paths"][0]["reason"], "Session::Run failed: boom")

    def test_aggregates_only_fallback(self):
        aggregates = [load.Row("a.json", "aot/x/rnn", "aggregate", "mean", 41.0, None),
                      load.Row("a.json", "aot/x/rnn", "aggregate", "median", 40.0, None)]
        summary = summary_lib.build(inputs(aggregates))
        self.assertEqual(summary["paths"][0]["median_us"], 40.0)
        self.assertIn("aggregates_only", [w["code"] for w in summary["warnings"]])

    def test_duplicate_path_keeps_first_file(self):
        summary = summary_lib.build(inputs(rows("aot/x/rnn", [40, 41], "a.json") + rows("aot/x/rnn", [50, 51], "b.json")))
        self.assertEqual(summary["paths"][0]["source_file"], "a.json")
        self.assertIn("duplicate", [w["code"] for w in summary["warnings"]])

    def test_context_mismatch_warning(self):
        summary = summary_lib.build(inputs(
            rows("aot/x/rnn", [40, 41]), context={"fma_count": 546816, "model": {"name": "rnn_547k"}},
            benchmark_contexts={"bench.json": {"fma_count": "1000", "model": "rnn_547k"}}))
        mismatches = [w["message"] for w in summary["warnings"] if w["code"] == "context_mismatch"]
        self.assertEqual(mismatches, ["bench.json says fma_count 1000, context.json says 546816"])

    def test_partial_lower_bound(self):
        summary = summary_lib.build(inputs(rows("bound/fma_peak", [9, 9.5])))
        self.assertEqual((summary["lower_bound_us"], summary["lower_bound_source"]), (9.25, "fma_peak"))
        self.assertIn("partial_lower_bound", [w["code"] for w in summary["warnings"]])

    def test_single_repetition_warning(self):
        summary = summary_lib.build(inputs(rows("aot/x/rnn", [40])))
        self.assertIsNone(summary["paths"][0]["cv"])
        self.assertIn("single_repetition", [w["code"] for w in summary["warnings"]])


if __name__ == "__main__":
    absltest.main()
