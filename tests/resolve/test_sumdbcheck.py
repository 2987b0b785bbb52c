"""gomodls's checksum verification against a real checksum database (tests/sumdbserver.py: the
vendored x/mod server on 127.0.0.1), side by side with the go command on the same GOPATH: the
same answers, the same SECURITY ERROR texts, one shared trusted tree head, and not one request
for what GOSUMDB=off or GONOSUMDB/GOPRIVATE exempt."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from gomodls.base.goenv import GoEnv
from gomodls.module.paths import escape_path
from gomodls.module.sumhash import go_mod_hash, zip_hash
from gomodls.resolve.sumdbcheck import (
    ChecksumMismatch,
    DatabaseMisbehavior,
    DatabaseUnavailable,
    Outcome,
    SumDBChecker,
    VerifyError,
)
from gomodls.resolve.transport import Transport
from gomodls.sumdb.config import settings_from_env
from goproxy import HTTPProxy, ProxyDir
from sumdbserver import Harness, Key, Record, SumDBServer, closed_url, go_env, run_go
from sumdbserver import sumdb_harness_fixture as sumdb_harness_fixture  # (registers the fixture)

A, B, C = "example.com/a", "example.com/b", "example.com/c"
V = "v1.0.0"
FAKE = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> ProxyDir:
    p = ProxyDir(tmp_path_factory.mktemp("proxy"))
    for m in (A, B, C):
        p.add_zip(m, V, {"x.go": f"package x // {m}\n"})
    return p


@pytest.fixture(scope="module")
def key(sumdb_harness: Harness) -> Key:
    return sumdb_harness.genkey("sumdb.test.example")


def hashes(proxy: ProxyDir, path: str) -> tuple[str, str]:
    """The module's h1 hashes as gomodls computes them: (zip, go.mod)."""
    d = proxy.root / escape_path(path) / "@v"
    return zip_hash(d / f"{V}.zip"), go_mod_hash((d / f"{V}.mod").read_bytes())


@asynccontextmanager
async def checker(root: Path, **variables: str) -> AsyncIterator[SumDBChecker]:
    env = go_env(root, **variables)
    transport = Transport(env, retries=0)
    c = SumDBChecker(settings_from_env(GoEnv(environ=env)), transport)
    try:
        yield c
    finally:
        await c.aclose()
        await transport.close()


async def gomodls_download_check(root: Path, proxy: ProxyDir, path: str, **variables: str) -> Outcome:
    zh, mh = hashes(proxy, path)
    async with checker(root, **variables) as c:
        return await c.check_module(path, V, zh, mh)


def go_download(root: Path, proxy_url: str, path: str, **variables: str) -> tuple[int, str]:
    r = run_go(
        ["mod", "download", f"{path}@{V}"], go_env(root, GOPROXY=proxy_url, **variables), root / "work"
    )
    return r.returncode, r.stderr


def state(root: Path) -> dict[str, bytes]:
    """The files the go command keeps for the checksum database."""
    out = {}
    for sub in ("gopath/pkg/sumdb", "gopath/pkg/mod/cache/download/sumdb"):
        for f in sorted((root / sub).rglob("*")):
            if f.is_file():
                out[str(f.relative_to(root))] = f.read_bytes()
    return out


@pytest.fixture
def serve(sumdb_harness: Harness, proxy: ProxyDir, key: Key) -> Iterator[object]:
    def start(*records: Record | str, as_proxy: bool = False):  # type: ignore[no-untyped-def]
        recs = [r if isinstance(r, Record) else Record(r, V) for r in records]
        return sumdb_harness.serve(key, recs, proxy.root, as_proxy=as_proxy)

    yield start


