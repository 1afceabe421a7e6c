"""tflatency.prepare.hlo: types, instructions and computations of HLO text."""

import os

from absl.testing import absltest

from tflatency.prepare import hlo

TESTDATA = os.path.join(os.path.dirname(__file__), "testdata")


class ShapeTest(absltest.TestCase):

    def test_array_with_layout(self):
        self.assertEqual(hlo.parse_shape("f32[1,8]{1,0}"), hlo.Shape("f32", (1, 8)))

    def test_scalar(self):
        shape = hlo.parse_shape("s32[]")
        self.assertTrue(shape.is_scalar)
        self.assertEqual(shape.size, 1)

    def test_nested_tuple_with_index_comment(self):
        shape = hlo.parse_shape("(s32[], (f32[1,1,16], s32[]), /*index=5*/f32[16,64]{1,0})")
        self.assertTrue(shape.is_tuple)
        self.assertEqual(len(shape.elements), 3)
        self.assertEqual(shape.elements[1].elements[0].dims, (1, 1, 16))
        self.assertEqual(shape.elements[2].size, 1024)

    def test_bounded_dynamic_dimension_takes_its_bound(self):
        self.assertEqual(hlo.parse_shape("f32[<=8,2]").dims, (8, 2))

    def test_not_a_type(self):
        with self.assertRaisesRegex(hlo.HloError, "not an HLO type"):
            hlo.parse_shape("banana")


class InstructionTest(absltest.TestCase):

    def test_dot_with_typed_operands(self):
        ins = hlo.parse_instruction(
            "  %d = f32[1,6]{1,0} dot(f32[1,4]{1,0} %x, f32[4,6]{1,0} %w), lhs_contracting_dims={1}, "
            "rhs_contracting_dims={0}, metadata={op_type=\"MatMul\" op_name=\"a/b\"}")
        self.assertEqual((ins.name, ins.opcode, ins.operands), ("d", "dot", ["x", "w"]))
        self.assertEqual(ins.attributes["lhs_contracting_dims"], "{1}")
        self.assertFalse(ins.is_root)

    def test_root_tuple_typed_get_tuple_element(self):
        ins = hlo.parse_instruction(
            "ROOT %g = s32[] get-tuple-element((s32[], (f32[2], s32[])) %state), index=0")
        self.assertTrue(ins.is_root)
        self.assertEqual((ins.opcode, ins.operands, ins.attributes["index"]), ("get-tuple-element", ["state"], "0"))

    def test_constant_and_parameter_keep_their_literal(self):
        self.assertEqual(hlo.parse_instruction("%c = s32[] constant(-3)").literal, "-3")
        self.assertEqual(hlo.parse_instruction("%p = f32[4]{0} parameter(2)").literal, "2")
        self.assertEqual(hlo.parse_instruction("%p = f32[4]{0} parameter(2)").operands, [])

    def test_called_computations(self):
        ins = hlo.parse_instruction("%w = (s32[]) while((s32[]) %t), condition=%c.1, body=%b.2")
        self.assertEqual(hlo.called(ins), [("body", "b.2"), ("condition", "c.1")])

    def test_not_an_instruction(self):
        with self.assertRaisesRegex(hlo.HloError, "not an instruction"):
            hlo.parse_instruction("x = 3")


class ModuleTest(absltest.TestCase):

    def test_reads_tensorflow_hlo(self):
        with open(os.path.join(TESTDATA, "keras_lstm_5steps.hlo"), encoding="utf-8") as f:
            computations = hlo.parse_module(f.read())
        entries = [c for c in computations.values() if c.is_entry]
        self.assertLen(entries, 1)
        self.assertIn("while", {i.opcode for i in entries[0].instructions.values()})
        self.assertTrue(all(c.root for c in computations.values()))

    def test_unclosed_computation(self):
        with self.assertRaisesRegex(hlo.HloError, "not closed"):
            hlo.parse_module("ENTRY %m (a: f32[]) -> f32[] {\n  ROOT %a = f32[] parameter(0)\n")

    def test_no_entry(self):
        with self.assertRaisesRegex(hlo.HloError, "no ENTRY"):
            hlo.parse_module("%m (a: f32[]) -> f32[] {\n  ROOT %a = f32[] parameter(0)\n}\n")


if __name__ == "__main__":
    absltest.main()
