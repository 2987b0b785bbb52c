"""base/malloc.py: glibc's allocator tuned for a long-lived server, its free pages trimmed."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from gomodls.base import malloc

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc only")
def test_tune_and_trim_on_glibc() -> None:
    # (in a process of its own: the settings last for the process)
    code = (
        "from gomodls.base import malloc\n"
        "assert malloc.tune() is True\n"
        "blocks = [bytearray(64 * 1024) for _ in range(2000)]\n"  # 128 MB of heap blocks, freed
        "del blocks\n"
        "print(malloc.trim())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() in ("True", "False")  # (trim says whether there was anything to give back)


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc only")
def test_large_blocks_are_mapped_after_tune() -> None:
    """With the threshold fixed, a large block freed goes back to the system at once, and so
    does the next one of a whole file's size (glibc's dynamic threshold, raised by the first
    block's free, would have taken it from the heap and kept its pages)."""
    code = (
        "import ctypes\n"
        "from gomodls.base import malloc\n"
        "malloc.tune()\n"
        "libc = ctypes.CDLL(None)\n"
        "class Info(ctypes.Structure):\n"
        "    _fields_ = [(n, ctypes.c_int) for n in ('arena','ordblks','smblks','hblks','hblkhd',"
        "'usmblks','fsmblks','uordblks','fordblks','keepcost')]\n"
        "libc.mallinfo.restype = Info\n"
        "a = bytearray(16 << 20); del a\n"  # (without tune, this raises the threshold past 16 MB)
        "before = libc.mallinfo().hblks\n"
        "b = bytearray(5 << 20)\n"
        "print(libc.mallinfo().hblks - before)\n"
    )
    for tune, mapped in (("malloc.tune()", 1), ("pass", 0)):  # (and without: the test can tell)
        run = code.replace("malloc.tune()", tune)
        out = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, check=True)
        assert int(out.stdout) == mapped, f"with {tune}: the 5 MB block mapped on its own or not"


def test_does_nothing_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(malloc, "_libc", None)
    monkeypatch.setattr(malloc.sys, "platform", "darwin")
    assert malloc.tune() is False and malloc.trim() is False
