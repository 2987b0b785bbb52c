"""The fetch layer against real proxies: a file:// directory and an HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from gomodls.base.goenv import GoEnv
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.proxies import FetchError, ProxySpec, parse_goproxy
from gomodls.resolve.transport import Transport
from goproxy import HTTPProxy, ProxyDir


def env(tmp_path: Path, **values: str) -> GoEnv:
    base = {"HOME": str(tmp_path / "home"), "GOENV": "off", "GOMODCACHE": str(tmp_path / "modcache")}
    return GoEnv(environ=base | values)


def fetcher(tmp_path: Path, cache: bool = True, **values: str) -> Fetcher:
    e = env(tmp_path, **values)
    return Fetcher(
        e,
        cache=ProxyCache(str(tmp_path / "cache")) if cache else None,
        transport=Transport(e.environ, retries=2, backoff=0.01, timeout=5),
    )


def test_goproxy_list_parsing() -> None:
    assert parse_goproxy("https://a.example,https://b.example|direct") == [
        ProxySpec("https://a.example", False),
        ProxySpec("https://b.example", True),
        ProxySpec("direct", False),
    ]
    assert parse_goproxy("proxy.example, off, https://never") == [
        ProxySpec("https://proxy.example"),
        ProxySpec("off"),
    ]
    assert parse_goproxy("direct,https://ignored")[-1] == ProxySpec("direct")
    assert parse_goproxy("https://p", gonoproxy="corp.example")[0] == ProxySpec("noproxy")
    with pytest.raises(ValueError):
        parse_goproxy(" , ")


async def test_file_proxy_and_escaping(tmp_path: Path) -> None:
    p = ProxyDir(tmp_path / "proxy")
    p.add("github.com/Azure/go-autorest", "v1.2.3", "module github.com/Azure/go-autorest\n\ngo 1.20\n")
    f = fetcher(tmp_path, GOPROXY=p.url)
    assert (await f.mod("github.com/Azure/go-autorest", "v1.2.3")).startswith(b"module github.com/Azure")
    assert (await f.info("github.com/Azure/go-autorest", "v1.2.3")).time == "2024-01-02T03:04:05Z"
    assert await f.versions("github.com/Azure/go-autorest") == ["v1.2.3"]
    assert (tmp_path / "proxy" / "github.com" / "!azure").is_dir()
    with pytest.raises(FetchError) as e:
        await f.mod("github.com/Azure/go-autorest", "v9.9.9")
    assert e.value.not_exist
    assert (  # percent-encoded like the go command's URLs (url.URL.String)
        str(e.value)
        == f"reading {p.url}/github.com/%21azure/go-autorest/@v/v9.9.9.mod: no such file or directory"
    )


async def test_module_cache_first_and_goproxy_off(tmp_path: Path) -> None:
    cached = tmp_path / "modcache" / "cache" / "download" / "example.com" / "a" / "@v"
    cached.mkdir(parents=True)
    (cached / "v1.0.0.mod").write_text("module example.com/a\n")
    (cached / "v1.0.0.info").write_text('{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}')
    f = fetcher(tmp_path, GOPROXY="off")
    assert await f.mod("example.com/a", "v1.0.0") == b"module example.com/a\n"
    assert await f.versions("example.com/a") == ["v1.0.0"]  # from the cache, with no network
    with pytest.raises(FetchError, match="module lookup disabled by GOPROXY=off"):
        await f.mod("example.com/a", "v1.1.0")
    assert f.transport.requests == 0


async def test_comma_falls_through_only_on_not_found(tmp_path: Path) -> None:
    with HTTPProxy(tmp_path / "a").running() as a, HTTPProxy(tmp_path / "b").running() as b:
        b.dir.add("example.com/m", "v1.0.0")
        a.behaviour.status["/example.com/n/@v/v1.0.0.mod"] = 500
        b.dir.add("example.com/n", "v1.0.0")
        f = fetcher(tmp_path, GOPROXY=f"{a.url},{b.url}")
        assert await f.mod("example.com/m", "v1.0.0") == b"module example.com/m\n"  # 404 at a, then b
        with pytest.raises(FetchError) as e:  # a 500 at a does not fall through ","
            await f.mod("example.com/n", "v1.0.0")
        assert "500" in str(e.value) and not e.value.not_exist
        assert not any("example.com/n" in r for r in b.requests)
        g = fetcher(tmp_path, cache=False, GOPROXY=f"{a.url}|{b.url}")
        assert await g.mod("example.com/n", "v1.0.0") == b"module example.com/n\n"  # "|" does


async def test_retries_with_backoff_then_success(tmp_path: Path) -> None:
    with HTTPProxy(tmp_path / "p").running() as p:
        p.dir.add("example.com/r", "v1.0.0")
        p.behaviour.fail_times["/v1.0.0.mod"] = 2
        f = fetcher(tmp_path, GOPROXY=p.url)
        assert await f.mod("example.com/r", "v1.0.0") == b"module example.com/r\n"
        assert p.requests.count("/example.com/r/@v/v1.0.0.mod") == 3


async def test_single_flight(tmp_path: Path) -> None:
    with HTTPProxy(tmp_path / "p").running() as p:
        p.dir.add("example.com/s", "v1.0.0")
        f = fetcher(tmp_path, cache=False, GOPROXY=p.url)
        results = await asyncio.gather(*(f.mod("example.com/s", "v1.0.0") for _ in range(20)))
        assert set(results) == {b"module example.com/s\n"}
        assert p.requests.count("/example.com/s/@v/v1.0.0.mod") == 1


async def test_basic_auth_from_netrc_over_https_only(tmp_path: Path) -> None:
    """Like the go command (auth.AddCredentials), credentials from .netrc go to https proxies
    only: never in clear text."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login alice password s3cret\n")
    os.chmod(netrc, 0o600)
    with HTTPProxy(tmp_path / "p", tls=True).running() as p:
        p.dir.add("corp.example/lib", "v1.0.0")
        p.behaviour.auth = ("alice", "s3cret")
        trust = {"SSL_CERT_FILE": p.ca_file}
        assert await fetcher(tmp_path, GOPROXY=p.url, NETRC=str(netrc), **trust).mod(
            "corp.example/lib", "v1.0.0"
        )
        with pytest.raises(FetchError, match="401"):
            await fetcher(tmp_path, cache=False, GOPROXY=p.url, **trust).mod("corp.example/lib", "v1.0.0")
    with HTTPProxy(tmp_path / "plain").running() as plain:
        plain.dir.add("corp.example/lib", "v1.0.0")
        plain.behaviour.auth = ("alice", "s3cret")
        with pytest.raises(FetchError, match="401"):
            await fetcher(tmp_path, cache=False, GOPROXY=plain.url, NETRC=str(netrc)).mod(
                "corp.example/lib", "v1.0.0"
            )


