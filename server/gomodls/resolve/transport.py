"""Getting bytes from a proxy URL: https:// and http:// through one shared httpx connection
pool (connection reuse), file:// from disk. A concurrency limit, timeouts, retries with exponential
backoff and jitter on 5xx and 429 answers and network errors, one request per URL at a time
(single-flight), and basic auth from .netrc for private proxies (GOAUTH=netrc, the default).

The go command's client (cmd/go/internal/web/http.go) is the spec for everything a server can
make it do: redirects are followed by hand, at most 10, never from https to another scheme;
certificates are checked against the roots Go trusts (SSL_CERT_FILE, SSL_CERT_DIR, the system's
files); only gzip is asked for and decoded; and bodies are read as a stream that stops at
MAX_BODY. Every failure is a TransportError worded like Go's url.Error (`Get "URL": ...` before
the answer, `read "URL": ...` while reading its body), never an exception of the HTTP library."""

from __future__ import annotations

import asyncio
import base64
import errno
import logging
import netrc
import os
import random
import socket
import ssl
import urllib.parse
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gomodls.base.gostr import quote

if TYPE_CHECKING:
    import httpx  # imported on first use: the server starts faster without it

log = logging.getLogger(__name__)

# The largest answer read (after gzip decoding): the go command's own bound for a go.mod
# (codehost.MaxGoMod). Nothing a proxy or vulnerability database answers legitimately
# (.mod, .info, version lists, gzipped database files) comes near it.
MAX_BODY = 16 << 20
# What is read of a non-200 answer: the go command shows at most 8 lines of 81 bytes of it.
MAX_ERROR_BODY = 64 << 10
MAX_REDIRECTS = 10  # Go's http.Client, and cmd/go's checkRedirect
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))


def retryable_status(status: int) -> bool:
    """Answers that may differ next time: the server's trouble (5xx) or "too many requests"."""
    return status >= 500 or status == 429


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    reason: str = ""
    content_type: str = ""  # the Content-Type header (the go command shows text/plain error bodies)


class TransportError(Exception):
    """The request did not produce a whole answer, in the go command's words. `retry`: whether
    asking again may help (the network, a timeout) — not for a refused redirect, a certificate,
    a body over the limit or bytes that do not decode."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry

    def __str__(self) -> str:
        return self.message


def redacted(url: str) -> str:
    """url.URL.Redacted: a password in the URL is shown as "xxxxx"."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:xxxxx@{host}"))


def url_error(op: str, url: str, err: str) -> str:
    """url.Error.Error(): `Get "https://...": connection refused`."""
    return f"{op} {quote(redacted(url))}: {err}"


