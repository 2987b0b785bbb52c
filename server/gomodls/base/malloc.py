"""The C allocator of a long-lived server (glibc's malloc), tuned for memory held, not peak speed.

Python's small objects come from its own arenas; everything over 512 bytes (the lists of a
model of 100,000 requirements, a message's text, the dicts of a module graph) comes from
malloc. Two of glibc's defaults cost a server with large files tens of MB it no longer uses:
- the mmap threshold is dynamic: once a large block (a didOpen's 4.7 MB message) is freed,
  blocks up to that size come from the heap instead of mappings of their own, and the heap
  keeps their pages when they are freed between live blocks;
- every thread that allocates gets an arena of its own (up to 8 per core), each keeping its
  own free pages: the resolution's and formatting's threads left theirs behind.
`tune()` fixes the mmap threshold at MMAP_THRESHOLD (blocks of the size of a whole file's text
are mapped and unmapped), keeps up to TRIM_THRESHOLD of free memory at the top of the heap (at
glibc's default 128 KiB, which a fixed threshold brings back, every edit's 800 KB lists were
given back and faulted in again: 2–3 ms an edit at 100,000 requirements) and allows two
arenas. `trim()` gives the heap's free pages back (malloc_trim), when the server is idle.
Measured at 100,000 requirements (bench_scale): 12–20 MB less at the end, edits no slower.
Elsewhere than glibc both do nothing."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1  # (malloc.h)
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
MMAP_THRESHOLD = 4 << 20
TRIM_THRESHOLD = 64 << 20
ARENA_MAX = 2

_libc: ctypes.CDLL | None = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None)
            libc.gnu_get_libc_version  # noqa: B018  (musl has mallopt but not this, nor the same knobs)
            libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
            libc.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            return None
        _libc = libc
    return _libc


def tune() -> bool:
    """Set the threshold and the arena limit (above); whether the allocator is glibc's."""
    libc = _glibc()
    if libc is None:
        return False
    ok = (
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
        and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
        and libc.mallopt(_M_ARENA_MAX, ARENA_MAX) == 1
    )
    if not ok:
        log.info("mallopt refused the settings")
    return ok


def trim() -> bool:
    """Give the free pages of malloc's heaps back to the system; whether any were."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0))
