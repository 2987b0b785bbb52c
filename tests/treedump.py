"""A plain-data dump of a syntax tree, for comparing trees in tests."""

from __future__ import annotations

from typing import Any

from gomodls.syntax.tree import Block, Comment, Comments, FileSyntax, Line, Paren, Stmt, Token


def _tok(t: Token) -> tuple[Any, ...]:
    return (t.kind.value, t.text, t.line, t.col, t.end_line, t.end_col)


def _com(c: Comment) -> tuple[Any, ...]:
    return (c.text, c.line, c.col, c.suffix)


def _coms(c: Comments) -> tuple[Any, ...]:
    return ([_com(x) for x in c.before], [_com(x) for x in c.suffix], [_com(x) for x in c.after])


def _line(line: Line) -> tuple[Any, ...]:
    return ("line", [_tok(t) for t in line.tokens], _coms(line.comments), line.in_block)


def _paren(p: Paren) -> tuple[Any, ...]:
    return (_tok(p.token) if p.token else None, _coms(p.comments))


def _stmt(s: Stmt) -> tuple[Any, ...]:
    if isinstance(s, Line):
        return _line(s)
    if isinstance(s, Block):
        return (
            "block",
            [_tok(t) for t in s.header],
            _paren(s.lparen),
            [_line(x) for x in s.lines],
            _paren(s.rparen),
            _coms(s.comments),
            s.end_src.line if s.end_src else None,
        )
    return ("comments", _coms(s.comments))


def dump(syntax: FileSyntax) -> dict[str, Any]:
    return {
        "lines": [(s.line, s.kind.value, s.text, s.nlines) for s in syntax.lines],
        "stmts": [_stmt(s) for s in syntax.stmts],
        "file_comments": _coms(syntax.comments),
        "problems": [(p.message, p.line, p.col, p.end_line, p.end_col, p.order) for p in syntax.problems()],
    }
