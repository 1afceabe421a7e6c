"""scripts/bench --profile end to end on fake programs (no Bazel): after the timing passes, each main
path present is run once more under the profiler; a program that crashes there gets a profile with
its one-line error, and the timing results stay as they were.

The profiler is the real one: perf where it can record in this sandbox (then the profile has
samples, buckets that add up to them and a flame graph), else every profile holds perf's reason.
"""

import os

from absl.testing import absltest

from tflatency.bench import testlib
from tflatency.profile import record

PROGRAMS = [testlib.program("//fake:cpp", {"cpp_api/inline/rnn": "ok", "cpp_api/one_thread/rnn": "profile_crash",
                                           "cpp_api/unlisted/rnn": "ok"})]
CASES = ["cpp_api/inline/rnn", "cpp_api/one_thread/rnn", "cpp_api/unlisted/rnn"]


class ProfileRunTest(absltest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.fake_dir, cls.results = testlib.scratch()
        cls.proc = testlib.run(PROGRAMS, cls.fake_dir, cls.results, "--profile")
        cls.perf_problem = record.perf_available()
        print(f"perf here: {cls.perf_problem or 'records'}")
        cls.profiles = os.path.join(cls.results, "profiles")

    def _profile(self, stem):
        return testlib.read_json(os.path.join(self.profiles, stem + ".json"))

    def test_run_succeeds_and_says_what_it_profiles(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertIn("bench: profile [1/2] cpp_api/inline/rnn\nbench: profile [2/2] cpp_api/one_thread/rnn\n",
                      self.proc.stdout)

    def test_only_main_paths_are_profiled(self):
        self.assertEqual(sorted(f for f in os.listdir(self.profiles) if f.endswith(".json")),
                         ["cpp_api__inline__rnn.json", "cpp_api__one_thread__rnn.json"])

    def test_profile_of_a_healthy_program(self):
        profile = self._profile("cpp_api__inline__rnn")
        self.assertEqual((profile["name"], profile["program"], profile["tool"]),
                         ("cpp_api/inline/rnn", "//fake:cpp", "perf"))
        if self.perf_problem:
            self.assertEqual(profile["error"], self.perf_problem)
            self.assertIsNone(profile["samples"])
            return
        self.assertIsNone(profile["error"])
        self.assertEqual(profile["event"], record.PERF_EVENT)
        self.assertGreater(profile["samples"], 0)
        self.assertEqual(sum(profile["buckets"].values()), profile["samples"])
        with open(os.path.join(self.profiles, profile["flamegraph"]), encoding="utf-8") as f:
            self.assertIn("<svg", f.read(4096))

    def test_crash_under_the_profiler_is_a_profile_error(self):
        profile = self._profile("cpp_api__one_thread__rnn")
        self.assertIsNone(profile["samples"])
        if self.perf_problem:
            self.assertEqual(profile["error"], self.perf_problem)
        else:
            self.assertRegex(profile["error"], r"^the program exited \(status -6\) before ")
        with open(os.path.join(self.results, "report.md"), encoding="utf-8") as f:
            self.assertIn(f"- no profile of cpp_api/one_thread/rnn: {profile['error']}", f.read())

    def test_timing_results_untouched(self):
        summary = {p["name"]: p for p in testlib.read_json(os.path.join(self.results, "summary.json"))["paths"]}
        for name in CASES:
            self.assertEqual((summary[name]["status"], summary[name]["per_call"]["status"]), ("ok", "ok"), name)
            self.assertAlmostEqual(summary[name]["median_us"], 1.0, delta=0.05)
        self.assertFalse(os.path.exists(os.path.join(self.results, "failures.json")))  # written only on failures


if __name__ == "__main__":
    absltest.main()
