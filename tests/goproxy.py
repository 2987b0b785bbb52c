"""Test module proxies: a directory in the GOPROXY layout (usable as file://), and a real HTTP
server on 127.0.0.1 that serves such a directory, records every request, and can fail on
purpose (status codes, a number of failures before success, basic auth)."""

from __future__ import annotations

import base64
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from gomodls.module.paths import escape_path, escape_version
from tlscert import server_context


class ProxyDir:
    """Writes modules in the GOPROXY file layout."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return self.root.as_uri()

    def add(
        self,
        path: str,
        version: str,
        mod: str | None = None,
        time: str = "2024-01-02T03:04:05Z",
        listed: bool = True,
    ) -> None:
        d = self.root / escape_path(path) / "@v"
        d.mkdir(parents=True, exist_ok=True)
        v = escape_version(version)
        (d / f"{v}.info").write_text(json.dumps({"Version": version, "Time": time}))
        (d / f"{v}.mod").write_text(mod if mod is not None else f"module {path}\n")
        if listed:
            with open(d / "list", "a") as fh:
                fh.write(version + "\n")

    def add_zip(
        self,
        path: str,
        version: str,
        files: dict[str, str],
        time: str = "2024-01-02T03:04:05Z",
        listed: bool = True,
    ) -> None:
        """A module the go command can download and build: .info, .mod (the zip's go.mod, or a
        bare module line) and the zip, whose entries are `path@version/<file>` as the go command
        requires (lower-case escaping only applies to the proxy URL, not to the entries)."""
        mod = files.get("go.mod", f"module {path}\n")
        self.add(path, version, mod, time, listed)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in sorted({"go.mod": mod, **files}.items()):
                zf.writestr(f"{path}@{version}/{name}", text)
        d = self.root / escape_path(path) / "@v"
        (d / f"{escape_version(version)}.zip").write_bytes(buf.getvalue())

    def set_latest(self, path: str, version: str, time: str = "2024-01-02T03:04:05Z") -> None:
        d = self.root / escape_path(path)
        d.mkdir(parents=True, exist_ok=True)
        (d / "@latest").write_text(json.dumps({"Version": version, "Time": time}))


@dataclass
class Behaviour:
    """How the HTTP proxy misbehaves, per URL path suffix (matched with str.endswith)."""

    status: dict[str, int] = field(default_factory=dict)  # always answer this status
    fail_times: dict[str, int] = field(default_factory=dict)  # answer 503 this many times first
    auth: tuple[str, str] | None = None  # required basic auth
    plain_errors: bool = False  # error bodies as text/plain (the go command shows those)


class _Server(ThreadingHTTPServer):
    # Clients open many connections at once; with socketserver's backlog of 5 the kernel drops
    # the rest of the SYNs, which the client sends again only after a second.
    request_queue_size = 128


class HTTPProxy:
    def __init__(self, root: Path, *, tls: bool = False) -> None:
        self.dir = ProxyDir(root)
        self.tls = tls  # https, with a throwaway certificate (ca_file)
        self.tls_dir = root.parent / (root.name + "-tls")
        self.behaviour = Behaviour()
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    @property
    def ca_file(self) -> str:
        """The certificate a client must trust for the TLS proxy (SSL_CERT_FILE)."""
        return str(self.tls_dir / "cert.pem")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                # Decoded as real proxies do: the go command percent-encodes the "!" of case
                # escaping (/github.com/%21azure/...).
                self.path = unquote(self.path)
                with proxy._lock:
                    proxy.requests.append(self.path)
                b = proxy.behaviour
                if b.auth is not None:
                    want = "Basic " + base64.b64encode(f"{b.auth[0]}:{b.auth[1]}".encode()).decode()
                    if self.headers.get("Authorization") != want:
                        self._send(401, b"unauthorized")
                        return
                for suffix, count in b.fail_times.items():
                    if self.path.endswith(suffix) and count > 0:
                        b.fail_times[suffix] = count - 1
                        self._send(503, b"try again")
                        return
                for suffix, status in b.status.items():
                    if self.path.endswith(suffix):
                        self._send(status, f"status {status}".encode())
                        return
                file = proxy.dir.root / self.path.lstrip("/")
                if file.is_file():
                    self._send(200, file.read_bytes())
                else:
                    self._send(404, f"not found: {self.path}".encode())

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                if status != 200 and proxy.behaviour.plain_errors:
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    @contextmanager
    def running(self) -> Iterator[HTTPProxy]:
        self._server = _Server(("127.0.0.1", 0), self._handler())
        if self.tls:
            self._server.socket = server_context(self.tls_dir).wrap_socket(
                self._server.socket, server_side=True
            )
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(5)
