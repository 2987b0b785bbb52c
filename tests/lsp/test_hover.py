"""lsp/hover.py's memory of hovers, in-process: a hover is computed again only when what it
read changes (the module's own facts, not any module's), and what it asked for is picked up
off the request path, so that hovering the line again is a lookup. (The hovers' content is
tested end to end in test_features.py, test_resolution.py and test_vulns.py.)"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace import Workspace
from pytest_lsp import ClientServerConfig, LanguageClient

from gomodls.lsp import hover
from gomodls.lsp.app import create_server
from gomodls.lsp.server import GomodServer
from goproxy import HTTPProxy

from .conftest import LOGGED, _session, make_client, server_log
from .helpers import Doc, wait_until

TEXT = "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n"
A, B = types.Position(5, 2), types.Position(6, 2)


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for k in ("GOPROXY", "GOSUMDB", "GOFLAGS", "GOWORK", "GOPRIVATE", "GONOSUMDB", "GOENV"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("GOPROXY", "off")
    monkeypatch.setenv("GOSUMDB", "off")
    monkeypatch.setenv("GOPATH", str(tmp_path / "gopath"))
    (tmp_path / "m").mkdir()
    return tmp_path / "m"


def served(directory: Path) -> GomodServer:
    """A server as after `initialize` (its workspace: UTF-16 positions), with no client."""
    ls = create_server()
    ls.protocol._workspace = Workspace(directory.as_uri())
    return ls


def markdown(h: types.Hover | None) -> str:
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    return h.contents.value


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lines whose hover is computed (rather than remembered), in order."""
    computed: list[int] = []
    real = hover._hover

    def compute(ctx: hover.HoverContext, pos: types.Position) -> types.Hover | None:
        computed.append(pos.line)
        return real(ctx, pos)

    monkeypatch.setattr(hover, "_hover", compute)
    return computed


async def settle() -> None:
    """Long enough for an offline load to fail and the refreshes after it (REFRESH_AFTER) to
    look, short of MAX_AGE."""
    await asyncio.sleep(hover.REFRESH_AFTER[1] + 0.2)


