"""gomodls.sumdb.client against x/mod's sumdb.Client: the same lookups over the same database
state (made by x/mod's own test server, signed with a key x/mod generated) must give the same
lines, the same errors, the same security reports, and leave the same config and cache files."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from gomodls.sumdb import client as sumdb
from gomodls.sumdb import tlog
from gomodls.sumdb.client import Client, GONOSUMDBError, SecurityError, SumdbError, WriteConflict

from .gosumdb import GoSumdb, b64, gosumdb_fixture, unb64  # noqa: F401  (registers the fixture)

NAME = "sum.test.example"
N = 300  # over 256 records: full, partial and level-1 tiles


def module(i: int) -> tuple[str, str]:
    return ("example.com/Upper/Case" if i == 7 else f"example.com/m{i}"), f"v1.{i}.0"


def gosum(i: int, variant: str = "") -> str:
    path, vers = module(i)
    h = base64.b64encode(f"{variant}{i}".encode().ljust(32, b"=")).decode()
    return f"{path} {vers} h1:{h}\n{path} {vers}/go.mod h1:{h[::-1]}\n"


def lookup_path(i: int) -> str:
    path, vers = module(i)
    return "/lookup/" + path.replace("U", "!u").replace("C", "!c") + "@" + vers


class NotFound(Exception):
    pass


class MemOps:
    """An in-memory ClientOps; a missing remote path fails with the text the Go harness uses."""

    def __init__(
        self, config: dict[str, bytes], remote: dict[str, bytes], cache: dict[str, bytes] | None = None
    ):
        self.config = dict(config)
        self.remote = remote
        self.cache = dict(cache or {})
        self.reads: list[str] = []
        self.config_reads: list[str] = []
        self.security: list[str] = []
        self.logs: list[str] = []
        self.gate: asyncio.Event | None = None

    async def read_remote(self, path: str) -> bytes:
        self.reads.append(path)
        if self.gate is not None:
            await self.gate.wait()
        await asyncio.sleep(0)
        if path not in self.remote:
            raise NotFound(f"{path.removeprefix('/')}: 404 Not Found")
        return self.remote[path]

    async def read_config(self, file: str) -> bytes:
        self.config_reads.append(file)
        return self.config.get(file, b"")

    async def write_config(self, file: str, old: bytes, new: bytes) -> None:
        if self.config.get(file, b"") != old:
            raise WriteConflict()
        self.config[file] = new

    async def read_cache(self, file: str) -> bytes:
        if file not in self.cache:
            raise FileNotFoundError(file)
        return self.cache[file]

    async def write_cache(self, file: str, data: bytes) -> None:
        self.cache[file] = data

    def log(self, msg: str) -> None:
        self.logs.append(msg)

    def security_error(self, msg: str) -> None:
        self.security.append(msg)


@pytest.fixture(scope="module", name="db")
def db_fixture(gosumdb: GoSumdb) -> dict[str, Any]:
    """Two databases made by x/mod's test server with one key: `main` with N records, and `fork`,
    which agrees with it on records 0-4 and then differs (record 5 has other hashes). For each:
    every lookup answer as first served (tree growing), as served at the end, /latest, and every
    tile a client can ask for."""
    key = gosumdb.one("gen_key", name=NAME, seed=b64(b"k" * 32))
    tiles = [f"/tile/8/0/000.p/{w}" for w in range(1, 256)] + ["/tile/8/0/000"]
    tiles += [f"/tile/8/0/001.p/{w}" for w in range(1, N - 256 + 1)] + ["/tile/8/1/000.p/1"]
    lookups = [lookup_path(i) for i in range(N)]
    reqs = []
    for variant in ("", "fork"):
        table = {"{}@{}".format(*module(i)): gosum(i, variant if i >= 5 else "") for i in range(N)}
        reqs.append(
            {
                "op": "db",
                "skey": key["skey"],
                "gosum": table,
                "actions": [*lookups, "/latest", *lookups, *tiles, "/lookup/example.com/missing@v1.0.0"],
            }
        )
    out: dict[str, Any] = {"vkey": key["vkey"], "skey": key["skey"]}
    for variant, answers in zip(("main", "fork"), gosumdb.run(reqs), strict=True):
        bodies = [unb64(a["body"]) for a in answers]
        assert all(a["status"] == 200 for a in answers[:-1])
        first, latest, final = bodies[:N], bodies[N], bodies[N + 1 : 2 * N + 1]
        remote = dict(zip(lookups, final, strict=True)) | {"/latest": latest}
        remote |= dict(zip(tiles, bodies[2 * N + 1 : -1], strict=True))
        out[variant] = {"first": first, "remote": remote}
    return out


def go_client(gosumdb: GoSumdb, ops: MemOps, lookups: list[tuple[str, str]], gonosumdb: str = "") -> dict:
    return gosumdb.one(
        "client",
        config={k: b64(v) for k, v in ops.config.items()},
        remote={k: b64(v) for k, v in ops.remote.items()},
        cache={k: b64(v) for k, v in ops.cache.items()},
        lookups=[list(x) for x in lookups],
        gonosumdb=gonosumdb,
    )


async def py_client(ops: MemOps, lookups: list[tuple[str, str]], gonosumdb: str = "") -> list[dict]:
    c = Client(ops)
    if gonosumdb:
        c.set_gonosumdb(gonosumdb)
    results = []
    for path, vers in lookups:
        try:
            results.append({"lines": await c.lookup(path, vers), "err": ""})
        except (SumdbError, GONOSUMDBError) as e:
            results.append({"lines": None, "err": str(e), "exc": e})
    return results


async def same_as_go(
    gosumdb: GoSumdb, ops: MemOps, lookups: list[tuple[str, str]], gonosumdb: str = ""
) -> list:
    """Run both clients on copies of one state; assert equal outcomes; the Python results."""
    go = go_client(gosumdb, ops, lookups, gonosumdb)
    results = await py_client(ops, lookups, gonosumdb)
    assert [{"lines": r["lines"], "err": r["err"]} for r in results] == go["results"]
    assert ops.security == (go["security"] or [])
    assert ops.config == {k: unb64(v) for k, v in go["config"].items()}
    assert ops.cache == {k: unb64(v) for k, v in go["cache"].items()}
    assert sorted(ops.reads) == (go["reads"] or [])
    return results


def fresh(db: dict, variant: str = "main", **config: bytes) -> MemOps:
    return MemOps({"key": db["vkey"].encode() + b"\n", **config}, dict(db[variant]["remote"]))


LOOKUPS = [
    module(0),
    (module(0)[0], module(0)[1] + "/go.mod"),
    module(7),
    module(255),
    module(256),
    module(N - 1),
]


async def test_lookups(gosumdb: GoSumdb, db: dict) -> None:
    ops = fresh(db)
    results = await same_as_go(
        gosumdb, ops, [*LOOKUPS, ("example.com/missing", "v1.0.0"), ("Bad Path", "v1")]
    )
    assert results[0]["lines"] == [gosum(0).split("\n")[0]]
    assert results[1]["lines"] == [gosum(0).split("\n")[1]]
    assert results[2]["lines"] == gosum(7).split("\n")[:1]
    # The latest tree moved to the signed size N, and proven tiles and records were cached.
    assert tlog.parse_tree(ops.config[f"{NAME}/latest"].split(b"\n\n")[0] + b"\n").n == N
    assert f"{NAME}/tile/8/1/000.p/1" in ops.cache and f"{NAME}{lookup_path(7)}" in ops.cache
    missing = results[-2]["exc"]
    assert isinstance(missing, SumdbError) and not isinstance(missing, SecurityError)
    assert isinstance(missing.cause, NotFound)

    # A second client finds everything in the cache and the config: nothing is fetched.
    again = MemOps(ops.config, ops.remote, ops.cache)
    await same_as_go(gosumdb, again, LOOKUPS)
    assert again.reads == []


async def test_trees_only_move_forward(gosumdb: GoSumdb, db: dict) -> None:
    ops = fresh(db)
    await same_as_go(gosumdb, ops, [module(N - 1)])
    latest = ops.config[f"{NAME}/latest"]
    # Answers signed at older sizes are checked against the newer tree and leave it in place.
    older = MemOps(
        ops.config, {**ops.remote, **{lookup_path(i): db["main"]["first"][i] for i in (3, 100, 260)}}
    )
    await same_as_go(gosumdb, older, [module(3), module(100), module(260)])
    assert older.config[f"{NAME}/latest"] == latest
    # Growing trees one answer at a time: each is a proven extension of the last.
    growing = fresh(db)
    growing.remote |= {lookup_path(i): db["main"]["first"][i] for i in range(N)}
    await same_as_go(gosumdb, growing, [module(i) for i in (0, 1, 2, 5, 6, 30, 256, 257, 299)])


async def test_tampered_record(gosumdb: GoSumdb, db: dict) -> None:
    ops = fresh(db)
    body = ops.remote[lookup_path(9)]
    ops.remote[lookup_path(9)] = body.replace(b"h1:", b"h1:A", 1)
    results = await same_as_go(gosumdb, ops, [module(9), module(10)])
    e = results[0]["exc"]
    assert isinstance(e, SecurityError)
    assert str(e) == f"{'@'.join(module(9))}: cannot authenticate record data in server response"
    assert f"{NAME}{lookup_path(9)}" not in ops.cache
    assert results[1]["lines"]  # other records still verify


async def test_tampered_tile(gosumdb: GoSumdb, db: dict) -> None:
    ops = fresh(db)
    tile = bytearray(ops.remote["/tile/8/0/000"])
    tile[9 * 32] ^= 1
    ops.remote["/tile/8/0/000"] = bytes(tile)
    results = await same_as_go(gosumdb, ops, [module(9)])
    assert isinstance(results[0]["exc"], SecurityError)
    assert results[0]["err"].endswith(": downloaded inconsistent tile")
    assert not any("/tile/8/0/000" in f for f in ops.cache)


async def test_tampered_signature(gosumdb: GoSumdb, db: dict) -> None:
    ops = fresh(db)
    body = ops.remote[lookup_path(4)]
    sig_at = body.rindex(b" ") + 10
    ops.remote[lookup_path(4)] = (
        body[:sig_at] + (b"A" if body[sig_at : sig_at + 1] != b"A" else b"B") + body[sig_at + 1 :]
    )
    results = await same_as_go(gosumdb, ops, [module(4)])
    assert isinstance(results[0]["exc"], SecurityError)
    assert "reading tree note: invalid signature for key" in results[0]["err"]
    assert f"{NAME}/latest" not in ops.config


async def test_fork(gosumdb: GoSumdb, db: dict) -> None:
    # This machine saw the main database at size 8 (and kept the tile proving it); the server
    # now serves a forked history.
    seen = db["main"]["first"][7]
    latest8 = seen[seen.index(b"\n\n") + 2 :]
    ops = fresh(db, "fork", **{f"{NAME}/latest": latest8})
    ops.cache[f"{NAME}/tile/8/0/000.p/8"] = db["main"]["remote"]["/tile/8/0/000.p/8"]
    results = await same_as_go(gosumdb, ops, [module(20)])
    assert isinstance(results[0]["exc"], SecurityError)
    assert results[0]["err"] == f"{'@'.join(module(20))}: security error: misbehaving server"
    (report,) = ops.security
    assert report.startswith(
        "SECURITY ERROR\ngo.sum database server misbehavior detected!\n\nold database:\n\t"
    )
    assert "\nproof of misbehavior:\n\t" in report
    assert ops.config[f"{NAME}/latest"] == latest8

    # Without that tile the server's tiles contradict the remembered tree already.
    ops = fresh(db, "fork", **{f"{NAME}/latest": latest8})
    results = await same_as_go(gosumdb, ops, [module(20)])
    assert results[0]["err"].endswith(
        "initializing sumdb.Client: checking tree#8: downloaded inconsistent tile"
    )
    assert isinstance(results[0]["exc"], SecurityError) and ops.security == []

    # The other way round: this machine saw the fork at size N, the server answers at size 10.
    forked = db["fork"]["remote"]
    ops = MemOps(
        {"key": db["vkey"].encode(), f"{NAME}/latest": forked["/latest"]}, dict(db["main"]["remote"])
    )
    for tile in ("/tile/8/0/000", f"/tile/8/0/001.p/{N - 256}", "/tile/8/1/000.p/1"):
        ops.cache[NAME + tile] = forked[tile]
    ops.remote[lookup_path(3)] = db["main"]["first"][9]  # a record answer signed at size 10
    results = await same_as_go(gosumdb, ops, [module(3)])
    assert len(ops.security) == 1 and isinstance(results[0]["exc"], SecurityError)


async def test_gonosumdb(gosumdb: GoSumdb, db: dict) -> None:
    ops = fresh(db)
    private = [
        ("example.com/private/x", "v1.0.0"),
        ("git.corp/a/b", "v0.1.0"),
        ("example.com/private", "v1.0.0"),
    ]
    results = await same_as_go(gosumdb, ops, private, gonosumdb="example.com/private,*.corp")
    assert all(r["err"] == "skipped (listed in GONOSUMDB)" for r in results)
    assert all(isinstance(r["exc"], GONOSUMDBError) for r in results)
    assert ops.reads == [] and ops.config_reads == []


async def test_bad_key_and_note(gosumdb: GoSumdb, db: dict) -> None:
    for config in (
        {"key": b"not a key"},
        {"key": db["vkey"].encode(), f"{NAME}/latest": b"garbage\n"},
        {"key": db["vkey"].replace(NAME, "other.example").encode()},
    ):
        ops = MemOps(config, dict(db["main"]["remote"]))
        results = await same_as_go(gosumdb, ops, [module(1)])
        assert results[0]["err"]


async def test_single_flight_and_cancellation(db: dict) -> None:
    ops = fresh(db)
    ops.gate = asyncio.Event()
    c = Client(ops)
    path, vers = module(11)
    first = asyncio.create_task(c.lookup(path, vers))
    second = asyncio.create_task(c.lookup(path, vers + "/go.mod"))
    third = asyncio.create_task(c.lookup(path, vers))
    await asyncio.sleep(0.01)
    third.cancel()  # one waiter gives up: the shared work goes on for the others
    ops.gate.set()
    lines = await asyncio.gather(first, second)
    assert lines == [[gosum(11).split("\n")[0]], [gosum(11).split("\n")[1]]]
    assert ops.reads.count(lookup_path(11)) == 1
    with pytest.raises(asyncio.CancelledError):
        await third
    # A verified record is kept: asking again costs nothing.
    before = len(ops.reads)
    assert await c.lookup(path, vers) == lines[0]
    assert len(ops.reads) == before


async def test_write_conflict_merges_the_newer_tree(db: dict) -> None:
    """Another process (a go command) moves the latest tree while this client verifies: the
    client's compare-and-swap fails, it merges the other tree and keeps the newer one."""
    newer = db["main"]["remote"]["/latest"]
    older = db["main"]["first"][20]
    older_note = older[older.index(b"\n\n") + 2 :]

    class Racing(MemOps):
        raced = False

        async def write_config(self, file: str, old: bytes, new: bytes) -> None:
            if not self.raced:
                self.raced = True
                self.config[file] = newer  # the other writer wins the race
            await super().write_config(file, old, new)

    ops = Racing({"key": db["vkey"].encode()}, dict(db["main"]["remote"]))
    ops.remote[lookup_path(20)] = older
    c = Client(ops)
    assert await c.lookup(*module(20)) == [gosum(20).split("\n")[0]]
    assert ops.raced
    assert ops.config[f"{NAME}/latest"] == newer
    assert c.latest.n == N
    assert older_note != newer


