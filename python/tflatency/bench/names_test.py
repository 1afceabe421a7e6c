"""names: file stems, report names, and the `_pinned` renaming inside result JSON."""

import json
import os

from absl.testing import absltest

from tflatency.bench import names


class NamesTest(absltest.TestCase):

    def test_file_stem(self):
        self.assertEqual(names.file_stem("aot/haswell/rnn"), "aot__haswell__rnn")
        self.assertEqual(names.file_stem("peer/jax/jit/rnn", "_pinned"), "peer__jax__jit__rnn_pinned")

    def test_report_name_puts_the_suffix_before_the_kind(self):
        self.assertEqual(names.report_name("peer/jax/jit/rnn", "_pinned"), "peer/jax/jit_pinned/rnn")
        self.assertEqual(names.report_name("peer/jax/jit/rnn"), "peer/jax/jit/rnn")

    def test_with_suffix(self):
        self.assertEqual(names.with_suffix("peer/jax/jit/rnn", "_pinned"), "peer/jax/jit_pinned/rnn")
        self.assertEqual(names.with_suffix("tflite/interpreter/one_thread/rnn/real_time_median", "_pinned"),
                         "tflite/interpreter/one_thread_pinned/rnn/real_time_median")
        self.assertEqual(names.with_suffix("aot/haswell/rnn", "_pinned"), "aot/haswell/rnn")  # three segments
        self.assertEqual(names.with_suffix("Peer/jax/jit/rnn", "_pinned"), "Peer/jax/jit/rnn")  # not a group name

    def _kept(self, text, suffix):
        folder = self.create_tempdir().full_path
        temporary, final = os.path.join(folder, "x.json.tmp"), os.path.join(folder, "x.json")
        with open(temporary, "w") as f:
            f.write(text)
        names.keep(temporary, final, suffix)
        self.assertFalse(os.path.exists(temporary))
        with open(final) as f:
            return f.read()

    def test_keep_renames_rows_and_per_call_name(self):
        data = {"context": {"host_name": "vm", "executable": "peer/jax/jit/rnn/x"},
                "benchmarks": [{"name": "peer/jax/jit/rnn/real_time", "run_name": "peer/jax/jit/rnn/real_time",
                                "real_time": 1.5, "cv": float("nan")}]}
        kept = json.loads(self._kept(json.dumps(data), "_pinned"))
        row = kept["benchmarks"][0]
        self.assertEqual((row["name"], row["run_name"]),
                         ("peer/jax/jit_pinned/rnn/real_time", "peer/jax/jit_pinned/rnn/real_time"))
        self.assertEqual(kept["context"], data["context"])  # only name and run_name change
        self.assertNotEqual(row["cv"], row["cv"])  # NaN stays NaN
        per_call = json.loads(self._kept(json.dumps({"name": "peer/jax/jit/rnn", "samples_ns": [1]}), "_pinned"))
        self.assertEqual(per_call["name"], "peer/jax/jit_pinned/rnn")

    def test_keep_moves_unusable_json_unchanged(self):
        self.assertEqual(self._kept('{"benchmarks": [', "_pinned"), '{"benchmarks": [')

    def test_keep_without_suffix_keeps_the_bytes(self):
        text = '{"benchmarks":[{"name":"peer/jax/jit/rnn"}]}'
        self.assertEqual(self._kept(text, ""), text)


if __name__ == "__main__":
    absltest.main()
