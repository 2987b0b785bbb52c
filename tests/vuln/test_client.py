"""The database client against real databases built by the tests in the v1 layout: a file://
directory and an HTTP server on 127.0.0.1 (gzip and plain), with gomodls's disk cache: what is
requested, when the index is checked again, offline and stale answers, broken data."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest

from gomodls.base.goenv import GoEnv
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.transport import Response, Transport
from gomodls.vuln.client import DEFAULT_URL, REFRESH, BadVulnDB, VulnDB, database_url, inflate
from gomodls.vuln.osv import Malformed
from goproxy import HTTPProxy
from vulndb import VulnDBDir, affected, entry

DIRECT = "example.com/direct"
TRANSITIVE = "example.com/transitive"
PRIVATE = "corp.example/private"


def build(db: VulnDBDir) -> VulnDBDir:
    return db.add(
        entry(
            "GO-2024-0001",
            [affected(DIRECT, [[("introduced", "0"), ("fixed", "1.2.0")]])],
            aliases=["CVE-2024-1"],
        ),
        entry(
            "GO-2024-0002",
            [affected(TRANSITIVE, [[("introduced", "0"), ("fixed", "0.0.0-20240301000000-abcdefabcdef")]])],
        ),
        entry("GO-2024-0003", [affected(DIRECT, [[("introduced", "0")]])], withdrawn="2024-06-01T00:00:00Z"),
        entry("GO-2024-0004", [affected(PRIVATE, [[("introduced", "0")]])]),
    ).publish()


MODULES = [
    ModuleVersion(DIRECT, "v1.1.0"),
    ModuleVersion(TRANSITIVE, "v0.0.0-20240101000000-aaaaaaaaaaaa"),
    ModuleVersion(PRIVATE, "v1.0.0"),
    ModuleVersion("example.com/clean", "v1.0.0"),
]


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        import time

        return time.time() + self.offset


def client(url: str, tmp_path: Path, clock: Clock | None = None, cache: bool = True) -> VulnDB:
    transport = Transport({}, retries=0, timeout=2)
    return VulnDB(
        url, transport, ProxyCache(str(tmp_path / "cache")) if cache else None, clock=clock or Clock()
    )


@pytest.mark.parametrize("layout", ["both", "plain", "gz"])
async def test_file_database(tmp_path: Path, layout: str) -> None:
    db = build(VulnDBDir(tmp_path / "db", plain=layout != "gz", gz=layout != "plain"))
    c = client(db.url, tmp_path, cache=False)
    snap = await c.lookup(MODULES)
    assert snap.error == "" and snap.index is not None and not snap.stale
    assert sorted(snap.entries) == ["GO-2024-0001", "GO-2024-0002", "GO-2024-0003", "GO-2024-0004"]
    direct = snap.vulns(MODULES[0])
    assert direct is not None and direct.ids() == ["GO-2024-0001"]  # (0003 is withdrawn)
    transitive = snap.vulns(MODULES[1])
    assert transitive is not None and transitive.ids() == ["GO-2024-0002"]
    assert snap.vulns(ModuleVersion(TRANSITIVE, "v0.0.0-20240401000000-bbbbbbbbbbbb")) is None
    assert snap.vulns(MODULES[3]) is None
    # A local copy is looked at again every time (no hour of waiting after an update).
    assert c.refresh == 0


async def test_http_database_sends_no_module_path(tmp_path: Path) -> None:
    server = HTTPProxy(tmp_path / "db")
    build(VulnDBDir(server.dir.root))
    with server.running():
        c = client(server.url, tmp_path)
        snap = await c.lookup(MODULES)
        await c.transport.close()  # type: ignore[attr-defined]
    assert snap.vulns(MODULES[0]) is not None
    # gzip first; only index files and entries by ID: never a module path, private or not.
    assert server.requests[:2] == ["/index/db.json.gz", "/index/modules.json.gz"]
    assert all(r.startswith(("/index/", "/ID/GO-")) and r.endswith(".json.gz") for r in server.requests)
    assert not any("example" in r for r in server.requests)


async def test_http_plain_json_when_no_gzip(tmp_path: Path) -> None:
    server = HTTPProxy(tmp_path / "db")
    build(VulnDBDir(server.dir.root, gz=False))
    with server.running():
        snap = await client(server.url, tmp_path).lookup(MODULES[:1])
    assert snap.vulns(MODULES[0]) is not None
    assert server.requests[:2] == ["/index/db.json.gz", "/index/db.json"]


async def test_index_checked_hourly_and_fetched_only_when_changed(tmp_path: Path) -> None:
    server = HTTPProxy(tmp_path / "db")
    db = build(VulnDBDir(server.dir.root))
    clock = Clock()
    with server.running():
        c = client(server.url, tmp_path, clock)
        await c.lookup(MODULES)
        first = len(server.requests)
        # Within the hour: nothing is asked (entries are kept too).
        clock.offset = REFRESH - 60
        await c.lookup(MODULES)
        assert len(server.requests) == first
        # After the hour, db.json is asked; unchanged, so nothing else is.
        clock.offset = REFRESH + 60
        await c.lookup(MODULES)
        assert server.requests[first:] == ["/index/db.json.gz"]
        # The database changes: the index comes again, and only the modified entry.
        db.add(
            entry(
                "GO-2024-0001",
                [affected(DIRECT, [[("introduced", "0"), ("fixed", "1.3.0")]])],
                modified="2024-07-01T00:00:00Z",
            )
        ).publish()
        clock.offset = 2 * REFRESH + 120
        mark = len(server.requests)
        snap = await c.lookup(MODULES)
        assert server.requests[mark:] == [
            "/index/db.json.gz",
            "/index/modules.json.gz",
            "/ID/GO-2024-0001.json.gz",
        ]
        assert snap.entries["GO-2024-0001"].affected[0].ranges[0].events[-1].fixed == "v1.3.0"
        # A new process with the same disk cache: nothing fetched within the hour.
        mark = len(server.requests)
        again = client(server.url, tmp_path, clock)
        snap = await again.lookup(MODULES)
        assert server.requests[mark:] == []
        assert snap.vulns(MODULES[0]) is not None and snap.error == ""


async def test_offline_serves_stale_cache_with_its_age(tmp_path: Path) -> None:
    server = HTTPProxy(tmp_path / "db")
    build(VulnDBDir(server.dir.root))
    clock = Clock()
    with server.running():
        url = server.url
        await client(url, tmp_path, clock).lookup(MODULES)
    # The server is gone; three hours later, a new process.
    clock.offset = 3 * 3600
    c = client(url, tmp_path, clock)
    snap = await c.lookup(MODULES)
    assert snap.stale and 'Get "http://127.0.0.1' in snap.error
    age = snap.age(clock())
    assert age is not None and 3 * 3600 - 5 < age < 3 * 3600 + 60
    direct = snap.vulns(MODULES[0])
    assert direct is not None and direct.ids() == ["GO-2024-0001"]
    # Asked again at once: the dead server is not asked again for a while (no waiting on it).
    requests = c.requests
    await c.lookup(MODULES)
    assert c.requests == requests


async def test_database_down_without_cache_is_no_error(tmp_path: Path) -> None:
    server = HTTPProxy(tmp_path / "db")
    server.behaviour.status["db.json.gz"] = 503
    with server.running():
        snap = await client(server.url, tmp_path).lookup(MODULES)
    assert snap.index is None and not snap.stale and "503" in snap.error
    assert snap.vulns(MODULES[0]) is None
    snap = await client("file:///nonexistent/vulndb", tmp_path, cache=False).lookup(MODULES)
    assert snap.index is None and "not a vulnerability database in the v1 layout" in snap.error


async def test_server_errors_keep_the_cached_index(tmp_path: Path) -> None:
    server = HTTPProxy(tmp_path / "db")
    db = build(VulnDBDir(server.dir.root))
    clock = Clock()
    with server.running():
        c = client(server.url, tmp_path, clock)
        await c.lookup(MODULES)
        # A broken index (not JSON) is not taken: the good one stays, marked stale.
        db.publish(modified="2025-01-01T00:00:00Z")
        (server.dir.root / "index/modules.json.gz").write_bytes(gzip.compress(b"{not json"))
        clock.offset = REFRESH + 1
        snap = await c.lookup(MODULES)
        assert snap.stale and "index/modules.json: not JSON" in snap.error
        assert snap.vulns(MODULES[0]) is not None


async def test_malformed_and_missing_entries_are_skipped(tmp_path: Path) -> None:
    db = build(VulnDBDir(tmp_path / "db"))
    db.write_raw("ID/GO-2024-0001.json", b'{"id": "GO-2024-0001", "modified": "no"}')
    (tmp_path / "db/ID/GO-2024-0002.json").unlink()
    (tmp_path / "db/ID/GO-2024-0002.json.gz").unlink()
    snap = await client(db.url, tmp_path, cache=False).lookup(MODULES)
    assert "modified: not an RFC 3339 time" in snap.missing["GO-2024-0001"]
    assert "not found" in snap.missing["GO-2024-0002"]
    direct = snap.vulns(MODULES[0])
    # What could not be read is said, not taken for "not affected".
    assert direct is not None and direct.entries == () and direct.unread == ("GO-2024-0001",)


async def test_any_transport_failure_is_unavailable(tmp_path: Path) -> None:
    class Broken:
        async def get(self, url: str) -> Response:
            raise RuntimeError("boom")

    snap = await VulnDB("https://vuln.example", Broken()).lookup(MODULES)
    assert snap.index is None and "boom" in snap.error


async def test_cancelled_lookup_leaves_the_client_usable(tmp_path: Path) -> None:
    db = build(VulnDBDir(tmp_path / "db"))

    class Slow:
        def __init__(self) -> None:
            self.inner = Transport({})

        async def get(self, url: str) -> Response:
            await asyncio.sleep(0.05)
            return await self.inner.get(url)

    c = VulnDB(db.url, Slow())
    task = asyncio.ensure_future(c.lookup(MODULES))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    snap = await c.lookup(MODULES)
    assert snap.vulns(MODULES[0]) is not None


def test_database_url(tmp_path: Path) -> None:
    def url(**values: str) -> str:
        return database_url(GoEnv(environ={"HOME": str(tmp_path), "GOENV": "off"} | values))

    assert url() == DEFAULT_URL
    assert url(GOVULNDB="file:///srv/vulndb/") == "file:///srv/vulndb"
    # The go env file counts too (GOENV names it).
    env_file = tmp_path / "goenv"
    env_file.write_text("GOVULNDB=https://vuln.corp.example\n")
    assert (
        database_url(GoEnv(environ={"HOME": str(tmp_path), "GOENV": str(env_file)}))
        == "https://vuln.corp.example"
    )
    # ... and the editor's gomodls.env over everything.
    assert (
        database_url(
            GoEnv(
                environ={"HOME": str(tmp_path), "GOVULNDB": "https://a"}, overrides={"GOVULNDB": "https://b"}
            )
        )
        == "https://b"
    )
    with pytest.raises(BadVulnDB, match="unsupported scheme"):
        url(GOVULNDB="ftp://x")


def test_inflate_limits() -> None:
    assert inflate(gzip.compress(b"{}")) == b"{}"
    assert inflate(b"{}") == b"{}"
    with pytest.raises(Malformed):
        inflate(b"\x1f\x8b" + b"garbage")
