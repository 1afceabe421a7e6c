"""tflatency.report.engines: one row per engine, its fastest ok variant unpinned and pinned, against TF."""

from absl.testing import absltest

from tflatency.report import engines
from tflatency.report import load
from tflatency.report import markdown
from tflatency.report import naming
from tflatency.report import summary as summary_lib


def _path(name, median=None, status="ok", reason=None):
    group, kind = name.split("/")[0], name.split("/")[-1]
    return {"name": name, "group": group, "kind": kind, "status": status, "reason": reason,
            "precision": naming.precision_of(name),
            "median_us": median if status == "ok" else None,
            "p10_us": median * 0.9 if median else None, "p90_us": median * 1.2 if median else None}


PATHS = [
    _path("python/signature/rnn", 200.0),
    _path("aot/znver3/rnn", 20.0),
    _path("python_compiled/aot/rnn", 12.0),
    _path("hand/kernel/rnn", 5.0),  # not an engine
    _path("bound/fma_peak", 1.0),
    _path("tflite/interpreter/one_thread/rnn", 60.0),
    _path("tflite/interpreter/one_thread_pinned/rnn", 50.0),
    _path("peer/pytorch/eager/rnn", 400.0),
    _path("peer/pytorch/aoti_no_onednn/rnn", 80.0),
    _path("peer/pytorch/aoti_no_onednn_pinned/rnn", 70.0),
    _path("peer/pytorch/compile/rnn", status="FAILED", reason="golden check FAILED"),
    _path("peer/openvino/one_thread/rnn", status="n/a", reason="openvino cannot be imported: ImportError"),
    _path("peer/openvino/one_thread_pinned/rnn", status="n/a", reason="openvino cannot be imported"),
    _path("peer/iree/local_sync/rnn", 90.0),
    _path("peer/iree/local_sync_pinned/rnn", 40.0),
    _path("peer/iree/local_sync_int8/rnn", 10.0),  # reduced precision: not compared here
    _path("python_compiled/hand_int8/rnn", 6.0),
]


class CompareTest(absltest.TestCase):

    def setUp(self):
        super().setUp()
        self.rows = {row["engine"]: row for row in engines.compare(PATHS, "rnn")}

    def test_every_engine_and_tensorflow_family_has_one_row(self):
        self.assertEqual(sorted(self.rows), ["aot", "peer/iree", "peer/openvino", "peer/pytorch", "python",
                                             "python_compiled", "tflite"])

    def test_fastest_variant_unpinned_and_pinned(self):
        pytorch = self.rows["peer/pytorch"]
        self.assertEqual(pytorch["best"]["name"], "peer/pytorch/aoti_no_onednn/rnn")
        self.assertEqual(pytorch["best_pinned"]["name"], "peer/pytorch/aoti_no_onednn_pinned/rnn")
        self.assertEqual(pytorch["variants"], 4)
        self.assertAlmostEqual(pytorch["ratio"], 80.0 / 12.0)
        self.assertAlmostEqual(self.rows["peer/iree"]["ratio_pinned"], 40.0 / 12.0)

    def test_only_fp32_variants_compete(self):
        self.assertEqual(self.rows["peer/iree"]["best"]["name"], "peer/iree/local_sync/rnn")
        self.assertEqual(self.rows["python_compiled"]["best"]["name"], "python_compiled/aot/rnn")

    def test_an_engine_with_no_ok_variant_says_why(self):
        openvino = self.rows["peer/openvino"]
        self.assertIsNone(openvino["best"])
        self.assertEqual(openvino["not_ok"]["reason"], "openvino cannot be imported: ImportError")

    def test_tensorflow_rows_first_then_engines_fastest_first(self):
        order = [row["engine"] for row in engines.compare(PATHS, "rnn")]
        self.assertEqual(order, ["python", "aot", "python_compiled", "peer/iree", "tflite", "peer/pytorch",
                                 "peer/openvino"])

    def test_markdown_section(self):
        inputs = load.Inputs(folder="/nowhere", context={}, benchmark_contexts={},
                             rows=[load.Row("a.json", "aot/x/rnn", "iteration", None, 40.0, None)],
                             failures=[], problems=[])
        summary = summary_lib.build(inputs)
        template = summary["paths"][0]  # a built path row: every field the renderer reads
        summary["paths"] = [{**template, **path} for path in PATHS]
        lines = markdown.render(summary).splitlines()
        start = lines.index("## Engines")
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
        rows = [line for line in lines[start:end] if line.startswith("| ")][1:]  # without the header
        self.assertLen(rows, 7)
        self.assertIn("| iree | peer/iree/local_sync/rnn | 90.0 | 81.0-108 | 7.50 | peer/iree/local_sync_pinned/rnn",
                      rows[3])
        self.assertStartsWith(rows[-1], "| openvino | n/a: openvino cannot be imported: ImportError |")
        self.assertIn("python_compiled/aot/rnn 12.0 us", lines[start + 2])


if __name__ == "__main__":
    absltest.main()
