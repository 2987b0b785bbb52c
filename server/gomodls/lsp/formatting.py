"""Formatting: `go mod edit -fmt` / `go work edit -fmt` output, sent as minimal line edits.
Range formatting applies the edits that touch the statements in the range."""

from __future__ import annotations

from lsprotocol import types

from gomodls.base.textedit import TextEdit, line_edits
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.edits import text_edits
from gomodls.lsp.positions import from_range, overlaps
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.parsed import FileKind, format_parsed
from gomodls.syntax.incremental import stmt_span

FORMAT_EDITS: MemoKey[list[TextEdit]] = MemoKey("format")


def format_edits(doc: Document) -> list[TextEdit]:
    """Edits that format the document; none when it does not parse (Go refuses to format it)."""
    if doc.kind is FileKind.SUM or not doc.parsed.ok:
        return []
    cached = doc.memo.get(FORMAT_EDITS)
    if cached is None:
        cached = doc.memo.put(FORMAT_EDITS, line_edits(doc.text, format_parsed(doc.parsed)))
    return cached


def register(server: GomodServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded([])
    def formatting(ls: GomodServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        return text_edits(doc.lines, format_edits(doc), ls)

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    @guarded([])
    def range_formatting(
        ls: GomodServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or doc.syntax is None:
            return []
        wanted = from_range(doc.lines, params.range, ls.encoding)
        # Widen the range to whole statements, then keep the edits that touch it.
        for stmt in doc.syntax.stmts:
            first, last = stmt_span(stmt)
            if first <= wanted[2] and wanted[0] <= last:
                wanted = (min(wanted[0], first), 0, max(wanted[2], last), len(doc.lines[last]))
        edits = [e for e in format_edits(doc) if overlaps(e.range, wanted)]
        return text_edits(doc.lines, edits, ls)
