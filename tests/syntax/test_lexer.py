"""The lexer's plain lines (tokens made from the text when first asked for, see SourceLine) must
lex exactly as the general scanner does, and the tree and model built over them without their
tokens must be the ones built with them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editgen import CORPUS, TEXTS
from gomodls.modfile.gojson import marshal_model
from gomodls.modfile.rules import parse_mod
from gomodls.syntax.lexer import lex_line, lex_lines
from gomodls.syntax.parser import parse, parse_lines
from gomodls.syntax.tree import Block, Line, PlainLine, SourceLine
from treedump import dump


def _lexed(src: SourceLine) -> tuple[object, ...]:
    """Everything the lexer says about a line (making its tokens)."""
    return (
        src.kind,
        src.text,
        src.nlines,
        [(t.kind, t.text, t.col, t.end_col, t.row, t.end_row, t.src is src) for t in src.tokens],
        None
        if src.comment is None
        else (src.comment.text, src.comment.col, src.comment.suffix, src.comment.row),
        [(p.message, p.col, p.end_col, p.order, p.row, p.end_row) for p in src.lex_errors],
    )


def _check_line(text: str, at_eof: bool = True) -> bool:
    """Lex `text` both ways; return whether the plain path took it."""
    (fast,) = lex_lines([text], 0, at_eof=at_eof)
    plain = fast._tokens.__class__ is tuple  # (its words only: no tokens yet)
    words = fast.words()  # (before the tokens are made)
    general = lex_line(text, 0, at_eof=at_eof)
    assert _lexed(fast) == _lexed(general), repr(text)
    assert list(words) == [t.text for t in general.tokens], repr(text)
    return plain


CORPUS_LINES = sorted({line for text in TEXTS for line in text.split("\n")})


def test_corpus_lines_lex_alike() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    plain = sum(_check_line(line) for line in CORPUS_LINES)
    assert plain > len(CORPUS_LINES) // 2  # (the plain path is the one under test)
    assert plain < len(CORPUS_LINES)


# Characters on both sides of every rule the plain path relies on: the blanks Go splits on and
# the ones str.split() also would (\v \f \x1c-\x1f), `//` and `/*`, punctuation, quotes,
# control and non-ASCII characters.
_ALPHABET = ' \t\r\v\f\x1c\x1f\x00\x7f/*()[]{},"`=>.-+_aZ09\u00e9\u2028\u00a0\ufeff'


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=24), st.booleans())
def test_random_lines_lex_alike(text: str, at_eof: bool) -> None:
    _check_line(text, at_eof)


def _plain_view(lines: list[SourceLine]) -> list[tuple[object, ...]]:
    """What the parse reads of its block lines without making their tokens."""
    syntax = parse_lines(lines, "go.mod")
    out = []
    for stmt in syntax.stmts:
        for line in stmt.lines if isinstance(stmt, Block) else [stmt] if isinstance(stmt, Line) else []:
            out.append((line.texts, line.line))
    return out


@pytest.mark.parametrize("materialize", [False, True])
def test_tree_and_model_without_tokens(materialize: bool) -> None:
    """The same tree and model whether the plain lines' tokens were made before the parse or
    never (Line.texts, Line.line and the requirement checks read the text instead)."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    for text in TEXTS:
        lazy = lex_lines(text.split("\n"), 0, at_eof=True)
        eager = lex_lines(text.split("\n"), 0, at_eof=True)
        for src in eager:
            src.tokens  # noqa: B018 (made now)
        view = _plain_view(lazy)
        assert view == [([t.text for t in line.tokens], line.tokens[0].line) for line in _lines(eager)]
        lazy_syntax = parse_lines(lazy, "go.mod")
        lazy_model, lazy_errors = parse_mod(lazy_syntax)
        eager_model, eager_errors = parse_mod(parse_lines(eager, "go.mod"))
        if materialize:
            assert dump(lazy_syntax) == dump(parse(text))
        assert [e.message for e in lazy_errors] == [e.message for e in eager_errors]
        assert [(e.line, e.col, e.range) for e in lazy_errors] == [
            (e.line, e.col, e.range) for e in eager_errors
        ]
        if not lazy_errors:
            assert marshal_model(lazy_model) == marshal_model(eager_model)


def _lines(lines: list[SourceLine]) -> list[Line]:
    syntax = parse_lines(lines, "go.mod")
    return [
        line
        for stmt in syntax.stmts
        for line in (stmt.lines if isinstance(stmt, Block) else [stmt] if isinstance(stmt, Line) else [])
    ]


def test_large_block_parses_without_tokens() -> None:
    """Parsing and checking a block of plain requirements makes none of their tokens (the
    memory and time this saves is the point of the plain lines)."""
    body = "".join(f"\texample.com/m{i} v1.0.{i}{' // indirect' if i % 3 else ''}\n" for i in range(300))
    syntax = parse("module m\n\ngo 1.22\n\nrequire (\n" + body + ")\n")
    model, errors = parse_mod(syntax)
    assert not errors and len(model.require) == 300
    assert [r.indirect for r in model.require] == [bool(i % 3) for i in range(300)]
    block = syntax.stmts[-1]
    assert isinstance(block, Block)
    # (the words only, shared with the model: the source line's words are the requirement's
    # module version itself, one tuple for both; each plain line is its own Line)
    assert all(line.__class__ is PlainLine and line.src is line for line in block.lines)
    assert all(line._tokens.__class__ is not list for line in block.lines)
    assert all(r.mod is r.syntax.src.words() for r in model.require)  # type: ignore[union-attr]
    assert all(r.mod.path is r.syntax.src.words()[0] for r in model.require)  # type: ignore[union-attr]
    # Asked for, they are made once, shared by the line and its source line.
    line = block.lines[7]
    assert line.tokens is line.src.tokens  # type: ignore[union-attr]
    assert line.tokens is line.tokens and [t.text for t in line.tokens] == ["example.com/m7", "v1.0.7"]
    assert line.tokens[0].line == line.line == 12
