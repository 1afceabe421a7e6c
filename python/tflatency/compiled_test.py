"""Tests for the AOT-compiled model from Python: golden output, argument errors, threads."""

import os
import threading
from unittest import mock

from absl.testing import absltest
from absl.testing import parameterized
import numpy as np

from tflatency import compiled
from tflatency import golden_check

RNN = golden_check.load("model/model")
TRIVIAL = golden_check.load("model/trivial_multiply")


class CompiledModelTest(parameterized.TestCase):

    def test_golden_output(self):
        y = compiled.load("rnn_547k")(RNN.inputs[0])
        self.assertTrue(RNN.check(y).ok, RNN.check(y).describe())
        self.assertEqual((y.dtype, y.shape), (np.float32, RNN.output.shape))
        self.assertTrue(y.flags.c_contiguous and y.flags.writeable)

    def test_hoisted_build_reproduces_the_per_step_models_golden_output(self):
        # A different graph of the same network: it must match the default
        # model's golden output, not only its own.
        module = compiled.module("rnn_547k", "hoisted_tuned")
        self.assertIn("xla_force_enable_experimental_llvm_ir_gemm", module.xla_flags)
        y = module.Model()(RNN.inputs[0])
        self.assertTrue(RNN.check(y).ok, RNN.check(y).describe())

    def test_out_argument_is_written_and_returned(self):
        out = np.zeros_like(RNN.output)
        result = compiled.load("rnn_547k")(RNN.inputs[0], out=out)
        self.assertIs(result, out)
        self.assertTrue(RNN.check(out).ok)

    def test_trivial_multiply(self):
        z = compiled.load("trivial_multiply")(*TRIVIAL.inputs)
        self.assertEqual(int(z), 42)

    def test_module_metadata(self):
        module = compiled.module("rnn_547k")
        self.assertEqual((module.model_name, module.fma_count, module.variant), ("rnn_547k", 546_816, ""))
        self.assertTrue(module.target_cpu)

    def test_unaligned_input_is_copied_correctly(self):
        x = RNN.inputs[0]
        raw = np.empty(x.size + 1, np.float32)[1:]  # 4 bytes past an aligned start
        raw[:] = x.ravel()
        y = compiled.load("rnn_547k")(raw.reshape(x.shape))
        self.assertTrue(RNN.check(y).ok)

    @parameterized.named_parameters(
        ("float64", lambda x: x.astype(np.float64), TypeError, "input 'x': expected dtype float32"),
        ("wrong_rank", lambda x: x[0], ValueError, r"input 'x': expected rank 3 \(1,2,150\), got rank 2"),
        ("wrong_shape", lambda x: np.zeros((1, 3, 150), np.float32), ValueError, r"expected shape \(1,2,150\), got \(1,3,150\)"),
        ("strided", lambda x: np.zeros((1, 2, 300), np.float32)[:, :, ::2], ValueError, "not C-contiguous"),
        ("list", lambda x: x.tolist(), TypeError, "input 'x': expected a NumPy array"),
    )
    def test_bad_input(self, make, error, message):
        with self.assertRaisesRegex(error, message):
            compiled.load("rnn_547k")(make(RNN.inputs[0]))

    def test_inputs_by_name(self):
        model = compiled.load("rnn_547k")
        np.testing.assert_array_equal(model(x=RNN.inputs[0]), model(RNN.inputs[0]))
        module = compiled.module("rnn_547k")
        self.assertEqual((module.input_names, module.output_names), (("x",), ("y",)))
        trivial = compiled.load("trivial_multiply")
        x, y = (np.array(v, np.int32) for v in (6, 7))
        self.assertEqual(int(trivial(y=y, x=x)), 42)
        self.assertEqual(int(trivial(x, y=y)), 42)
        with self.assertRaisesRegex(TypeError, "^missing input 'x'$"):
            trivial(y=y)
        with self.assertRaisesRegex(TypeError, "^input 'x' given twice$"):
            trivial(x, y, x=x)

    def test_bad_call_shapes(self):
        model = compiled.load("rnn_547k")
        x = RNN.inputs[0]
        with self.assertRaisesRegex(TypeError, "expected 1 input array"):
            model(x, x)
        with self.assertRaisesRegex(TypeError, "^unexpected keyword argument 'output'$"):
            model(x, output=None)
        with self.assertRaisesRegex(ValueError, r"out: expected shape"):
            model(x, out=np.zeros((1, 2, 127), np.float32))
        read_only = np.zeros_like(RNN.output)
        read_only.flags.writeable = False
        with self.assertRaisesRegex(ValueError, "out: array is read-only"):
            model(x, out=read_only)

    def test_explicit_out_none_returns_a_new_array(self):
        y = compiled.load("rnn_547k")(RNN.inputs[0], out=None)
        self.assertTrue(RNN.check(y).ok)

    def test_call_on_an_instance_without_init(self):
        cls = compiled.module("rnn_547k").Model
        with self.assertRaisesRegex(TypeError, r"not initialised \(__init__ not called\)"):
            cls.__new__(cls)(RNN.inputs[0])

    def test_hand_kernel_golden_output_one_and_two_threads(self):
        for threads in (1, 2):
            model = compiled.load_hand("model/model", threads=threads)
            y = model(RNN.inputs[0])
            self.assertTrue(RNN.check(y).ok, f"threads={threads}: {RNN.check(y).describe()}")
            out = np.zeros_like(RNN.output)
            self.assertIs(model(RNN.inputs[0], out=out), out)
            self.assertTrue(RNN.check(out).ok)

    def test_hand_kernel_reduced_precision(self):
        for precision in ("bf16", "int8"):
            model = compiled.load_hand("model/model", precision=precision)
            self.assertEqual(model.precision, precision)
            y = model(RNN.inputs[0])
            reduced = RNN.check(y, precision)
            self.assertTrue(reduced.ok, f"{precision}: {reduced.describe()}")
            self.assertFalse(RNN.check(y).ok, f"{precision}: passes the fp32 gate, so it is not {precision}")
        self.assertEqual(compiled.load_hand("model/model").precision, "fp32")
        with self.assertRaisesRegex(ValueError, r"^activations must be fp32 or the weights' precision \(int8\), got 'int4'$"):
            compiled.load_hand("model/model", precision="int8", activations="int4")
        with self.assertRaisesRegex(ValueError, r"^activations must be fp32 or the weights' precision \(bf16\), got 'int8'$"):
            compiled.load_hand("model/model", precision="bf16", activations="int8")
        with self.assertRaisesRegex(ValueError, "^narrowed activations need bf16 or int8 weights on the avx512 path$"):
            compiled.load_hand("model/model", isa="avx2", precision="bf16", activations="bf16")
        with mock.patch.dict(os.environ, {"TFLATENCY_ISA_MAX": "avx2"}):  # as on a CPU without AVX-512
            with self.assertRaisesRegex(ValueError, "^this CPU does not support the avx512 path$"):
                compiled.load_hand("model/model", precision="int8", activations="int8")

    def test_hand_kernel_narrowed_activations(self):
        for precision, extension in (("int8", "AVX512_VNNI"), ("bf16", "AVX512_BF16")):
            try:
                model = compiled.load_hand("model/model", precision=precision, activations=precision)
            except ValueError as e:  # no AVX-512 or not the extension here: the reason, then nothing to run
                self.assertRegex(str(e), f"^this CPU does not support (the avx512 path|{extension})$")
                continue
            self.assertEqual((model.precision, model.activations, model.isa), (precision, precision, "avx512"))
            y = model(RNN.inputs[0])
            self.assertTrue(RNN.check(y, precision).ok, RNN.check(y, precision).describe())
            self.assertFalse(RNN.check(y).ok, f"passes the fp32 gate, so it is not {precision}")
            widened = compiled.load_hand("model/model", precision=precision)(RNN.inputs[0])
            self.assertFalse((y == widened).all(), f"{precision}: equals the kernel that keeps x and h in fp32")
        with self.assertRaisesRegex(ValueError, "precision must be fp32, bf16 or int8, got 'fp16'"):
            compiled.load_hand("model/model", precision="fp16")
        with mock.patch.dict(os.environ, {"TFLATENCY_ISA_MAX": "avx2"}):  # as on a CPU without AVX-512
            with self.assertRaisesRegex(ValueError, "^this CPU does not support the avx512 path$"):
                compiled.load_hand("model/model", isa="avx512", precision="int8")

    def test_hand_kernel_bad_arguments(self):
        model = compiled.load_hand("model/model")
        with self.assertRaisesRegex(TypeError, "input 'x': expected dtype float32"):
            model(RNN.inputs[0].astype(np.float64))
        with self.assertRaisesRegex(ValueError, r"input 'x': expected shape \(1,2,150\)"):
            model(np.zeros((1, 2, 149), np.float32))
        with self.assertRaisesRegex(TypeError, "^unexpected keyword argument 'output'$"):
            model(RNN.inputs[0], output=None)
        with self.assertRaisesRegex(TypeError, "^expected 1 input array"):
            model(RNN.inputs[0], np.zeros_like(RNN.output))  # out is keyword-only
        with self.assertRaisesRegex(ValueError, "isa must be auto, avx512, avx2 or scalar"):
            compiled.load_hand("model/model", isa="sse")
        with self.assertRaisesRegex(ValueError, "nope"):
            compiled.load_hand("model/nope")

    def test_unknown_model(self):
        with self.assertRaisesRegex(ImportError, "no compiled model 'nope'"):
            compiled.load("nope")
        with self.assertRaisesRegex(ImportError, r"no compiled model 'rnn_547k', variant 'nope' \(tried .*"
                                    r"model_aot_py \(holds 'rnn_547k', variant ''\)"):
            compiled.load("rnn_547k", "nope")

    def test_two_threads_with_their_own_instances(self):
        # Different inputs per thread, so a mix-up between instances would show.
        inputs = [RNN.inputs[0], RNN.inputs[0] * 0.5]
        wants = [compiled.load("rnn_547k")(x) for x in inputs]
        errors = []

        def work(i):
            model = compiled.load("rnn_547k")
            for _ in range(2000):
                if not np.array_equal(model(inputs[i]), wants[i]):
                    errors.append(i)
                    return

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertFalse(np.array_equal(wants[0], wants[1]))


if __name__ == "__main__":
    absltest.main()
