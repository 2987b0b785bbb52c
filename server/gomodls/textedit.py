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
    """Edits over whole lines (ranges in code points on `old`), in document order."""
    a, b = old.split("\n"), new.split("\n")
    edits: list[TextEdit] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 < len(a):
            # Replace lines i1..i2 (with their newlines) by lines j1..j2 (with theirs).
            text = "".join(line + "\n" for line in b[j1:j2])
            edits.append(TextEdit((i1, 0, i2, 0), text))
        elif i1 > 0:
            # The change reaches the end of the text: anchor it at the end of the line before,
            # so the last line's missing newline is handled exactly.
            text = "".join("\n" + line for line in b[j1:j2])
            edits.append(TextEdit((i1 - 1, len(a[i1 - 1]), len(a) - 1, len(a[-1])), text))
        else:
            edits.append(TextEdit((0, 0, len(a) - 1, len(a[-1])), "\n".join(b[j1:j2])))
    return edits


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
