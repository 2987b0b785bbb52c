"""The tree's lazily made parts read as the parse made them (syntax/tree.py)."""

from __future__ import annotations

from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse
from gomodls.syntax.printer import format_syntax
from gomodls.syntax.tree import Block, Comment, Comments, FileSyntax, Line, clone_syntax

TEXT = """module m

require (
\ta.example/x v1.0.0 // indirect
\t// above
\tb.example/y v1.0.0 // why
\tc.example/z v1.0.0
)
"""


def _lines(text: str) -> list[Line]:
    block = next(s for s in parse(text).stmts if isinstance(s, Block))
    return block.lines


def test_suffix_only_line_reads_its_suffix_comment() -> None:
    a, b, c = _lines(TEXT)
    # (the suffix-only line keeps no Comments of its own until asked, its comment's text only:
    # the memory it saves)
    assert a._comments == "// indirect" and isinstance(b._comments, Comments)
    view = a.view_comments()
    assert (list(view.before), [x.text for x in view.suffix], list(view.after)) == ([], ["// indirect"], [])
    made = a.src.comment  # type: ignore[union-attr]
    assert made is not None and view.suffix[0].suffix
    assert (view.suffix[0].text, view.suffix[0].line, view.suffix[0].col) == (made.text, made.line, made.col)
    # (a plain line keeps its comment's text only: a Comment is made each time it is asked for)
    assert view.suffix[0] is not made
    assert a._comments == "// indirect"  # (a view is not kept)
    assert [x.text for x in a.suffix_comments()] == ["// indirect"]
    assert [x.text for x in b.suffix_comments()] == ["// why"]
    assert [x.text for x in b.comments.before] == ["// above"]
    assert not c.suffix_comments() and not c.view_comments().before
    comments = a.comments
    assert comments is a.comments  # (made once, then kept: changes to it stay)
    assert [x.text for x in comments.suffix] == ["// indirect"]


def test_suffix_only_line_comments_can_be_replaced() -> None:
    syntax = parse(TEXT)
    a = next(s for s in syntax.stmts if isinstance(s, Block)).lines[0]
    a.comments.suffix = [Comment("// changed", suffix=True)]
    assert "a.example/x v1.0.0 // changed\n" in format_syntax(syntax)
    a.comments = Comments()
    assert "a.example/x v1.0.0\n" in format_syntax(syntax)


def test_model_and_formatting_keep_comments_without_making_them() -> None:
    parsed = parse_text(TEXT, FileKind.MOD, "go.mod")
    reqs = parsed.model.require  # type: ignore[union-attr]
    assert [r.indirect for r in reqs] == [True, False, False]
    assert format_syntax(parsed.syntax) == TEXT
    lines = next(s for s in parsed.syntax.stmts if isinstance(s, Block)).lines
    assert lines[0]._comments == "// indirect"  # (its text only: no Comments made)


JUNK = "module m\n\nrequire (\n\ta.example/x v1.0.0\n) junk\n\ngo 1.22\n"


def _problems(syntax: FileSyntax) -> list[tuple[str, int, int]]:
    return [(p.message, p.line, p.col) for p in syntax.problems()]


def test_junk_after_closing_paren_is_the_blocks_error_through_edits() -> None:
    expected = [("syntax error (expected newline after closing paren)", 4, 6)]
    syntax = parse(JUNK)
    assert _problems(syntax) == expected
    block = next(s for s in syntax.stmts if isinstance(s, Block))
    assert [p.message for p in block.parse_errors] == [expected[0][0]]
    # an edit inside the block keeps it; one above moves it; fixing the line takes it away
    syntax = apply_edit(syntax, (3, 20), (3, 20), "1")
    assert _problems(syntax) == expected
    syntax = apply_edit(syntax, (1, 0), (1, 0), "\n")
    assert _problems(syntax) == [(expected[0][0], 5, 6)]
    syntax = apply_edit(syntax, (5, 1), (5, 6), "")
    assert _problems(syntax) == []
    assert _problems(clone_syntax(parse(JUNK))) == expected  # (a copy keeps it)


def test_a_string_continued_on_the_next_line_spans_two_lines() -> None:
    syntax = parse('module "a\\\nb"\n')
    assert [s.nlines for s in syntax.lines] == [2, 1] and syntax.multiline
    assert not parse(TEXT).multiline
