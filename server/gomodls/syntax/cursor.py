"""What is at a position of a go.mod or go.work: the one query behind hover, completion,
selection ranges and go-to-definition.

Positions are 0-based lines and code-point columns. A token holds the positions from its start
to its end, both included: the cursor just after a word is still on it (where a client asks
for completion), and where two tokens touch it is on both (`tokens`), the first one winning
(`token`).

Two views of the same position: the tree's (`stmt`, `line`, `token`: the statement as parsed,
with the parser's recovery from an unterminated block), and the lexer's (`source`, and
`go_block_verb`: the block the line is in as the go command reads the lines above it, where an
unterminated block lasts to the end of the file), which completion uses while a line is being
typed."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from gomodls.syntax.incremental import stmt_at
from gomodls.syntax.tree import Block, FileSyntax, Line, LineKind, SourceLine, Stmt, Token


@dataclass(frozen=True, slots=True)
class Cursor:
    syntax: FileSyntax
    at: tuple[int, int]  # (line, column)
    stmt: Stmt | None  # the top-level statement whose lines (with its comments) hold the position
    line: Line | None  # the statement line whose tokens span the position (not a block's header)
    tokens: tuple[Token, ...]  # the tokens of `line`, or of a block's header, holding the position

    @property
    def token(self) -> Token | None:
        return self.tokens[0] if self.tokens else None

    @property
    def block(self) -> Block | None:
        return self.stmt if isinstance(self.stmt, Block) else None

    @property
    def in_header(self) -> bool:
        """Whether the position is on a block's header (`require` of `require (`)."""
        return self.line is None and bool(self.tokens)

    @property
    def verb(self) -> str:
        """The directive of the statement at the position: its block's, or its first word."""
        if self.block is not None:
            return self.block.verb
        return self.line.tokens[0].text if self.line is not None and self.line.tokens else ""

    @property
    def source(self) -> SourceLine | None:
        """The lexer's line holding the position (a string continued over lines makes one
        source line of several)."""
        lines, n = self.syntax.lines, self.at[0]
        if not self.syntax.multiline and n < len(lines) and lines[n].line == n:
            return lines[n]
        return next((s for s in lines if s.line <= n < s.line + s.nlines), None)

    def go_block_verb(self) -> str | None:
        """The verb of the block the position's line is in ("" for `) (`), as the go command's
        parser reads the lines above it; None at top level."""
        verb: str | None = None
        for s in self.syntax.lines:
            if s.line >= self.at[0]:
                break
            if verb is None:
                if s.kind is LineKind.OPEN:
                    verb = s.tokens[0].text
                elif s.kind is LineKind.RP_OPEN:
                    verb = s.tokens[1].text if len(s.tokens) > 2 else ""
            elif s.kind in (LineKind.CLOSE, LineKind.RP_OPEN, LineKind.RP_EMPTY):
                verb = None
        return verb


def cursor_at(syntax: FileSyntax, line: int, col: int) -> Cursor:
    """What is at (line, col): found by bisection, not by walking the file."""
    i = stmt_at(syntax.stmts, line)
    stmt = syntax.stmts[i] if i >= 0 else None
    found: Line | None = None
    tokens: tuple[Token, ...] = ()
    if isinstance(stmt, Block):
        tokens = _holding(stmt.header, line, col)
        if not tokens:
            found = _line_holding(stmt.lines, line, col)
    elif isinstance(stmt, Line) and stmt.tokens and _spans(stmt, line, col):
        found = stmt
    if found is not None:
        tokens = _holding(found.tokens, line, col)
    return Cursor(syntax, (line, col), stmt, found, tokens)


def _holds(first: Token, last: Token, line: int, col: int) -> bool:
    return (first.line, first.col) <= (line, col) <= (last.end_line, last.end_col)


def _spans(ln: Line, line: int, col: int) -> bool:
    return _holds(ln.tokens[0], ln.tokens[-1], line, col)


def _holding(tokens: list[Token], line: int, col: int) -> tuple[Token, ...]:
    return tuple(t for t in tokens if _holds(t, t, line, col))


def _line_holding(lines: list[Line], line: int, col: int) -> Line | None:
    """The block line whose tokens span the position: the last one starting on or above it."""
    i = bisect.bisect_right(lines, line, key=lambda ln: ln.line) - 1
    if i >= 0 and lines[i].tokens and _spans(lines[i], line, col):
        return lines[i]
    return None
