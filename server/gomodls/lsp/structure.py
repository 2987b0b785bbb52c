"""The shape of a file: document symbols (outline), folding ranges, selection ranges. Built from
the syntax tree, so they work while the file has errors."""

from __future__ import annotations

from collections.abc import Iterator

from lsprotocol import types

from gomodls.base.textedit import Range
from gomodls.lsp.documents import Document
from gomodls.lsp.positions import from_position, to_range
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.errors import token_range
from gomodls.syntax.cursor import cursor_at
from gomodls.syntax.incremental import stmt_span
from gomodls.syntax.tree import Block, CommentBlock, Line, Stmt

SYMBOL_KINDS = {
    "module": types.SymbolKind.Module,
    "go": types.SymbolKind.Property,
    "toolchain": types.SymbolKind.Property,
    "godebug": types.SymbolKind.Variable,
    "require": types.SymbolKind.Package,
    "exclude": types.SymbolKind.Package,
    "replace": types.SymbolKind.Object,
    "retract": types.SymbolKind.Event,
    "tool": types.SymbolKind.Function,
    "ignore": types.SymbolKind.File,
    "use": types.SymbolKind.File,
}


def _line_symbol(ls: GomodServer, doc: Document, verb: str, line: Line) -> types.DocumentSymbol:
    toks = line.tokens if line.in_block else line.tokens[1:]
    rng = to_range(doc.lines, token_range(line.tokens[0], line.tokens[-1]), ls.encoding)
    if not toks:
        name, detail, sel = verb, None, rng
    elif verb == "replace":
        name, detail = (
            " ".join(t.text for t in toks[: 2 if len(toks) > 1 and toks[1].text != "=>" else 1]),
            None,
        )
        arrow = [i for i, t in enumerate(toks) if t.text == "=>"]
        if arrow:
            detail = "=> " + " ".join(t.text for t in toks[arrow[0] + 1 :])
        sel = to_range(doc.lines, token_range(toks[0]), ls.encoding)
    elif verb == "retract":
        name, detail = " ".join(t.text for t in toks), None
        sel = rng
    else:
        name = toks[0].text
        detail = " ".join(t.text for t in toks[1:]) or None
        suffix = line.suffix_comments()
        if suffix and verb == "require":
            detail = f"{detail} {suffix[0].text}" if detail else suffix[0].text
        sel = to_range(doc.lines, token_range(toks[0]), ls.encoding)
    if not line.in_block:
        name = f"{verb} {name}" if toks and verb in ("go", "toolchain") else name
    return types.DocumentSymbol(
        name=name or verb,
        kind=SYMBOL_KINDS.get(verb, types.SymbolKind.Key),
        range=rng,
        selection_range=sel,
        detail=detail,
    )


def document_symbols(ls: GomodServer, doc: Document) -> list[types.DocumentSymbol]:
    assert doc.syntax is not None
    out: list[types.DocumentSymbol] = []
    for stmt in doc.syntax.stmts:
        if isinstance(stmt, Line) and stmt.tokens:
            out.append(_line_symbol(ls, doc, stmt.tokens[0].text, stmt))
        elif isinstance(stmt, Block) and stmt.header:
            end = stmt.end_src.line if stmt.end_src else stmt.header[0].line
            rng = to_range(
                doc.lines, (stmt.header[0].line, stmt.header[0].col, end, len(doc.lines[end])), ls.encoding
            )
            out.append(
                types.DocumentSymbol(
                    name=" ".join(t.text for t in stmt.header),
                    kind=types.SymbolKind.Namespace,
                    range=rng,
                    selection_range=to_range(
                        doc.lines, token_range(stmt.header[0], stmt.header[-1]), ls.encoding
                    ),
                    detail=f"{len(stmt.lines)} line{'s' if len(stmt.lines) != 1 else ''}",
                    children=[_line_symbol(ls, doc, stmt.verb, line) for line in stmt.lines if line.tokens],
                )
            )
    return out


def folding_ranges(doc: Document) -> list[types.FoldingRange]:
    assert doc.syntax is not None
    out: list[types.FoldingRange] = []
    for stmt in doc.syntax.stmts:
        if isinstance(stmt, Block) and stmt.src is not None and stmt.end_src is not None:
            start, end = stmt.src.line, stmt.end_src.line
            # Keep the closing parenthesis visible when the block is folded.
            last = end - 1 if stmt.rparen.token is not None else end
            if last > start:
                out.append(
                    types.FoldingRange(start_line=start, end_line=last, kind=types.FoldingRangeKind.Region)
                )
    out.extend(_comment_runs(doc))
    return out


def _comment_runs(doc: Document) -> Iterator[types.FoldingRange]:
    assert doc.syntax is not None
    start = None
    for i, src in enumerate(doc.syntax.lines):
        is_comment = src.kind.value == "COMMENT"
        if is_comment and start is None:
            start = i
        elif not is_comment and start is not None:
            if i - 1 > start:
                yield types.FoldingRange(
                    start_line=start, end_line=i - 1, kind=types.FoldingRangeKind.Comment
                )
            start = None
    if start is not None and len(doc.syntax.lines) - 1 > start:
        yield types.FoldingRange(
            start_line=start, end_line=len(doc.syntax.lines) - 1, kind=types.FoldingRangeKind.Comment
        )


def _stmt_range(doc: Document, stmt: Stmt) -> Range:
    first, last = stmt_span(stmt)
    return first, 0, last, len(doc.lines[last])


def _chain(doc: Document, line: int, col: int) -> list[Range]:
    """Ranges around a position, innermost first: token, line, block, file."""
    assert doc.syntax is not None
    out: list[Range] = []
    at = cursor_at(doc.syntax, line, col)
    stmt = at.stmt
    if stmt is not None and not isinstance(stmt, CommentBlock):
        outer = _stmt_range(doc, stmt)
        if at.line is not None:
            if at.token is not None:
                out.append(token_range(at.token))
            out.append(token_range(at.line.tokens[0], at.line.tokens[-1]))
        if isinstance(stmt, Block) or not out or out[-1] != outer:
            out.append(outer)
    last = len(doc.lines) - 1
    out.append((0, 0, last, len(doc.lines[last])))
    dedup: list[Range] = []
    for r in out:
        if not dedup or dedup[-1] != r:
            dedup.append(r)
    return dedup


def selection_ranges(
    ls: GomodServer, doc: Document, positions: list[types.Position]
) -> list[types.SelectionRange]:
    out = []
    for pos in positions:
        line, col = from_position(doc.lines, pos, ls.encoding)
        parent: types.SelectionRange | None = None
        for rng in reversed(_chain(doc, line, col)):
            parent = types.SelectionRange(range=to_range(doc.lines, rng, ls.encoding), parent=parent)
        assert parent is not None
        out.append(parent)
    return out


def register(server: GomodServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded([])
    def symbols(ls: GomodServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        doc = ls.documents.get(params.text_document.uri)
        return document_symbols(ls, doc) if doc is not None and doc.syntax is not None else []

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    @guarded([])
    def folding(ls: GomodServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        doc = ls.documents.get(params.text_document.uri)
        return folding_ranges(doc) if doc is not None and doc.syntax is not None else []

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    @guarded([])
    def selection(ls: GomodServer, params: types.SelectionRangeParams) -> list[types.SelectionRange]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or doc.syntax is None:
            return []
        return selection_ranges(ls, doc, params.positions)
