"""Tests for tflatency.report.markdown and .plot, rendered from the recorded fixtures."""

import io
import os

from absl.testing import absltest

from tflatency.report import load
from tflatency.report import markdown
from tflatency.report import plot
from tflatency.report import summary as summary_lib

# The recorded results folders, shared with the programs' tests (python/testdata).
TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata")
PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def full_summary():
    return summary_lib.build(load.load_folder(os.path.join(TESTDATA, "results_full")))


def percall_summary():
    return summary_lib.build(load.load_folder(os.path.join(TESTDATA, "results_percall")))


def bare_summary(**changes):
    inputs = load.Inputs(folder="/nowhere", context={}, benchmark_contexts={},
                         rows=[load.Row("a.json", "aot/x/rnn", "iteration", None, 40.0, None)],
                         failures=[], problems=[load.Problem("context.json", "missing (no such file): x")])
    summary = summary_lib.build(inputs)
    summary.update(changes)
    return summary


class MarkdownTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text = markdown.render(full_summary())
        cls.lines = cls.text.splitlines()

    def test_title_names_model_fma_and_host(self):
        self.assertEqual(self.lines[0], "# rnn_547k (546,816 FMA) on vm")

    def test_sections_in_order(self):
        headings = [line for line in self.lines if line.startswith("## ")]
        self.assertEqual([h.split(" (")[0] for h in headings], [
            "## Latency per inference", "## Engines", "## Targets", "## Where the time goes", "## Expected order", "## Noise",
            "## Context", "## Problems"])

    def test_targets_table_has_a_row_per_target(self):
        start = self.lines.index("## Targets")
        end = next(i for i in range(start + 1, len(self.lines)) if self.lines[i].startswith("## "))
        rows = [line for line in self.lines[start:end] if line.startswith("| ")][1:]  # without the header
        self.assertTrue(any(r.startswith("| AOT model from Python vs from C++ |") for r in rows), rows)
        self.assertTrue(all(r.count("|") == 7 for r in rows), rows)

    def test_main_table_rows(self):
        row = next(line for line in self.lines if line.startswith("| python/signature/rnn |"))
        self.assertEqual(row, "| python/signature/rnn | ok | 252 | 247-260 | 248-256 | 1.5 | 10 | 13.9 | 6.58 | 500 |")

    def test_failed_row_shows_reason_instead_of_times(self):
        row = next(line for line in self.lines if line.startswith("| python/xla_jit/rnn |"))
        self.assertIn("**FAILED** | golden check FAILED: max \\|got - golden\\| = 0.0123 at element 17 |", row)
        self.assertNotIn(" us", row)
        self.assertEqual(row.count("|") - row.count("\\|"), 11)  # still 10 columns

    def test_decomposition_and_order(self):
        self.assertIn("| Python beyond C++ | python/signature/rnn - cpp_api/default_threads/rnn | 142 | 56.3% |",
                      self.lines)
        self.assertIn("- C++ thread pool: cpp_api/default_threads/rnn - cpp_api/inline/rnn = 38.0 us "
                      "(34.5% of cpp_api/default_threads/rnn, 15.1% of python/signature/rnn).", self.lines)
        self.assertIn("on RNN medians: **holds**", self.text)

    def test_noise_and_context(self):
        self.assertIn("- **python/eager/rnn**: CV 15.1% > 5%", self.text)
        self.assertIn("| TensorFlow | 2.21.0 (v2.21.0-rc1-5-ga481b10260d) |", self.lines)
        self.assertIn("| Pinning | pinned to CPU 1 |", self.lines)
        self.assertIn("None: every input file was read.", self.lines)

    def test_missing_context_reads_unknown(self):
        text = markdown.render(bare_summary())
        self.assertTrue(text.startswith("# unknown (unknown FMA) on unknown\n"))
        self.assertIn("| CPU | unknown |", text)
        self.assertIn("| Pinning | unknown |", text)
        self.assertIn("- `context.json`: missing (no such file): x.", text)
        self.assertIn("**not checked**", text)


