"""The HTTP transport against misbehaving servers on 127.0.0.1 (tests/faultproxy.py): the go
command's rules for redirects and certificates, bodies read as a bounded stream, gzip decoded
with compress/gzip's words, no retries for answers that cannot change. The same faults are
compared with the real go command's messages in tests/faults/test_transport_vs_go.py."""

from __future__ import annotations

import gzip
import socket
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from faultproxy import FaultProxy
from gomodls.base.goenv import GoEnv
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.proxies import FetchError
from gomodls.resolve.transport import MAX_BODY, Transport, TransportError, _BadGzip, _Gunzip, redacted
from goproxy import HTTPProxy

RETRIES = 2
MOD = "example.com/t/a"
MOD_PATH = f"/{MOD}/@v/v1.0.0.mod"
CONTENT = f"module {MOD}\n\ngo 1.21\n".encode()


def transport(**environ: str) -> Transport:
    return Transport(environ, retries=RETRIES, backoff=0.01, timeout=10)


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[FaultProxy]:
    fp = FaultProxy(tmp_path / "plain")
    fp.dir.add(MOD, "v1.0.0", CONTENT.decode())
    with fp.running():
        yield fp


@pytest.fixture
def secure(tmp_path: Path) -> Iterator[FaultProxy]:
    fp = FaultProxy(tmp_path / "secure", tls=True)
    fp.dir.add(MOD, "v1.0.0", CONTENT.decode())
    with fp.running():
        yield fp


async def get(t: Transport, url: str) -> bytes:
    try:
        response = await t.get(url)
    finally:
        await t.close()
    assert response.status == 200, response
    return response.body


async def failure(t: Transport, url: str) -> TransportError:
    with pytest.raises(TransportError) as e:
        await get(t, url)
    return e.value


# Redirects and certificates.


async def test_https_never_redirects_to_http(secure: FaultProxy, tmp_path: Path) -> None:
    with HTTPProxy(tmp_path / "insecure").running() as insecure:
        insecure.dir.add(MOD, "v1.0.0", CONTENT.decode())
        secure.insecure = insecure.url
        secure.inject("to-http", only=MOD_PATH)
        t = transport(SSL_CERT_FILE=secure.ca_file)
        e = await failure(t, secure.url + MOD_PATH)
        assert str(e) == (
            f'Get "{insecure.url}{MOD_PATH}": redirected from secure URL {secure.url}{MOD_PATH} '
            f"to insecure URL {insecure.url}{MOD_PATH}"
        )
        assert insecure.requests == []
        assert (secure.faults, t.requests) == (1, 1)  # the same answer would come back: not retried


async def test_https_to_https_redirects_are_followed(secure: FaultProxy) -> None:
    secure.insecure = secure.url  # (the "insecure" target is the secure proxy itself)
    secure.inject("to-http", only=MOD_PATH, times=1)
    t = transport(SSL_CERT_FILE=secure.ca_file)
    assert await get(t, secure.url + MOD_PATH) == CONTENT
    assert t.requests == 2


@pytest.mark.parametrize(("redirects", "followed"), [(9, True), (10, False)])
async def test_at_most_ten_redirects(proxy: FaultProxy, redirects: int, followed: bool) -> None:
    proxy.inject("redirect-loop", only=MOD_PATH, times=redirects)
    t = transport()
    if followed:
        assert await get(t, proxy.url + MOD_PATH) == CONTENT
    else:
        assert str(await failure(t, proxy.url + MOD_PATH)) == f'Get "{MOD_PATH}": stopped after 10 redirects'
    assert proxy.faults == redirects  # the refusal is not retried


async def test_an_untrusted_certificate(secure: FaultProxy) -> None:
    t = transport()  # (the throwaway certificate is not trusted)
    e = await failure(t, secure.url + MOD_PATH)
    assert str(e) == (
        f'Get "{secure.url}{MOD_PATH}": tls: failed to verify certificate: '
        "x509: certificate signed by unknown authority"
    )
    assert not e.retry and t.requests == 1 and secure.requests == []


async def test_http_at_an_https_url(proxy: FaultProxy) -> None:
    url = proxy.url.replace("http://", "https://") + MOD_PATH
    e = await failure(transport(), url)
    assert str(e) == f'Get "{url}": http: server gave HTTP response to HTTPS client'


