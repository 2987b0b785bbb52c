"""`go mod edit -fmt` of a go.mod whose require blocks are written, line by line, mostly as the
go command writes them, without building a tree for those lines.

A large go.mod is nearly all require block, and a tidy one's require blocks are already what
the go command prints: sorted lines of `\tpath version` and maybe a comment, every one of them
valid. For such lines `-fmt` prints them as they are; what is left to do is to prove that they
are such lines, which one regular expression does over thousands of them at a time (a C loop:
no object per line), and that they are in order. A hand-edited or generated file has some
lines written otherwise (`v1.2`, a quoted path, two spaces, CRLF line endings, a comment to
trim): those, with the comments above them, are left to the usual way.

format_fast therefore cuts each run of such lines (each with the comment lines and blank lines
above it: a "group") out of each `require (` block, leaving two placeholder requirements in
its place (two: Cleanup collapses a block of one line), formats that much smaller text the usual
way (parse_once, format_parsed), and puts the runs back into what was printed for the block:
where the printed lines are in order around them (the usual file: the block was sorted), at the
placeholders' places; else every group of the block is sorted as SortBlocks would. Anything else
(an error anywhere, a line whose context the scan cannot prove) gives None, and the caller
formats the whole text the usual way: the usual way decides every error and every unusual line.

Why the result is the usual way's:
- Every line the expression accepts is one modfile.Parse (strict, no fixer) accepts in a
  require block without changing it: an unquoted path of ASCII letters, digits and `._~+-`
  separated by single slashes; with no major version suffix and a canonical v0/v1 (or
  +incompatible) version, or a `/vN` suffix (N ≥ 2) and a canonical vN version, or gopkg.in's
  `.vN` and a canonical vN version (SplitPathVersion, CanonicalVersion, CheckPathMajor);
  printable ASCII comments ending in a non-blank (TrimSpace leaves them as they are); tabs and
  single spaces where the printer puts them; blank lines only where the parser keeps one
  (first in a group that follows a requirement, or after a comment line: never two, never
  first in the block). A `\r` before the `\n` is whitespace to the lexer (and trimmed off
  comments): such a line prints as itself without it.
- A group starts right after a line with a token (a requirement) or at the block's start, so
  the parser's state there is the same in the smaller text: no comment pending, lines before
  or not. A line left in the smaller text is one whose first token is not `)` (that ends the
  block: what follows is the block's tail) and that does not end in a backslash (a string going
  on to the next line); such a line is a requirement of the block in both texts or an error in
  both.
- SortBlocks is a stable sort by compareLine, under which a requirement's `path version`
  compare alike (a space being below every path character). The groups of the smaller text's
  block come out of it printed and in that order; a run's groups read as they are anywhere in
  the block (the printer starts each line on a new line, and what it prints then depends on
  nothing before). A run whose lines are in order and whose neighbours in the printed order
  compare below and above it is where the stable sort of the whole block puts it; otherwise
  the groups of every run are sorted (stable, by key) and merged with the printed ones. A
  printed line and a run's line with equal keys: the order would depend on positions the
  printed text does not show: None. removeDups leaves requirements alone; Cleanup leaves a
  block of two or more lines as it is.
- The header is `require (` at the start of a line. If that line is not a block's header (in
  another block, or in a string), the placeholders after it are lines of that other context
  just as the runs' lines were, and the text has errors either way: None.
- The placeholders are valid requirements printed as `\tpath v0.0.0` with nothing above them
  (checked), the runs' comments are the runs' own (the block's other comments stay in the
  text), and what is printed after the last line does not depend on it. An error in the
  smaller text is an error in the whole one; the checks of a requirement do not depend on the
  other lines.

No C call here takes more than a few milliseconds on a 100,000-line block (the expression runs
over RUN_GROUPS groups at a time, a sort over a run at a time): the server formats in a
thread, and a long call would hold the interpreter lock against the event loop; between them,
base/foreground.py's pause() lets the editor's messages go first.

tests/modfile/test_fastfmt.py compares it with format_parsed on the corpus, on generated files
and on random blocks of lines it accepts, mixed with near misses; some of them against the go
command.
"""

from __future__ import annotations

import heapq
import operator
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from gomodls.base.foreground import pause
from gomodls.modfile.parsed import FileKind, format_parsed, parse_once

