"""Incremental re-parse: apply a text edit to a `FileSyntax` by re-lexing only the changed
lines and re-parsing only the statements they touch, then splicing the result into the tree.

The result equals a full parse of the new text (tests/syntax/test_incremental.py checks this on
random edits over the corpus). Two granularities:

* inside a block body, the unit is a block line with the comments and blank lines above it, so
  editing one requirement in a block of thousands re-parses that requirement only;
* at top level, the unit is a statement (a block counts as one) with its comments.

Edits that can change the meaning of the rest of the file (a block left unterminated, strings
continued over lines) fall back to a full parse.
"""

from __future__ import annotations

import bisect
import operator
from dataclasses import replace

from gomodls.syntax import parser
from gomodls.syntax.lexer import escapes_newline, lex_lines
from gomodls.syntax.tree import (
    MAX_CHUNK,
    Block,
    CommentBlock,
    FileSyntax,
    Line,
    LineBase,
    LineKind,
    SourceLine,
    Stmt,
)

_CLOSERS = frozenset({LineKind.CLOSE, LineKind.RP_OPEN, LineKind.RP_EMPTY})
_REAL = frozenset({LineKind.LINE, LineKind.OPEN, LineKind.EMPTY})  # block lines (inside a block)


def stmt_span(stmt: Stmt) -> tuple[int, int]:
    """First and last line of a top-level statement, its comments included."""
    before = stmt.comments.before
    if isinstance(stmt, CommentBlock):
        return before[0].line, before[-1].line
    if isinstance(stmt, Line):
        assert stmt.src is not None
        first = before[0].line if before else stmt.src.line
        return first, stmt.src.line + stmt.src.nlines - 1
    assert stmt.src is not None and stmt.end_src is not None
    first = before[0].line if before else stmt.src.line
    return first, stmt.end_src.line + stmt.end_src.nlines - 1


def stmt_at(stmts: list[Stmt], line: int) -> int:
    """Index of the statement whose span contains `line`, or -1."""
    i = bisect.bisect_right(stmts, line, key=lambda s: stmt_span(s)[0]) - 1
    if i >= 0 and stmt_span(stmts[i])[1] >= line:
        return i
    return -1


def apply_edit(syntax: FileSyntax, start: tuple[int, int], end: tuple[int, int], text: str) -> FileSyntax:
    """Replace [start, end) (code-point positions) by `text` and return the syntax of the new
    text: `syntax` itself, updated in place, or a fresh tree when a full parse was needed.
    Either way the tree passed in must not be used afterwards."""
    lines = syntax.lines
    (sl, sc), (el, ec) = start, end
    if syntax.multiline or syntax.eof_problem is not None or syntax.comments.before:
        return _full(syntax, start, end, text)
    new_texts = (lines[sl].text[:sc] + text + lines[el].text[ec:]).split("\n")
    at_eof = el == len(lines) - 1
    new_src = lex_lines(new_texts, sl, at_eof=at_eof)
    if any(s.nlines > 1 for s in new_src) or (not at_eof and escapes_newline(new_src[-1])):
        return _full(syntax, start, end, text)

    # Plan in the old line numbers, then renumber, then build.
    plan = _plan_in_block(syntax, sl, el, new_src) or _plan_top_level(syntax, sl, el, new_src)
    delta = len(new_src) - (el - sl + 1)
    lines[sl : el + 1] = new_src
    _renumber(lines, sl, sl + len(new_src), delta)
    if plan.apply(syntax, delta):
        return syntax
    return parser.parse_lines(lex_lines([s.text for s in lines], 0, at_eof=True), syntax.filename)


def _renumber(lines: list[SourceLine], sl: int, start: int, delta: int) -> None:
    """Move the lines from `start` on by `delta`: their runs' bases (see LineBase), once each.
    The lines of the run of the line before the edit (`sl - 1`) that come after it first get a
    base of their own (even when nothing moves: each base numbers a contiguous range of lines,
    so that moving it moves no line before the edit)."""
    if start >= len(lines):
        return
    if sl > 0:
        shared = lines[sl - 1].base
        k = start
        while k < len(lines) and lines[k].base is shared:
            k += 1
        if k > start:
            base = LineBase(lines[start].line)
            for src in lines[start:k]:
                src.rebase(base)
    if not delta:
        return
    # (each base once, found by C loops: no Python step per line)
    for base in dict.fromkeys(map(_BASE, lines[start:])):
        base.n += delta


_BASE = operator.attrgetter("base")


