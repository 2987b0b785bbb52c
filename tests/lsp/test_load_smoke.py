"""A small run of the load benchmark (bench/bench_load.py): 300 scripted edits on the largest
corpus go.mod and a go.work workspace of 10 modules opened at once. Checks what must hold at
any load — no lost edit, the final diagnostics those of the final text, memory that does not
grow with edits, every document of the workspace diagnosed without errors — not the timings
(those are the benchmark's: docs/reliability.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from editgen import CORPUS

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_load.py"


@pytest.mark.skipif(not (CORPUS / "traefik__traefik" / "go.mod").is_file(), reason="needs the corpus")
def test_load_smoke(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--edits", "300", "--modules", "10", "--json", str(out)],
        env={**os.environ, "GOMODLS_CORPUS": str(CORPUS)},
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    result = json.loads(out.read_text())
    edits, work = result["edits"], result["workspace"]
    assert edits["edits"] == 300 and edits["lost_edits"] == 0 and edits["final_diagnostics_match"]
    assert edits["rss_growth_mb"] < 30, edits["rss_mb"]
    assert work["documents"] == 11 and work["error_diagnostics"] == 0
