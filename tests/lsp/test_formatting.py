"""lsp/formatting.py: whole-file edits of a large document are computed in a thread and given
only for the version they were computed from; a go.mod is formatted by the fast path where it
answers, with the usual way's result."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable
from types import SimpleNamespace

from lsprotocol import types
from tests.modfile.test_fastfmt import mixed_mod

from gomodls.base.textedit import TextEdit, apply_edits
from gomodls.lsp import formatting
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.formatting import (
    FORMAT_EDITS,
    client_edits,
    edits_for_version,
    format_edits,
    formatted,
    prepare_format,
)
from gomodls.lsp.positions import Encoding
from gomodls.modfile.fastfmt import format_fast
from gomodls.modfile.parsed import format_parsed

UNFORMATTED = (
    "module example.com/big\n\ngo   1.21\n\nrequire (\n"
    + "".join(f"\texample.com/m{i:03d}  v1.0.{i}\n" for i in range(40))
    + ")\n"
)


def served(doc: Document) -> SimpleNamespace:
    """What edits_for_version needs of the server: its open documents."""
    return SimpleNamespace(documents=SimpleNamespace(get=lambda uri: doc if uri == doc.uri else None))


def held(gate: threading.Event) -> Callable[[Document], Callable[[], list[TextEdit]]]:
    """prepare_format, whose computation waits for `gate` (in its thread)."""

    def prepare(doc: Document) -> Callable[[], list[TextEdit]]:
        compute = prepare_format(doc)

        def run() -> list[TextEdit]:
            gate.wait(5)
            return compute()

        return run

    return prepare


def edit(doc: Document, version: int) -> None:
    """v1.0.7 -> v1.0.70"""
    at = doc.lines.index("\texample.com/m007  v1.0.7")
    end = types.Position(at, len(doc.lines[at]))
    doc.apply_changes(
        version,
        [types.TextDocumentContentChangePartial(range=types.Range(end, end), text="0")],
        Encoding.UTF16,
    )
    assert doc.parsed.ok


async def test_edits_of_an_older_version_are_not_given(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(formatting, "IN_THREAD_LINES", 10)
    doc = Document.open("file:///w/go.mod", 1, UNFORMATTED)
    gate = threading.Event()
    asked = asyncio.ensure_future(edits_for_version(served(doc), doc, FORMAT_EDITS, format_edits, held(gate)))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)  # (computing, in its thread)
    edit(doc, 2)
    gate.set()
    assert await asked is None
    assert doc.memo.get(FORMAT_EDITS) is None, "nothing kept for the new version either"

    gate2 = threading.Event()
    asked = asyncio.ensure_future(
        edits_for_version(served(doc), doc, FORMAT_EDITS, format_edits, held(gate2))
    )  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    gate2.set()
    edits = await asked
    assert edits is not None
    assert apply_edits(doc.text, edits) == apply_edits(doc.text, format_edits(doc))
    assert "\texample.com/m007 v1.0.70" in apply_edits(doc.text, edits)
    assert doc.memo.get(FORMAT_EDITS) is edits, "kept for its version"


async def test_a_document_closed_meanwhile_gets_none(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(formatting, "IN_THREAD_LINES", 10)
    doc = Document.open("file:///w/go.mod", 1, UNFORMATTED)
    open_docs = {doc.uri: doc}
    ls = SimpleNamespace(documents=SimpleNamespace(get=open_docs.get))
    gate = threading.Event()
    asked = asyncio.ensure_future(edits_for_version(ls, doc, FORMAT_EDITS, format_edits, held(gate)))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    del open_docs[doc.uri]
    gate.set()
    assert await asked is None


async def test_a_small_document_is_formatted_on_the_loop() -> None:
    doc = Document.open("file:///w/go.mod", 1, UNFORMATTED)
    never: MemoKey[list[TextEdit]] = FORMAT_EDITS

    def no_thread(_: Document) -> Callable[[], list[TextEdit]]:
        raise AssertionError("not in a thread")

    edits = await edits_for_version(served(doc), doc, never, format_edits, no_thread)  # type: ignore[arg-type]
    assert edits == format_edits(doc)


def test_formatting_is_the_usual_ways() -> None:
    """Documents in mixed layouts (some with errors, some CRLF): the server's formatting, fast
    path or not, is format_parsed of the document's parse, and its edits give that text."""
    rng = random.Random("lsp-formatting")
    taken = 0
    for k in range(150):
        text = mixed_mod(rng, rng.randint(1, 80), rng.choice([0.0, 0.05, 0.3]), rng.choice([0, 0, 1]))
        doc = Document.open(f"file:///w{k}/go.mod", 1, text)
        if not doc.parsed.ok:
            assert format_edits(doc) == []
            continue
        usual = format_parsed(doc.parsed)
        assert formatted(doc.text, doc.parsed) == usual
        assert apply_edits(doc.text, format_edits(doc)) == usual
        taken += format_fast(doc.text, doc.kind) is not None
    assert taken > 50


async def test_fast_edits_of_an_older_version_are_not_given(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A large document the fast path formats (in its thread): edits of the version it was
    asked for are dropped once the document changed; those of the new version are its own."""
    monkeypatch.setattr(formatting, "IN_THREAD_LINES", 10)
    text = mixed_mod(random.Random("lsp-formatting-version"), 3000, 0.02, broken=False)
    doc = Document.open(
        "file:///w/go.mod",
        1,
        text.replace("\texample.com/g00/p0007 ", "\texample.com/m007  v1.0.7\n\texample.com/g00/p0007 ", 1),
    )
    assert format_fast(doc.text, doc.kind) is not None
    gate = threading.Event()
    asked = asyncio.ensure_future(edits_for_version(served(doc), doc, FORMAT_EDITS, format_edits, held(gate)))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    edit(doc, 2)
    gate.set()
    assert await asked is None
    assert doc.memo.get(FORMAT_EDITS) is None

    gate2 = threading.Event()
    asked = asyncio.ensure_future(
        edits_for_version(served(doc), doc, FORMAT_EDITS, format_edits, held(gate2))
    )  # type: ignore[arg-type]
    gate2.set()
    edits = await asked
    assert edits is not None
    assert apply_edits(doc.text, edits) == format_parsed(doc.parsed)
    assert "\texample.com/m007 v1.0.70\n" in apply_edits(doc.text, edits)


async def test_edits_given_positions_a_few_at_a_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The client's positions are computed a few edits at a time, the event loop running other
    work between: all of them for an unchanged document, none once it changed."""
    monkeypatch.setattr(formatting, "CONVERT_EDITS", 3)
    lines = "".join(f"\texample.com/m{i:03d}{'  ' if i % 2 else ' '}v1.0.{i}\n" for i in range(40))
    doc = Document.open("file:///w/go.mod", 1, f"module example.com/big\n\nrequire (\n{lines})\n")
    edits = format_edits(doc)
    assert len(edits) > 9
    ls = served(doc)
    ls.encoding = Encoding.UTF16
    converted = await client_edits(ls, doc, edits)  # type: ignore[arg-type]
    assert converted is not None
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in converted] == [
        (e.range[0], e.range[2], e.new_text) for e in edits
    ]

    async def typing() -> None:
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        edit(doc, 2)

    asked = asyncio.ensure_future(client_edits(ls, doc, edits))  # type: ignore[arg-type]
    typed = asyncio.ensure_future(typing())
    assert await asked is None
    await typed