# Bodies: streamed, bounded, decoded.


async def test_gzip_is_decoded(proxy: FaultProxy) -> None:
    proxy.inject("gzipped", only=MOD_PATH)
    assert await get(transport(), proxy.url + MOD_PATH) == CONTENT
    assert proxy.faults == 1


async def test_bad_gzip_is_an_error_and_not_retried(proxy: FaultProxy) -> None:
    proxy.inject("bad-gzip", only=MOD_PATH)
    e = await failure(transport(), proxy.url + MOD_PATH)
    assert str(e) == f'read "{proxy.url}{MOD_PATH}": gzip: invalid header'
    assert proxy.faults == 1


@pytest.mark.parametrize("fault", ["big", "big-unsized", "gzip-bomb"])
async def test_reading_stops_at_the_limit(proxy: FaultProxy, fault: str) -> None:
    """A 100 MB answer (with or without its length, or gzip inflating to it) costs at most the
    limit in memory, and the rest is never read."""
    proxy.inject(fault, only=MOD_PATH)
    tracemalloc.start()
    try:
        e = await failure(transport(), proxy.url + MOD_PATH)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(e) == f'read "{proxy.url}{MOD_PATH}": response body too large (more than {MAX_BODY} bytes)'
    assert proxy.faults == 1  # not retried
    print(f"{fault}: peak {peak / 2**20:.1f} MiB traced, {proxy.big_sent / 2**20:.1f} MiB sent")
    assert peak < 1.5 * MAX_BODY, peak
    if fault != "gzip-bomb":
        assert proxy.big_sent < proxy.big_bytes / 2, proxy.big_sent
    if fault == "big":  # refused on its Content-Length: none of the body is kept
        assert peak < MAX_BODY / 4, peak


async def test_a_truncated_body_is_retried_then_an_error(proxy: FaultProxy) -> None:
    proxy.inject("truncate", only=MOD_PATH)
    e = await failure(transport(), proxy.url + MOD_PATH)
    assert str(e) == f'read "{proxy.url}{MOD_PATH}": unexpected EOF'
    assert proxy.faults == RETRIES + 1


async def test_a_truncated_body_is_never_cached(proxy: FaultProxy, tmp_path: Path) -> None:
    environ = {
        "HOME": str(tmp_path),
        "GOENV": "off",
        "GOMODCACHE": str(tmp_path / "mc"),
        "GOPROXY": proxy.url,
    }
    cache = ProxyCache(str(tmp_path / "cache"))
    f = Fetcher(GoEnv(environ=environ), cache=cache, transport=transport())
    proxy.inject("truncate", only=MOD_PATH)
    with pytest.raises(FetchError, match="unexpected EOF"):
        await f.mod(MOD, "v1.0.0")
    assert cache.get(f"v1|.mod|{MOD}|v1.0.0") is None
    proxy.clear()
    assert await f.mod(MOD, "v1.0.0") == CONTENT
    await f.close()


# Retries: only for what may change.


@pytest.mark.parametrize(
    ("status", "attempts"), [(403, 1), (404, 1), (401, 1), (429, RETRIES + 1), (503, RETRIES + 1)]
)
async def test_which_statuses_are_retried(proxy: FaultProxy, status: int, attempts: int) -> None:
    proxy.inject("status", only=MOD_PATH, status=status)
    t = transport()
    response = await t.get(proxy.url + MOD_PATH)
    await t.close()
    assert response.status == status
    assert proxy.faults == attempts


async def test_network_errors_are_retried(proxy: FaultProxy) -> None:
    proxy.inject("reset", only=MOD_PATH)
    e = await failure(transport(), proxy.url + MOD_PATH)
    assert str(e) == f'Get "{proxy.url}{MOD_PATH}": read: connection reset by peer'
    assert e.retry and proxy.faults == RETRIES + 1


async def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # (bound, not listening: connections are refused)
        url = f"http://127.0.0.1:{port}{MOD_PATH}"
        e = await failure(transport(), url)
    assert str(e) == f'Get "{url}": dial tcp 127.0.0.1:{port}: connect: connection refused'