def _full(syntax: FileSyntax, start: tuple[int, int], end: tuple[int, int], text: str) -> FileSyntax:
    """Parse the whole new text (positions are physical lines, which a multi-line source line
    would otherwise misalign)."""
    physical = syntax.text().split("\n")
    (sl, sc), (el, ec) = start, end
    middle = physical[sl][:sc] + text + physical[el][ec:]
    return parser.parse("\n".join([*physical[:sl], middle, *physical[el + 1 :]]), syntax.filename)


class _BlockPlan:
    """Re-parse block lines `i..j` (j exclusive) of statement `k`: old lines `first..last`."""

    def __init__(self, k: int, i: int, j: int, first: int, last: int, to_close: bool) -> None:
        self.k, self.i, self.j, self.first, self.last, self.to_close = k, i, j, first, last, to_close

    def apply(self, syntax: FileSyntax, delta: int) -> bool:
        block = syntax.stmts[self.k]
        assert isinstance(block, Block)
        region = syntax.lines[self.first : self.last + delta + 1]
        built, pending = parser.block_body(syntax, region, lines_before=self.i > 0)
        if not self.to_close and pending:
            return False
        block.lines[self.i : self.j] = built
        if block.chunks:
            # The lines built may be the same objects as before (PlainLines are their own
            # Lines) with other comments: the chunks of results that may hold them go.
            for line in block.lines[max(0, self.i - MAX_CHUNK) : self.i + len(built)]:
                block.chunks.pop(id(line), None)
        if self.to_close:
            block.rparen.comments = replace(block.rparen.comments, before=parser.rparen_before(pending))
        return True


class _TopPlan:
    """Re-parse statements `a..b` (b exclusive): old lines `first..last`."""

    def __init__(self, a: int, b: int, first: int, last: int) -> None:
        self.a, self.b, self.first, self.last = a, b, first, last

    def apply(self, syntax: FileSyntax, delta: int) -> bool:
        scratch = FileSyntax(syntax.filename, syntax.lines, [])
        built = parser.items_of(scratch, syntax.lines[self.first : self.last + delta + 1])
        if scratch.eof_problem is not None or scratch.comments.before:
            return False  # the edit changed how the rest of the file parses
        syntax.stmts[self.a : self.b] = built
        return True


def _plan_in_block(syntax: FileSyntax, sl: int, el: int, new_src: list[SourceLine]) -> _BlockPlan | None:
    """For an edit strictly inside a block body that adds no closing line: the block lines from
    the one the edit touches (with the comments above it) to the first untouched one."""
    k = stmt_at(syntax.stmts, sl)
    block = syntax.stmts[k] if k >= 0 else None
    if not isinstance(block, Block) or block.rparen.token is None:
        return None
    assert block.src is not None and block.end_src is not None
    opener, closer = block.src.line, block.end_src.line
    if not (opener < sl and el < closer) or any(s.kind in _CLOSERS for s in new_src):
        return None
    lines = block.lines

    def start(n: int) -> int:
        return lines[n].src.line  # type: ignore[union-attr]

    def find(line: int) -> int:
        return bisect.bisect_left(lines, line, key=lambda x: x.src.line)  # type: ignore[union-attr]

    i = find(sl)
    first = start(i - 1) + 1 if i > 0 else opener + 1
    # When the edit ends on a block line, old and new, nothing is left pending for the lines
    # below; otherwise the region runs to the next block line, which takes the pending comments.
    e = find(el)
    if e < len(lines) and start(e) == el and new_src[-1].kind in _REAL:
        return _BlockPlan(k, i, e + 1, first, el, to_close=False)
    j = find(el + 1)
    if j < len(lines):
        return _BlockPlan(k, i, j + 1, first, start(j), to_close=False)
    return _BlockPlan(k, i, len(lines), first, closer - 1, to_close=True)


def _plan_top_level(syntax: FileSyntax, sl: int, el: int, new_src: list[SourceLine]) -> _TopPlan:
    """The statements the edit touches; a comment run just above joins in (it may attach to a
    new statement), and so does the statement just below when the new text ends in comments."""
    stmts = syntax.stmts
    first, last = sl, el
    above = stmt_at(stmts, sl - 1) if sl > 0 else -1
    if above >= 0 and isinstance(stmts[above], CommentBlock):
        first = stmt_span(stmts[above])[0]
    for x in (sl, el):
        k = stmt_at(stmts, x)
        if k >= 0:
            lo, hi = stmt_span(stmts[k])
            first, last = min(first, lo), max(last, hi)
    if new_src[-1].kind is LineKind.COMMENT:
        k = stmt_at(stmts, el + 1)
        if k >= 0:
            last = max(last, stmt_span(stmts[k])[1])
    a = bisect.bisect_left(stmts, first, key=lambda s: stmt_span(s)[0])
    b = bisect.bisect_left(stmts, last + 1, key=lambda s: stmt_span(s)[0])
    return _TopPlan(a, b, first, last)
