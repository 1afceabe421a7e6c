"""//cc:aoti_bench's golden gate: a package built on wrong weights fails it before any timing.

aoti_bench's golden vectors are compiled in (//model:model_golden); the package it
runs is a file. Here that file is AOTInductor's compile of the benchmarked RNN
(tflatency.peers.torch_engine's module, as python/aoti_package.py builds it) with
every weight negated, so only the gate stands between it and a timing row. The
compile takes about 15 s on two cores. Without torch, aoti_bench is built as
an n/a program: then its one row must say n/a with the reason.

  aoti_bench_gate_test <aoti_bench> <model_info.json>
"""

import dataclasses
import os
import subprocess
import sys
import tempfile
import warnings

from absl.testing import absltest

from tflatency.peers import model as peer_model

AOTI_BENCH, MODEL_INFO = sys.argv[1:3] if len(sys.argv) >= 3 else (None, None)
CASE = "peer/pytorch/aoti_cpp_no_onednn/rnn"


def run_bench(*args):
    return subprocess.run([AOTI_BENCH, *args], capture_output=True, text=True, timeout=300)


def compile_package(model, path):
    """The package of `model` (weights as given), compiled as aoti_package.py does, without its gate."""
    import torch  # pylint: disable=g-import-not-at-top
    from tflatency.peers import torch_engine  # pylint: disable=g-import-not-at-top
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp()
    torch.backends.mkldnn.enabled = False
    module = torch_engine.build_module(torch, model.config, model.weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exported = torch.export.export(module, (torch.from_numpy(model.x),))
    return torch._inductor.aoti_compile_and_package(exported, package_path=path)  # pylint: disable=protected-access


class AotiBenchGateTest(absltest.TestCase):

    def test_wrong_weights_fail_the_gate(self):
        probe = run_bench(f"--benchmark_filter=^{CASE}$")
        if "n/a" in probe.stdout + probe.stderr:  # built without torch: the row says why
            self.assertRegex(probe.stdout + probe.stderr, r"n/a: \S")
            self.skipTest("aoti_bench is built as n/a here")
        model = peer_model.load(MODEL_INFO[:-len("_info.json")])
        wrong = dataclasses.replace(model, weights=[{name: -value for name, value in layer.items()}
                                                    for layer in model.weights])
        package = compile_package(wrong, os.path.join(self.create_tempdir().full_path, "wrong.pt2"))
        result = run_bench(f"--package={package}", "--benchmark_min_time=0.01")
        self.assertEqual(result.returncode, 1, result.stderr[-2000:])
        self.assertRegex(result.stdout + result.stderr,
                         rf"{CASE}.*ERROR OCCURRED: 'golden check FAILED: max \|got - golden\| = ")


if __name__ == "__main__":
    absltest.main(argv=sys.argv[:1])
