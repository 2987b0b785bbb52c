"""format_parsed shares the Line objects of canonically written requirements and exclusions
with the parsed tree instead of copying and re-checking them (modfile/parsed.py
_canonical_for_print). It must print exactly what the reference, canonical_model (everything
copied and checked again in rewrite mode), prints, and must leave the parsed tree as it was."""

from __future__ import annotations

import pytest

from editgen import TEXTS
from gomodls.modfile.parsed import FileKind, NotParsable, canonical_model, format_parsed, parse_text
from gomodls.syntax.printer import format_stmts
from modgen import generate
from treedump import dump

# Blocks that removeDups and Cleanup turn into one line (Cleanup rewrites that line), quoted
# and non-canonical forms next to canonical ones, duplicates on both sides of a sort.
SHAPES = [
    "module m\n\nexclude (\n\tx.org/a v1.0.0\n\tx.org/a v1.0.0\n)\n",
    "module m\n\nexclude (\n\tx.org/a v1.0.0\n\tx.org/a v1.0.0\n\tx.org/a v1.0.0\n)\n",
    "module m\n\nrequire (\n\tx.org/a v1.0.0 // indirect\n)\n",
    'module m\n\nrequire (\n\t"x.org/b" v1.0\n\tx.org/a v1.0.0\n\tx.org/c v2.0.0+incompatible\n)\n',
    "module m\n\ngo 1.22\n\nexclude (\n\tx.org/a v1.10.0\n\tx.org/a v1.9.0\n\tx.org/a v1.9.0\n)\n",
    "module m\n\nrequire x.org/a v1.0.0\nrequire (\n\tx.org/b v1.0.0\n\tx.org/a v1.0.0\n)\n",
    "module m\n\nrequire (\n\t// c\n\tx.org/b v1.0.0 // b\n\n\tx.org/a v1.0.0\n) // after\n",
]


def texts() -> list[tuple[str, FileKind]]:
    out = [(t, FileKind.MOD) for t in SHAPES + TEXTS]
    for seed in range(60):
        for kind in ("mod", "work"):
            data = generate(seed, kind, valid=True).data.decode("utf-8", "surrogateescape")
            out.append((data, FileKind.WORK if kind == "work" else FileKind.MOD))
    return out


@pytest.mark.parametrize(("text", "kind"), texts())
def test_format_equals_reference_and_keeps_the_tree(text: str, kind: FileKind) -> None:
    parsed = parse_text(text, kind)
    before = dump(parsed.syntax)
    try:
        model = canonical_model(parse_text(text, kind))
    except NotParsable:
        with pytest.raises(NotParsable):
            format_parsed(parsed)
        return
    assert format_parsed(parsed) == format_stmts(model.syntax.stmts, model.syntax.comments)
    assert dump(parsed.syntax) == before
    assert format_parsed(parsed) == format_stmts(model.syntax.stmts, model.syntax.comments)  # twice
