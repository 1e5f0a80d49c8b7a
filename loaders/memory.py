"""Large freed arrays given back to the system at once (glibc), for bulk imports.

glibc's ``malloc`` serves a block of 128 KiB or more with its own mapping, so freeing it
gives the memory back; but each time such a block is freed it raises that size (up to
32 MiB), and later blocks come from the heap, which keeps freed memory while anything above
it lives. An import that makes and drops many arrays the length of a column then holds more
memory than it uses: about a tenth more at its peak for a Network Canvas export (issue 24).
:func:`give_back_large_blocks` fixes the size at 128 KiB for the process. Elsewhere (musl,
macOS) nothing changes.

Examples
--------
>>> import platform
>>> give_back_large_blocks() == (platform.libc_ver()[0] == "glibc")
True
"""

from __future__ import annotations

import ctypes
import functools

__all__ = ["give_back_large_blocks"]

M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter: the size from which a block has a mapping of its own."""


@functools.cache
def give_back_large_blocks(size: int = 128 * 1024) -> bool:
    """Have blocks of ``size`` bytes or more mapped on their own, now and later, so that
    freeing one gives it back to the system; whether the C library took the setting."""
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, size) == 1
