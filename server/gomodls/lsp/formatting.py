"""Formatting: `go mod edit -fmt` / `go work edit -fmt` output, sent as minimal line edits.
Range formatting applies the edits that touch the statements in the range. A large document is
formatted in a thread (1–3 s at 100,000 requirements the usual way, which the event loop spent
on it before), and the edits are answered only for the version they were computed from.

A go.mod is formatted by modfile/fastfmt.py's format_fast where it answers (the require lines
already written as Go writes them are not parsed again; 0.1–0.3 s at 100,000 requirements),
else the usual way from the document's parse: the same text either way. Neither it nor
line_edits makes a C call of more than a few milliseconds (they work a few thousand lines at a
time), so the thread never holds the interpreter lock against the event loop for long."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from lsprotocol import types

from gomodls.base.gcpause import paused_gc
from gomodls.base.textedit import TextEdit, line_edits
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.edits import text_edits
from gomodls.lsp.positions import from_range, overlaps
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.fastfmt import format_fast
from gomodls.modfile.parsed import FileKind, ParsedFile, format_parsed
from gomodls.syntax.incremental import stmt_span

log = logging.getLogger(__name__)

FORMAT_EDITS: MemoKey[list[TextEdit]] = MemoKey("format")
# Edits given the client's positions between two turns of the event loop (64: ~0.3 ms): 2,000
# edits (a 100,000-line go.mod with a line in fifty to format) took 10–40 ms of it at once, and
# 0.35 s in one run at load 5.
CONVERT_EDITS = 64
# Above this many lines, whole-file edits (format, sort blocks) are computed in a thread.
IN_THREAD_LINES = 5000


def format_edits(doc: Document) -> list[TextEdit]:
    """Edits that format the document; none when it does not parse (Go refuses to format it)."""
    return whole_file_edits(doc, FORMAT_EDITS, prepare_format)


def whole_file_edits(
    doc: Document, memo: MemoKey[list[TextEdit]], prepare: Callable[[Document], Callable[[], list[TextEdit]]]
) -> list[TextEdit]:
    """Whole-file edits of the document's current version, computed now (once per version);
    none when it does not parse."""
    if doc.kind is FileKind.SUM or not doc.parsed.ok:
        return []
    edits = doc.memo.get(memo)
    if edits is None:
        edits = doc.memo.put(memo, prepare(doc)())
    return edits


def prepare_format(doc: Document) -> Callable[[], list[TextEdit]]:
    """The formatting of the document's current version, to compute now or in a thread: it
    reads only the text and the parse taken here (an edit makes new ones, or changes the tree
    in place; either way the version changes and the result is thrown away)."""
    text, parsed = doc.text, doc.parsed

    def compute() -> list[TextEdit]:
        # (the collector paused: the work makes a few hundred thousand short-lived objects,
        # whose collections would hold the interpreter lock against the event loop)
        with paused_gc():
            return line_edits(text, formatted(text, parsed))

    return compute


def formatted(text: str, parsed: ParsedFile) -> str:
    """format_parsed(parsed), `parsed` being the strict parse of `text`: by format_fast when it
    answers (its result is then format_parsed's of the same text)."""
    if parsed.kind is FileKind.MOD and parsed.strict and parsed.ok:
        fast = format_fast(text, parsed.kind, parsed.syntax.filename)
        if fast is not None:
            return fast
    return format_parsed(parsed)


async def edits_for_version(
    ls: GomodServer,
    doc: Document,
    memo: MemoKey[list[TextEdit]],
    compute: Callable[[Document], list[TextEdit]],
    prepare: Callable[[Document], Callable[[], list[TextEdit]]],
) -> list[TextEdit] | None:
    """Whole-file edits of the document's current version: `compute(doc)` on the event loop for
    a small document or once known, else `prepare(doc)()` in a thread. None when the document
    changed (or closed) meanwhile: edits of another version are never answered."""
    if doc.memo.get(memo) is not None or len(doc.lines) <= IN_THREAD_LINES:
        return compute(doc)
    if doc.kind is FileKind.SUM or not doc.parsed.ok:
        return []
    version = doc.version
    try:
        edits = await asyncio.to_thread(prepare(doc))
        failed = None
    except Exception as e:  # (the tree may have changed under the thread: an edit arrived)
        edits, failed = [], e
    if ls.documents.get(doc.uri) is not doc or doc.version != version:
        log.info("%s changed while its edits were computed (version %d): not answered", doc.uri, version)
        return None
    if failed is not None:
        raise failed
    return doc.memo.put(memo, edits)


async def client_edits(ls: GomodServer, doc: Document, edits: list[TextEdit]) -> list[types.TextEdit] | None:
    """The edits of the document's current version in the client's positions, CONVERT_EDITS at
    a time with the event loop's other work between. None when the document changed (or
    closed) meanwhile: the positions come from its lines, which an edit changes in place."""
    version = doc.version
    out: list[types.TextEdit] = []
    for k in range(0, len(edits), CONVERT_EDITS):
        if k:
            await asyncio.sleep(0)
            if ls.documents.get(doc.uri) is not doc or doc.version != version:
                log.info(
                    "%s changed while its edits were converted (version %d): not answered", doc.uri, version
                )
                return None
        out += text_edits(doc.lines, edits[k : k + CONVERT_EDITS], ls)
    return out


def register(server: GomodServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded([])
    async def formatting(ls: GomodServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        edits = await edits_for_version(ls, doc, FORMAT_EDITS, format_edits, prepare_format)
        answer = None if edits is None else await client_edits(ls, doc, edits)
        return [] if answer is None else answer

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    @guarded([])
    async def range_formatting(
        ls: GomodServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or doc.syntax is None:
            return []
        all_edits = await edits_for_version(ls, doc, FORMAT_EDITS, format_edits, prepare_format)
        if all_edits is None:
            return []
        wanted = from_range(doc.lines, params.range, ls.encoding)
        # Widen the range to whole statements, then keep the edits that touch it.
        for stmt in doc.syntax.stmts:
            first, last = stmt_span(stmt)
            if first <= wanted[2] and wanted[0] <= last:
                wanted = (min(wanted[0], first), 0, max(wanted[2], last), len(doc.lines[last]))
        edits = [e for e in all_edits if overlaps(e.range, wanted)]
        return text_edits(doc.lines, edits, ls)
