"""peer/pytorch/<variant>/rnn: the configured LSTM/GRU as torch.nn.LSTM/GRU on the exported weights.

PyTorch has no converter from a SavedModel, so this engine re-implements the
configured RNN (as JAX and NumPy do): a user's model has no PyTorch rows. The
module is nn.LSTM/nn.GRU (batch_first) whose parameters are the exported
weights: Keras kernels [in, gates*units] transposed, GRU gates reordered from
Keras's (z, r, n) to PyTorch's (r, z, n), the LSTM's single bias as bias_ih with
bias_hh zero. Everything runs on one intra-op thread under torch.inference_mode.

  eager        the module called as it is
  torchscript  torch.jit.trace + freeze + optimize_for_inference
  compile      torch.compile (Inductor) with torch._dynamo.config.allow_rnn (else
               Dynamo leaves nn.LSTM to eager); compiled in make_step, so the
               compile time is part of the load a cold start pays
  aoti         AOTInductor: torch.export + aoti_compile_and_package to a .pt2
               package, loaded from Python with aoti_load_package (compile
               included in the load)

Each variant also comes as <variant>_no_onednn: PyTorch's CPU LSTM goes through
oneDNN's RNN primitive by default, which is slow at batch 1; with
torch.backends.mkldnn off it takes ATen's own kernels. The switch is read at
every call by whatever runs aten::lstm (eager, TorchScript, a compiled graph
that falls back to it), so every step sets it on every call (one assignment;
one process may run several variants). For compile and aoti it is also read
while compiling; Inductor's compile cache does not key on it, so each variant
compiles into its own TORCHINDUCTOR_CACHE_DIR.
"""

import os
import time
import warnings

import numpy as np

ENGINE = "pytorch"
BASE_VARIANTS = ("eager", "torchscript", "compile", "aoti")
NO_ONEDNN = "_no_onednn"
VARIANTS = tuple(v + s for v in BASE_VARIANTS for s in ("", NO_ONEDNN))


def _torch_parameters(config, layer):
    """{PyTorch parameter suffix: array} of one layer's Keras-layout weights."""
    u = config.units
    if config.cell == "lstm":  # Keras and PyTorch share the gate order i, f, g, o
        order = list(range(4 * u))
        recurrent_bias = np.zeros(4 * u, np.float32)
    else:  # Keras z, r, n -> PyTorch r, z, n
        order = [*range(u, 2 * u), *range(u), *range(2 * u, 3 * u)]
        recurrent_bias = layer["recurrent_bias"][order]
    return {"weight_ih": layer["kernel"].T[order], "weight_hh": layer["recurrent_kernel"].T[order],
            "bias_ih": layer["bias"][order], "bias_hh": recurrent_bias}


def build_module(torch, config, weights):
    """An eval-mode nn.Module: x [batch, time, features] -> the top layer's outputs [batch, time, units]."""
    cls = torch.nn.LSTM if config.cell == "lstm" else torch.nn.GRU

    class Rnn(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = cls(config.input_size, config.units, num_layers=config.layers, batch_first=True)

        def forward(self, x):
            return self.rnn(x)[0]

    module = Rnn().eval()
    with torch.no_grad():
        for n, layer in enumerate(weights):
            for name, value in _torch_parameters(config, layer).items():
                param = getattr(module.rnn, f"{name}_l{n}")
                if tuple(param.shape) != value.shape:
                    raise ValueError(f"layer {n} {name}: PyTorch wants {tuple(param.shape)}, the weights "
                                     f"give {value.shape}")
                param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return module


class Loaded:
    """The eager module and the golden input as a tensor; variants are built (compiled) in make_step."""

    def __init__(self, model, workdir):
        if model.config is None:
            raise ValueError("PyTorch has no converter from a SavedModel; this engine re-implements the "
                             "configured LSTM/GRU only")
        import torch  # pylint: disable=g-import-not-at-top  (slow import: only when selected)
        self._torch = torch
        self._model = model
        self._workdir = workdir
        torch.set_num_threads(1)
        self._onednn_default = torch.backends.mkldnn.enabled
        self._x = torch.from_numpy(model.x)
        self.context = {"pytorch_version": torch.__version__,
                        "pytorch_threads": torch.get_num_threads(),
                        "pytorch_onednn_available": torch.backends.mkldnn.is_available(),
                        "pytorch_cpu_capability": torch.backends.cpu.get_cpu_capability()}

    def _module(self):
        return build_module(self._torch, self._model.config, self._model.weights)

    def _build(self, base, onednn):
        """A callable x -> output tensor (compiled now, for compile and aoti)."""
        torch = self._torch
        module = self._module()
        x = self._x
        if base == "eager":
            return module
        if base == "torchscript":
            with torch.inference_mode():
                traced = torch.jit.trace(module, (x,), check_trace=False)
            return torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))
        variant = base + ("" if onednn else NO_ONEDNN)
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.join(self._workdir, f"inductor_{variant}")
        if base == "compile":
            import torch._dynamo  # pylint: disable=g-import-not-at-top
            torch._dynamo.config.allow_rnn = True  # pylint: disable=protected-access
            compiled = torch.compile(module, fullgraph=True)
            with torch.inference_mode():
                compiled(x)  # compiles now, as part of the load
            return compiled
        with warnings.catch_warnings():  # export's notes on nn.LSTM's internals and pytree APIs
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", FutureWarning)
            exported = torch.export.export(module, (x,))
        path = torch._inductor.aoti_compile_and_package(  # pylint: disable=protected-access
            exported, package_path=os.path.join(self._workdir, f"{variant}.pt2"))
        self.context[f"{variant}_package_bytes"] = os.path.getsize(path)
        return torch._inductor.aoti_load_package(path)  # pylint: disable=protected-access

    def make_step(self, variant):
        if variant not in VARIANTS:
            raise ValueError(f"unknown pytorch variant {variant!r}")
        torch = self._torch
        base = variant.removesuffix(NO_ONEDNN)
        onednn = self._onednn_default and not variant.endswith(NO_ONEDNN)
        start = time.perf_counter()
        previous = torch.backends.mkldnn.enabled
        torch.backends.mkldnn.enabled = onednn
        try:
            run = self._build(base, onednn)
        finally:
            torch.backends.mkldnn.enabled = previous
        self.context[f"{variant}_build_seconds"] = round(time.perf_counter() - start, 3)
        backends, x, inference_mode = torch.backends.mkldnn, self._x, torch.inference_mode

        def step():
            backends.enabled = onednn
            with inference_mode():
                return run(x).numpy()
        return step


def load(model, workdir):
    return Loaded(model, workdir)
