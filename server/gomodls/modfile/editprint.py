"""Print an edited syntax tree as minimal text edits against the original text.

`gomodls.modfile.edit` applies x/mod's edit operations to a private copy of a file's tree. The
go command would then sort, clean up and reformat the whole file; an editor wants the opposite:
keep every byte it does not have to change. This module prints the edited tree "preservingly":

* a statement or block line the edits did not touch is copied verbatim from its source lines
  (indentation, spacing, quoting, comments, blank lines, CRLF);
* a changed line is re-printed the way the formatter prints a line (tab indent in blocks, single
  spaces, its suffix comments), its Before comments still copied verbatim;
* new statements and block lines are formatted; a new top-level statement is separated from its
  neighbours by a blank line;
* removed lines disappear with their own Before comments, as x/mod's Cleanup drops them; a block
  left without lines disappears, but an original block left with one line stays a block (Cleanup
  would collapse it: that rewrite is not needed for the meaning and would touch more lines).

The output is a list of pieces, each an original physical line (its index) or a new line; the
text edits are the runs of pieces between kept original lines.

Blank lines between units are handled as "gaps": the blank lines at the start of a unit's extent
(the lines from the end of the previous unit to its own end). When units are deleted their gaps
merge, so deleting a statement between two blank lines leaves one blank line, not two.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from gomodls.base.textedit import TextEdit, physical_lines
from gomodls.syntax.incremental import stmt_span
from gomodls.syntax.printer import format_stmts
from gomodls.syntax.tree import (
    Block,
    Comment,
    CommentBlock,
    Comments,
    FileSyntax,
    Line,
    LineKind,
    Paren,
    Stmt,
    Token,
    TokenKind,
)

Piece = int | str  # an original physical line (index into Snapshot.phys) or a new line, no EOL
LineCompare = Callable[[Line, Line], int]


def _line_starts(text: str) -> list[int]:
    """Offsets where each line starts; a text ending in a newline has an empty last line."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


# ----------------------------------------------------------------------------- snapshot


@dataclass(frozen=True, slots=True)
class _LineSnap:
    texts: tuple[str, ...]
    suffix: tuple[str, ...]
    before: tuple[Comment, ...]


@dataclass(slots=True)
class Snapshot:
    """What the tree looked like before the edits: the original statements, their extents, and
    each line's tokens and comments (to tell touched lines from untouched ones)."""

    text: str
    phys: list[str]
    blank: list[bool]
    top: list[Stmt]
    top_pos: dict[int, int]
    top_end: list[int]
    block_lines: dict[int, list[Line]]
    block_before: dict[int, tuple[Comment, ...]]
    lines: dict[int, _LineSnap]

    @classmethod
    def take(cls, syntax: FileSyntax) -> Snapshot:
        text = syntax.text()
        phys = physical_lines(text)
        blank = [False] * len(phys)
        for src in syntax.lines:
            if src.kind is LineKind.BLANK and src.line < len(phys):
                blank[src.line] = True
        snap = cls(text, phys, blank, list(syntax.stmts), {}, [], {}, {}, {})
        for i, stmt in enumerate(snap.top):
            snap.top_pos[id(stmt)] = i
            snap.top_end.append(stmt_span(stmt)[1])
            if isinstance(stmt, Line):
                snap.lines[id(stmt)] = line_state(stmt)
            elif isinstance(stmt, Block):
                snap.block_lines[id(stmt)] = list(stmt.lines)
                snap.block_before[id(stmt)] = tuple(stmt.comments.before)
                for line in stmt.lines:
                    snap.lines[id(line)] = line_state(line)
        return snap


def line_state(line: Line) -> _LineSnap:
    return _LineSnap(
        tuple(t.text for t in line.tokens),
        tuple(c.text for c in line.suffix_comments()),
        tuple(line.view_comments().before),
    )


def _frame_has_errors(block: Block) -> bool:
    """Whether the block's opening or closing line has a syntax error (`) junk`): a line being
    typed is never deleted, even when the edits empty its block."""
    return bool(block.parse_errors) or any(
        src is not None and src.lex_errors for src in (block.src, block.end_src)
    )


