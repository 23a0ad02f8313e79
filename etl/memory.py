"""Allocator settings for a load, which makes and drops thousands of large arrays.

Three defaults cost a full load of the whole province seconds of kernel time spent zeroing
fresh pages (measured: 15.8 s of system time before, about 5 s after):
- NumPy asks the kernel for transparent huge pages on every array of 4 MB or more, so each
  such array costs zeroing whole 2 MB pages when it is first touched;
- Arrow's default allocator (mimalloc) reserves huge-page arenas and hands freed parts back
  to the kernel, about 6 GB over a load, each taken again zeroed;
- glibc maps large blocks afresh and gives freed memory back to the kernel too.
Arrow is switched to the C allocator, and the C allocator keeps what it frees for reuse.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import numpy as np
import pyarrow as pa

_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_MAX = -4

_done = False


def tune_for_bulk_work() -> None:
    """Keep freed memory for reuse in this process (once; harmless where unsupported)."""
    global _done
    if _done:
        return
    _done = True
    madvise = getattr(getattr(np, "_core", None), "multiarray", None)
    madvise = getattr(madvise, "_set_madvise_hugepage", None)
    if madvise is not None:
        madvise(False)
    pa.set_memory_pool(pa.system_memory_pool())
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return
    # Every block comes from the heap and goes back to it; the heap is not trimmed.
    mallopt(_M_MMAP_MAX, 0)
    mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)
    mallopt(_M_TOP_PAD, 256 << 20)
