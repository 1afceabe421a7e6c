"""Tests for tflatency.report.targets on synthetic path rows with known answers."""

from absl.testing import absltest

from tflatency.report import targets


def path(name, median, status="ok"):
    return {"name": name, "group": name.split("/")[0], "kind": "bound" if name.startswith("bound/") else
            name.split("/")[-1], "status": status, "median_us": median if status == "ok" else None}


FULL = [
    path("aot/znver5/rnn", 18.0), path("aot/haswell/rnn", 19.0), path("aot/znver5_tuned/rnn", 20.0),
    path("hand/avx512/rnn", 8.0), path("hand/avx2/rnn", 9.0), path("hand/avx512_full_step0/rnn", 10.0),
    path("hand/avx512_2threads/rnn", 4.0),
    path("bound/fma_peak", 3.0), path("bound/weight_stream", 7.0),
    path("bound/fma_peak_2cores", 2.0), path("bound/weight_stream_2cores", 3.5),
    path("python_compiled/aot/rnn", 19.0), path("python_compiled/hand/rnn", 9.0),
    path("tflite/interpreter/one_thread/rnn", 18.0), path("peer/onnxruntime/default/rnn", 30.0),
]


def by_key(result):
    return {item["key"]: item for item in result["items"]}


class TargetsTest(absltest.TestCase):

    def test_spread_over_p10_p90_and_whether_it_crosses_the_goal(self):
        def spread(name, median, p10, p90):
            return dict(path(name, median), p10_us=p10, p90_us=p90)
        paths = [spread("aot/znver5/rnn", 9.5, 9.4, 9.7), spread("python_compiled/aot/rnn", 10.0, 9.8, 10.4),
                 spread("tflite/interpreter/one_thread/rnn", 15.5, 15.0, 16.0), path("peer/numpy/plain/rnn", 50.0)]
        items = by_key(targets.check(paths, "znver5"))
        peer = items["compiled_aot_vs_peer"]
        self.assertAlmostEqual(peer["value"], 1.55)
        self.assertAlmostEqual(peer["spread_low"], 15.0 / 10.4)
        self.assertAlmostEqual(peer["spread_high"], 16.0 / 9.8)
        self.assertEqual((peer["met"], peer["clear"]), (True, False))  # 1.44x at the low end
        over = items["compiled_over_cpp"]
        self.assertAlmostEqual(over["spread_low"], 9.8 - 9.7)
        self.assertAlmostEqual(over["spread_high"], 10.4 - 9.4)
        self.assertEqual((over["met"], over["clear"]), (True, True))
        self.assertEqual((items["hand_1_bound"]["spread_low"], items["hand_1_bound"]["clear"]), (None, None))

    def test_no_spread_without_percentiles(self):
        items = by_key(targets.check(FULL, "znver5"))
        self.assertEqual([(i["spread_low"], i["spread_high"], i["clear"]) for i in items.values()
                          if i["spread_low"] is not None or i["clear"] is not None], [])

    def test_known_ratios_and_verdicts(self):
        items = by_key(targets.check(FULL, "znver5"))
        self.assertEqual(items["hand_1_bound"]["formula"], "hand/avx512/rnn / bound/weight_stream")
        self.assertAlmostEqual(items["hand_1_bound"]["value"], 8.0 / 7.0)
        self.assertTrue(items["hand_1_bound"]["met"])
        self.assertAlmostEqual(items["hand_1_aot"]["value"], 18.0 / 8.0)
        self.assertTrue(items["hand_1_aot"]["met"])
        self.assertAlmostEqual(items["hand_2_bound"]["value"], 4.0 / 3.5)
        self.assertAlmostEqual(items["hand_2_aot"]["value"], 18.0 / 4.0)
        self.assertAlmostEqual(items["hand_1_aot_default"]["value"], 18.0 / 8.0)

    def test_tuned_build_counts_as_best_aot_but_not_as_default_target(self):
        paths = [p if p["name"] != "aot/znver5_tuned/rnn" else path("aot/znver5_tuned/rnn", 12.0) for p in FULL]
        items = by_key(targets.check(paths, "znver5"))
        self.assertEqual(items["hand_1_aot"]["formula"], "aot/znver5_tuned/rnn / hand/avx512/rnn")
        self.assertFalse(items["hand_1_aot"]["met"])  # 12 / 8 = 1.5x
        self.assertEqual(items["hand_1_aot_default"]["formula"], "aot/znver5/rnn / hand/avx512/rnn")
        self.assertTrue(items["hand_1_aot_default"]["met"])
        self.assertAlmostEqual(items["compiled_over_cpp"]["value"], 1.0)
        self.assertTrue(items["compiled_over_cpp"]["met"])
        self.assertAlmostEqual(items["compiled_aot_vs_peer"]["value"], 18.0 / 19.0)
        self.assertFalse(items["compiled_aot_vs_peer"]["met"])
        self.assertEqual(items["compiled_best_vs_peer"]["formula"],
                         "tflite/interpreter/one_thread/rnn / python_compiled/hand/rnn")
        self.assertTrue(items["compiled_best_vs_peer"]["met"])

    def test_every_python_build_against_its_cpp_twin_and_the_fastest_against_peers(self):
        paths = FULL + [path("aot/znver5_hoisted_tuned/rnn", 10.0), path("python_compiled/aot_hoisted_tuned/rnn", 11.0),
                        path("python_compiled/aot_out/rnn", 18.5), path("python_compiled/aot_nocpp/rnn", 30.0)]
        items = by_key(targets.check(paths, "znver5"))
        twin = items["compiled_over_cpp_hoisted_tuned"]
        self.assertEqual(twin["formula"], "python_compiled/aot_hoisted_tuned/rnn - aot/znver5_hoisted_tuned/rnn")
        self.assertAlmostEqual(twin["value"], 1.0)
        self.assertTrue(twin["met"])
        # aot_out has no C++ build of its own, nor has aot_nocpp here: no twin target.
        self.assertEqual(sorted(k for k in items if k.startswith("compiled_over_cpp")),
                         ["compiled_over_cpp", "compiled_over_cpp_hoisted_tuned"])
        fastest = items["compiled_aot_vs_peer"]
        self.assertEqual(fastest["formula"], "tflite/interpreter/one_thread/rnn / python_compiled/aot_hoisted_tuned/rnn")
        self.assertAlmostEqual(fastest["value"], 18.0 / 11.0)
        self.assertTrue(fastest["met"])
        # The hand kernel is no AOT build: 9 us would beat 11 us here.
        self.assertEqual(items["compiled_best_vs_peer"]["formula"],
                         "tflite/interpreter/one_thread/rnn / python_compiled/hand/rnn")

    def test_best_other_engine_is_any_engine_from_python_not_one_from_cpp(self):
        paths = FULL + [path("peer/pytorch/aoti_no_onednn_pinned/rnn", 17.0), path("peer/iree/local_sync/rnn", 17.5),
                        path("peer/pytorch/aoti_cpp_no_onednn/rnn", 5.0)]
        items = by_key(targets.check(paths, "znver5"))
        self.assertEqual(items["compiled_aot_vs_peer"]["formula"],
                         "peer/pytorch/aoti_no_onednn_pinned/rnn / python_compiled/aot/rnn")
        self.assertAlmostEqual(items["compiled_aot_vs_peer"]["value"], 17.0 / 19.0)

    def test_aoti_from_cpp_is_noted_against_the_fastest_aot_build(self):
        paths = FULL + [path("peer/pytorch/aoti_cpp_no_onednn/rnn", 45.0)]
        notes = [n for n in targets.check(paths, "znver5")["notes"] if "AOTInductor" in n]
        self.assertEqual(notes, ["Ahead-of-time compilers from C++: XLA's fastest build aot/znver5/rnn 18.0 us vs "
                                 "PyTorch's AOTInductor peer/pytorch/aoti_cpp_no_onednn/rnn 45.0 us (2.50x the "
                                 "time)."])
        self.assertFalse(any("AOTInductor" in n for n in targets.check(FULL, "znver5")["notes"]))

    def test_ablation_is_not_the_hand_kernel_and_its_saving_is_noted(self):
        paths = [p for p in FULL if p["name"] not in ("hand/avx512/rnn", "hand/avx2/rnn")]
        result = targets.check(paths, "znver5")
        self.assertIsNone(by_key(result)["hand_1_bound"]["met"])
        self.assertIn("no ok hand/*/rnn path on 1 core", by_key(result)["hand_1_bound"]["why"])
        saving = [n for n in targets.check(FULL, "znver5")["notes"] if "step 0" in n]
        self.assertLen(saving, 1)
        self.assertIn("saves 2.00 us", saving[0])

    def test_multi_core_caveat_only_with_multi_core_rows(self):
        self.assertTrue(any("Multi-core" in n for n in targets.check(FULL)["notes"]))
        one_core = [p for p in FULL if "2threads" not in p["name"]]
        self.assertFalse(any("Multi-core" in n for n in targets.check(one_core)["notes"]))

    def test_limit_note_names_the_larger_bound(self):
        notes = targets.check(FULL, "znver5")["notes"]
        self.assertTrue(any("limited by cache bandwidth" in n for n in notes), notes)
        compute = [p if p["name"] != "bound/fma_peak" else path("bound/fma_peak", 9.0) for p in FULL]
        self.assertTrue(any("limited by compute" in n for n in targets.check(compute)["notes"]))

    def test_failed_inputs_are_not_checked(self):
        paths = [p if p["name"] != "aot/znver5/rnn" else path("aot/znver5/rnn", None, "FAILED") for p in FULL]
        items = by_key(targets.check(paths, "znver5"))
        self.assertIsNone(items["compiled_over_cpp"]["met"])
        self.assertIn("aot/znver5/rnn not ok", items["compiled_over_cpp"]["why"])
        # The best AOT falls back to the other target.
        self.assertAlmostEqual(items["hand_1_aot"]["value"], 19.0 / 8.0)

    def test_missing_bound_and_beaten_bound(self):
        paths = [p for p in FULL if p["name"] != "bound/weight_stream_2cores"]
        items = by_key(targets.check(paths, "znver5"))
        self.assertIsNone(items["hand_2_bound"]["met"])
        self.assertIn("not both measured", items["hand_2_bound"]["why"])
        beaten = [p if p["name"] != "bound/weight_stream" else path("bound/weight_stream", 9.0) for p in FULL]
        notes = targets.check(beaten, "znver5")["notes"]
        self.assertTrue(any("not tight" in n for n in notes), notes)

    def test_no_peer_no_python_compiled(self):
        paths = [p for p in FULL if p["group"] not in ("tflite", "peer", "python_compiled")]
        items = by_key(targets.check(paths, "znver5"))
        for key in ("compiled_over_cpp", "compiled_aot_vs_peer", "compiled_best_vs_peer"):
            self.assertIsNone(items[key]["met"], key)


if __name__ == "__main__":
    absltest.main()
