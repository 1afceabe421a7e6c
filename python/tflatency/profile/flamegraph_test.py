"""The flame graph is well-formed SVG with one rectangle per visible frame, tooltips and a legend."""

import os
import unittest
import xml.etree.ElementTree as ET

from tflatency.profile import buckets
from tflatency.profile import flamegraph
from tflatency.profile import fold

TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")
SVG = "{http://www.w3.org/2000/svg}"


class FlameGraphTest(unittest.TestCase):

    def test_fixture(self):
        table = buckets.load_table()
        with open(os.path.join(TESTDATA, "stacks.folded"), encoding="utf-8") as f:
            folded = fold.read_folded(f.read())
        svg = ET.fromstring(flamegraph.render(folded, "fixture <&>", table))
        titles = [t.text for t in svg.iter(SVG + "title")]
        self.assertIn("__xla_rnn_547k_entry (aot_bench): 13 samples, 20.63% (math kernels)", titles)
        distinct_frames = {f"{i}:{frame}" for stack in folded for i, frame in enumerate(stack.split(";"))}
        self.assertLessEqual(len(titles), len(distinct_frames))
        self.assertGreater(len(titles), 20)
        legend = [t.text for t in svg.iter(SVG + "text")]
        for bucket in table.buckets:
            self.assertIn(bucket.label, legend)
        self.assertIn("fixture <&> (63 samples)", legend)
        widths = [float(r.get("width")) for r in svg.iter(SVG + "rect") if r.get("width") != "10"]
        self.assertLessEqual(max(widths), flamegraph.WIDTH + 0.01)


if __name__ == "__main__":
    unittest.main()
