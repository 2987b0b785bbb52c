"""Random edits over real go.mod/go.work files, for property tests of incremental work."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import strategies as st

CORPUS = Path(os.environ.get("GOMODLS_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))

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


def corpus_texts() -> list[str]:
    if not CORPUS.is_dir():
        return []
    texts = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and (path.name.endswith("go.mod") or path.name.endswith("go.work")):
            texts.append(path.read_text(encoding="utf-8", errors="surrogateescape"))
    return texts


TEXTS = TRICKY + corpus_texts()


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


def apply_text(text: str, start: tuple[int, int], end: tuple[int, int], new: str) -> str:
    lines = text.split("\n")
    (sl, sc), (el, ec) = start, end
    return "\n".join([*lines[:sl], lines[sl][:sc] + new + lines[el][ec:], *lines[el + 1 :]])
