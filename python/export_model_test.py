"""Tests for the SavedModel export: determinism, golden files, and the model's math."""

import filecmp
import os
import subprocess
import sys

import numpy as np
from absl.testing import absltest

from tflatency import golden
from tflatency import reference
from tflatency.model_config import load_config
from tflatency.weights import make_weights

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, "..", "configs")
EXPORT = os.path.join(HERE, "export_model.py")


def read(prefix):
    """(info, input arrays, the one output array) of an exported model's golden files."""
    info, inputs, outputs = golden.read_golden(prefix)
    assert len(outputs) == 1, outputs
    return info, [array for _, array in inputs], outputs[0][1]


def export(config_name, out_dir, *extra):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=HERE)
    cmd = [sys.executable, EXPORT, f"--saved_model_dir={out_dir}/sm", f"--golden_prefix={out_dir}/m", *extra]
    if config_name:
        cmd.append(f"--config={os.path.join(CONFIGS, config_name)}")
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


class ExportTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dirs = []
        for _ in range(2):
            out = absltest.get_default_test_tmpdir() + f"/run{len(cls.dirs)}"
            result = export("gru_3layer.json", out)
            assert result.returncode == 0, result.stderr
            cls.dirs.append(out)

    def test_golden_files_are_byte_identical_across_exports(self):
        names = ["m_golden.h", "m_info.json", "m_input0.bin", "m_output0.bin"]
        match, mismatch, errors = filecmp.cmpfiles(self.dirs[0], self.dirs[1], names, shallow=False)
        self.assertEqual((mismatch, errors), ([], []))
        self.assertLen(match, 4)

    def test_saved_model_is_byte_identical_across_exports(self):
        # fingerprint.pb's uuid is random in TF; export derives it from the content.
        names = ["saved_model.pb", "fingerprint.pb", "variables/variables.index",
                 "variables/variables.data-00000-of-00001"]
        match, mismatch, errors = filecmp.cmpfiles(self.dirs[0] + "/sm", self.dirs[1] + "/sm", names, shallow=False)
        self.assertEqual((sorted(match), mismatch, errors), (sorted(names), [], []))

    def test_golden_output_matches_numpy_reference(self):
        info, inputs, output = read(self.dirs[0] + "/m")
        config = load_config(os.path.join(CONFIGS, "gru_3layer.json"))
        want = reference.forward(config, make_weights(config), inputs[0])
        ok, diff = golden.max_violation(output, want)
        self.assertTrue(ok, f"TF and NumPy disagree by {diff}")
        self.assertEqual(info["fma_count"], 207_360)
        self.assertEqual(output.shape, (1, 3, 64))

    def test_header_is_exact(self):
        # Every float is written as an exact hex literal, so C++ sees TF's bits.
        _, inputs, _ = read(self.dirs[0] + "/m")
        with open(self.dirs[0] + "/m_golden.h") as f:
            text = f.read()
        self.assertIn(float(inputs[0].ravel()[0]).hex() + "f", text)
        self.assertIn("static constexpr int64_t kFmaCount = 207360;", text)

    def test_saved_model_is_complete(self):
        for part in ["saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001"]:
            self.assertTrue(os.path.exists(os.path.join(self.dirs[0], "sm", part)), part)

    def test_trivial_multiply(self):
        out = self.create_tempdir().full_path
        result = export(None, out, "--trivial_multiply")
        self.assertEqual(result.returncode, 0, result.stderr)
        _, inputs, output = read(out + "/m")
        self.assertEqual((int(inputs[0]), int(inputs[1]), int(output)), (6, 7, 42))

    def test_bad_config_is_one_line_error(self):
        bad = self.create_tempfile("bad.json", content='{"name": "x", "cell": "lstm"}').full_path
        result = export(None, self.create_tempdir().full_path, f"--config={bad}")
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr.strip().splitlines()[-1], r"^export_model: .*bad.json: missing field ")

    def test_hoisted_export_records_its_graph(self):
        out = self.create_tempdir().full_path
        result = export("gru_3layer.json", out, "--hoist_input_projection")
        self.assertEqual(result.returncode, 0, result.stderr)
        info, inputs, output = read(out + "/m")
        self.assertEqual(info["graph"], "hoisted_input_projection")
        _, _, per_step_output = read(self.dirs[0] + "/m")
        self.assertTrue(golden.max_violation(output, per_step_output)[0])
        with open(self.dirs[0] + "/m_info.json") as f:
            self.assertIn('"graph": "per_step"', f.read())

    def test_bf16_export_holds_the_fp32_golden_at_the_reduced_tolerance(self):
        out = self.create_tempdir().full_path
        result = export("gru_3layer.json", out, "--weights_precision=bf16")
        self.assertEqual(result.returncode, 0, result.stderr)
        info, _, output = read(out + "/m")
        _, _, fp32_output = read(self.dirs[0] + "/m")
        np.testing.assert_array_equal(output, fp32_output)  # the golden output is the fp32 model's
        self.assertEqual((info["weights_precision"], info["outputs"][0]["atol"], info["outputs"][0]["rtol"]),
                         ("bf16", golden.REDUCED_PRECISION_ATOL, 0.0))
        # The SavedModel's kernels are bf16 (rounded to nearest even), its biases fp32; its output is
        # within the reduced tolerance of the fp32 golden output, and not equal to it.
        import tensorflow as tf  # pylint: disable=g-import-not-at-top
        reader = tf.train.load_checkpoint(out + "/sm/variables/variables")
        dtypes = reader.get_variable_to_dtype_map()
        self.assertEqual([dtypes[f"layers/0/{key}/.ATTRIBUTES/VARIABLE_VALUE"] for key in
                          ("kernel", "recurrent_kernel", "bias")], [tf.bfloat16, tf.bfloat16, tf.float32])
        config = load_config(os.path.join(CONFIGS, "gru_3layer.json"))
        bits = make_weights(config)[0]["kernel"].view(np.uint32).astype(np.uint64)
        rne = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16).astype(np.uint32).view(np.float32)
        saved = reader.get_tensor("layers/0/kernel/.ATTRIBUTES/VARIABLE_VALUE")
        np.testing.assert_array_equal(saved.astype(np.float32), rne)
        loaded = tf.saved_model.load(out + "/sm")
        y = loaded.signatures["serving_default"](x=tf.constant(read(out + "/m")[1][0]))["y"].numpy()
        ok, max_diff = golden.max_violation(y, output, golden.REDUCED_PRECISION_ATOL, 0.0)
        self.assertTrue(ok and max_diff > 1e-6, max_diff)

    def test_hoist_needs_an_rnn(self):
        result = export(None, self.create_tempdir().full_path, "--trivial_multiply", "--hoist_input_projection")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.strip().splitlines(),
                         ["export_model: --hoist_input_projection applies to an RNN (--config), not --trivial_multiply"])
        bf16 = export(None, self.create_tempdir().full_path, "--trivial_multiply", "--weights_precision=bf16")
        self.assertEqual((bf16.returncode, bf16.stderr.strip().splitlines()),
                         (1, ["export_model: --weights_precision applies to an RNN (--config), not --trivial_multiply"]))
        neither = export(None, self.create_tempdir().full_path)
        self.assertEqual((neither.returncode, neither.stderr.strip().splitlines()),
                         (1, ["export_model: give exactly one of --config or --trivial_multiply"]))


class ReferenceTest(absltest.TestCase):

    def test_both_graphs_of_both_cells_match_numpy(self):
        import tensorflow as tf
        from tflatency.rnn_model import RnnModel
        from tflatency.weights import make_golden_input
        for name in ("rnn_547k.json", "gru_3layer.json"):
            config = load_config(os.path.join(CONFIGS, name))
            x = make_golden_input(config)
            want = reference.forward(config, make_weights(config), x)
            for hoisted in (False, True):
                with self.subTest(config=name, hoisted=hoisted):
                    got = RnnModel(config, hoisted).serve(tf.constant(x))["y"].numpy()
                    ok, diff = golden.max_violation(got, want)
                    self.assertTrue(ok, diff)

    def test_gate_fails_on_wrong_output(self):
        want = np.ones((2, 3), np.float32)
        self.assertFalse(golden.max_violation(want + 1e-2, want)[0])
        self.assertFalse(golden.max_violation(np.full((2, 3), np.nan, np.float32), want)[0])
        self.assertFalse(golden.max_violation(want[:1], want)[0])
        self.assertTrue(golden.max_violation(want + 1e-7, want)[0])


if __name__ == "__main__":
    absltest.main()
