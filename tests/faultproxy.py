"""A module proxy on 127.0.0.1 that misbehaves on purpose: it serves a ProxyDir (goproxy.py)
and injects one fault at a time into the requests whose path contains `only`:

| fault | what the client gets |
|---|---|
| `hang` | the connection is accepted and nothing is answered until `release()` (or the proxy stops) |
| `drip` | the right answer, one byte every `drip_delay` seconds |
| `reset` | the connection reset (RST) before any answer |
| `status` | `status` (4xx/5xx) with a text/plain body |
| `garbage` | 200 with random bytes |
| `truncate` | 200 with a Content-Length twice the body's, then the connection closed |
| `big` | 200 with a body of `big_bytes` (100 MB by default), sent until the client stops reading |
| `big-unsized` | the same without a Content-Length (the end of the body is the end of the connection) |
| `gzip-bomb` | 200 with Content-Encoding: gzip, a small body that inflates to `big_bytes` |
| `gzipped` | no fault: the right answer with Content-Encoding: gzip (what a compressing proxy sends) |
| `redirect-loop` | 302 to the same URL, forever |
| `to-http` | 302 to the same path on `insecure` (an http:// URL; the proxy itself serves TLS) |
| `bad-gzip` | 200 with Content-Encoding: gzip and a body that is not gzip |

`times` limits how many requests get the fault (None: until `clear()`), so a fault can be
transient (503 for the first three requests) or permanent. Every request is recorded in
`requests` and every fault served counted in `faults`. The proxy stops by itself with its context
manager; nothing it does outlives the test."""

from __future__ import annotations

import contextlib
import gzip
import os
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from goproxy import ProxyDir
from tlscert import server_context

FAULTS = (
    "hang",
    "drip",
    "reset",
    "status",
    "garbage",
    "truncate",
    "big",
    "big-unsized",
    "gzip-bomb",
    "gzipped",
    "redirect-loop",
    "to-http",
    "bad-gzip",
)
HANG_LIMIT = 120.0  # seconds a hung request waits at most (the proxy never outlives a test)


def _bomb(size: int) -> bytes:
    """A gzip member of `size` newlines (about a thousandth of that on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\n" * (1 << 20)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


class FaultProxy:
    def __init__(self, root: Path, *, tls: bool = False) -> None:
        self.dir = ProxyDir(root / "proxy")
        self.tls_dir = root / "tls"
        self.tls = tls
        self.fault = "none"
        self.only = ""  # the fault applies to request paths containing this
        self.times: int | None = None
        self.status = 503
        self.drip_delay = 0.2
        self.big_bytes = 100 * 1024 * 1024
        self.insecure = ""  # where `to-http` redirects (an http:// base URL)
        self.requests: list[str] = []
        self.faults = 0
        self.big_sent = 0  # bytes of the last `big` answer the client read
        self._released = threading.Event()
        self._stopping = threading.Event()
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

    def inject(self, fault: str, *, only: str = "", times: int | None = None, status: int = 503) -> None:
        assert fault in FAULTS, fault
        with self._lock:
            self.fault, self.only, self.times, self.status = fault, only, times, status
            self._released.clear()

    def clear(self) -> None:
        """No more faults; hung requests are answered (properly) now."""
        with self._lock:
            self.fault = "none"
        self._released.set()

    release = clear

    def _take_fault(self, path: str) -> str:
        with self._lock:
            if self.fault == "none" or self.only not in path:
                return "none"
            if self.times is not None:
                if self.times <= 0:
                    return "none"
                self.times -= 1
            self.faults += 1
            return self.fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = unquote(self.path)
                with proxy._lock:
                    proxy.requests.append(path)
                fault = proxy._take_fault(path)
                with contextlib.suppress(OSError):  # the client gave up: what some faults are for
                    self._answer(path, fault)

            def _body(self, path: str) -> tuple[int, bytes]:
                file = proxy.dir.root / path.lstrip("/")
                if file.is_file():
                    return 200, file.read_bytes()
                return 404, f"not found: {path}".encode()

            def _answer(self, path: str, fault: str) -> None:
                if fault == "hang":
                    # Waits for release (then answers properly) or the end of the test.
                    deadline = time.monotonic() + HANG_LIMIT
                    while not proxy._released.wait(0.05):
                        if proxy._stopping.is_set() or time.monotonic() > deadline:
                            self.close_connection = True
                            return
                    fault = "none"
                if fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "status":
                    self._send(
                        proxy.status, f"fault: status {proxy.status}\n".encode(), "text/plain; charset=utf-8"
                    )
                    return
                if fault == "redirect-loop":
                    self._redirect(self.path)
                    return
                if fault == "to-http":
                    self._redirect(proxy.insecure + self.path)
                    return
                status, body = self._body(path)
                if fault == "garbage":
                    self._send(200, os.urandom(max(64, len(body))))
                elif fault == "truncate":
                    self.send_response(200)
                    self.send_header("Content-Length", str(2 * len(body) + 16))
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                    self.close_connection = True
                elif fault in ("big", "big-unsized"):
                    self._big(path, sized=fault == "big")
                elif fault == "gzip-bomb":
                    self._send(200, _bomb(proxy.big_bytes), headers={"Content-Encoding": "gzip"})
                elif fault == "gzipped":
                    self._send(status, gzip.compress(body), headers={"Content-Encoding": "gzip"})
                elif fault == "bad-gzip":
                    self._send(200, b"this is not gzip data" * 8, headers={"Content-Encoding": "gzip"})
                elif fault == "drip":
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for i in range(len(body)):
                        if proxy._stopping.is_set():
                            return
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(proxy.drip_delay)
                else:
                    self._send(status, body)

            def _big(self, path: str, sized: bool) -> None:
                line = b"v1.0.0\n" if path.endswith("/list") else b"// padding padding padding\n"
                chunk = line * (65536 // len(line))
                total = proxy.big_bytes - proxy.big_bytes % len(chunk)
                self.send_response(200)
                if sized:
                    self.send_header("Content-Length", str(total))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                proxy.big_sent = 0
                while proxy.big_sent < total and not proxy._stopping.is_set():
                    self.wfile.write(chunk)
                    proxy.big_sent += len(chunk)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _send(
                self, status: int, body: bytes, content_type: str = "", headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    @contextmanager
    def running(self) -> Iterator[FaultProxy]:
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
            self._stopping.set()
            self._released.set()
            self._server.shutdown()
            self._server.server_close()
            thread.join(5)