class Transport:
    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        concurrency: int = 16,
        timeout: float = 15.0,
        retries: int = 3,
        backoff: float = 0.25,
        goauth: str = "netrc",
        max_body: int = MAX_BODY,
    ) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self._limit = asyncio.Semaphore(concurrency)
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self.max_body = max_body
        self._inflight: dict[str, asyncio.Future[Response]] = {}
        self._pool: httpx.AsyncHTTPTransport | None = None
        self._netrc = self._load_netrc() if goauth.split()[:1] in (["netrc"], []) else None
        self.requests = 0  # requests that reached the network or disk, redirects included

    def _load_netrc(self) -> netrc.netrc | None:
        path = self.environ.get("NETRC") or os.path.join(self.environ.get("HOME", ""), ".netrc")
        try:
            return netrc.netrc(path) if os.path.isfile(path) else None
        except (netrc.NetrcParseError, OSError) as e:
            log.warning("ignoring %s: %s", path, e)
            return None

    def _auth(self, url: str) -> str | None:
        """The Authorization header .netrc gives url's host: over https only, like the go
        command (auth.AddCredentials: credentials never travel in clear text)."""
        parts = urllib.parse.urlsplit(url)
        if self._netrc is None or parts.scheme != "https":
            return None
        found = self._netrc.authenticators(parts.hostname or "")
        if not found:
            return None
        login, _, password = found
        return "Basic " + base64.b64encode(f"{login or ''}:{password or ''}".encode()).decode()

    async def get(self, url: str, *, retry: bool = True) -> Response:
        """GET `url`; concurrent callers for the same URL share one request. `retry=False`:
        one attempt only (a `|` in GOPROXY moves on to the next proxy at once instead)."""
        pending = self._inflight.get(url)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._inflight[url] = future
        try:
            result = await self._get(url, self._retries if retry else 0)
        except BaseException as e:
            if not future.done():
                future.set_exception(e if isinstance(e, Exception) else TransportError(str(e)))
                future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        else:
            future.set_result(result)
            return result
        finally:
            self._inflight.pop(url, None)

    async def _get(self, url: str, retries: int) -> Response:
        if url.startswith("file://"):
            self.requests += 1
            return await asyncio.to_thread(_read_file, url, self.max_body)
        attempt = 0
        while True:
            try:
                async with self._limit:
                    response = await self._fetch(url)
                if not retryable_status(response.status) or attempt >= retries:
                    return response
            except TransportError as e:
                if not e.retry or attempt >= retries:
                    raise
            attempt += 1
            delay = self._backoff * (2 ** (attempt - 1))
            await asyncio.sleep(delay + random.uniform(0, delay))

    async def _fetch(self, url: str) -> Response:
        """One attempt: the redirects followed as the go command follows them, then the body."""
        import httpx

        pool = await self._http_pool()
        timeout = httpx.Timeout(self._timeout, connect=min(self._timeout, 5.0)).as_dict()
        via: list[str] = []
        current = url
        authorization = self._auth(url)
        while True:
            headers = {"User-Agent": "gomodls", "Accept-Encoding": "gzip"}
            if authorization:
                headers["Authorization"] = authorization
            self.requests += 1
            try:
                request = httpx.Request("GET", current, headers=headers, extensions={"timeout": timeout})
                # (The pool itself, not a client: nothing of httpx's redirect handling runs.)
                response = await pool.handle_async_request(request)
                response.request = request
            except Exception as e:  # (httpx's errors, and whatever an odd URL makes it raise)
                raise _failure("Get", current, e) from None
            try:
                location = response.headers.get("location", "")
                if response.status_code not in REDIRECT_STATUSES or not location:
                    # (A 3xx without a Location is an answer, as for Go: "reading URL: 302 Found".)
                    return await self._answer(url, response)
            finally:
                await response.aclose()
            via.append(current)
            try:
                target = urllib.parse.urljoin(current, location)
                httpx.URL(target)
            except Exception as e:
                raise TransportError(
                    url_error("Get", current, f"failed to parse Location header {quote(location)}: {e}"),
                    retry=False,
                ) from None
            refused = _check_redirect(target, via)
            if refused:
                raise TransportError(url_error("Get", location, refused), retry=False)
            if authorization and not _same_or_subdomain(target, url):
                authorization = None  # (Go's http.Client keeps it only for the same domain)
            current = target

    async def _answer(self, url: str, response: httpx.Response) -> Response:
        """The Response for a final answer, its body read up to the limit (MAX_ERROR_BODY for a
        non-200 one, of which only the first lines are ever shown)."""
        status = response.status_code
        limit = self.max_body if status == 200 else MAX_ERROR_BODY
        encoding = response.headers.get("content-encoding", "").strip().lower()
        length = response.headers.get("content-length", "")
        if status == 200 and not encoding and length.isdigit() and int(length) > limit:
            raise TransportError(url_error("read", url, _too_large(limit)), retry=False)
        gunzip = _Gunzip() if encoding == "gzip" else None
        body = bytearray()
        try:
            async for chunk in response.aiter_raw():
                if gunzip:
                    gunzip.feed(chunk, body, limit)
                else:
                    body += chunk
                if len(body) > limit:
                    if status != 200:
                        del body[limit:]
                        break
                    raise TransportError(url_error("read", url, _too_large(limit)), retry=False)
            if gunzip:
                gunzip.finish()
        except TransportError:
            raise
        except _BadGzip as e:
            if status == 200:
                raise TransportError(url_error("read", url, str(e)), retry=False) from None
        except Exception as e:
            if status == 200:  # (the detail of an error answer is best effort, as for Go)
                raise _failure("read", url, e) from None
        return Response(status, bytes(body), response.reason_phrase, response.headers.get("content-type", ""))

    async def _http_pool(self) -> httpx.AsyncHTTPTransport:
        if self._pool is None:
            import httpx

            context = await asyncio.to_thread(tls_context, self.environ)  # (reads certificate files)
            if self._pool is None:
                self._pool = httpx.AsyncHTTPTransport(verify=context, trust_env=False)
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


