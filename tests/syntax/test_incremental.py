"""Incremental re-parsing must give exactly the tree a full parse gives."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editgen import CORPUS, TEXTS, apply_text, edits
from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse
from gomodls.syntax.tree import Block
from treedump import dump

EXAMPLES = int(os.environ.get("GOMODLS_INCREMENTAL_EXAMPLES", "2500"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_incremental_equals_full_parse(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(TEXTS), label="file")
    syntax = parse(text)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        start, end, new = data.draw(edits(text), label="edit")
        text = apply_text(text, start, end, new)
        syntax = apply_edit(syntax, start, end, new)
        assert syntax.text() == text
        assert dump(syntax) == dump(parse(text))


def test_corpus_is_used() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    assert len(TEXTS) > 100


def test_edit_inside_large_block_reparses_one_line() -> None:
    """A one-line edit in a big block must not rebuild the other lines of the block."""
    body = "".join(f"\texample.com/m{i} v1.0.{i}\n" for i in range(2000))
    syntax = parse("module m\n\nrequire (\n" + body + ")\n")
    block = syntax.stmts[1]
    assert isinstance(block, Block)
    old_lines = list(block.lines)
    target = old_lines[1000]
    assert target.texts == ["example.com/m1000", "v1.0.1000"]
    version = target.tokens[1]
    edited = apply_edit(syntax, (version.line, version.end_col - 1), (version.line, version.end_col), "7")
    new_block = edited.stmts[1]
    assert isinstance(new_block, Block)
    assert new_block.lines[1000].texts == ["example.com/m1000", "v1.0.1007"]
    assert new_block.lines[1000] is not target
    assert all(new_block.lines[k] is old_lines[k] for k in range(2000) if k != 1000)
