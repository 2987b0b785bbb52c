"""Hover requests answered by the reader loop (lsp/wire.py's hover_request, GomodProtocol's
answer_hover, lsp/hover.py's answer): the bytes pygls's own path writes for the same request,
in the same state, and what a line's first hover starts, started once the answer is written."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.io_ import StdoutWriter
from pytest_lsp import LanguageClient

from gomodls.lsp import hover
from gomodls.lsp.wire import DEFERRED
from goproxy import HTTPProxy

from . import test_hover
from .conftest import server_log
from .helpers import Doc, wait_until
from .test_hover import logged_server, served, settled

offline, profile = test_hover.offline, test_hover.profile  # (test_hover.py's fixtures)

TEXT = (
    "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b  v1.0.0\n)\n\n"
    "replace example.com/b => ./dé/x\n"
)


class Pipe:
    """A writer as pygls's StdoutWriter writes to, keeping what was written."""

    def __init__(self) -> None:
        self.out = io.BytesIO()

    def messages(self) -> list[bytes]:
        data, found = self.out.getvalue(), []
        while data:
            header, _, rest = data.partition(b"\r\n\r\n")
            n = int(header.split(b"\r\n")[0].split(b": ")[1])
            found.append(header + b"\r\n\r\n" + rest[:n])
            data = rest[n:]
        return found


def written_by_pygls(ls: Any, msg_id: int | str, result: types.Hover | None) -> bytes:
    """What pygls's path writes answering msg_id with result (its _send_response)."""
    pipe = Pipe()
    writer, headers = ls.protocol.writer, ls.protocol._include_headers
    ls.protocol.set_writer(StdoutWriter(pipe.out))
    try:
        ls.protocol._send_response(msg_id, result)
    finally:
        ls.protocol.writer, ls.protocol._include_headers = writer, headers
    return pipe.out.getvalue()


IDS: list[int | str] = [0, 7, 2**40, "x", 'é"\\\u2028']


async def test_an_answer_is_the_bytes_pygls_writes(offline: Path) -> None:
    """For precomputed hovers, hovers computed on request, none (between tokens, past the end,
    an unknown document), string and int ids: the answer the reader loop writes is the one
    pygls writes for the same result."""
    ls = served(offline)
    doc = ls.documents.open((offline / "go.mod").as_uri(), 1, TEXT)
    hover.schedule_precompute(ls, doc)
    await wait_until(lambda: len(hover._hovers(doc).tokens) == 2, what="precomputed")
    frame = ls.protocol._response_frame()
    assert frame is not None
    positions = [(5, 3), (5, 15), (6, 18), (6, 15), (9, 27), (40, 0), (2, 1)]
    for n, (line, col) in enumerate(positions):
        msg_id = IDS[n % len(IDS)]
        answer, _ = hover.answer(ls, doc.uri, line, col)
        shown = hover.cached_hover(ls, doc, types.Position(line, col))  # (the same, remembered)
        assert frame.response(msg_id, answer) == written_by_pygls(ls, msg_id, shown)
    assert b"\\u00e9" in hover.answer(ls, doc.uri, 9, 27)[0], "the replacement's directory, escaped"
    assert hover.answer(ls, doc.uri, 6, 15)[0] == b"null", "between tokens"
    assert hover.answer(ls, doc.uri + "x", 5, 3) == (b"null", []), "not open"


