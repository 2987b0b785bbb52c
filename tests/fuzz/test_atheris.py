"""A bounded coverage-guided run (atheris) of every fuzz target, as a process: GOMODLS_FUZZ_SECONDS
(8) seconds each — for CI — and any crash or hang (an input over 10 s) fails. Raise the seconds
for a long run; the figures of the last one are in docs/reliability.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .targets import TARGETS

pytest.importorskip("atheris")

SECONDS = int(os.environ.get("GOMODLS_FUZZ_SECONDS", "8"))
FUZZ = Path(__file__).with_name("fuzz.py")


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_coverage_guided(target: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(FUZZ), target, f"-max_total_time={SECONDS}", "-print_final_stats=1"],
        cwd=tmp_path,
        capture_output=True,
        timeout=SECONDS + 120,
        check=False,
    )
    log = proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, log[-4000:]
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("timeout-*"))
    runs = re.search(r"stat::number_of_executed_units: (\d+)", log)
    cov = re.findall(r"cov: (\d+)", log)
    assert runs and int(runs.group(1)) > 0 and cov, log[-2000:]
    print(f"{target}: {runs.group(1)} inputs, coverage {cov[-1]} edges")
