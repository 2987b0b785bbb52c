"""The semantic results of block lines are memoised per line and per chunk of lines (a chunk is
reused while its lines are the same objects in the same order). On long blocks, after any
sequence of edits (lines changed, inserted, deleted, broken, whole chunks removed), the model
and the errors must equal a fresh parse of the same text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editgen import apply_text, edits
from gomodls.modfile import rules
from gomodls.modfile.gojson import mod_json
from gomodls.modfile.parsed import FileKind, ParsedFile, parse_syntax, parse_text
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse


def summary(p: ParsedFile) -> tuple[object, ...]:
    errors = [(e.message, e.line, e.col, e.range, e.code) for e in p.errors]
    lines = [[n.syntax.line for n in getattr(p.model, name)] for name in ("require", "exclude", "replace")]
    return mod_json(p.model), errors, lines


def long_gomod(n: int) -> str:
    lines = ["module example.com/long", "", "go 1.22", "", "require ("]
    for i in range(n):
        if i % 17 == 0:
            lines.append(f"\t// group {i}")
        if i % 23 == 5:
            lines.append("")
        version = f"v{i % 2}.{i % 7}.{i % 5}" if i % 29 else f"v2.{i % 3}.0"  # (some are errors)
        lines.append(f"\texample.com/m{i:04d} {version}" + (" // indirect" if i % 3 == 1 else ""))
    lines += [")", "", "exclude (", *(f"\texample.com/m{i:04d} v0.0.{i}" for i in range(0, n, 9)), ")", ""]
    lines += ["replace (", *(f"\texample.com/m{i:04d} => ./m{i}" for i in range(0, n, 11)), ")", ""]
    return "\n".join(lines)


LINE_EDITS = st.sampled_from(
    [
        "",  # a line (or several) deleted
        "\texample.com/new v1.0.0\n",
        "\texample.com/new v1.0.0 // indirect\n\texample.com/new2 v0.1.0\n",
        "\texample.com/bad v1.2\n",
        "\t// a comment\n\n",
        '\t"example.com/quoted" v1.0.0\n',
        "\texample.com/x/v3 v3.0.0\n",
        "\tbad line with /* comment\n",
    ]
)


@st.composite
def line_edits(draw: st.DrawFn, text: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    """Whole lines replaced (inside the blocks, mostly), or a character edit anywhere."""
    lines = text.split("\n")
    if draw(st.integers(0, 3)) == 0 or len(lines) < 7:  # (earlier edits may have deleted the blocks)
        return draw(edits(text))
    sl = draw(st.integers(5, len(lines) - 2))
    el = min(len(lines) - 1, sl + draw(st.sampled_from([0, 0, 1, 3, 40])))
    return (sl, 0), (el, 0), draw(LINE_EDITS)


@pytest.mark.parametrize("chunk", [4, 256])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_chunked_memo_equals_fresh_parse(
    chunk: int, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "CHUNK", chunk)
    text = long_gomod(data.draw(st.sampled_from([40, 700]), label="requirements"))
    syntax = parse(text)
    parse_syntax(syntax, FileKind.MOD)  # fills the memos
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        start, end, new = data.draw(line_edits(text), label="edit")
        text = apply_text(text, start, end, new)
        syntax = apply_edit(syntax, start, end, new)
        assert summary(parse_syntax(syntax, FileKind.MOD)) == summary(parse_text(text, FileKind.MOD))
