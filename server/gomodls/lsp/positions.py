"""Positions between gomodls and the protocol, the one place where columns change units.

Inside gomodls a position is a 0-based line and a column counting code points (Python string
indices; Go counts runes the same way). LSP clients count UTF-16 code units (VS Code), UTF-8
bytes (Neovim 0.11) or code points (eglot): every LSP position and range is made here, from the
text of its line (`to_client` / `from_client` change the units of one column).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from lsprotocol import types

from gomodls.base.textedit import Range


class Encoding(StrEnum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


def _units(ch: str, encoding: Encoding) -> int:
    cp = ord(ch)
    if encoding is Encoding.UTF16:
        return 2 if cp > 0xFFFF else 1
    # UTF-8
    if cp < 0x80:
        return 1
    if cp < 0x800:
        return 2
    if cp < 0x10000 or 0xDC80 <= cp <= 0xDCFF:
        # surrogateescape'd bytes are one byte each in the file
        return 1 if 0xDC80 <= cp <= 0xDCFF else 3
    return 4


def to_client(line_text: str, col: int, encoding: Encoding) -> int:
    """Code-point column -> client units. Columns past the end of the line are clamped."""
    col = min(col, len(line_text))
    if encoding is Encoding.UTF32 or line_text.isascii():
        return col
    return sum(_units(c, encoding) for c in line_text[:col])


def from_client(line_text: str, units: int, encoding: Encoding) -> int:
    """Client units -> code-point column. A position inside a character snaps to its start;
    one past the end of the line is clamped to the end."""
    if encoding is Encoding.UTF32 or line_text.isascii():
        return max(0, min(units, len(line_text)))
    seen = 0
    for i, c in enumerate(line_text):
        width = _units(c, encoding)
        if seen + width > units:
            return i
        seen += width
    return len(line_text)


def encoding_of(kind: str | None) -> Encoding:
    return {"utf-8": Encoding.UTF8, "utf-32": Encoding.UTF32}.get(str(kind or "utf-16"), Encoding.UTF16)


def _line(lines: Sequence[str], n: int) -> str:
    return lines[n] if 0 <= n < len(lines) else ""


def to_position(lines: Sequence[str], line: int, col: int, enc: Encoding) -> types.Position:
    line = max(0, line)
    return types.Position(line=line, character=to_client(_line(lines, line), col, enc))


def to_range(lines: Sequence[str], rng: Range, enc: Encoding) -> types.Range:
    return types.Range(to_position(lines, rng[0], rng[1], enc), to_position(lines, rng[2], rng[3], enc))


def from_position(lines: Sequence[str], pos: types.Position, enc: Encoding) -> tuple[int, int]:
    """A client position as (line, code-point column), clamped to the text."""
    if pos.line >= len(lines):
        last = max(0, len(lines) - 1)
        return last, len(_line(lines, last))
    return pos.line, from_client(lines[pos.line], pos.character, enc)


def from_range(lines: Sequence[str], rng: types.Range, enc: Encoding) -> Range:
    sl, sc = from_position(lines, rng.start, enc)
    el, ec = from_position(lines, rng.end, enc)
    return sl, sc, el, ec


def contains(rng: Range, line: int, col: int) -> bool:
    return (rng[0], rng[1]) <= (line, col) <= (rng[2], rng[3])


def overlaps(a: Range, b: Range) -> bool:
    return (a[0], a[1]) <= (b[2], b[3]) and (b[0], b[1]) <= (a[2], a[3])