async def test_honest_records_verify_and_go_continues_from_gomodls_state(
    serve, proxy: ProxyDir, tmp_path: Path
) -> None:
    with serve(A, B) as db:
        assert await gomodls_download_check(tmp_path, proxy, A, GOSUMDB=db.gosumdb) is Outcome.VERIFIED
        latest = (tmp_path / f"gopath/pkg/sumdb/{db.name}/latest").read_bytes()
        assert latest.startswith(b"go.sum database tree\n2\n")
        # The same tree head go would have written (the server signs deterministically).
        assert latest.endswith(b"\n") and b"\n\n\xe2\x80\x94 sumdb.test.example " in latest
        assert any("/lookup/" in f for f in state(tmp_path))  # the record is cached where go caches it
    # The database grew (same key, a continuation): go checks C against the tree gomodls trusts.
    with serve(A, B, C) as db:
        rc, err = go_download(tmp_path, proxy.url, C, GOSUMDB=db.gosumdb)
        assert (rc, err) == (0, "")
        assert (
            (tmp_path / f"gopath/pkg/sumdb/{db.name}/latest")
            .read_bytes()
            .startswith(b"go.sum database tree\n3\n")
        )
        # ...and gomodls continues from the tree go moved to.
        assert await gomodls_download_check(tmp_path, proxy, B, GOSUMDB=db.gosumdb) is Outcome.VERIFIED
        rc, err = go_download(tmp_path, proxy.url, B, GOSUMDB=db.gosumdb)
        assert (rc, err) == (0, "")


async def test_gomodls_accepts_the_state_go_wrote(serve, proxy: ProxyDir, tmp_path: Path) -> None:
    with serve(A, B) as db:
        assert go_download(tmp_path, proxy.url, A, GOSUMDB=db.gosumdb) == (0, "")
        before = state(tmp_path)
        assert await gomodls_download_check(tmp_path, proxy, B, GOSUMDB=db.gosumdb) is Outcome.VERIFIED
        after = state(tmp_path)
        latest = f"gopath/pkg/sumdb/{db.name}/latest"
        assert after[latest] == before[latest]  # the same tree: nothing to move
        assert set(before) < set(after)  # B's record joined A's in go's cache


async def test_a_tampered_record_is_refused_by_both_with_gos_words(
    serve, proxy: ProxyDir, tmp_path: Path
) -> None:
    zh, mh = hashes(proxy, B)
    tampered = Record(B, V, f"{B} {V} {zh}\n{B} {V}/go.mod {FAKE}\n")
    with serve(A, tampered) as db:
        with pytest.raises(ChecksumMismatch) as e:
            await gomodls_download_check(tmp_path / "gomodls", proxy, B, GOSUMDB=db.gosumdb)
        rc, err = go_download(tmp_path / "go", proxy.url, B, GOSUMDB=db.gosumdb)
    assert rc == 1
    assert err == f"go: {e.value}"
    assert (e.value.have, e.value.want, e.value.security) == (mh, FAKE, True)
    assert (
        "checksum mismatch\n\tdownloaded: " in err
        and "\n\nSECURITY ERROR\nThis download does NOT match" in err
    )


async def test_a_zip_hash_the_database_does_not_list(serve, proxy: ProxyDir, tmp_path: Path) -> None:
    zh, mh = hashes(proxy, B)
    with serve(A, Record(B, V, f"{B} {V} {FAKE}\n{B} {V}/go.mod {mh}\n")) as db:
        with pytest.raises(ChecksumMismatch) as e:
            await gomodls_download_check(tmp_path / "gomodls", proxy, B, GOSUMDB=db.gosumdb)
        rc, err = go_download(tmp_path / "go", proxy.url, B, GOSUMDB=db.gosumdb)
    assert (rc, err) == (1, f"go: {e.value}")
    assert str(e.value).startswith(f"{B}@{V}: verifying module: checksum mismatch\n\tdownloaded: {zh}\n")


async def test_a_record_changed_in_transit_is_refused_by_both(serve, proxy: ProxyDir, tmp_path: Path) -> None:
    def forge(path: str, body: bytes) -> bytes:  # the signed note stays; the record changes
        return body.replace(b"h1:", b"h1:X", 1) if path.startswith("/lookup/") else body

    with serve(A, B) as db:
        db.forge = forge
        with pytest.raises(DatabaseMisbehavior) as e:
            await gomodls_download_check(tmp_path / "gomodls", proxy, B, GOSUMDB=db.gosumdb)
        rc, err = go_download(tmp_path / "go", proxy.url, B, GOSUMDB=db.gosumdb)
    assert (rc, err) == (1, f"go: {e.value}\n")
    assert "cannot authenticate record data in server response" in err


def _copy_state(src: Path, *dests: Path) -> None:
    for d in dests:
        shutil.copytree(src / "gopath", d / "gopath")


