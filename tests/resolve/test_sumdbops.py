"""The client's ops on the go command's own files and proxies: the trusted tree head as a
compare-and-swap under go's file lock, the cache (an empty file is absent), a lock held by
another process not blocking the event loop, and which URL the database is reached at
(GOPROXY's `,` and `|`, the supported check) — against real files and servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import fcntl
import os
from contextlib import ExitStack
from pathlib import Path

import pytest

from gomodls.resolve.sumdbops import RemoteError, SumDBOps, database_base
from gomodls.resolve.transport import Transport
from gomodls.sumdb.client import WriteConflict
from gomodls.sumdb.config import SumDBSettings, dial
from goproxy import HTTPProxy

KEY = "sumdb.test.example+b4f04cda+AbvZFStgT3FrLM9oPgCifAg/NVr7VPP1K2rLTWyig7iV"
NAME = "sumdb.test.example"


def ops_for(root: Path, gosumdb: str = KEY, goproxy: str = "off") -> SumDBOps:
    settings = SumDBSettings(
        gosumdb=gosumdb,
        gonosumdb="",
        goproxy=goproxy,
        sumdb_dir=str(root / "gopath" / "pkg" / "sumdb"),
        cache_dir=str(root / "modcache" / "cache" / "download" / "sumdb"),
    )
    return SumDBOps(settings.dial(), settings, Transport({}, retries=0))


async def test_the_key_comes_from_gosumdb_and_the_tree_head_from_gopath(tmp_path: Path) -> None:
    ops = ops_for(tmp_path)
    assert await ops.read_config("key") == KEY.encode()
    assert await ops.read_config(f"{NAME}/latest") == b""  # first contact: empty
    await ops.write_config(f"{NAME}/latest", b"", b"tree 1\n")
    path = tmp_path / "gopath" / "pkg" / "sumdb" / NAME / "latest"
    assert path.read_bytes() == b"tree 1\n"
    assert await ops.read_config(f"{NAME}/latest") == b"tree 1\n"


async def test_writing_the_tree_head_is_a_compare_and_swap(tmp_path: Path) -> None:
    ops = ops_for(tmp_path)
    file = f"{NAME}/latest"
    await ops.write_config(file, b"", b"tree 1\n")
    await ops.write_config(file, b"tree 1\n", b"tree 2\n")
    # Someone (a go command) moved it meanwhile: the stale writer loses.
    with pytest.raises(WriteConflict):
        await ops.write_config(file, b"tree 1\n", b"tree 3\n")
    assert await ops.read_config(file) == b"tree 2\n"
    with pytest.raises(ValueError, match="cannot write key"):
        await ops.write_config("key", b"", b"x")


async def test_the_cache_is_gos_and_an_empty_file_is_absent(tmp_path: Path) -> None:
    ops = ops_for(tmp_path)
    file = f"{NAME}/lookup/example.com/a@v1.0.0"
    with pytest.raises(FileNotFoundError):
        await ops.read_cache(file)
    await ops.write_cache(file, b"record\n")
    target = (
        tmp_path / "modcache" / "cache" / "download" / "sumdb" / NAME / "lookup" / "example.com" / "a@v1.0.0"
    )
    assert target.read_bytes() == b"record\n"
    assert await ops.read_cache(file) == b"record\n"
    target.write_bytes(b"")  # go's lockedfile.Write creates the file before it locks it
    with pytest.raises(FileNotFoundError):
        await ops.read_cache(file)


async def test_a_lock_held_elsewhere_does_not_block_the_event_loop(tmp_path: Path) -> None:
    ops = ops_for(tmp_path)
    file = f"{NAME}/latest"
    await ops.write_config(file, b"", b"tree 1\n")
    path = tmp_path / "gopath" / "pkg" / "sumdb" / NAME / "latest"
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a go command updating the file holds it
    try:
        write = asyncio.ensure_future(ops.write_config(file, b"tree 1\n", b"tree 2\n"))
        ticks = 0
        for _ in range(20):
            await asyncio.sleep(0.005)
            ticks += 1
        assert ticks == 20 and not write.done()  # the loop ran while the write waited for the lock
        os.pwrite(fd, b"tree 9\n", 0)  # the other writer's update
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    with pytest.raises(WriteConflict):
        await write
    assert path.read_bytes() == b"tree 9\n"


async def test_no_gopath_means_no_state(tmp_path: Path) -> None:
    settings = SumDBSettings(KEY, "", "off", "", "")
    ops = SumDBOps(dial(KEY), settings, Transport({}, retries=0))
    with pytest.raises(ValueError, match=r"missing \$GOPATH"):
        await ops.read_config(f"{NAME}/latest")
    with pytest.raises(FileNotFoundError):
        await ops.read_cache(f"{NAME}/tile/8/0/000")
    await ops.write_cache(f"{NAME}/tile/8/0/000", b"x")  # nowhere to keep it: dropped


@pytest.mark.parametrize(
    ("statuses", "seps", "expected"),
    [
        ([200], [], "proxy0"),
        ([404, 200], [","], "proxy1"),
        ([410, 200], [","], "proxy1"),
        ([404, 404], [","], "direct"),
        ([500, 200], ["|"], "proxy1"),
        ([500, 200], [","], "error0"),
        ([503, 404], ["|"], "error0"),  # the proxy's error beats a later not-found
    ],
)
async def test_which_url_reaches_the_database(
    statuses: list[int], seps: list[str], expected: str, tmp_path: Path
) -> None:
    """initBase through TryProxies: a 200 from <proxy>/sumdb/<name>/supported picks that
    proxy; 404/410 try the next; other failures stop at `,` and go on at `|`; no proxy left
    means the database's own URL."""
    proxies = [HTTPProxy(tmp_path / f"p{i}") for i in range(len(statuses))]
    for p, status in zip(proxies, statuses, strict=True):
        p.behaviour.status[f"/sumdb/{NAME}/supported"] = status
        p.dir.root.mkdir(parents=True, exist_ok=True)
    transport = Transport({}, retries=0)
    try:
        with ExitStack() as stack:
            for p in proxies:
                stack.enter_context(p.running())
            goproxy = proxies[0].url + "".join(s + p.url for s, p in zip(seps, proxies[1:], strict=True))
            db = dial(KEY)
            if expected.startswith("error"):
                p = proxies[int(expected[-1])]
                with pytest.raises(RemoteError) as e:
                    await database_base(db, goproxy, transport)
                assert str(e.value).startswith(f"reading {p.url}/sumdb/{NAME}/supported: {statuses[0]} ")
            elif expected == "direct":
                assert await database_base(db, goproxy, transport) == f"https://{NAME}"
            else:
                p = proxies[int(expected[-1])]
                assert await database_base(db, goproxy, transport) == f"{p.url}/sumdb/{NAME}"
    finally:
        await transport.close()


@pytest.mark.parametrize("goproxy", ["off", "direct", "file:///nonexistent/dir,direct"])
async def test_without_a_proxy_serving_it_the_database_is_asked_directly(goproxy: str) -> None:
    transport = Transport({}, retries=0)
    try:
        assert await database_base(dial(KEY), goproxy, transport) == f"https://{NAME}"
        # A URL in GOSUMDB is used as given, no proxy asked.
        assert (
            await database_base(dial(f"{KEY} http://127.0.0.1:9/db"), goproxy, transport)
            == "http://127.0.0.1:9/db"
        )
    finally:
        await transport.close()


async def test_a_bad_goproxy_fails_every_lookup(tmp_path: Path) -> None:
    ops = ops_for(tmp_path, goproxy="not a url")
    for _ in range(2):
        with pytest.raises(RemoteError, match="invalid proxy URL missing scheme"):
            await ops.read_remote("/latest")
