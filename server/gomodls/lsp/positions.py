"""The one place where columns change units.

Inside gomodls a column counts code points (Python string indices; Go counts runes the same
way). LSP clients count UTF-16 code units (VS Code), UTF-8 bytes (Neovim 0.11) or code points
(eglot): every position that crosses the protocol goes through these two functions.
"""

from __future__ import annotations

from enum import StrEnum


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
