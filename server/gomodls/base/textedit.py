"""Text edits: what every change gomodls proposes is made of, and minimal edits that turn one
text into another, per line, so an editor keeps cursors, folds and marks on unchanged lines."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

Range = tuple[int, int, int, int]  # start line, start col, end line, end col (0-based, code points)


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace `range` of a text by `new_text`."""

    range: Range
    new_text: str


def line_edits(old: str, new: str) -> list[TextEdit]:
    """Edits over whole lines (ranges in code points on `old`), in document order, never
    overlapping or touching. Lines are compared with their newline, so a change to the last
    line's missing newline is an ordinary change of that line."""
    if old == new:
        return []  # (formatting an already formatted file: difflib took 0.2 s at 100,000 lines)
    a, b = physical_lines(old), physical_lines(new)

    def position(k: int) -> tuple[int, int]:
        """Where line k of `a` starts; k == len(a) is the end of the text."""
        if k < len(a) or not a or a[-1].endswith("\n"):
            return k, 0
        return k - 1, len(a[-1])

    edits: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append(TextEdit((*position(i1), *position(i2)), "".join(b[j1:j2])))
    return edits


def physical_lines(text: str) -> list[str]:
    """The lines of `text`, each with its "\\n" (the last one may lack it): only "\\n" ends a
    line, as in go.mod files."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply non-overlapping edits (any order) to `text`; for tests and the CLI."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(line: int, col: int) -> int:
        return offsets[line] + col

    out = text
    for e in sorted(edits, key=lambda e: (e.range[0], e.range[1]), reverse=True):
        start = offset(e.range[0], e.range[1])
        end = offset(e.range[2], e.range[3])
        out = out[:start] + e.new_text + out[end:]
    return out
