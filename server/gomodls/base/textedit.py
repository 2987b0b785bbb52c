"""Text edits: what every change gomodls proposes is made of, and minimal edits that turn one
text into another, per line, so an editor keeps cursors, folds and marks on unchanged lines."""

from __future__ import annotations

import difflib
import operator
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from gomodls.base.foreground import pause

Range = tuple[int, int, int, int]  # start line, start col, end line, end col (0-based, code points)


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace `range` of a text by `new_text`."""

    range: Range
    new_text: str


# Above this many lines in both texts together, the lines found once in each text anchor the
# comparison (a patience diff) and difflib compares what is between anchors: difflib alone
# took 12 s on 100,000 lines with 2,000 changed lines scattered over them (each of its longest
# matches is a pass over what is left).
ANCHORED_LINES = 4000
STEP = 4096
SPLIT_CHARS = 1 << 17


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

    changes: list[tuple[int, int, int, int]] = []
    if len(a) + len(b) <= ANCHORED_LINES:
        _difflib_changes(a, b, 0, len(a), 0, len(b), changes)
    else:
        _anchored_changes(a, b, 0, len(a), 0, len(b), changes)
    return [TextEdit((*position(i1), *position(i2)), "".join(b[j1:j2])) for i1, i2, j1, j2 in changes]


def _difflib_changes(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int, out: list[tuple[int, int, int, int]]
) -> None:
    """The changes turning a[alo:ahi] into b[blo:bhi], as difflib finds them."""
    matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.append((alo + i1, alo + i2, blo + j1, blo + j2))


def _anchored_changes(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int, out: list[tuple[int, int, int, int]]
) -> None:
    """The changes turning a[alo:ahi] into b[blo:bhi]: the lines equal at both ends kept, then
    the longest sequence, in order in both, of the lines found once in each kept, and what is
    between them compared the same way (difflib once small, or without such lines). Changes of
    two gaps are apart by at least their anchor line: they never touch."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo, blo = alo + 1, blo + 1
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
    if alo == ahi and blo == bhi:
        return
    if alo == ahi or blo == bhi:
        out.append((alo, ahi, blo, bhi))
        return
    anchors = None if (ahi - alo) + (bhi - blo) <= ANCHORED_LINES else _anchors(a, b, alo, ahi, blo, bhi)
    if not anchors:
        _difflib_changes(a, b, alo, ahi, blo, bhi, out)
        return
    i0, j0 = alo, blo
    for i, j in anchors:
        if i != i0 or j != j0:
            _anchored_changes(a, b, i0, i, j0, j, out)
            pause()  # (in a server's thread: the editor's messages go first)
        i0, j0 = i + 1, j + 1
    _anchored_changes(a, b, i0, ahi, j0, bhi, out)


def _anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """The longest sequence of pairs (i, j), increasing in both, of a line found once in
    a[alo:ahi] at i and once in b[blo:bhi] at j (patience sorting). The C loops take STEP lines
    at a time: a large document's edits are computed in a thread, and a loop over 100,000 lines
    would hold the interpreter lock against the event loop for tens of milliseconds."""
    in_a, in_b = _counts(a, alo, ahi), _counts(b, blo, bhi)
    where_b: dict[str, int] = {}
    for k in range(blo, bhi, STEP):
        end = min(k + STEP, bhi)
        where_b.update(zip(b[k:end], range(k, end), strict=True))
        pause()
    for line in [*_repeated(in_a), *_repeated(in_b)]:
        where_b.pop(line, None)
    pairs: list[tuple[int, int]] = []
    for k in range(alo, ahi, STEP):
        found = map(where_b.get, a[k : min(k + STEP, ahi)])
        pairs += [(i, j) for i, j in enumerate(found, k) if j is not None]
        pause()
    js = [j for _, j in pairs]
    if all(
        all(map(operator.lt, js[k : k + STEP], js[k + 1 : k + STEP + 1])) for k in range(0, len(js), STEP)
    ):
        return pairs  # (the usual case: no line moved)
    # Piles: tops[k] is the smallest j ending an increasing sequence of length k + 1.
    tops: list[int] = []
    ends: list[int] = []  # (the index in `pairs` of each pile's top)
    back: list[int] = []  # (for each pair, the pair before it in its sequence, or -1)
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tops, j)
        back.append(ends[k - 1] if k else -1)
        if k == len(tops):
            tops.append(j)
            ends.append(n)
        else:
            tops[k], ends[k] = j, n
    chain: list[tuple[int, int]] = []
    n = ends[-1] if ends else -1
    while n >= 0:
        chain.append(pairs[n])
        n = back[n]
    chain.reverse()
    return chain


def physical_lines(text: str) -> list[str]:
    """The lines of `text`, each with its "\\n" (the last one may lack it): only "\\n" ends a
    line, as in go.mod files. Split SPLIT_CHARS at a time (see _anchors: splitting 5 MB took
    15 ms of C)."""
    out: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        end = text.find("\n", pos + SPLIT_CHARS)
        end = n if end < 0 else end + 1
        parts = text[pos:end].split("\n")
        out += [part + "\n" for part in parts[:-1]]
        if parts[-1]:  # (the text's last line, without a newline)
            out.append(parts[-1])
        pos = end
        pause()
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


def _counts(lines: list[str], lo: int, hi: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    for k in range(lo, hi, STEP):
        counts.update(lines[k : min(k + STEP, hi)])
        pause()
    return counts


def _repeated(counts: Counter[str]) -> list[str]:
    return [line for line, n in counts.items() if n > 1]