# Groups matched by one call of the expression: about a millisecond of C (see the comment above).
RUN_GROUPS = 2000

# Possessive quantifiers and atomic groups throughout: nothing here needs to backtrack, and
# the bookkeeping for backtracking cost most of the time of the same expression without them.
_EOL = r"\r?+\n"
# A path element (paths do not start with a slash).
_ELEM = r"[A-Za-z0-9._~+\-]++"
_NUM = r"(?:0|[1-9][0-9]*+)"
_PRE_IDENT = r"(?:[0-9]*+[A-Za-z\-][0-9A-Za-z\-]*+|0|[1-9][0-9]*+)"
_PRE = rf"(?:-{_PRE_IDENT}(?:\.{_PRE_IDENT})*+)?+"
# A comment that TrimSpace leaves as it is: printable ASCII, not ending in a space.
_COMMENT = r"//(?:[ -~]*+(?<! ))?+"
# The elements after the first are never a trailing `v[0-9.]*` (SplitPathVersion's major
# version suffix) except in the second form, where the suffix is a valid /vN (N >= 2, no
# leading zero) and the version's major is vN (backreference).
# gopkg.in paths (splitGopkgIn) end in `.vN` (N without leading zero, or 0), and their
# version's major is vN, or for .v1 a v0.0.0- pseudo-version (CheckPathMajor's exception);
# `-unstable` is left to the usual way.
_GOPKG_IN = (
    rf"gopkg\.in/(?:{_ELEM}/)*+[A-Za-z0-9._~+\-]*?\.v"
    rf"(?:1 v0\.0\.0-{_PRE_IDENT}(?:\.{_PRE_IDENT})*+|(?P<gopkg>0|[1-9][0-9]*+) v(?P=gopkg)\.{_NUM}\.{_NUM}{_PRE})"
)
_REQUIRE_LINE = (
    rf"\t(?:{_GOPKG_IN}|(?!gopkg\.in/){_ELEM}(?:/(?!v[0-9.]*+ ){_ELEM})*+"
    rf"(?:/v(?P<major>[2-9][0-9]*+|1[0-9]++) v(?P=major)\.{_NUM}\.{_NUM}{_PRE}"
    rf"| v(?:[01]\.{_NUM}\.{_NUM}{_PRE}(?:\+incompatible)?+|{_NUM}\.{_NUM}\.{_NUM}{_PRE}\+incompatible)))"
    rf"(?: {_COMMENT})?+{_EOL}"
)
_COMMENT_LINE = rf"\t{_COMMENT}{_EOL}"
# A group: a requirement with the comment lines and blank lines above it that the parser keeps
# and the printer prints as they are (a blank line first, or after a comment line).
_GROUP_TEXT = rf"(?:{_EOL})?+(?:{_COMMENT_LINE}(?:{_EOL})?+)*+{_REQUIRE_LINE}"


def run_expression(groups: int) -> re.Pattern[str]:
    """The expression matching up to `groups` groups (tests make runs of a few)."""
    return re.compile(rf"(?>{_GROUP_TEXT}){{1,{groups}}}+")


_RUN = run_expression(RUN_GROUPS)
# A group the expression does not accept: the lines up to the next one with a token (group 1:
# that line from its token on; blank, or a comment, at the end of the text).
_SKIP = re.compile(r"(?:[ \t\r]*+(?://[^\n]*+)?+\n)*+[ \t\r]*+([^\n]*+)\n?+")
# `require (` at the start of a line (found by _headers), to the end of its line.
_HEADER = re.compile(r"require[ \t\r]*+\([ \t\r]*+(?://[^\n]*+)?+\n")

# The requirement lines of accepted groups (whose only tabs start lines, and whose only lines
# starting with a slash are comments), whole; a line's `path version` is its key.
_REQUIRE_TEXT = re.compile(r"\t[^/\n][^\n]*+")
# Accepted or printed groups, each with its key.
_GROUP = re.compile(r"((?:\t//[^\n]*+\n|\r?+\n)*+\t([^ \n]++ [^ \r\n]++)[^\n]*+\n)")
# What may follow the last printed group of a block: comment lines (the closing line's, printed
# at the margin) and blank lines.
_TAIL = re.compile(r"(?:\t?+//[^\n]*+\n|\n)*+")
_TEXT = operator.itemgetter(0)
_KEY = operator.itemgetter(1)