def test_module_names() -> None:
    assert sumdb.__all__  # the names the integrator imports
    assert {"Client", "ClientOps", "SecurityError", "GONOSUMDBError", "WriteConflict"} <= set(sumdb.__all__)


async def test_partial_tiles_from_full_ones(gosumdb: GoSumdb, db: dict) -> None:
    """A server drops a partial tile once the tile is complete: the client cuts the partial one
    from the full tile, as x/mod does (and only the proven prefix is cached)."""
    ops = fresh(db)
    ops.remote = {k: v for k, v in ops.remote.items() if not k.startswith("/tile/8/0/000.p/")}
    ops.remote |= {lookup_path(i): db["main"]["first"][i] for i in (40, 99)}
    await same_as_go(gosumdb, ops, [module(40), module(99)])
    assert ops.cache[f"{NAME}/tile/8/0/000.p/100"] == db["main"]["remote"]["/tile/8/0/000"][: 100 * 32]


async def test_cancelled_lookup_still_records_the_latest_tree(db: dict) -> None:
    """A lookup cancelled while the latest tree is being written leaves the file written."""
    started = asyncio.Event()
    release = asyncio.Event()

    class Slow(MemOps):
        async def write_config(self, file: str, old: bytes, new: bytes) -> None:
            started.set()
            await release.wait()
            await super().write_config(file, old, new)

    ops = Slow({"key": db["vkey"].encode()}, dict(db["main"]["remote"]))
    c = Client(ops)
    task = asyncio.create_task(c.lookup(*module(1)))
    await started.wait()
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(10):
        await asyncio.sleep(0)
    assert ops.config[f"{NAME}/latest"] == db["main"]["remote"]["/latest"]