async def test_the_fetches_of_a_first_hover_start_after_its_answer(offline: Path) -> None:
    """answer_hover writes the answer, then schedules what the line's first hover starts
    (loop.call_soon): it runs at the loop's next turn, after the bytes were written, and a
    second hover of the line starts nothing more."""
    ls = served(offline)
    pipe = Pipe()
    ls.protocol.set_writer(StdoutWriter(pipe.out))
    doc = ls.documents.open((offline / "go.mod").as_uri(), 1, TEXT)
    hover.schedule_precompute(ls, doc)
    await wait_until(lambda: len(hover._hovers(doc).tokens) == 2, what="precomputed")
    entry = hover._hovers(doc).tokens[(5, 1)]
    assert entry.starts, "a precomputed hover keeps what the line's first hover starts"
    started: list[int] = []
    entry.starts = [*entry.starts, lambda: started.append(len(pipe.messages()))]

    assert ls.protocol.answer_hover((41, doc.uri, 5, 3)) == DEFERRED
    assert started == [] and len(pipe.messages()) == 1, "answered; nothing started yet"
    await asyncio.sleep(0)
    assert started == [1], "started once the answer was written"
    assert ls.protocol.answer_hover(("again", doc.uri, 5, 4)) is True  # (nothing deferred)
    await asyncio.sleep(0)
    assert started == [1]
    assert entry.encoded is not None
    first, again = (m.partition(b"\r\n\r\n")[2] for m in pipe.messages())
    assert first == b'{"id": 41, "jsonrpc": "2.0", "result": ' + entry.encoded + b"}"
    assert again == first.replace(b'{"id": 41,', b'{"id": "again",'), "the same token's hover"
    assert ls.messages == 2 and ls.changes == 0, "counted as messages that change nothing"


async def test_no_answer_while_shutting_down_or_without_a_framed_writer(offline: Path) -> None:
    ls = served(offline)
    doc = ls.documents.open((offline / "go.mod").as_uri(), 1, TEXT)
    assert ls.protocol.answer_hover((1, doc.uri, 5, 3)) is False, "no writer: pygls's path"
    ls.protocol.set_writer(StdoutWriter(io.BytesIO()), include_headers=False)
    assert ls.protocol.answer_hover((1, doc.uri, 5, 3)) is False, "no header block (websocket)"
    ls.protocol.set_writer(StdoutWriter(io.BytesIO()))
    ls.protocol._shutdown = True
    assert ls.protocol.answer_hover((1, doc.uri, 5, 3)) is False, "shutting down: pygls's path refuses it"
    assert ls.messages == 0


# End to end: the real server, a recording proxy, the answers' bytes as the client reads them.


def recorded(client: LanguageClient) -> dict[Any, bytes]:
    """Each response the client reads from now on, by its id: its header block and body, as
    read from the server's stdout."""
    stream = client._server.stdout  # type: ignore[union-attr]
    readline, readexactly = stream.readline, stream.readexactly
    headers: list[bytes] = []
    found: dict[Any, bytes] = {}

    async def line() -> bytes:
        got = await readline()
        headers.append(got)
        return got

    async def body(n: int) -> bytes:
        got = await readexactly(n)
        message = json.loads(got)
        if "method" not in message:
            found[message.get("id")] = b"".join(headers) + got
        headers.clear()
        return got

    stream.readline, stream.readexactly = line, body
    return found


async def script(client: LanguageClient, doc: Doc, proxy: HTTPProxy) -> list[bytes]:
    """Hovers of every kind, in the same states in any session: the answers' bytes."""
    answers = recorded(client)
    proto = client.protocol

    def ask(msg_id: int | str, pos: types.Position) -> Any:
        params = types.HoverParams(text_document=doc.ident, position=pos)
        return proto.send_request_async(types.TEXT_DOCUMENT_HOVER, params, msg_id=msg_id)

    # (the client's reader was waiting for a header line when `recorded` began: the first
    # message read then is recorded without its first line; the next ones whole)
    await ask("warm-up", types.Position(99, 0))
    await ask(1, doc.pos_of("example.com/a", 2))  # a line's first hover (precomputed), an int id
    await wait_until(lambda: "/example.com/a/v2/@v/list" in proxy.requests, what="a's first hover's fetch")
    await asyncio.sleep(1.5)  # (its answer arrived, and the hover was refreshed: REFRESH_AFTER)
    await ask("two", doc.pos_of("example.com/a", 2))  # again: a string id
    await ask(3, doc.pos_of("example.com/a", 9))  # another column of the token
    await ask("four", doc.pos_of("v1.0.0", 1, occurrence=1))  # computed on request
    await ask(5, doc.pos_of("  v1.0.0", 1))  # between two tokens
    await ask(6, doc.pos_of("./dé/x", 5))  # after a non-ASCII character: the encoding's units
    await ask(7, types.Position(99, 0))  # past the end
    cancelled = ask(8, doc.pos_of("example.com/b", 3))
    proto.notify(types.CANCEL_REQUEST, types.CancelParams(id=8))  # (too late: answered already)
    await cancelled
    doc.replace("example.com/a v1.0.0", "example.com/a v1.1.0")
    await ask(9, doc.pos_of("example.com/a", 2))  # right after the edit
    return [answers[k] for k in (1, "two", 3, "four", 5, 6, 7, 8, 9)]


