"""The bucket classifier (buckets.json) on recorded stacks: one per bucket, kernel time, unresolved, JIT code."""

import os
import unittest

from tflatency.profile import buckets
from tflatency.profile import fold

TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")
TABLE = buckets.load_table()


def bucket_of(stack):
    return buckets.classify(list(reversed(stack.split(";"))), TABLE)


class ClassifyTest(unittest.TestCase):

    def test_one_stack_per_bucket(self):
        expected = {
            "syscall (libc.so.6);do_futex ([kernel.kallsyms])": "threads",
            "tensorflow::MatMulOp<Eigen::ThreadPoolDevice, float, false>::Compute (libtensorflow_cc.so.2);"
            "Eigen::internal::gebp_kernel<float, float, long> (libtensorflow_cc.so.2)": "math",
            "main (aot_bench);__xla_rnn_547k_entry (aot_bench)": "math",
            "tensorflow::DirectSession::Run (libtensorflow_cc.so.2);"
            "tensorflow::(anonymous namespace)::ExecutorState<tensorflow::SimplePropagatorState>::Process "
            "(libtensorflow_framework.so.2)": "executor",
            "tsl::BFCAllocator::AllocateRaw (libtensorflow_framework.so.2);malloc (libc.so.6)": "alloc",
            "time_calls (tflatency/per_call.py:150);__call__ "
            "(tensorflow/python/eager/polymorphic_function/polymorphic_function.py:833)": "framework_python",
            "time_calls (tflatency/per_call.py:150);TFE_Py_FastPathExecute_C (_pywrap_tfe.so)": "framework_python",
            "<module> (py_bench.py:10);time_calls (tflatency/per_call.py:149)": "python",
            "<module> (py_bench.py:10);_PyEval_EvalFrameDefault (libpython3.11.so.1.0)": "python",
            "tensorflow::DirectSession::Run (libtensorflow_cc.so.2);entry_SYSCALL_64_after_hwframe "
            "([kernel.kallsyms]);__x64_sys_write ([kernel.kallsyms])": "kernel",
            "main (hand_bench);std::__cxx11::basic_string<char>::_M_construct (libstdc++.so.6)": "other",
            "Eigen::ThreadPoolTempl<tsl::thread::EigenEnvironment>::WorkerLoop (libtensorflow_framework.so.2);"
            "tsl::thread::EigenEnvironment::Task::operator= (libtensorflow_framework.so.2)": "threads",
            "tensorflow::Tensor::Tensor (libtensorflow_framework.so.2);__posix_memalign (libc.so.6)": "alloc",
        }
        for stack, bucket in expected.items():
            with self.subTest(stack=stack):
                self.assertEqual(bucket_of(stack), (bucket, None))

    def test_every_rule_bucket_is_reachable_and_other_and_unresolved_exist(self):
        keys = [b.key for b in TABLE.buckets]
        self.assertEqual(keys[-2:], ["other", "unresolved"])
        self.assertEqual(len(keys), len(set(keys)))
        for key in ("python", "framework_python", "executor", "threads", "math", "alloc", "kernel"):
            self.assertIn(key, keys)
        self.assertCountEqual([b.key for b in TABLE.display], keys)

    def test_kernel_time_under_a_copy_is_the_copy(self):
        self.assertEqual(bucket_of("__memmove_avx_unaligned_erms (libc.so.6);asm_exc_page_fault ([kernel.kallsyms]);"
                                   "clear_page_erms ([kernel.kallsyms])"), ("alloc", None))

    def test_kernel_only_stack_is_kernel(self):
        self.assertEqual(bucket_of("do_syscall_64 ([kernel.kallsyms])"), ("kernel", None))

    def test_an_unresolved_leaf_is_unresolved_with_its_library(self):
        self.assertEqual(bucket_of("tensorflow::DirectSession::Run (libtensorflow_cc.so.2);"
                                   "0x7f00112233 (libtensorflow_framework.so.2)"),
                         ("unresolved", "libtensorflow_framework.so.2"))
        self.assertEqual(bucket_of("main (session_bench);[unknown] ([unknown])"), ("unresolved", "[unknown]"))

    def test_an_unresolved_caller_is_skipped(self):
        self.assertEqual(bucket_of("[unknown] ([unknown]);Eigen::internal::gebp_kernel<float> (libtensorflow_cc.so.2)"),
                         ("math", None))

    def test_code_in_a_perf_map_is_jit_code(self):
        self.assertEqual(bucket_of("_PyEval_EvalFrameDefault (libpython3.11.so.1.0);[unknown] (perf-24719.map)"),
                         ("math", None))

    def test_anonymous_code_called_from_xla_is_jit_code(self):
        self.assertEqual(bucket_of("xla::cpu::CpuExecutable::ExecuteComputeFunction (xla_extension.so);"
                                   "[unknown] ([unknown])"), ("math", None))


class TallyTest(unittest.TestCase):

    def test_fixture_profile(self):
        with open(os.path.join(TESTDATA, "stacks.folded"), encoding="utf-8") as f:
            folded = fold.read_folded(f.read())
        result = buckets.tally(folded, TABLE)
        self.assertEqual(result.samples, 63)
        self.assertEqual(sum(result.buckets.values()), result.samples)
        self.assertEqual(result.buckets["math"], 11 + 13 + 2)
        self.assertEqual(result.buckets["threads"], 7)
        self.assertEqual(result.buckets["executor"], 5)
        self.assertEqual(result.buckets["alloc"], 3 + 2)
        self.assertEqual(result.buckets["framework_python"], 4 + 6)
        self.assertEqual(result.buckets["python"], 1 + 2)
        self.assertEqual(result.buckets["kernel"], 1 + 1)
        self.assertEqual(result.buckets["other"], 1)
        self.assertEqual(result.buckets["unresolved"], 4)
        self.assertEqual(result.unresolved_modules, {"libtensorflow_framework.so.2": 3, "[unknown]": 1})
        self.assertAlmostEqual(result.share("math"), 26 / 63)


if __name__ == "__main__":
    unittest.main()
