"""Positions between gomodls (0-based lines, code-point columns) and the protocol (columns in
the negotiated encoding). Every LSP position and range is made here, from the text of the line."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from gomodls.lsp.positions import Encoding, from_client, to_client
from gomodls.modfile.errors import Range


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
