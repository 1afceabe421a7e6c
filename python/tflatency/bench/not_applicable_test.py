"""not_applicable.rows: which paths a user's model cannot take, each with a one-line reason."""

import json

from absl.testing import absltest

from tflatency.bench import not_applicable
from tflatency.bench import run

COMPILES = {"xla": {"compiles": True, "reason": ""}, "fma_count": 64}
NO_XLA = {"xla": {"compiles": False, "reason": "XLA cannot compile op SegmentSum (no XLA CPU kernel)"},
          "fma_count": None, "fma_reason": "not counted: XLA cannot compile op SegmentSum (no XLA CPU kernel)"}


def names(info):
    return {name: reason for name, reason in not_applicable.rows(info, "znver3")}


class RowsTest(absltest.TestCase):

    def test_rnn_only_paths_of_a_model_xla_compiles(self):
        rows = names(COMPILES)
        for name in ("python/eager/model", "hand/kernel/model", "aot/znver3_hoisted_tuned/model",
                     "peer/jax/jit/model", "peer/jax/jit_pinned/model", "peer/numpy/plain_pinned/model",
                     "tflite/interpreter/one_thread_hoisted_pinned/model", "bound/weight_stream_per_step",
                     "hand/kernel_int8/model", "bound/weight_stream_bf16", "bound/weight_stream_int8",
                     "peer/pytorch/eager/model", "peer/pytorch/aoti_no_onednn_pinned/model",
                     "peer/openvino/one_thread_hoisted/model", "peer/iree/local_sync_hoisted_pinned/model"):
            self.assertIn(name, rows)
        self.assertNotIn("aot/znver3/model", rows)
        self.assertNotIn("peer/openvino/one_thread/model", rows)  # converts any SavedModel
        self.assertNotIn("peer/iree/local_sync/model", rows)
        self.assertStartsWith(rows["peer/pytorch/compile/model"], "PyTorch has no converter from a SavedModel")
        self.assertNotIn("bound/fma_peak", rows)
        self.assertTrue(all(reason and "\n" not in reason for reason in rows.values()))

    def test_xla_paths_name_the_op_and_the_fma_bound_says_why(self):
        rows = names(NO_XLA)
        for name in ("aot/znver3/model", "aot/znver3_tuned/model", "aot/haswell/model", "aot/generic/model",
                     "python/xla_jit/model", "python_compiled/aot/model"):
            self.assertEqual(rows[name], "XLA cannot compile op SegmentSum (no XLA CPU kernel)")
        self.assertRegex(rows["bound/fma_peak"], r"^the model's FMA count is unknown: .*SegmentSum.*--fma_count")
        self.assertEqual(rows["python_compiled/aot_out/model"], rows["aot/znver3/model"])

    def test_out_argument_needs_a_single_output(self):
        two = dict(COMPILES, outputs=[{"name": "pooled"}, {"name": "scores"}])
        self.assertStartsWith(names(two)["python_compiled/aot_out/model"], "out= fills one preallocated array")
        self.assertNotIn("python_compiled/aot_out/model", names(dict(COMPILES, outputs=[{"name": "y"}])))
        self.assertIn("python_compiled/hand_int8/model", names(COMPILES))

    def test_every_name_is_a_path_of_kind_model_or_a_bound(self):
        for name in names(NO_XLA):
            segments = name.split("/")
            if segments[0] == "bound":
                self.assertLen(segments, 2, name)
            else:  # <group>/<variant>/model; peer/<engine>/<variant>/model, tflite/interpreter/<variant>/model
                self.assertEqual((segments[-1], len(segments)), ("model", 4 if segments[0] in ("peer", "tflite") else 3), name)



class RunTest(absltest.TestCase):
    """run.not_applicable: a case whose every row says n/a gets no per-call pass."""

    def write(self, rows):
        path = self.create_tempfile("case.json").full_path
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"benchmarks": rows}, f)
        return path

    def test_rows(self):
        na = {"name": "hand/avx2_int8/rnn", "error_occurred": True,
              "error_message": "n/a: this CPU does not support the avx2 path"}
        failed = {"name": "x", "error_occurred": True, "error_message": "golden check FAILED"}
        self.assertTrue(run.not_applicable(self.write([na, na])))
        self.assertFalse(run.not_applicable(self.write([na, failed])))
        self.assertFalse(run.not_applicable(self.write([{"name": "x", "real_time": 1.0}])))
        self.assertFalse(run.not_applicable(self.write([])))
        self.assertFalse(run.not_applicable("/nonexistent.json"))


if __name__ == "__main__":
    absltest.main()