@pytest.mark.init_options({"logLevel": "debug"})
@pytest.mark.configuration({"logLevel": "debug"})
async def test_the_reader_loop_answers_what_pygls_answers(
    profile: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The same hovers in two servers, the reader loop answering in one
    (GOMODLS_HOVER_FAST=0 in the other): the same bytes, for int and string ids, a line's
    first hover (precomputed: the fetch it starts is asked only once it is hovered), a hover
    remembered, one computed on request, one between tokens, one after a non-ASCII character
    (UTF-16 and UTF-8 clients), one cancelled after it was sent, one right after an edit."""
    proxy = HTTPProxy(tmp_path / "proxy")
    for v in ("v1.0.0", "v1.1.0"):
        proxy.dir.add("example.com/a", v)
    proxy.dir.add("example.com/b", "v1.0.0")
    sessions: dict[str, list[bytes]] = {}
    with proxy.running():
        for fast in ("1", "0"):
            session = tmp_path / f"session{fast}"
            ws = tmp_path / "ws"  # (the same in both: hovers show paths)
            shutil.rmtree(ws, ignore_errors=True)
            env = {
                "GOPROXY": proxy.url,
                "GONOSUMDB": "example.com",
                "GOPATH": str(session / "gopath"),
                "XDG_CACHE_HOME": str(session / "cache"),
                "GOMODLS_HOVER_FAST": fast,
            }
            async with logged_server(profile, ws, env) as client:
                (ws / "dé" / "x").mkdir(parents=True)
                (ws / "dé" / "x" / "go.mod").write_text("module example.com/b\n")
                doc = Doc.open(client, ws / "go.mod", TEXT)
                await doc.diagnostics()
                await settled(client, f"hovers of {doc.uri}@1 precomputed")
                await asyncio.sleep(0.3)
                assert "/example.com/a/v2/@v/list" not in proxy.requests, "precomputing fetched nothing"
                sessions[fast] = await script(client, doc, proxy)

                def answered(client: LanguageClient = client) -> int:
                    return server_log(client).count("answered by the reader loop")

                # (each logged once its answer is written: the last one a moment later)
                want = 10 if fast == "1" else 0
                await wait_until(lambda want=want: answered() >= want, what="logged")
                await asyncio.sleep(0.2)
                assert answered() == want
                assert " computed before (precomputed: True)" in server_log(client)
                proxy.requests.clear()
    assert sessions["1"] == sessions["0"]

    def result(raw: bytes) -> Any:
        return json.loads(raw.partition(b"\r\n\r\n")[2])["result"]

    first, again, other, version, between, directory, past, cancelled, edited = map(result, sessions["1"])
    assert first is not None and again == other != version
    assert doc.covered(types.Range(**_range(first["range"]))) == "example.com/a"
    assert first["range"] == again["range"]
    assert between is None and past is None and cancelled is not None
    assert doc.covered(types.Range(**_range(directory["range"]))) == "./dé/x"
    assert "required: `v1.1.0`" in edited["contents"]["value"].split("  \n")


def _range(raw: dict[str, Any]) -> dict[str, types.Position]:
    return {k: types.Position(raw[k]["line"], raw[k]["character"]) for k in ("start", "end")}