# Where crypto/x509 looks for the system's roots on Linux (root_linux.go): the first file that
# exists, and every directory.
CERT_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
)
CERT_DIRECTORIES = ("/etc/ssl/certs", "/etc/pki/tls/certs")


def tls_context(environ: Mapping[str, str]) -> ssl.SSLContext:
    """The certificates the go command trusts (crypto/x509 loadSystemRoots): SSL_CERT_FILE
    instead of the system's bundle, SSL_CERT_DIR (colon-separated) instead of its directories.
    Where none of them exists, certifi's bundle (where Go would trust nothing)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # (hostnames and certificates checked)
    files = [environ["SSL_CERT_FILE"]] if environ.get("SSL_CERT_FILE") else list(CERT_FILES)
    dirs = environ["SSL_CERT_DIR"].split(":") if environ.get("SSL_CERT_DIR") else list(CERT_DIRECTORIES)
    loaded = False
    for file in files:
        try:
            context.load_verify_locations(cafile=file)
        except (OSError, ssl.SSLError):
            continue
        loaded = True
        break
    for directory in dirs:
        if directory and os.path.isdir(directory):
            context.load_verify_locations(capath=directory)
            loaded = True
    if not loaded:
        import certifi

        context.load_verify_locations(cafile=certifi.where())
    return context


def _check_redirect(target: str, via: list[str]) -> str:
    """web.securityPreservingHTTPClient's CheckRedirect: why the redirect is refused, or ""."""
    if urllib.parse.urlsplit(via[0]).scheme == "https" and urllib.parse.urlsplit(target).scheme != "https":
        return f"redirected from secure URL {redacted(via[-1])} to insecure URL {redacted(target)}"
    if len(via) >= MAX_REDIRECTS:
        return f"stopped after {MAX_REDIRECTS} redirects"
    return ""


def _same_or_subdomain(target: str, initial: str) -> bool:
    """net/http's shouldCopyHeaderOnRedirect for Authorization."""
    dest = (urllib.parse.urlsplit(target).hostname or "").lower()
    origin = (urllib.parse.urlsplit(initial).hostname or "").lower()
    return dest == origin or dest.endswith("." + origin)


def _too_large(limit: int) -> str:
    return f"response body too large (more than {limit} bytes)"


def _failure(op: str, url: str, e: BaseException) -> TransportError:
    """An httpx error (or one of the socket or TLS errors under it) in the go command's words."""
    import httpx

    host = urllib.parse.urlsplit(url)
    try:
        port = host.port or (443 if host.scheme == "https" else 80)
    except ValueError:
        port = 0
    hostport = f"{host.hostname}:{port}"
    causes: list[BaseException] = []
    cause: BaseException | None = e
    while cause is not None and len(causes) < 8:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    for c in causes:
        if isinstance(c, ssl.SSLCertVerificationError):
            return TransportError(url_error(op, url, _x509(c, host.hostname or "")), retry=False)
        if isinstance(c, ssl.SSLError):
            return TransportError(url_error(op, url, _tls(c)), retry=False)
        if isinstance(c, socket.gaierror):
            if c.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                err = f"dial tcp: lookup {host.hostname}: no such host"
            else:
                err = f"dial tcp: lookup {host.hostname}: {c.strerror or c}"
            return TransportError(url_error(op, url, err))
        if isinstance(c, OSError) and c.errno is not None:
            text = os.strerror(c.errno).lower()  # (asyncio's strerror names the address)
            if isinstance(e, httpx.ConnectError) or c.errno == errno.ECONNREFUSED:
                return TransportError(url_error(op, url, f"dial tcp {hostport}: connect: {text}"))
            return TransportError(url_error(op, url, f"read: {text}"))
    if isinstance(e, httpx.ConnectTimeout):
        err = f"dial tcp {hostport}: i/o timeout"
    elif isinstance(e, httpx.ReadTimeout) and op == "Get":
        err = "net/http: timeout awaiting response headers"
    elif isinstance(e, httpx.TimeoutException):
        err = "i/o timeout"
    elif isinstance(e, httpx.RemoteProtocolError):
        text = str(e)
        if op == "read" or "complete message body" in text:
            err = "unexpected EOF"  # (the body ended before its Content-Length, or its chunks)
        elif "without sending a response" in text:
            err = "EOF"
        else:
            err = f"net/http: HTTP/1.x transport connection broken: {text}"
    elif isinstance(e, httpx.UnsupportedProtocol):
        scheme = urllib.parse.urlsplit(url).scheme
        return TransportError(url_error(op, url, f"unsupported protocol scheme {quote(scheme)}"), retry=False)
    elif isinstance(e, (httpx.InvalidURL, httpx.LocalProtocolError, ValueError, TypeError)):
        return TransportError(url_error(op, url, str(e) or type(e).__name__), retry=False)
    elif isinstance(e, httpx.HTTPError):
        err = str(e) or type(e).__name__
    else:
        log.debug("unexpected error from the HTTP client for %s", url, exc_info=e)
        err = str(e) or type(e).__name__
    return TransportError(url_error(op, url, err))