async def test_a_fork_is_refused_by_both_with_the_same_report(serve, proxy: ProxyDir, tmp_path: Path) -> None:
    with serve(A, B) as db:
        assert go_download(tmp_path / "seen", proxy.url, A, GOSUMDB=db.gosumdb) == (0, "")
    _copy_state(tmp_path / "seen", tmp_path / "go", tmp_path / "gomodls")
    # Same key, another history: B, A, C instead of A, B (and one more record).
    with serve(B, A, C) as fork:
        rc, err = go_download(tmp_path / "go", proxy.url, C, GOSUMDB=fork.gosumdb)
        with pytest.raises(DatabaseMisbehavior) as e:
            await gomodls_download_check(tmp_path / "gomodls", proxy, C, GOSUMDB=fork.gosumdb)
    assert rc == 1
    assert err.startswith("SECURITY ERROR\ngo.sum database server misbehavior detected!\n\nold database:\n")
    assert err.rstrip("\n") == str(e.value).rstrip("\n")
    # Neither moved its trusted tree to the fork.
    latest = f"gopath/pkg/sumdb/{fork.name}/latest"
    assert (
        state(tmp_path / "gomodls")[latest]
        == state(tmp_path / "seen")[latest]
        == state(tmp_path / "go")[latest]
    )


async def test_after_a_fork_every_check_fails(serve, proxy: ProxyDir, tmp_path: Path) -> None:
    with serve(A, B) as db:
        assert go_download(tmp_path, proxy.url, A, GOSUMDB=db.gosumdb) == (0, "")
    with serve(B, A, C) as fork:
        _, mh = hashes(proxy, C)
        async with checker(tmp_path, GOSUMDB=fork.gosumdb) as c:
            with pytest.raises(DatabaseMisbehavior) as first:
                await c.check_sum(C, V + "/go.mod", mh)
            asked = len(fork.requests)
            with pytest.raises(DatabaseMisbehavior) as again:
                await c.check_sum(A, V, hashes(proxy, A)[0])
            assert str(again.value) == str(first.value) and len(fork.requests) == asked


async def test_a_database_down_is_refused_by_both_and_nothing_is_written(
    serve, proxy: ProxyDir, tmp_path: Path
) -> None:
    with serve(A, B) as db:
        db.down = 503
        with pytest.raises(DatabaseUnavailable) as e:
            await gomodls_download_check(tmp_path / "gomodls", proxy, A, GOSUMDB=db.gosumdb)
        rc, err = go_download(tmp_path / "go", proxy.url, A, GOSUMDB=db.gosumdb)
    assert (rc, err) == (1, f"go: {e.value}\n")
    assert (e.value.transient, e.value.security) == (True, False)
    assert state(tmp_path / "gomodls") == {}


async def test_a_refused_connection_is_unavailable_and_nothing_is_written(
    key: Key, proxy: ProxyDir, tmp_path: Path
) -> None:
    gosumdb = f"{key.vkey} {closed_url()}"
    with pytest.raises(DatabaseUnavailable) as e:
        await gomodls_download_check(tmp_path / "gomodls", proxy, A, GOSUMDB=gosumdb)
    rc, err = go_download(tmp_path / "go", proxy.url, A, GOSUMDB=gosumdb)
    assert rc == 1
    # The first line is the same; the network library's words after it are not.
    prefix = f"{A}@{V}: verifying go.mod: {A}@{V}/go.mod: "
    assert err.startswith("go: " + prefix) and str(e.value).startswith(prefix)
    assert state(tmp_path / "gomodls") == {}


@pytest.mark.parametrize(
    "variables",
    [{"GOSUMDB": "off"}, {"GONOSUMDB": "example.com"}, {"GOPRIVATE": "example.com/a,example.com/b"}],
)
async def test_exempt_modules_send_no_request(
    variables: dict[str, str], serve, proxy: ProxyDir, tmp_path: Path
) -> None:
    with serve(A, B) as db:
        settings = {"GOSUMDB": db.gosumdb, **variables}
        if variables.get("GOSUMDB") == "off":
            settings["GOSUMDB"] = "off"
        assert await gomodls_download_check(tmp_path / "gomodls", proxy, A, **settings) is Outcome.EXEMPT
        assert db.requests == []
        # GOPRIVATE also keeps modules away from proxies: go needs a direct route, so it is told
        # to use the proxy anyway (GONOPROXY=none) — only the database is exempt.
        assert go_download(tmp_path / "go", proxy.url, A, GONOPROXY="none", **settings) == (0, "")
        assert db.requests == []
        assert state(tmp_path / "gomodls") == {}


