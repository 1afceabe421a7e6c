"""Whether a library can name its functions at all: an ELF file without a .symtab section has been
stripped by whoever built it, so samples in it stay unresolved whatever the profiler does.

  has_symbol_table(path) -> True / False, or None when the file cannot be read as a 64-bit ELF.
"""

import struct

_SHT_SYMTAB = 2


def has_symbol_table(path):
    """True if the ELF file at `path` has a .symtab section (a full symbol table), False if not."""
    try:
        with open(path, "rb") as f:
            header = f.read(64)
            if len(header) < 64 or header[:4] != b"\x7fELF" or header[4] != 2:  # ELFCLASS64 only
                return None
            order = "<" if header[5] == 1 else ">"
            shoff, = struct.unpack_from(order + "Q", header, 0x28)
            shentsize, shnum = struct.unpack_from(order + "HH", header, 0x3A)
            if shoff == 0 or shnum == 0 or shentsize < 64:
                return False
            f.seek(shoff)
            table = f.read(shentsize * shnum)
    except OSError:
        return None
    if len(table) < shentsize * shnum:
        return None
    return any(struct.unpack_from(order + "I", table, i * shentsize + 4)[0] == _SHT_SYMTAB for i in range(shnum))