async def test_private_modules_never_reach_a_proxy(tmp_path: Path) -> None:
    with HTTPProxy(tmp_path / "p").running() as p:
        p.dir.add("corp.example/secret", "v1.0.0")
        p.dir.add("example.com/public", "v1.0.0")
        f = fetcher(tmp_path, GOPROXY=p.url, GOPRIVATE="corp.example,*.internal")
        assert await f.mod("example.com/public", "v1.0.0")
        for path in ("corp.example/secret", "corp.example/secret/sub", "git.internal/x"):
            with pytest.raises(FetchError, match="version control"):
                await f.mod(path, "v1.0.0")
            with pytest.raises(FetchError):
                await f.versions(path)
        assert p.requests == ["/example.com/public/@v/v1.0.0.mod"]


async def test_list_ttl_and_stale_when_offline(tmp_path: Path) -> None:
    with HTTPProxy(tmp_path / "p").running() as p:
        p.dir.add("example.com/t", "v1.0.0")
        f = fetcher(tmp_path, GOPROXY=p.url)
        assert await f.versions("example.com/t") == ["v1.0.0"]
        p.dir.add("example.com/t", "v1.1.0")
        assert await f.versions("example.com/t") == ["v1.0.0"]  # fresh in the cache
        f.list_ttl = 0
        assert await f.versions("example.com/t") == ["v1.0.0", "v1.1.0"]  # expired: asked again
        url = p.url
    # The proxy is gone: the stale list is served.
    g = fetcher(tmp_path, GOPROXY=url)
    g.list_ttl = 0
    g.transport = Transport(g.env.environ, retries=0, timeout=1)
    assert await g.versions("example.com/t") == ["v1.0.0", "v1.1.0"]


async def test_absent_answers_are_cached_briefly(tmp_path: Path) -> None:
    with HTTPProxy(tmp_path / "p").running() as p:
        f = fetcher(tmp_path, GOPROXY=p.url)
        for _ in range(3):
            with pytest.raises(FetchError):
                await f.mod("example.com/gone", "v1.0.0")
        assert p.requests.count("/example.com/gone/@v/v1.0.0.mod") == 1


async def test_absence_is_remembered_per_goproxy(tmp_path: Path) -> None:
    """What GOPROXY=off or an empty proxy said is no answer of another proxy."""
    p = ProxyDir(tmp_path / "proxy")
    p.add("example.com/m", "v1.0.0")
    empty = ProxyDir(tmp_path / "empty")
    for goproxy in ("off", empty.url):
        with pytest.raises(FetchError):
            await fetcher(tmp_path, GOPROXY=goproxy).mod("example.com/m", "v1.0.0")
    assert await fetcher(tmp_path, GOPROXY=p.url).mod("example.com/m", "v1.0.0") == b"module example.com/m\n"


async def test_corrupt_cache_entry_is_dropped(tmp_path: Path) -> None:
    p = ProxyDir(tmp_path / "proxy")
    p.add("example.com/c", "v1.0.0")
    cache = ProxyCache(str(tmp_path / "cache"))
    f = Fetcher(env(tmp_path, GOPROXY=p.url), cache=cache)
    await f.mod("example.com/c", "v1.0.0")
    cache._open().set("v1|.mod|example.com/c|v1.0.0", "not a valid entry")  # type: ignore[union-attr]
    assert await f.mod("example.com/c", "v1.0.0") == b"module example.com/c\n"
    assert cache.get("v1|.mod|example.com/c|v1.0.0") is not None