_MARK = "gomodls-fmt-placeholder.invalid/"


def _key(line: str) -> str:
    """The `path version` of an accepted requirement line (with its tab, without its newline)."""
    return " ".join(line[1:].rstrip("\r").split(" ", 2)[:2])


def _placeholders(k: int) -> str:
    return f"\t{_MARK}{k}a v0.0.0\n\t{_MARK}{k}b v0.0.0\n"


@dataclass(slots=True)
class _Run:
    """Accepted groups, one after another in a block: the spans the expression matched (each of
    at most RUN_GROUPS groups) and their requirement lines, and whether those are in order."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    first: str = ""  # (the first requirement line, the last)
    last: str = ""
    lines: int = 0
    ordered: bool = True

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


@dataclass(slots=True)
class _Block:
    """A require block's runs, and the requirement lines left in the text before each of them
    (`left[k]`: before run k; `left[-1]`: after the last)."""

    runs: list[_Run]
    left: list[int]
    end: int  # (where its closing line starts)
    first_id: int = 0


def format_fast(text: str, kind: FileKind, filename: str | None = None) -> str | None:
    """format_parsed(parse_once(text, kind, filename)) when the text is a go.mod with require
    blocks whose lines are mostly written as Go prints them, else None (see the module's
    comment)."""
    if kind is not FileKind.MOD or _MARK in text:
        return None
    blocks: list[_Block] = []
    pieces: list[str] = []
    last = 0  # (where the last block scanned ends)
    cut = 0
    ids = 0
    for at in _headers(text):
        if at < last:
            return None  # (a header among the lines of the block before: an error)
        block = _scan(text, at)
        if block is None:
            return None
        last = max(last, block.end)
        if not block.runs:
            continue
        block.first_id = ids
        for run in block.runs:
            pieces += (text[cut : run.start], _placeholders(ids))
            cut = run.end
            ids += 1
        blocks.append(block)
    if not blocks:
        return None
    pieces.append(text[cut:])
    parsed = parse_once("".join(pieces), kind, filename)
    if not parsed.ok:
        return None
    short = format_parsed(parsed)
    out: list[str] = []
    last = 0
    for block in blocks:
        printed = _printed(short, block)
        if printed is None:
            return None
        start, end, groups, tail = printed
        body = _merged(text, block, groups)
        if body is None:
            return None
        out += (short[last:start], *body, tail)
        last = end
    out.append(short[last:])
    return "".join(out)


def _headers(text: str) -> list[int]:
    """Where the lines `require (` end."""
    starts = [0] if text.startswith("require") else []
    at = text.find("\nrequire")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\nrequire", at + 1)
    return [m.end() for m in map(_HEADER.match, [text] * len(starts), starts) if m is not None]


def _scan(text: str, at: int) -> _Block | None:
    """The runs of the require block whose body starts at `at`; None where the text cannot be
    cut (a block without its end, a string going on to the next line)."""
    runs: list[_Run] = []
    left = [0]
    run: _Run | None = None
    # (a blank line first in the block is dropped by the parser: left to it)
    pos = at
    if not text.startswith(("\n", "\r\n"), pos):
        run = _take(text, pos, None)
        if run is not None:
            runs.append(run)
            left.append(0)
            pos = run.end
    while True:
        skip = _SKIP.match(text, pos)
        assert skip is not None  # (it matches the empty string)
        line = skip.group(1)
        if not line or line.startswith("//"):
            return None  # (no `)`: an error)
        if line[0] == ")":
            break
        if line.rstrip("\r").endswith("\\"):
            return None
        left[-1] += 1
        pos = skip.end()
        run = _take(text, pos, None)
        if run is not None:
            runs.append(run)
            left.append(0)
            pos = run.end
    if len(runs) == 1 and runs[0].lines == 1 and left == [0, 0]:
        return _Block([], [0], pos)  # (Cleanup collapses a block of one line: left to the usual way)
    return _Block(runs, left, pos)


def _take(text: str, pos: int, run: _Run | None) -> _Run | None:
    """The accepted groups from `pos` on, RUN_GROUPS at a time; None if there are none."""
    while (m := _RUN.match(text, pos)) is not None:
        if run is None:
            run = _Run()
        lines = _REQUIRE_TEXT.findall(text, *m.span())
        # (sorted: Timsort, one pass over lines in order; whole lines compare as their keys
        # would, but for equal keys, which the stable sort leaves in place: then the groups
        # are sorted by key, see _merged)
        if run.ordered and (sorted(lines) != lines or (run.last and run.last > lines[0])):
            run.ordered = False
        if not run.first:
            run.first = lines[0]
        run.last = lines[-1]
        run.lines += len(lines)
        run.spans.append(m.span())
        pos = m.end()
        pause()  # (in a server's thread: the editor's messages go first)
    return run


def _printed(short: str, block: _Block) -> tuple[int, int, list[tuple[str, str]], str] | None:
    """Where the block's lines are in the smaller text's print (from the line after the header
    to the closing line), the printed groups other than the placeholders (in order, with their
    keys), and what follows the last group."""
    marks = {
        f"\t{_MARK}{k}{x} v0.0.0\n"
        for k in range(block.first_id, block.first_id + len(block.runs))
        for x in "ab"
    }
    one = short.find(f"\t{_MARK}{block.first_id}a v0.0.0\n")
    if one < 0:
        return None
    # (the block's lines are blank or start with a tab: the header is the line before them
    # that starts with `require`, the closing line the first after them that starts with `)`)
    start = short.find("\n", short.rfind("\nrequire", 0, one) + 1) + 1
    end = short.find("\n)", one) + 1
    if not 0 < start <= one < end:
        return None
    groups: list[tuple[str, str]] = []
    pos = start
    while (m := _GROUP.match(short, pos, end)) is not None:
        if m.group(2).startswith(_MARK):
            try:
                marks.remove(m.group(1))  # (nothing printed above a placeholder: cannot happen)
            except KeyError:
                return None
        else:
            groups.append(m.groups())
        pos = m.end()
    tail = _TAIL.match(short, pos, end)
    assert tail is not None
    if tail.end() != end or marks or len(groups) != sum(block.left):
        return None
    return start, end, groups, short[pos:end]


def _merged(text: str, block: _Block, printed: list[tuple[str, str]]) -> list[str] | None:
    """The block's groups in SortBlocks's order, printed: the runs' groups (as they are, but for
    CRLF) and the printed ones."""
    keys = [_key(run.first) for run in block.runs], [_key(run.last) for run in block.runs]
    out: list[str] = []
    k = 0
    prev = ""  # (the key before: the sequence must increase at every boundary, see below)
    for i, run in enumerate(block.runs):
        here = printed[k : k + block.left[i]]
        k += len(here)
        if (here and not prev < here[0][1]) or not run.ordered:
            break
        if here:
            prev = here[-1][1]
        if not prev < keys[0][i]:
            break
        prev = keys[1][i]
        out += map(_TEXT, here)
        out += [_lf(text[start:end]) for start, end in run.spans]
    else:
        here = printed[k:]
        if not here or prev < here[0][1]:
            out += map(_TEXT, here)
            return out
    return _sorted_merge(text, block, printed)


def _sorted_merge(text: str, block: _Block, printed: list[tuple[str, str]]) -> list[str] | None:
    """The block's groups sorted (stable, by key): the runs' groups sorted a span at a time and
    merged (heapq.merge is stable too), then merged with the printed ones, which the usual way
    sorted. A printed key equal to a run's: None (see the module's comment)."""
    parts = []
    for run in block.runs:
        for span in run.spans:
            groups = _GROUP.findall(text, *span)
            if sum(map(len, map(_TEXT, groups))) != span[1] - span[0]:
                return None  # (accepted groups are such groups: cannot happen)
            groups.sort(key=_KEY)
            parts.append(groups)
            pause()
    ours = list(heapq.merge(*parts, key=_KEY))
    ours_keys = list(map(_KEY, ours))
    for _, key in printed:
        at = bisect_left(ours_keys, key)
        if at < len(ours_keys) and ours_keys[at] == key:
            return None
    merged = heapq.merge(map(_text_lf, ours), printed, key=_KEY)
    return list(map(_TEXT, merged))


def _lf(s: str) -> str:
    return s.replace("\r\n", "\n") if "\r" in s else s


def _text_lf(group: tuple[str, str]) -> tuple[str, str]:
    return (_lf(group[0]), group[1])