# OpenSSL's verification results, as crypto/x509 words them.
_UNKNOWN_AUTHORITY = frozenset((2, 18, 19, 20, 21))  # issuer not found, self-signed (in chain)
_NOT_VALID_NOW = frozenset((9, 10))  # not yet valid, expired


def _x509(e: ssl.SSLCertVerificationError, hostname: str) -> str:
    code = getattr(e, "verify_code", 0)
    if code in _UNKNOWN_AUTHORITY:
        why = "x509: certificate signed by unknown authority"
    elif code in _NOT_VALID_NOW:
        why = "x509: certificate has expired or is not yet valid"
    elif code in (62, 64):  # hostname, IP address mismatch
        why = f"x509: certificate is not valid for {hostname}"
    else:
        why = f"x509: {getattr(e, 'verify_message', '') or e.reason or e}"
    return f"tls: failed to verify certificate: {why}"


def _tls(e: ssl.SSLError) -> str:
    reason = (e.reason or "").upper()
    if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "HTTP_REQUEST"):
        return "http: server gave HTTP response to HTTPS client"
    text = (e.reason or str(e)).replace("_", " ").lower()
    return (
        f"remote error: tls: {text}" if reason.startswith(("SSLV3_ALERT", "TLSV1_ALERT")) else f"tls: {text}"
    )


class _BadGzip(Exception):
    """A body that Content-Encoding says is gzip and is not, in compress/gzip's words."""


GUNZIP_STEP = 256 << 10  # bytes inflated at a time


class _Gunzip:
    """compress/gzip's multistream reader, fed a chunk at a time, never producing more than
    it is allowed to (a small body must not inflate to gigabytes in memory)."""

    def __init__(self) -> None:
        self._z: zlib._Decompress | None = None

    def feed(self, data: bytes, out: bytearray, limit: int) -> None:
        """Appends what data decodes to onto out; past `limit` bytes only to show that it is
        over (a step at a time: no big intermediate copy)."""
        while data and len(out) <= limit:
            if self._z is None:
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out += self._z.decompress(data, min(limit - len(out) + 1, GUNZIP_STEP))
            except zlib.error as e:
                raise _BadGzip(_gzip_words(str(e))) from None
            if self._z.eof:
                data, self._z = self._z.unused_data, None
            else:
                data = self._z.unconsumed_tail

    def finish(self) -> None:
        if self._z is not None and not self._z.eof:
            raise _BadGzip("unexpected EOF")


def _gzip_words(zlib_message: str) -> str:
    if "header check" in zlib_message or "unknown compression method" in zlib_message:
        return "gzip: invalid header"
    if "data check" in zlib_message or "length check" in zlib_message:
        return "gzip: invalid checksum"
    return "flate: corrupt input"


def _read_file(url: str, limit: int) -> Response:
    import urllib.request  # (with its http and email modules: only file:// proxies need it)

    path = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return Response(404, b"", "no such file or directory")
    except OSError as e:
        return Response(500, b"", e.strerror or str(e))
    if len(data) > limit:
        raise TransportError(url_error("read", url, _too_large(limit)), retry=False)
    return Response(200, data, "OK")
