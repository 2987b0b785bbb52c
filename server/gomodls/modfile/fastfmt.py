"""`go mod edit -fmt` of a go.mod whose require blocks are written as the go command writes
them, without building a tree for their lines.

A large go.mod is nearly all require block, and a tidy one's require blocks are already what
the go command prints: sorted lines of `\tpath version` and maybe a comment, every one of them
valid. For such a block, `-fmt` prints the block's lines as they are; what is left to do is to
prove that they are such lines, which one regular expression does over the whole block (a C
loop: no object per line), and that they are in order. A block of such lines out of order is
sorted here (each line with the comments above it), as SortBlocks would.

format_fast therefore cuts the body of each such `require (` block out of the text, leaving two
placeholder requirements in its place (two: Cleanup collapses a block of one line), formats that
much smaller text the usual way (parse_once, format_parsed), and puts each body back where its
placeholders were printed. Anything else (another layout, a line the expression does not
accept, an error anywhere) gives None, and the caller formats the whole text the usual way: the
usual way decides every error and every unusual line.

Why the result is the usual way's:
- Every line the expression accepts is one modfile.Parse (strict, no fixer) accepts in a
  require block without changing it: an unquoted path of ASCII letters, digits and `._~+-`
  separated by single slashes; with no major version suffix and a canonical v0/v1 (or
  +incompatible) version, or a `/vN` suffix (N ≥ 2) and a canonical vN version, or gopkg.in's
  `.vN` and a canonical vN version (SplitPathVersion, CanonicalVersion, CheckPathMajor); printable ASCII comments ending in a
  non-blank (TrimSpace leaves them as they are); tabs and single spaces where the printer puts
  them; blank lines only where the parser keeps one (after a line or a comment, never two).
- SortBlocks (a stable sort by compareLine, under which the texts `path version` compare alike,
  a space being below every path character) leaves a block's lines in order where they are,
  and moves the others with their comments (Comments.Before); printed, such a line and its
  comments read the same wherever they are in the block. removeDups leaves requirements alone;
  Cleanup leaves a block of two or more lines as it is.
- The header is `require (` at the start of a line. If that line is not a block's header (in
  another block, or in a string), the placeholders after it are lines of that other context
  just as the body's lines were, and the text has errors either way: None.
- The placeholders are valid requirements printed as `\\tpath v0.0.0` at the body's place, the
  body's comments are the body's own (the block's other comments stay in the text), and what
  is printed after the last line does not depend on it. An error in the smaller text is an
  error in the whole one; the checks of a requirement do not depend on the other lines.

tests/modfile/test_fastfmt.py compares it with format_parsed on the corpus and on generated files.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator

from gomodls.modfile.parsed import FileKind, format_parsed, parse_once

# Possessive quantifiers and atomic groups throughout: nothing here needs to backtrack, and
# the bookkeeping for backtracking cost most of the time of the same expression without them.
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
    rf"(?: {_COMMENT})?+\n"
)
_COMMENT_LINE = rf"\t{_COMMENT}\n"
# The body: comments and blank lines, each group ending in a requirement; after it, nothing but
# comments and blank lines (the closing parenthesis's) up to the `)`.
_BODY = re.compile(
    rf"(?>(?:{_COMMENT_LINE}|\n)*+{_REQUIRE_LINE})++(?=(?:[ \t]*+(?://[^\n]*+)?+\n)*+[ \t]*+\))"
)
# The requirement lines of an accepted body (whose only tabs start lines, and whose only lines
# starting with a slash are comments), whole: see _sorted_body.
_REQUIRE_TEXT = re.compile(r"\t[^/\n][^\n]*+")

# An accepted body's requirement lines, each with the comment lines and blank line above it;
# and the `path version` that orders them.
_GROUP = re.compile(r"((?:\t//[^\n]*+\n|\n)*+\t([^ \n]++ [^ \n]++)[^\n]*+\n)")
_TEXT = operator.itemgetter(0)
_KEY = operator.itemgetter(1)

_HEADER = "require (\n"
_MARK = "gomodls-fmt-placeholder.invalid/"


def format_fast(text: str, kind: FileKind, filename: str | None = None) -> str | None:
    """format_parsed(parse_once(text, kind, filename)) when the text is a go.mod whose every
    require block that matters is already formatted, else None (see the module's comment)."""
    if kind is not FileKind.MOD or _MARK in text:
        return None
    bodies: list[tuple[int, int, str]] = []
    for at in _headers(text):
        m = _BODY.match(text, at + len(_HEADER))
        if m is not None and (body := _sorted_body(m.group())) is not None:
            bodies.append((*m.span(), body))
    if not bodies:
        return None
    pieces: list[str] = []
    last = 0
    for k, (start, end, _) in enumerate(bodies):
        pieces += (text[last:start], _placeholders(k))
        last = end
    pieces.append(text[last:])
    parsed = parse_once("".join(pieces), kind, filename)
    if not parsed.ok:
        return None
    short = format_parsed(parsed)
    out: list[str] = []
    last = 0
    for k, (_, _, body) in enumerate(bodies):
        marks = _placeholders(k)
        at = short.find(marks, last)
        if at < 0 or short.find(marks, at + 1) >= 0:
            return None  # (not printed as expected: cannot happen, see the module's comment)
        out += (short[last:at], body)
        last = at + len(marks)
    out.append(short[last:])
    return "".join(out)


def _headers(text: str) -> Iterator[int]:
    """Where the lines `require (` start."""
    if text.startswith(_HEADER):
        yield 0
    at = text.find("\n" + _HEADER)
    while at >= 0:
        yield at + 1
        at = text.find("\n" + _HEADER, at + 1)


def _placeholders(k: int) -> str:
    return f"\t{_MARK}{k}a v0.0.0\n\t{_MARK}{k}b v0.0.0\n"


def _sorted_body(body: str) -> str | None:
    """The body as SortBlocks leaves it and the printer prints it, if every blank line is one
    the parser keeps (not first, never two in a row: they are printed as they are) and there
    are two lines or more; else None."""
    if body[0] == "\n" or "\n\n\n" in body:
        return None
    # Whole lines compare as their `path version` would (a space sorts below every path and
    # version character), but for lines with equal path and version, which compareLine finds
    # equal and the lines' order may not: sorted then (stable) by `path version` alone.
    lines = _REQUIRE_TEXT.findall(body)
    if len(lines) < 2:
        return None
    if sorted(lines) == lines:  # (the usual block; Timsort: one pass over sorted lines)
        return body
    # Out of order: each requirement moves with the comments and blank line above it (Go's
    # Comments.Before). Printed, such a group reads as it did anywhere in the block: the
    # printer starts each line on a new line, and what it prints then depends on nothing before.
    groups = _GROUP.findall(body)
    groups.sort(key=_KEY)
    moved = "".join(map(_TEXT, groups))
    return moved if len(moved) == len(body) else None