def _same(a: Sequence[Comment], b: Sequence[Comment]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


# ----------------------------------------------------------------------------- formatting


def _probe_token(text: str) -> Token:
    return Token(TokenKind.IDENT, text, 0, len(text), None)


def format_top(stmt: Stmt) -> list[str]:
    """The formatter's lines for one top-level statement."""
    return format_stmts([stmt]).split("\n")[:-1]


def format_block_line(line: Line, with_before: bool) -> list[str]:
    """The formatter's lines for one block line (tab indent), with or without its Before
    comments: print it inside a throwaway block and keep the middle."""
    comments = Comments(line.comments.before if with_before else (), line.comments.suffix)
    probe = Block([_probe_token("x")], Paren(None), [Line(line.tokens, comments, True)], Paren(None))
    return format_stmts([probe]).split("\n")[1:-2]


def format_comments(comments: Sequence[Comment], indent: str) -> list[str]:
    """Before comments printed on their own: blank-line markers become empty lines."""
    return [indent + c.text.strip(" \t\r\n") if c.text else "" for c in comments]


def collapsed(block: Block, lines: list[Line]) -> Stmt:
    """The statement x/mod's Cleanup makes of a block with these lines (without mutating)."""
    if len(lines) == 1 and not block.rparen.comments.before:
        line = lines[0]
        merged = Comments(
            [*block.comments.before, *line.comments.before],
            [*line.comments.suffix, *block.comments.suffix],
            [*line.comments.after, *block.comments.after],
        )
        return Line([*block.header, *line.tokens], merged)
    return Block(block.header, block.lparen, lines, block.rparen, block.comments)


# ----------------------------------------------------------------------------- sequences

_NEW_BLANK = ""


class _Keep(NamedTuple):
    gap: list[Piece]
    body: list[Piece]


class _Drop(NamedTuple):
    gap: list[Piece]


class _New(NamedTuple):
    body: list[Piece]


class _End(NamedTuple):
    gap: list[Piece]
    body: list[Piece]


_Event = _Keep | _Drop | _New | _End


def _merge_gap(pending: list[Piece] | None, gap: list[Piece], emitted: bool) -> list[Piece]:
    """The gap left where deleted units were: the first one at the start of a container (it is
    the container's leading gap), otherwise the first non-empty one."""
    if pending is None:
        return gap
    return pending if (not emitted or pending) else gap


def _sequence(events: list[_Event], separate: bool) -> list[Piece]:
    """Lay out the units of one container (the file, or a block body). `separate`: new units
    are separated from their neighbours by a blank line (top level)."""
    out: list[Piece] = []
    pending: list[Piece] | None = None
    emitted = after_new = False
    for ev in events:
        if isinstance(ev, _Drop):
            pending = _merge_gap(pending, ev.gap, emitted)
        elif isinstance(ev, _Keep):
            gap = _merge_gap(pending, ev.gap, emitted)
            if separate and after_new and not gap:
                gap = [_NEW_BLANK]
            out += gap + ev.body
            pending, emitted, after_new = None, True, False
        elif isinstance(ev, _New):
            if not emitted:
                gap = pending or []
            else:
                gap = pending or ([_NEW_BLANK] if separate else [])
            out += gap + ev.body
            pending, emitted, after_new = None, True, True
        else:  # the container's end: trailing blank lines, or the closing parenthesis
            out += ev.gap + ev.body
    return out


# ----------------------------------------------------------------------------- the printer


class PreservingPrinter:
    """Prints `stmts` (the edited tree) against `snap` (the original)."""

    def __init__(
        self,
        snap: Snapshot,
        stmts: list[Stmt],
        compare_for: Callable[[Block], LineCompare],
    ) -> None:
        self.snap = snap
        self.stmts = stmts
        self.compare_for = compare_for

    # -- helpers on the original text

    def _range(self, first: int, last: int) -> list[Piece]:
        return list(range(first, min(last, len(self.snap.phys) - 1) + 1))

    def _split_gap(self, first: int, last: int) -> tuple[list[Piece], int]:
        """The leading blank lines of [first, last], and where the rest starts."""
        i = first
        while i <= last and i < len(self.snap.blank) and self.snap.blank[i]:
            i += 1
        return self._range(first, i - 1), i

    def _is_original(self, line: Line) -> bool:
        return id(line) in self.snap.lines

    def _dirty(self, line: Line) -> bool:
        snap = self.snap.lines[id(line)]
        return (
            tuple(t.text for t in line.tokens) != snap.texts
            or tuple(c.text for c in line.suffix_comments()) != snap.suffix
        )

    def _before_changed(self, line: Line) -> bool:
        return not _same(line.view_comments().before, self.snap.lines[id(line)].before)

    # -- top level

    def pieces(self) -> list[Piece]:
        snap = self.snap
        present = {id(s) for s in self.stmts}
        events: list[_Event] = []
        k = 0

        def drop_gone(upto: int) -> None:
            nonlocal k
            while k < upto and id(snap.top[k]) not in present:
                events.append(_Drop(self._top_extent(k)[0]))
                k += 1

        for stmt in self.stmts:
            i = snap.top_pos.get(id(stmt))
            if i is None:
                # Deleted originals before the next kept one go first: their gaps are reused.
                drop_gone(len(snap.top))
                body = self._new_top(stmt)
                if body is not None:
                    events.append(_New(body))
                continue
            drop_gone(i)
            events.append(self._top_unit(stmt, i))
            k = i + 1
        drop_gone(len(snap.top))
        tail_start = snap.top_end[-1] + 1 if snap.top else 0
        events.append(_End(self._range(tail_start, len(snap.phys) - 1), []))
        return _sequence(events, separate=True)

    def _top_extent(self, i: int) -> tuple[list[Piece], int, int]:
        """(gap, body start, end) of original top-level statement i."""
        first = self.snap.top_end[i - 1] + 1 if i > 0 else 0
        end = self.snap.top_end[i]
        gap, body = self._split_gap(first, end)
        return gap, body, end

    def _new_top(self, stmt: Stmt) -> list[Piece] | None:
        if isinstance(stmt, Line):
            return None if stmt.removed else list(format_top(stmt))
        if isinstance(stmt, Block):
            lines = self._sorted_live(stmt)
            return list(format_top(collapsed(stmt, lines))) if lines else None
        return list(format_top(stmt))

    def _sorted_live(self, block: Block) -> list[Line]:
        live = [line for line in block.lines if not line.removed]
        return sorted(live, key=functools.cmp_to_key(self.compare_for(block)))

    def _top_unit(self, stmt: Stmt, i: int) -> _Event:
        gap, body_start, end = self._top_extent(i)
        if isinstance(stmt, CommentBlock):
            return _Keep(gap, self._range(body_start, end))
        if isinstance(stmt, Line):
            if stmt.removed:
                return _Drop(gap)
            if not self._dirty(stmt) and not self._before_changed(stmt):
                return _Keep(gap, self._range(body_start, end))
            return _Keep(gap, self._changed_line(stmt, body_start, ""))
        return self._block_unit(stmt, gap, body_start, end)

    def _changed_line(self, line: Line, body_start: int, indent: str) -> list[Piece]:
        """A touched line: its Before comments (verbatim when unchanged), then the line
        re-printed."""
        assert line.src is not None
        if self._before_changed(line):
            head: list[Piece] = list(format_comments(line.comments.before, indent))
        else:
            head = self._range(body_start, line.src.line - 1)
        if line.in_block:
            return head + list(format_block_line(line, with_before=False))
        return head + list(format_top(Line(line.tokens, Comments(suffix=line.comments.suffix))))

    # -- blocks

    def _block_unit(self, block: Block, gap: list[Piece], body_start: int, end: int) -> _Event:
        originals = self.snap.block_lines[id(block)]
        live = [line for line in block.lines if not line.removed]
        if originals and not live and not _frame_has_errors(block):
            return _Drop(gap)  # Cleanup drops an emptied block with all its comments
        if self._untouched(block, originals):
            return _Keep(gap, self._range(body_start, end))
        assert block.src is not None and block.end_src is not None
        if block.src is block.end_src:  # `require ()` on one line gained lines
            return _Keep(gap, list(format_top(collapsed(block, self._sorted_live(block)))))
        opener_end = block.src.line + block.src.nlines - 1
        if _same(block.comments.before, self.snap.block_before[id(block)]):
            head = self._range(body_start, opener_end)
        else:
            head = [*format_comments(block.comments.before, ""), *self._range(block.src.line, opener_end)]
        return _Keep(gap, head + self._block_body(block, originals, opener_end))

    def _untouched(self, block: Block, originals: list[Line]) -> bool:
        if len(block.lines) != len(originals) or not _same(
            block.comments.before, self.snap.block_before[id(block)]
        ):
            return False
        return all(
            a is b and not a.removed and not self._dirty(a) and not self._before_changed(a)
            for a, b in zip(block.lines, originals, strict=True)
        )

    def _block_body(self, block: Block, originals: list[Line], opener_end: int) -> list[Piece]:
        assert block.end_src is not None
        ends = {id(line): line.src.line + line.src.nlines - 1 for line in originals if line.src}
        events: list[_Event] = []
        prev_end = opener_end
        for line in self._print_order(block, originals):
            if not self._is_original(line):
                events.append(_New(list(format_block_line(line, with_before=True))))
                continue
            first, prev_end = prev_end + 1, ends[id(line)]
            events.append(self._block_line_unit(line, first, prev_end))
        close_end = block.end_src.line + block.end_src.nlines - 1
        gap, rest = self._split_gap(prev_end + 1, close_end)
        events.append(_End(gap, self._range(rest, close_end)))
        return _sequence(events, separate=False)

    def _block_line_unit(self, line: Line, first: int, end: int) -> _Event:
        gap, body_start = self._split_gap(first, end)
        if line.removed:
            return _Drop(gap)
        if not self._dirty(line) and not self._before_changed(line):
            return _Keep(gap, self._range(body_start, end))
        if self._before_changed(line):
            # Only setVersion changes a block line's Before: it drops a lone blank-line marker,
            # which is the gap.
            gap = []
        return _Keep(gap, self._changed_line(line, body_start, "\t"))

    def _print_order(self, block: Block, originals: list[Line]) -> list[Line]:
        """The block's lines in print order: original lines keep their order; new lines go to
        their sorted place when the original lines are sorted (where `go mod edit` would put
        them), else where x/mod added them (the end of the block, or after a hint)."""
        orig_ids = {id(line) for line in originals}
        news = [line for line in block.lines if id(line) not in orig_ids and not line.removed]
        if not news:
            return [line for line in block.lines if id(line) in orig_ids]
        cmp = self.compare_for(block)
        live = [line for line in originals if not line.removed]
        if any(cmp(a, b) > 0 for a, b in itertools.pairwise(live)):
            return [line for line in block.lines if id(line) in orig_ids or not line.removed]
        key = functools.cmp_to_key(cmp)
        live_keys = [key(line) for line in live]
        slots: dict[int, list[Line]] = {}
        for line in sorted(news, key=key):
            slots.setdefault(bisect.bisect_right(live_keys, key(line)), []).append(line)
        out: list[Line] = []
        n = 0
        for line in originals:
            if not line.removed:
                out += slots.get(n, [])
                n += 1
            out.append(line)
        return out + slots.get(n, [])


# ----------------------------------------------------------------------------- text edits


def eol_of(phys: list[str]) -> str:
    """The file's line ending: CRLF if its first line ends that way."""
    return "\r\n" if phys and phys[0].endswith("\r\n") else "\n"


def assemble(phys: list[str], pieces: list[Piece]) -> list[tuple[int | None, str]]:
    """Each piece with its text (original lines verbatim, new lines with the file's EOL). An
    original last line without a newline gets one when something follows it."""
    eol = eol_of(phys)
    out: list[tuple[int | None, str]] = []
    for k, p in enumerate(pieces):
        if isinstance(p, str):
            out.append((None, p + eol))
            continue
        text = phys[p]
        if not text.endswith("\n") and k + 1 < len(pieces):
            text += eol
        out.append((p, text))
    return out


def text_edits(text: str, phys: list[str], pieces: list[Piece]) -> tuple[list[TextEdit], str]:
    """The edits turning `text` into the printed pieces, and the new text. A hunk is the run of
    pieces between two original lines kept verbatim; its common prefix and suffix with the
    original are trimmed so each edit covers only what changes."""
    assembled = assemble(phys, pieces)
    new_text = "".join(t for _, t in assembled)
    starts = _line_starts(text)
    edits: list[TextEdit | None] = []
    ptr = 0
    buf: list[str] = []
    for index, piece_text in assembled:
        if index is not None and piece_text == phys[index]:
            if index > ptr or buf:
                edits.append(_hunk(text, starts, ptr, index, "".join(buf)))
            buf, ptr = [], index + 1
        else:
            buf.append(piece_text)
    if ptr < len(phys) or buf:
        edits.append(_hunk(text, starts, ptr, len(phys), "".join(buf)))
    return [e for e in edits if e is not None], new_text


def _hunk(text: str, starts: list[int], a: int, b: int, new: str) -> TextEdit | None:
    start = starts[a] if a < len(starts) else len(text)
    end = starts[b] if b < len(starts) else len(text)
    old = text[start:end]
    p = 0
    limit = min(len(old), len(new))
    while p < limit and old[p] == new[p]:
        p += 1
    s = 0
    while s < limit - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    if p == len(old) == len(new):
        return None  # a deleted blank line replaced by an identical new one
    return TextEdit((*_position(starts, start + p), *_position(starts, end - s)), new[p : len(new) - s])


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset) - 1
    return line, offset - starts[line]
