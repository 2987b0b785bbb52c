"""The cursor query (found by bisection) against its definition, checked by walking the whole
tree, on the corpus, tricky texts and random edits of them (broken files included)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modgen
from editgen import TEXTS, apply_text, edits
from gomodls.syntax.cursor import Cursor, cursor_at
from gomodls.syntax.incremental import stmt_span
from gomodls.syntax.parser import parse
from gomodls.syntax.tree import Block, FileSyntax, Line, Token

EXAMPLES = int(os.environ.get("GOMODLS_CURSOR_EXAMPLES", "400"))


def holds(first: Token, last: Token, line: int, col: int) -> bool:
    return (first.line, first.col) <= (line, col) <= (last.end_line, last.end_col)


def walked(syntax: FileSyntax, line: int, col: int) -> tuple[object, ...]:
    """What `cursor_at` answers, by definition: every statement, line and token looked at."""
    stmts = [s for s in syntax.stmts if stmt_span(s)[0] <= line <= stmt_span(s)[1]]
    assert len(stmts) <= 1
    stmt = stmts[0] if stmts else None
    lines = [stmt] if isinstance(stmt, Line) else stmt.lines if isinstance(stmt, Block) else []
    header = [t for t in stmt.header if holds(t, t, line, col)] if isinstance(stmt, Block) else []
    spanning = (
        [] if header else [ln for ln in lines if ln.tokens and holds(ln.tokens[0], ln.tokens[-1], line, col)]
    )
    assert len(spanning) <= 1
    found = spanning[0] if spanning else None
    tokens = header or ([t for t in found.tokens if holds(t, t, line, col)] if found else [])
    return stmt, found, tuple(tokens)


def answer(c: Cursor) -> tuple[object, ...]:
    return c.stmt, c.line, c.tokens


def check_all(syntax: FileSyntax, positions: list[tuple[int, int]]) -> None:
    for line, col in positions:
        assert answer(cursor_at(syntax, line, col)) == walked(syntax, line, col), (line, col)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cursor_is_what_a_walk_finds(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(TEXTS), label="file")
    if data.draw(st.booleans(), label="edited"):
        start, end, new = data.draw(edits(text), label="edit")
        text = apply_text(text, start, end, new)
    lines = text.split("\n")
    syntax = parse(text)
    positions = []
    for _ in range(20):
        n = data.draw(st.integers(0, len(lines) - 1), label="line")
        positions.append((n, data.draw(st.integers(0, len(lines[n])), label="col")))
    check_all(syntax, positions)


def test_cursor_on_generated_files() -> None:
    """Every position of random valid, broken and mutated files."""
    for seed in range(30):
        for kind in ("mod", "work"):
            for g in (modgen.generate(seed, kind, True), modgen.generate(seed, kind, False)):
                text = g.data.decode("utf-8", "surrogateescape")
                lines = text.split("\n")
                check_all(parse(text), [(n, c) for n in range(len(lines)) for c in range(len(lines[n]) + 1)])


def test_views() -> None:
    text = "module m\n\nrequire (\n\ta.com/x v1.0.0 // c\n\tb.com/y v1.2.0\n"
    syntax = parse(text)
    on_path = cursor_at(syntax, 3, 3)
    assert on_path.verb == "require" and on_path.block is not None
    assert on_path.token is not None and on_path.token.text == "a.com/x"
    assert cursor_at(syntax, 3, 8).token is on_path.token  # the end of a token is on it
    assert cursor_at(syntax, 3, 17).token is None  # on the comment
    assert cursor_at(syntax, 2, 0).in_header and cursor_at(syntax, 2, 0).verb == "require"
    assert cursor_at(syntax, 0, 2).verb == "module" and cursor_at(syntax, 0, 2).block is None
    assert cursor_at(syntax, 1, 0).stmt is None
    # The go command reads the unterminated block to the end of the file.
    assert cursor_at(syntax, 4, 1).go_block_verb() == "require"
    assert cursor_at(syntax, 0, 1).go_block_verb() is None
    source = cursor_at(syntax, 4, 1).source
    assert source is not None and source.line == 4