@pytest.mark.parametrize(("fault", "status"), [("status", 503), ("reset", 0), ("truncate", 0)])
async def test_pipe_moves_on_at_once_comma_does_not(
    proxy: FaultProxy, tmp_path: Path, fault: str, status: int
) -> None:
    """GOPROXY=A|B: any error at A moves on to B at once (no retries, as the go command);
    GOPROXY=A,B: only "not found" does, and A's error is retried first."""
    with HTTPProxy(tmp_path / "b").running() as b:
        b.dir.add(MOD, "v1.0.0", CONTENT.decode())
        proxy.inject(fault, only=MOD_PATH, status=status or 503)
        environ = {"HOME": str(tmp_path), "GOENV": "off", "GOMODCACHE": str(tmp_path / "mc")}
        pipe = Fetcher(GoEnv(environ=environ | {"GOPROXY": f"{proxy.url}|{b.url}"}), transport=transport())
        assert await pipe.mod(MOD, "v1.0.0") == CONTENT
        assert (proxy.faults, b.requests) == (1, [MOD_PATH])
        await pipe.close()
        comma = Fetcher(GoEnv(environ=environ | {"GOPROXY": f"{proxy.url},{b.url}"}), transport=transport())
        with pytest.raises(FetchError, match=proxy.url):
            await comma.mod(MOD, "v1.0.0")
        assert (proxy.faults, b.requests) == (1 + RETRIES + 1, [MOD_PATH])
        await comma.close()


# compress/gzip's reader, in pieces.


def test_gunzip_reads_members_in_pieces() -> None:
    data = gzip.compress(b"hello ") + gzip.compress(b"world")
    g, out = _Gunzip(), bytearray()
    for i in range(0, len(data), 3):
        g.feed(data[i : i + 3], out, 100)
    g.finish()
    assert out == b"hello world"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not gzip at all", "gzip: invalid header"),
        (gzip.compress(b"hello")[:-3], "unexpected EOF"),
        (gzip.compress(b"hello")[:-8] + b"\0\0\0\0" + gzip.compress(b"hello")[-4:], "gzip: invalid checksum"),
        (gzip.compress(b"hello") + b"trailing garbage", "gzip: invalid header"),
    ],
)
def test_gunzip_errors_in_gos_words(data: bytes, words: str) -> None:
    g = _Gunzip()
    with pytest.raises(_BadGzip) as e:
        g.feed(data, bytearray(), 100)
        g.finish()
    assert str(e.value) == words


def test_gunzip_never_inflates_past_its_room() -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    data = bomb.compress(b"\0" * (50 << 20)) + bomb.flush()
    out = bytearray()
    _Gunzip().feed(data, out, 1000)
    assert len(out) == 1001


def test_passwords_are_redacted_in_messages() -> None:
    assert redacted("https://u:secret@proxy.example/p") == "https://u:xxxxx@proxy.example/p"
    assert redacted("https://u@proxy.example/p") == "https://u@proxy.example/p"


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("ftp://127.0.0.1:1/x", 'Get "ftp://127.0.0.1:1/x": unsupported protocol scheme "ftp"'),
        ("http://[::1/x", 'failed to parse Location header "http://[::1/x": '),
    ],
)
async def test_odd_redirects_are_errors(proxy: FaultProxy, location: str, error: str) -> None:
    proxy.insecure = location
    proxy.inject("to-http", only=MOD_PATH)
    proxy_path = MOD_PATH  # (the fault appends the request path to `insecure`)
    e = await failure(transport(), proxy.url + proxy_path)
    assert error.replace("/x", "/x" + proxy_path) in str(e), str(e)
    assert not e.retry and proxy.faults == 1


async def test_file_proxies_have_the_same_limit(tmp_path: Path) -> None:
    (tmp_path / "small").write_bytes(b"x" * 10)
    (tmp_path / "large").write_bytes(b"x" * 11)
    t = Transport({}, max_body=10)
    assert (await t.get((tmp_path / "small").as_uri())).body == b"x" * 10
    with pytest.raises(TransportError, match=r"response body too large \(more than 10 bytes\)"):
        await t.get((tmp_path / "large").as_uri())
