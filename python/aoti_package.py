"""Writes the AOTInductor package (.pt2) of the benchmarked RNN for //cc:aoti_bench.

The model is tflatency.peers.torch_engine's torch.nn.LSTM/GRU on the exported
weights, exported with oneDNN off (PyTorch's oneDNN RNN path is slow at batch 1;
peer/pytorch/aoti_no_onednn is the same package loaded from Python), compiled
by torch._inductor.aoti_compile_and_package for the building machine's CPU.
Before writing, the package is loaded and checked against the golden output.

  aoti_package --golden_prefix=model/model --weights=model/model_weights.bin --out=model.pt2
"""

import os
import sys
import tempfile
import warnings

from absl import app
from absl import flags

_GOLDEN_PREFIX = flags.DEFINE_string("golden_prefix", None, "Path prefix of the model's golden files.")
_WEIGHTS = flags.DEFINE_string("weights", None, "The exported weights (default <golden_prefix>_weights.bin).")
_OUT = flags.DEFINE_string("out", None, "The .pt2 package to write.")


def main(argv):
    if len(argv) > 1:
        sys.exit(f"aoti_package: unexpected argument {argv[1]!r}")
    for flag in (_GOLDEN_PREFIX, _OUT):
        if not flag.value:
            sys.exit(f"aoti_package: --{flag.name} is required")
    from tflatency.peers import model as peer_model  # pylint: disable=g-import-not-at-top
    from tflatency.peers import torch_engine  # pylint: disable=g-import-not-at-top
    try:
        model = peer_model.load(_GOLDEN_PREFIX.value, _WEIGHTS.value)
    except peer_model.InputError as e:
        sys.exit(f"aoti_package: {e}")
    import torch  # pylint: disable=g-import-not-at-top
    with tempfile.TemporaryDirectory(prefix="aoti_package_") as cache:
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = cache
        torch.backends.mkldnn.enabled = False
        module = torch_engine.build_module(torch, model.config, model.weights)
        x = torch.from_numpy(model.x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exported = torch.export.export(module, (x,))
        path = torch._inductor.aoti_compile_and_package(  # pylint: disable=protected-access
            exported, package_path=os.path.abspath(_OUT.value))
        with torch.inference_mode():
            result = model.golden.check(torch._inductor.aoti_load_package(path)(x).numpy())  # pylint: disable=protected-access
    if not result.ok:
        os.remove(path)
        sys.exit(f"aoti_package: the package fails the golden check: {result.describe()}")


if __name__ == "__main__":
    app.run(main)