async def test_a_hover_follows_its_own_module(offline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ls = served(offline)
    doc = ls.documents.open((offline / "go.mod").as_uri(), 1, TEXT)
    computed = counting(monkeypatch)

    assert "_checking for newer versions…_" in markdown(hover.cached_hover(ls, doc, A)).split("  \n")
    assert computed == [5]
    await settle()
    # a's facts arrived (offline: the proxy is off): its hover was computed again then, off
    # the request path; asking again is a lookup of the new answer.
    assert computed == [5, 5]
    shown = markdown(hover.cached_hover(ls, doc, A))
    assert computed == [5, 5]
    assert "_checking for newer versions…_" not in shown
    assert "_versions unavailable:_ module lookup disabled by GOPROXY=off" in shown.split("  \n")

    # b's hover asks for b's facts; their arrival leaves a's hover as it was.
    hover.cached_hover(ls, doc, B)
    await settle()
    assert computed == [5, 5, 6, 6]
    assert markdown(hover.cached_hover(ls, doc, A)) == shown
    assert computed == [5, 5, 6, 6]


async def test_a_message_recomputes_what_is_asked_again(
    offline: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client message other than a hover may change anything a hover shows (an edit, a
    watched file): hovers are computed again when asked, not in the background."""
    ls = served(offline)
    doc = ls.documents.open((offline / "go.mod").as_uri(), 1, TEXT)
    computed = counting(monkeypatch)
    hover.cached_hover(ls, doc, A)
    await settle()
    assert computed == [5, 5]
    ls.changes += 1  # (what GomodProtocol.handle_message counts for every other message)
    await settle()
    assert computed == [5, 5], "nothing computed in the background for a message"
    hover.cached_hover(ls, doc, A)
    assert computed == [5, 5, 5]


async def test_a_hover_follows_the_files_it_read(offline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """go.sum written on disk without a message to the server (no file watcher): a hover
    RECHECK seconds later reads it, because the hover followed the file's text; while nothing
    arrives, back-to-back hovers trust their probes for RECHECK seconds (no stat each)."""
    ls = served(offline)
    doc = ls.documents.open((offline / "go.mod").as_uri(), 1, TEXT)
    computed = counting(monkeypatch)
    assert "go.sum: none" in markdown(hover.cached_hover(ls, doc, A)).split("  \n")
    await settle()
    hover.cached_hover(ls, doc, A)
    assert computed == [5, 5], "remembered while nothing it read changed"
    h1 = "h1:" + "A" * 43 + "="
    (offline / "go.sum").write_text(f"example.com/a v1.0.0 {h1}\nexample.com/a v1.0.0/go.mod {h1}\n")
    await asyncio.sleep(hover.RECHECK)
    shown = markdown(hover.cached_hover(ls, doc, A)).split("  \n")
    assert computed == [5, 5, 5]
    assert "go.sum: both hashes for v1.0.0" in shown


async def test_a_precomputed_hover_is_a_lookup_that_fetched_nothing(
    offline: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the client is quiet each requirement's hover is computed as its first hover would
    be, but without starting anything: a recording proxy and checksum database on 127.0.0.1 see
    no request until the line is hovered. The hover is then answered without computing, with
    what a hover computed now shows, and starts what that hover would have started."""
    proxy = HTTPProxy(offline.parent / "proxy")
    for v in ("v1.0.0", "v1.1.0"):
        proxy.dir.add("example.com/a", v)
    sumdb = HTTPProxy(offline.parent / "sumdb")  # (knows nothing: a lookup is recorded, then fails)
    h1 = "h1:" + "A" * 43 + "="
    (offline / "go.sum").write_text(f"example.com/a v1.0.0/go.mod {h1}\n")
    with proxy.running(), sumdb.running():
        monkeypatch.setenv("GOPROXY", proxy.url)
        monkeypatch.setenv("GOSUMDB", f"sum.golang.org {sumdb.url}")
        ls = served(offline)
        doc = ls.documents.open((offline / "go.mod").as_uri(), 1, TEXT)
        computed = counting(monkeypatch)
        served_before = hover.counts["served"]

        hover.schedule_precompute(ls, doc)  # (what publishing the diagnostics does)
        await wait_until(lambda: sorted(computed) == [5, 6], what="both requirements precomputed")
        await asyncio.sleep(0.3)  # (time for anything started to reach the servers)
        assert proxy.requests == [] and sumdb.requests == [], "precomputing fetched nothing"

        shown = hover.cached_hover(ls, doc, A)
        assert sorted(computed) == [5, 6], "the first hover of the line was not computed"
        assert hover.counts["served"] == served_before + 1
        # what the line's first hover starts, started now: its facts, the newer-major probe,
        # the checksum database's word on its go.sum line
        await wait_until(lambda: "/example.com/a/@v/list" in proxy.requests, what="a's versions asked")
        await wait_until(lambda: "/example.com/a/v2/@v/list" in proxy.requests, what="a/v2 probed")
        await wait_until(lambda: any("example.com/a@v1.0.0" in r for r in sumdb.requests), what="sumdb")
        assert not any("example.com/b" in r for r in proxy.requests + sumdb.requests)

        # the same hover as one computed afresh in the same state (another server, nothing known)
        fresh_ls = served(offline)
        fresh = hover.hover(fresh_ls, fresh_ls.documents.open(doc.uri, 1, TEXT), A)
        assert shown is not None and fresh is not None
        assert markdown(shown) == markdown(fresh) and shown.range == fresh.range
        assert "checksum database: being verified by sum.golang.org" in markdown(shown).split("  \n")
        assert "_checking for newer versions…_" in markdown(shown).split("  \n")


# End to end: the real server (`failing_server.py`: its log in a file), a recording proxy.


@asynccontextmanager
async def logged_server(
    request: pytest.FixtureRequest, root: Path, env: dict[str, str]
) -> AsyncIterator[LanguageClient]:
    config = ClientServerConfig(
        server_command=LOGGED.server_command,
        client_factory=make_client,
        server_env={**LOGGED.server_env, **env},
    )
    root.mkdir(parents=True)
    client = await config.start()
    try:
        session = _session(client, request, root)
        await anext(session)
        try:
            yield client
        finally:  # (the shutdown, also after a failed assertion: the server then exits)
            with contextlib.suppress(StopAsyncIteration):
                await anext(session)
    finally:
        await client.stop()


@pytest.fixture(params=["visual-studio-code", "neovim"])
def profile(request: pytest.FixtureRequest) -> pytest.FixtureRequest:
    return request


def hover_at(client: LanguageClient, doc: Doc, pos: types.Position) -> Awaitable[types.Hover | None]:
    return client.text_document_hover_async(types.HoverParams(text_document=doc.ident, position=pos))


async def settled(client: LanguageClient, done: str) -> None:
    """Until the server's log says `done` after its last publication, and still does a moment
    later (the graph resolved, the vulnerabilities assessed, the hovers precomputed)."""

    def precomputed() -> bool:
        log = server_log(client)
        return log.find(done, log.rfind(" diagnostics\n")) >= 0

    while True:
        await wait_until(precomputed, what="precomputed")
        await asyncio.sleep(0.5)
        if precomputed():
            return


@pytest.mark.init_options({"logLevel": "debug"})
@pytest.mark.configuration({"logLevel": "debug"})
async def test_a_lines_first_hover_was_precomputed_without_fetching(
    profile: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Once the diagnostics are published and the client is quiet, the first hover of a
    requirement is answered from its precomputed hover (the server's log says so), which
    fetched nothing: the proxy sees the request a hover makes (the newer-major probe; the
    module's versions are loaded after the graph's resolution) only once the line is hovered. The answer is what a server computing the
    hover on request answers in the same state (another server, the line's other token)."""
    proxy = HTTPProxy(tmp_path / "proxy")
    for v in ("v1.0.0", "v1.1.0"):
        proxy.dir.add("example.com/a", v)
    proxy.dir.add("example.com/b", "v1.0.0")
    hover_requests = ("/example.com/a/v2/@v/list",)
    shown: list[types.Hover] = []
    with proxy.running():
        for n in range(2):
            session = tmp_path / f"session{n}"
            env = {
                "GOPROXY": proxy.url,
                "GONOSUMDB": "example.com",  # (no checksum database knows them)
                "GOPATH": str(session / "gopath"),
                "XDG_CACHE_HOME": str(session / "cache"),
            }
            async with logged_server(profile, session / "ws", env) as client:
                doc = Doc.open(client, session / "ws" / "go.mod", TEXT)
                await doc.diagnostics()
                await settled(client, f"hovers of {doc.uri}@1 precomputed")
                await asyncio.sleep(0.3)  # (time for anything started to reach the proxy)
                assert not set(hover_requests) & set(proxy.requests), "precomputing fetched nothing"
                if n == 0:  # the module path: precomputed
                    found = await hover_at(client, doc, doc.pos_of("example.com/a", 2))
                    await wait_until(lambda: " computed before (precomputed: True)" in server_log(client))
                else:  # the version: computed on request
                    found = await hover_at(client, doc, doc.pos_of("v1.0.0", 2))
                    assert " computed before " not in server_log(client)
                assert found is not None
                shown.append(found)
                # what the line's first hover asks for, asked now
                await wait_until(lambda: set(hover_requests) <= set(proxy.requests), what="a hover's fetches")
                proxy.requests.clear()
    assert isinstance(shown[0].contents, types.MarkupContent)
    assert isinstance(shown[1].contents, types.MarkupContent)
    assert shown[0].contents.value == shown[1].contents.value
    assert "latest **v1.1.0**" in shown[0].contents.value.split("  \n")
    assert doc.covered(shown[0].range) == "example.com/a" and doc.covered(shown[1].range) == "v1.0.0"


def test_precompute_limit_from_the_environment(caplog: pytest.LogCaptureFixture) -> None:
    assert hover.precompute_limit(None) == hover.precompute_limit("") == hover.DEFAULT_LIMIT
    assert hover.precompute_limit("0") == 0 and hover.precompute_limit("25") == 25
    with caplog.at_level("WARNING", logger="gomodls.lsp.hover"):
        assert hover.precompute_limit("lots") == hover.DEFAULT_LIMIT
    assert "GOMODLS_HOVER_PRECOMPUTE='lots' is not a count" in caplog.text