async def test_through_a_proxy_that_serves_the_database(
    serve, proxy: ProxyDir, tmp_path: Path, key: Key
) -> None:
    with serve(A, B, as_proxy=True) as px:
        assert await gomodls_download_check(
            tmp_path / "gomodls", proxy, A, GOSUMDB=key.vkey, GOPROXY=px.url
        ) is (Outcome.VERIFIED)
        ours = list(px.requests)
        px.requests.clear()
        assert go_download(tmp_path / "go", px.url, A, GOSUMDB=key.vkey) == (0, "")
        gos = [r for r in px.requests if r.startswith("/sumdb/")]
    assert ours == gos  # supported, then the lookup and its tile, through the proxy
    assert ours[0] == f"/sumdb/{key.name}/supported" and any("/lookup/" in r for r in ours)


@pytest.mark.parametrize(("supported", "sep"), [(500, ","), (503, ",")])
async def test_a_proxy_failing_the_supported_check_stops_both(
    supported: int, sep: str, serve, proxy: ProxyDir, tmp_path: Path, key: Key
) -> None:
    with serve(A, B, as_proxy=True) as px:
        px.supported = supported
        goproxy = f"{px.url}{sep}direct"
        with pytest.raises(DatabaseUnavailable) as e:
            async with checker(tmp_path / "gomodls", GOSUMDB=key.vkey, GOPROXY=goproxy) as c:
                await c.check_module(A, V, *hashes(proxy, A))
        rc, err = go_download(tmp_path / "go", goproxy, A, GOSUMDB=key.vkey)
    assert (rc, err) == (1, f"go: {e.value}\n")


async def test_a_proxy_without_the_database_falls_through(
    serve, proxy: ProxyDir, tmp_path: Path, key: Key
) -> None:
    """404 from <proxy>/sumdb/<name>/supported: the next entry, here "direct", which means the
    database at https://<name> (not reachable here: only where both go is checked)."""
    with serve(A, B, as_proxy=True) as px:
        px.supported = 404
        async with checker(tmp_path, GOSUMDB=key.vkey, GOPROXY=f"{px.url},direct") as c:
            with pytest.raises(VerifyError):
                await c.check_module(A, V, *hashes(proxy, A))
            assert c.ops is not None and await c.ops.base() == f"https://{key.name}"
        ours = list(px.requests)
        px.requests.clear()
        go_download(tmp_path / "go", f"{px.url},direct", A, GOSUMDB=key.vkey)
        assert [r for r in px.requests if r.startswith("/sumdb/")] == ours == [f"/sumdb/{key.name}/supported"]


def test_the_server_is_real(serve, proxy: ProxyDir, tmp_path: Path) -> None:
    """The harness's database is one the go command accepts (so the tests above can fail)."""
    with serve(A, B) as db:
        assert isinstance(db, SumDBServer)
        assert go_download(tmp_path, proxy.url, A, GOSUMDB=db.gosumdb) == (0, "")
        assert db.requests[0] == f"/lookup/{A}@{V}"


async def test_the_china_mirror_is_asked_directly_like_go(proxy: ProxyDir, tmp_path: Path) -> None:
    """GOSUMDB=sum.golang.google.cn: sum.golang.org's key at https://sum.golang.google.cn, no
    proxy asked (this sandbox cannot reach it: both fail on the same URL)."""
    http = HTTPProxy(proxy.root)
    with http.running():
        rc, err = go_download(tmp_path / "go", http.url, A, GOSUMDB="sum.golang.google.cn")
        with pytest.raises(DatabaseUnavailable) as e:
            await gomodls_download_check(
                tmp_path / "gomodls", proxy, A, GOSUMDB="sum.golang.google.cn", GOPROXY=http.url
            )
    url = f"https://sum.golang.google.cn/lookup/{A}@{V}"
    assert rc == 1 and url in err and url in str(e.value)
    assert not any(r.startswith("/sumdb/") for r in http.requests)
    assert state(tmp_path / "gomodls") == {}
