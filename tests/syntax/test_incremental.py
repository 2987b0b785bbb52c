"""Incremental re-parsing must give exactly the tree a full parse gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodls.syntax.incremental import apply_edit
from gomodls.syntax.parser import parse
from gomodls.syntax.tree import Block
from treedump import dump

CORPUS = Path(os.environ.get("GOMODLS_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))
EXAMPLES = int(os.environ.get("GOMODLS_INCREMENTAL_EXAMPLES", "2500"))

# Hand-made files that exercise the structure rules the corpus rarely has.
TRICKY = [
    "module m\n\nrequire (\n\t// c\n\n\ta v1.0.0 // x\n\n\n\t// g\n\tb v1\n\n\t// end\n) // after\n",
    "// a\n\n// b\nrequire ( // c\n\t// d\n\n\t// e\n\tx // f\n\t// g\n\n\t// h\n) // i\n",
    "require (\n\tx v1\n) junk\nreplace a => b\n",
    "module m\nrequire (\n\ta v1\nreplace x => ./y\n",
    "x ( ) y\nz ( )\n) (\n\ta\n)\n",
    "module m\r\nrequire (\r\n\ta v1.0.0\r\n) // lost\r\n",
    'module "m"\nrequire "a\\\nb" v1 // c\ngo 1.21\n',
    "\ufeffmodule m\n/* c */\ngo 1.2\u00a03\n`raw` x\n",
    "",
    "module m",
]

FRAGMENTS = [
    "\n",
    "\n\n",
    "(",
    ")",
    "( )",
    " (\n",
    ")\n",
    "// c\n",
    "//",
    "/*",
    '"',
    "`",
    "\\",
    "\t",
    " ",
    "require",
    "replace",
    "module",
    "x v1.0.0",
    "=>",
    "./dir",
    "é",
    "🙂",
    "\u00a0",
    "\r\n",
    "require (\n\ta v1.0.0\n)\n",
    "\tb v1.2.3 // indirect\n",
    "[v1.0.0, v1.1.0]",
    "go 1.21\n",
]


def _corpus_texts() -> list[str]:
    if not CORPUS.is_dir():
        return []
    texts = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and (path.name.endswith("go.mod") or path.name.endswith("go.work")):
            texts.append(path.read_text(encoding="utf-8", errors="surrogateescape"))
    return texts


TEXTS = TRICKY + _corpus_texts()


@st.composite
def edits(draw: st.DrawFn, text: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    lines = text.split("\n")
    sl = draw(st.integers(0, len(lines) - 1))
    el = draw(st.integers(sl, min(len(lines) - 1, sl + draw(st.sampled_from([0, 0, 0, 1, 2, 5])))))
    sc = draw(st.integers(0, len(lines[sl])))
    ec = draw(st.integers(0, len(lines[el])))
    if sl == el and ec < sc:
        sc, ec = ec, sc
    new = "".join(draw(st.lists(st.sampled_from(FRAGMENTS), max_size=4)))
    if draw(st.booleans()):
        new += draw(st.text(max_size=6))
    return (sl, sc), (el, ec), new


def _apply_text(text: str, start: tuple[int, int], end: tuple[int, int], new: str) -> str:
    lines = text.split("\n")
    (sl, sc), (el, ec) = start, end
    return "\n".join([*lines[:sl], lines[sl][:sc] + new + lines[el][ec:], *lines[el + 1 :]])


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
        text = _apply_text(text, start, end, new)
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
