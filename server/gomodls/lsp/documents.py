"""Open documents: their text, kept in step with the client's incremental changes, and one
parse per version shared by every feature (the syntax tree is updated incrementally; the model
and findings are computed once per version, on first use). What features compute from a
version is kept in its `memo`, under typed keys, until the text changes."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from gomodls.analysis.findings import Finding
from gomodls.base.gcpause import paused_gc
from gomodls.lsp.positions import Encoding, from_range
from gomodls.modfile.gosum import SumFile, parse_sum
from gomodls.modfile.parsed import FileKind, ParsedFile, ParseMemo, parse_syntax
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.lexer import lex_lines
from gomodls.syntax.parser import parse_lines
from gomodls.syntax.tree import FileSyntax

# Files gomodls serves, recognised by name (clients send different language ids).
SERVED_NAMES = ("go.mod", "go.work", "go.sum", "go.work.sum")


T = TypeVar("T")


def path_of(uri: str) -> str:
    """The file a URI names (as given when it names none)."""
    return to_fs_path(uri) or uri


def uri_of(path: str) -> str:
    return from_fs_path(path) or path


def served_kind(path: str) -> FileKind | None:
    name = os.path.basename(path)
    if name in SERVED_NAMES:
        return FileKind.of(name)
    return None


class MemoKey(Generic[T]):
    """The key of one feature's result in `Document.memo`; its type parameter is the result's
    type. Keys compare by identity: a feature declares its key once, at module level."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"MemoKey({self.name!r})"


class Memo:
    """What features computed from one version of a document, by `MemoKey`."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[object, object] = {}

    def get(self, key: MemoKey[T]) -> T | None:
        return cast("T | None", self._values.get(key))

    def put(self, key: MemoKey[T], value: T) -> T:
        self._values[key] = value
        return value

    def pop(self, key: MemoKey[T]) -> None:
        self._values.pop(key, None)

    def clear(self) -> None:
        self._values.clear()


@dataclass(eq=False)
class Document:
    uri: str
    path: str
    kind: FileKind
    version: int
    lines: list[str]  # physical lines, without newlines
    syntax: FileSyntax | None = None  # go.mod and go.work
    _parsed: ParsedFile | None = None
    _sum: SumFile | None = None
    # Per version, until the text changes (or `forget_results`):
    findings: list[Finding] | None = None  # of the offline checks
    published: tuple[int, list[types.Diagnostic]] | None = None  # the last diagnostics sent
    memo: Memo = field(default_factory=Memo)  # what features computed from this version
    # What a parse takes from the previous version's (syntax problems, requirement index).
    parse_memo: ParseMemo = field(default_factory=ParseMemo)

    @classmethod
    def open(cls, uri: str, version: int, text: str) -> Document:
        path = path_of(uri)
        kind = served_kind(path) or FileKind.MOD
        doc = cls(uri, path, kind, version, [])
        doc._replace_all(text)
        return doc

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def parsed(self) -> ParsedFile:
        assert self.syntax is not None
        if self._parsed is None:
            self._parsed = parse_syntax(self.syntax, self.kind, memo=self.parse_memo)
        return self._parsed

    @property
    def sum(self) -> SumFile:
        if self._sum is None:
            self._sum = parse_sum(self.text, os.path.basename(self.path))
        return self._sum

    def apply_changes(
        self,
        version: int,
        changes: Sequence[types.TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) -> None:
        """Apply the changes in order, each against the text the previous one produced."""
        for change in changes:
            if (
                isinstance(change, types.TextDocumentContentChangeWholeDocument)
                or getattr(change, "range", None) is None
            ):
                self._replace_all(change.text)
                continue
            sl, sc, el, ec = from_range(self.lines, change.range, encoding)  # type: ignore[union-attr]
            if (el, ec) < (sl, sc):
                sl, sc, el, ec = el, ec, sl, sc
            head, tail = self.lines[sl][:sc], self.lines[el][ec:]
            self.lines[sl : el + 1] = (head + change.text + tail).split("\n")
            if self.syntax is not None:
                self.syntax = apply_edit(self.syntax, (sl, sc), (el, ec), change.text)
        self.version = version
        self._parsed = None
        self._sum = None
        self.forget_results()

    def forget_results(self) -> None:
        """Drop what was computed from this version (what it depends on elsewhere changed)."""
        self.findings = None
        self.published = None
        self.memo.clear()

    def _replace_all(self, text: str) -> None:
        self.lines = text.split("\n")
        if self.kind is not FileKind.SUM:
            # syntax.parser.parse, on our lines: the tree's source lines share their strings
            # (a second copy of the text's lines was 10 MB at 100,000 requirements).
            with paused_gc():
                self.syntax = parse_lines(lex_lines(self.lines, 0, at_eof=True), os.path.basename(self.path))


class DocumentStore:
    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def open(self, uri: str, version: int, text: str) -> Document:
        doc = Document.open(uri, version, text)
        self._docs[uri] = doc
        return doc

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def by_path(self, path: str) -> Document | None:
        for doc in self._docs.values():
            if doc.path == path:
                return doc
        return None

    def __iter__(self) -> Iterator[Document]:
        return iter(list(self._docs.values()))
