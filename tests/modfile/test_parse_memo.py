"""A document's parses share a `ParseMemo`: the syntax problems of unchanged source lines and the
requirement index are taken from the previous version. After any sequence of edits, both must
equal what a fresh parse of the same text gives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.modfile.test_memo_chunks import line_edits, long_gomod

from editgen import TEXTS, apply_text, edits
from gomodls.modfile import parsed as parsed_module
from gomodls.modfile import rules
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, ParsedFile, ParseMemo, parse_syntax, parse_text
from gomodls.modfile.requireindex import RequireIndex, require_key
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def errors(p: ParsedFile) -> list[tuple[object, ...]]:
    return [(e.message, e.line, e.col, e.range, e.code) for e in p.errors]


def index_summary(index: RequireIndex) -> tuple[object, ...]:
    def req(r: object) -> tuple[object, ...]:
        return (r.mod.path, r.mod.version, r.syntax.line)  # type: ignore[attr-defined]

    by_path = sorted((p, req(r)) for p, r in index.by_path.items()) if index.unique else None
    return index.unique, by_path, [req(r) for r in index.noncanonical], index.direct()


def check_same(memoised: ParsedFile, text: str) -> None:
    fresh = parse_text(text, FileKind.MOD)
    assert errors(memoised) == errors(fresh)
    if isinstance(memoised.model, ModFile):
        assert index_summary(memoised.require_index()) == index_summary(RequireIndex(fresh.model))  # type: ignore[arg-type]
        # The build list's key of the requirements, by parts, against the fresh parse's (one
        # part: compared requirement by requirement).
        key = require_key(memoised.model)
        assert key == require_key(fresh.model)  # type: ignore[arg-type]
        assert key.entries() == [
            (r.mod.path, r.mod.version, r.indirect)
            for r in fresh.model.require  # type: ignore[union-attr]
        ]


# Edits that make requirements duplicate others, junk after a closing parenthesis, lexer errors.
EXTRA = st.sampled_from(
    [
        "\texample.com/m0003 v1.0.0\n",
        "\texample.com/m0010 v1.0.9 // indirect\n",
        ") junk\n",
        "\texample.com/q v1.0.0 /* x\n",
        '\t"example.com/m0004" v1.0.0\n',
        "require example.com/m0005 v1.0.0\n",
        "require example.com/lone v1.0.0\n",
        "require example.com/lone2 v1.0.0 // indirect\n",
    ]
)


@st.composite
def memo_edits(draw: st.DrawFn, text: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    lines = text.split("\n")
    if len(lines) < 8:  # (most of the file deleted)
        return draw(edits(text))
    if draw(st.integers(0, 2)) == 0:
        sl = draw(st.integers(5, len(lines) - 2))
        return (sl, 0), (sl, 0), draw(EXTRA)
    return draw(line_edits(text))


@pytest.mark.parametrize("chunk", [3, 256])
@SETTINGS
@given(data=st.data())
def test_memoised_parses_equal_fresh_parses(
    chunk: int, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "CHUNK", chunk)
    monkeypatch.setattr(parsed_module, "PROBLEM_CHUNK", chunk)
    text = long_gomod(data.draw(st.sampled_from([40, 700]), label="requirements"))
    syntax = parse(text)
    memo = ParseMemo()
    check_same(parse_syntax(syntax, FileKind.MOD, memo=memo), text)
    for _ in range(data.draw(st.integers(1, 8), label="edits")):
        start, end, new = data.draw(memo_edits(text), label="edit")
        text = apply_text(text, start, end, new)
        syntax = apply_edit(syntax, start, end, new)
        check_same(parse_syntax(syntax, FileKind.MOD, memo=memo), text)


@SETTINGS
@given(data=st.data())
def test_memoised_problems_on_the_corpus(data: st.DataObject) -> None:
    """Character edits anywhere in real files (and the hand-made tricky ones)."""
    text = data.draw(st.sampled_from(TEXTS), label="file")
    syntax = parse(text)
    memo = ParseMemo()
    assert memo.problems(syntax) == syntax.problems()
    for _ in range(data.draw(st.integers(0, 4), label="edits")):
        start, end, new = data.draw(edits(text), label="edit")
        text = apply_text(text, start, end, new)
        syntax = apply_edit(syntax, start, end, new)
        assert memo.problems(syntax) == syntax.problems()  # (the same objects, in the same order)


def test_one_edit_keeps_the_index_tables() -> None:
    """An edit of one requirement updates the index (the same dictionary), not a new one."""
    text = long_gomod(2000)
    syntax = parse(text)
    memo = ParseMemo()
    first = parse_syntax(syntax, FileKind.MOD, memo=memo).require_index()
    table = first.by_path
    line = next(i for i, t in enumerate(text.split("\n")) if t.startswith("\texample.com/m1000 v0.6.0"))
    syntax = apply_edit(syntax, (line, 22), (line, 23), "7")
    second = parse_syntax(syntax, FileKind.MOD, memo=memo).require_index()
    assert second.by_path is table
    assert second.by_path["example.com/m1000"].mod.version == "v0.7.0"


def test_require_key_follows_what_the_build_list_reads() -> None:
    """The key of the requirements changes with a version, a // indirect or a requirement
    removed, not with a comment or blank lines; a part the edit did not touch keeps its key
    (the same object)."""
    text = long_gomod(2000)
    line = next(i for i, t in enumerate(text.split("\n")) if t == "\texample.com/m1001 v1.0.1")
    syntax = parse(text)
    memo = ParseMemo()
    key = require_key(parse_syntax(syntax, FileKind.MOD, memo=memo).model)  # type: ignore[arg-type]

    def edit(start: tuple[int, int], end: tuple[int, int], new: str) -> tuple[object, bool]:
        """The key after the edit, and whether it equals the key before."""
        nonlocal syntax, key
        before = key
        syntax = apply_edit(syntax, start, end, new)
        key = require_key(parse_syntax(syntax, FileKind.MOD, memo=memo).model)  # type: ignore[arg-type]
        return key, key == before

    first = key
    _, same = edit((line, 22), (line, 23), "7")
    assert not same
    assert sum(a is not b for a, b in zip(first.parts, key.parts, strict=True)) == 1
    assert edit((line, 25), (line, 25), " // a comment")[1]
    assert not edit((line, 25), (line, 38), " // indirect")[1]
    assert edit((line, 0), (line, 0), "\n\n\t// more comments\n")[1]
    assert not edit((line + 3, 0), (line + 4, 0), "")[1]  # (the requirement deleted)
