"""Semantic tokens: directives, module paths, versions, operators, comments, strings and
directory paths, godebug keys. Editors without a TextMate grammar for go.mod (Neovim, Emacs)
get their highlighting from here."""

from __future__ import annotations

from collections.abc import Iterator

from lsprotocol import types

from gomodls.lsp.documents import Document
from gomodls.lsp.positions import to_client
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.parsed import FileKind
from gomodls.modfile.rules import is_directory_path
from gomodls.syntax.tree import Block, Line, Token, TokenKind

TOKEN_TYPES = ["keyword", "namespace", "number", "operator", "comment", "string", "property", "variable"]
TOKEN_MODIFIERS = ["deprecated", "readonly"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)
KEYWORD, NAMESPACE, NUMBER, OPERATOR, COMMENT, STRING, PROPERTY, VARIABLE = range(8)
DEPRECATED = 1

Entry = tuple[int, int, int, int, int]  # line, start col, end col (code points), type, modifiers


def _arg_entries(verb: str, toks: list[Token]) -> Iterator[Entry]:
    def at(t: Token, kind: int, mods: int = 0) -> Entry:
        # A token spanning lines (a string continued by a backslash) gets an empty entry: dropped.
        return (t.line, t.col, t.end_col if t.end_line == t.line else t.col, kind, mods)

    for t in toks:
        if t.kind is TokenKind.PUNCT or t.text == "=>":
            yield at(t, OPERATOR)
    plain = [t for t in toks if t.kind is not TokenKind.PUNCT and t.text != "=>"]
    if not plain:
        return
    if verb in ("module", "tool"):
        yield at(plain[0], NAMESPACE)
    elif verb in ("go", "toolchain"):
        yield at(plain[0], NUMBER)
    elif verb in ("ignore", "use"):
        yield at(plain[0], STRING)
    elif verb == "godebug":
        t = plain[0]
        key, sep, _ = t.text.partition("=")
        yield (t.line, t.col, t.col + len(key), PROPERTY, 0)
        if sep:
            yield (t.line, t.col + len(key), t.col + len(key) + 1, OPERATOR, 0)
            if t.col + len(key) + 1 < t.end_col:
                yield (t.line, t.col + len(key) + 1, t.end_col, VARIABLE, 0)
    elif verb in ("require", "exclude"):
        yield at(plain[0], NAMESPACE)
        yield from (at(t, NUMBER) for t in plain[1:2])
    elif verb == "retract":
        yield from (at(t, NUMBER) for t in plain)
    elif verb == "replace":
        arrow = next((i for i, t in enumerate(toks) if t.text == "=>"), len(toks))
        left, right = toks[:arrow], toks[arrow + 1 :]
        yield from (at(t, NAMESPACE if i == 0 else NUMBER) for i, t in enumerate(left))
        if right:
            target = right[0]
            yield at(
                target, STRING if len(right) == 1 and is_directory_path(target.text.strip('"')) else NAMESPACE
            )
            yield from (at(t, NUMBER) for t in right[1:2])


def _entries(doc: Document) -> Iterator[Entry]:
    assert doc.syntax is not None
    deprecated = bool(
        doc.kind is FileKind.MOD and doc.parsed.model.module and doc.parsed.model.module.deprecated
    )  # type: ignore[union-attr]
    for stmt in doc.syntax.stmts:
        if isinstance(stmt, Line) and stmt.tokens:
            verb = stmt.tokens[0].text
            t0 = stmt.tokens[0]
            yield (t0.line, t0.col, t0.end_col, KEYWORD, 0)
            entries = _arg_entries(verb, stmt.tokens[1:])
            if verb == "module" and deprecated:
                entries = ((ln, a, b, k, DEPRECATED if k == NAMESPACE else m) for ln, a, b, k, m in entries)
            yield from entries
        elif isinstance(stmt, Block) and stmt.header:
            h = stmt.header[0]
            yield (h.line, h.col, h.end_col, KEYWORD, 0)
            for paren in (stmt.lparen.token, stmt.rparen.token):
                if paren is not None:
                    yield (paren.line, paren.col, paren.end_col, OPERATOR, 0)
            for line in stmt.lines:
                yield from _arg_entries(stmt.verb, line.tokens)
    for src in doc.syntax.lines:
        if src.comment is not None and src.nlines == 1:
            c = src.comment
            yield (c.line, c.col, len(src.text.rstrip("\r")), COMMENT, 0)


def encode(doc: Document, ls: GomodServer, first: int = 0, last: int | None = None) -> list[int]:
    last = len(doc.lines) - 1 if last is None else last
    data: list[int] = []
    prev_line, prev_start = 0, 0
    for line, start, end, kind, mods in sorted(
        e for e in _entries(doc) if first <= e[0] <= last and e[2] > e[1]
    ):
        text = doc.lines[line] if line < len(doc.lines) else ""
        u_start = to_client(text, start, ls.encoding)
        u_end = to_client(text, end, ls.encoding)
        delta_line = line - prev_line
        delta_start = u_start - prev_start if delta_line == 0 else u_start
        data += [delta_line, delta_start, u_end - u_start, kind, mods]
        prev_line, prev_start = line, u_start
    return data


def register(server: GomodServer) -> None:
    options = types.SemanticTokensRegistrationOptions(
        legend=LEGEND, full=True, range=True, document_selector=None
    )

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, options)
    @guarded(types.SemanticTokens(data=[]))
    def full(ls: GomodServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or doc.syntax is None:
            return types.SemanticTokens(data=[])
        return types.SemanticTokens(data=encode(doc, ls))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    @guarded(types.SemanticTokens(data=[]))
    def ranged(ls: GomodServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or doc.syntax is None:
            return types.SemanticTokens(data=[])
        return types.SemanticTokens(data=encode(doc, ls, params.range.start.line, params.range.end.line))
