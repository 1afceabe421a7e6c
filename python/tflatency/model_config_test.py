"""Tests for config loading, validation and the FMA count."""

import json
import os

from absl.testing import absltest
from absl.testing import parameterized

from tflatency.model_config import ConfigError, config_from_dict, fma_count, load_config

DEFAULT = {
    "name": "rnn_547k", "cell": "lstm", "layers": 2, "units": 128, "input_size": 150,
    "time_steps": 2, "batch": 1, "dtype": "float32", "seed": 1,
}


def configs_dir():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "configs")


class FmaCountTest(parameterized.TestCase):

    def test_default_config_file_is_547k(self):
        config = load_config(os.path.join(configs_dir(), "rnn_547k.json"))
        self.assertEqual(fma_count(config), 546_816)

    @parameterized.named_parameters(
        # 4*H*(D+H) for layer 0, 4*H*(H+H) above, times steps and batch.
        ("one_layer_lstm", dict(layers=1, units=8, input_size=4, time_steps=1), 4 * 8 * 12),
        ("three_layer_lstm_3_steps", dict(layers=3, units=16, input_size=10, time_steps=3),
         3 * (4 * 16 * 26 + 2 * 4 * 16 * 32)),
        ("gru", dict(cell="gru", layers=3, units=64, input_size=40, time_steps=3),
         3 * (3 * 64 * 104 + 2 * 3 * 64 * 128)),
        ("batch_scales_linearly", dict(batch=4), 4 * 546_816),
    )
    def test_formula(self, overrides, expected):
        self.assertEqual(fma_count(config_from_dict(dict(DEFAULT, **overrides))), expected)


class SweepTest(absltest.TestCase):

    def test_shipped_sweep_spans_small_to_large(self):
        from tflatency.sweep import load_sweep
        configs = load_sweep(os.path.join(configs_dir(), "sweep.json"))
        fmas = [fma_count(c) for c in configs]
        self.assertEqual(fmas, sorted(fmas))
        self.assertLess(fmas[0], 20_000)
        self.assertGreater(fmas[-1], 10_000_000)
        self.assertIn(546_816, fmas)

    def test_bad_model_is_named(self):
        from tflatency.sweep import load_sweep
        path = self.create_tempfile("s.json", content=json.dumps(
            {"base": dict(DEFAULT), "models": [{"name": "a"}, {"name": "b", "units": 0}]})).full_path
        with self.assertRaisesRegex(ConfigError, r"s.json: models\[1\]: field 'units' must be positive"):
            load_sweep(path)

    def test_duplicate_names(self):
        from tflatency.sweep import load_sweep
        path = self.create_tempfile("d.json", content=json.dumps(
            {"base": dict(DEFAULT), "models": [{"units": 4}, {"units": 8}]})).full_path
        with self.assertRaisesRegex(ConfigError, "model name 'rnn_547k' appears twice"):
            load_sweep(path)


class ValidationTest(parameterized.TestCase):

    @parameterized.named_parameters(
        ("negative_units", dict(units=-1), "field 'units' must be positive"),
        ("zero_layers", dict(layers=0), "field 'layers' must be positive"),
        ("unknown_cell", dict(cell="rnn"), "field 'cell' must be one of"),
        ("string_units", dict(units="128"), "field 'units' must be an integer"),
        ("bool_batch", dict(batch=True), "field 'batch' must be an integer"),
        ("float_time_steps", dict(time_steps=2.5), "field 'time_steps' must be an integer"),
        ("bad_dtype", dict(dtype="float16"), "field 'dtype' must be one of"),
        ("bad_name", dict(name="a/b"), "field 'name' must be a non-empty identifier"),
        ("negative_seed", dict(seed=-3), "field 'seed' must be non-negative"),
        ("misspelled_field", dict(unit=5), "unknown field 'unit'"),
        ("too_large", dict(units=100_000, layers=8), "model too large"),
    )
    def test_rejects(self, overrides, message):
        with self.assertRaisesRegex(ConfigError, message):
            config_from_dict(dict(DEFAULT, **overrides), where="x.json")

    def test_missing_field_is_named(self):
        data = dict(DEFAULT)
        del data["input_size"]
        with self.assertRaisesRegex(ConfigError, "x.json: missing field 'input_size'"):
            config_from_dict(data, where="x.json")

    def test_not_json_names_file_and_position(self):
        path = self.create_tempfile("bad.json", content="{ not json").full_path
        with self.assertRaisesRegex(ConfigError, r"bad.json: not valid JSON: .* line 1"):
            load_config(path)

    def test_top_level_not_object(self):
        path = self.create_tempfile("list.json", content="[1, 2]").full_path
        with self.assertRaisesRegex(ConfigError, "top level must be a JSON object"):
            load_config(path)

    def test_missing_file(self):
        with self.assertRaisesRegex(ConfigError, "nope.json: cannot read config"):
            load_config("/nonexistent/nope.json")

    def test_every_shipped_config_is_valid(self):
        for name in sorted(os.listdir(configs_dir())):
            if name.endswith(".json") and name != "sweep.json":
                with self.subTest(name):
                    path = os.path.join(configs_dir(), name)
                    with open(path) as f:
                        self.assertEqual(load_config(path).name, json.load(f)["name"])


if __name__ == "__main__":
    absltest.main()
