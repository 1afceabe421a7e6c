"""symbols.has_symbol_table on a program compiled here, a stripped copy of it, and files that are not ELF."""

import os
import shutil
import subprocess
import unittest

from tflatency.profile import symbols


class SymbolTableTest(unittest.TestCase):

    def test_compiled_then_stripped(self):
        compiler, strip = shutil.which("cc") or shutil.which("gcc"), shutil.which("strip")
        if not compiler or not strip:
            self.skipTest("no C compiler or strip here")
        folder = os.environ.get("TEST_TMPDIR", "/tmp")
        source, program, stripped = (os.path.join(folder, n) for n in ("p.c", "p", "p_stripped"))
        with open(source, "w", encoding="ascii") as f:
            f.write("int answer(void) { return 42; }\nint main(void) { return answer() - 42; }\n")
        subprocess.run([compiler, "-O1", "-o", program, source], check=True)
        subprocess.run([strip, "-o", stripped, program], check=True)
        self.assertIs(symbols.has_symbol_table(program), True)
        self.assertIs(symbols.has_symbol_table(stripped), False)

    def test_not_an_elf_file(self):
        self.assertIsNone(symbols.has_symbol_table(__file__))
        self.assertIsNone(symbols.has_symbol_table("/nonexistent/lib.so"))


if __name__ == "__main__":
    unittest.main()