class PerCallMarkdownTest(absltest.TestCase):
    """results_percall: the tail and cold-start sections (testdata/results_percall/README.md)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text = markdown.render(percall_summary())
        cls.lines = cls.text.splitlines()

    def test_sections_in_order(self):
        headings = [line.split(" (")[0] for line in self.lines if line.startswith("## ")]
        self.assertEqual(headings[:3], ["## Latency per inference", "## Tail latency per call",
                                        "## Cold start and memory"])
        self.assertIn("![per-call latency percentiles per path](tail.png)", self.lines)

    def test_tail_rows_and_jitter(self):
        self.assertIn("| aot/znver5/rnn | 500 | 900 | 990 | 999 | 1,000 | 1.98 | 1,000 | 20 |", self.lines)
        self.assertIn("| python/signature/rnn | 255 | 259 | 900 | 900 | 900 | 3.53 **jitter** | 1,000 | 40 |",
                      self.lines)
        self.assertIn("- jitter: python/signature/rnn: p99 900 us is 3.53x its p50 255 us (max 900 us).", self.lines)
        self.assertFalse(any(l.startswith("- jitter: aot/") for l in self.lines))
        failed = next(l for l in self.lines if l.startswith("| cpp_api/inline/rnn | **FAILED** | per-call run"))
        self.assertEqual(failed.count("|"), 10)  # still 9 columns
        self.assertNotIn("| bound/", self.text.split("## Tail latency per call")[1].split("## Where")[0])

    def test_cold_start_rows_and_leak(self):
        self.assertIn("| python/signature/rnn | 2,350 | 41,250 | 162 | 702 | 0.00 |", self.lines)
        self.assertIn("| aot/znver5/rnn | 0.05 | 180 | 0.36 | 35 | **2.50 possible leak** |", self.lines)
        self.assertIn("- possible leak: aot/znver5/rnn: resident memory grew 2.50 MB over 1,000 calls.", self.lines)

    def test_per_call_warnings_are_not_repeated_under_warnings(self):
        warnings = self.text.split("## Noise")[1].split("## Context")[0]  # Noise and Warnings
        self.assertNotIn("jitter", warnings)
        self.assertNotIn("resident memory", warnings)

    def test_folder_without_per_call_data_has_no_such_sections(self):
        text = markdown.render(full_summary())
        self.assertNotIn("## Tail latency per call", text)
        self.assertNotIn("tail.png", text)


class UserModelMarkdownTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        summary = summary_lib.build(load.load_folder(os.path.join(TESTDATA, "results_user_model")))
        cls.text = markdown.render(summary)

    def test_model_section_names_the_model(self):
        self.assertIn("## Model", self.text)
        self.assertIn("| Model | mlp (keras: /home/user/models/mlp.keras) |", self.text)
        self.assertIn("| Inputs | `features` float32[1, 64] |", self.text)
        self.assertIn("| Outputs | `output_0` float32[1, 10] (atol 1e-05, rtol 0.0001) |", self.text)
        self.assertIn("| FMA count | 25,856 (XLA HLO (dots and convolutions)) |", self.text)
        self.assertIn("| Weight bytes | 104,488 (the variables the signature reads) |", self.text)
        self.assertIn("the leading dimension of `features` was dynamic and is set to 1", self.text)

    def test_not_applicable_rows_and_counts(self):
        self.assertIn("| python/eager/model | n/a | eager re-runs a model config's RNN", self.text)
        self.assertIn("(0 FAILED, 4 n/a)", self.text)
        self.assertIn("### Your model's inference", self.text)

    def test_decomposition_and_order_use_the_model_paths(self):
        self.assertIn("## Where the time goes (python/signature/model = ", self.text)
        self.assertIn("on the model's medians: **holds**", self.text)
        self.assertNotIn("hand kernel", self.text)
        self.assertNotIn("Original figures", self.text)


class ProfileMarkdownTest(absltest.TestCase):
    """'Where the time goes, measured' from results_profiled (hand-made profiles/ beside results_full)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.summary = summary_lib.build(load.load_folder(os.path.join(TESTDATA, "results_profiled")))
        cls.text = markdown.render(cls.summary)

    def test_profile_section(self):
        section = self.text[self.text.index("## Where the time goes, measured"):]
        section = section[: section.index("\n## ", 5)]
        self.assertIn("Events: perf: cpu-clock.", section)
        header = next(line for line in section.splitlines() if line.startswith("| Path | Median us"))
        self.assertLess(header.index("Python interpreter"), header.index("graph executor"))
        self.assertTrue(header.rstrip(" |").endswith("unresolved | Flame graph"))
        # default_threads: 400 of 1000 samples in the thread pool, of a 110 us median.
        self.assertIn("| cpp_api/default_threads/rnn | 110 | 1000 | 13000 | 0 | 0 | 25 (27.5) | 40 (44.0) |", section)
        self.assertIn("[svg](profiles/cpp_api__default_threads__rnn.svg)", section)
        self.assertIn("- unresolved in cpp_api/default_threads/rnn: 3.0%: libtensorflow_framework.so.2 2.0%, ", section)
        self.assertIn("- unresolved in cpp_api/inline/rnn: 2.0%: libtensorflow_cc.so.2 2.0% (stripped: the file has "
                      "no symbol table)", section)
        self.assertIn("- no profile of python/signature/rnn: py-spy could not attach: Permission Denied", section)
        self.assertIn("| cpp_api/inline/rnn | 40 | 1.00 | 150 | 120 | 90.0 | 90.0 | 30.0 | 30.0 | MatMul 55.0 |", section)
        self.assertIn("| cpp_api/default_threads/rnn | 40 | 1.09 | 300 | 220 | 120 | 110 | 110 | 80.0 |", section)
        self.assertIn("- thread pool: measured 44.0 us", section)
        self.assertIn("1.16x, agree.", section)
        self.assertIn("40% of the sampled CPU time is thread pool and synchronisation (~44.0 us)", section)
        self.assertIn("\"at least 35% of the time is wasted in thread pool\" holds on this machine: 40%", section)

    def test_summary_profile_objects(self):
        by_name = {p["name"]: p for p in self.summary["paths"]}
        profile = by_name["cpp_api/inline/rnn"]["profile"]
        self.assertEqual(profile["status"], "ok")
        self.assertAlmostEqual(sum(profile["shares"].values()), 1.0)
        self.assertAlmostEqual(profile["unresolved_share"], 0.02)
        self.assertTrue(profile["resolved_enough"])
        self.assertEqual(by_name["python/signature/rnn"]["profile"]["status"], "unavailable")
        self.assertIsNone(by_name["aot/znver5/rnn"]["profile"])
        self.assertIsNone(full_summary()["profiles"])
        self.assertNotIn("Where the time goes, measured", markdown.render(full_summary()))


class PlotTest(absltest.TestCase):

    def test_tail_png(self):
        out = io.BytesIO()
        plot.render_tail(percall_summary(), out)
        self.assertTrue(out.getvalue().startswith(PNG_HEADER))
        self.assertGreater(len(out.getvalue()), 10000)

    def test_tail_png_without_per_call_data(self):
        out = io.BytesIO()
        plot.render_tail(full_summary(), out)
        self.assertTrue(out.getvalue().startswith(PNG_HEADER))

    def test_writes_a_png(self):
        out = io.BytesIO()
        plot.render(full_summary(), out)
        self.assertTrue(out.getvalue().startswith(PNG_HEADER))
        self.assertGreater(len(out.getvalue()), 10000)

    def test_nothing_to_plot_still_writes_a_png(self):
        out = io.BytesIO()
        plot.render(bare_summary(paths=[]), out)
        self.assertTrue(out.getvalue().startswith(PNG_HEADER))


if __name__ == "__main__":
    absltest.main()
