"""go.sum and go.work.sum: `path version[/go.mod] hash` lines (cmd/go modfetch readGoSum).

The go command only checks the number of fields (and drops one known-bad hash). Beyond that
this reader reports what makes a line useless: a hash that is not a well-formed `h1:` hash, a
version that is not a valid semantic version, exact duplicates and conflicting hashes.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from dataclasses import dataclass, field

from gomodls.base.gostr import GO_SPACE, quote
from gomodls.modfile.errors import ModError
from gomodls.module.paths import canonical_version

# The hash of a one-file tree holding an empty go.mod, written by an old go command bug.
EMPTY_GO_MOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="
GO_MOD_SUFFIX = "/go.mod"


@dataclass(frozen=True, slots=True)
class Field:
    text: str
    col: int
    end_col: int


@dataclass(eq=False, slots=True)
class SumLine:
    line: int
    path: Field
    version: Field  # as written, possibly ending in /go.mod
    hash: Field

    @property
    def go_mod(self) -> bool:
        """Whether this is the hash of the module's go.mod file rather than of its zip."""
        return self.version.text.endswith(GO_MOD_SUFFIX)

    @property
    def module_version(self) -> str:
        return self.version.text.removesuffix(GO_MOD_SUFFIX)

    @property
    def key(self) -> tuple[str, str]:
        """go.sum's map key: module path and version with the /go.mod suffix."""
        return self.path.text, self.version.text


@dataclass(eq=False, slots=True)
class SumFile:
    """A parsed go.sum. Read-only: parse_sum hands the same one to callers parsing the same text."""

    filename: str
    lines: list[SumLine] = field(default_factory=list)
    errors: list[ModError] = field(default_factory=list)
    _hashes: dict[tuple[str, str], list[str]] | None = field(default=None, repr=False)

    def hashes(self) -> dict[tuple[str, str], list[str]]:
        """What the go command keeps: every hash per (path, version[/go.mod]). Read-only."""
        if self._hashes is None:
            out: dict[tuple[str, str], list[str]] = {}
            for s in self.lines:
                if s.hash.text != EMPTY_GO_MOD_HASH:
                    out.setdefault(s.key, []).append(s.hash.text)
            self._hashes = out
        return self._hashes


_FIELD = re.compile(f"[^{re.escape(GO_SPACE)}]+")


def _fields(text: str) -> list[Field]:
    """strings.Fields with positions (a regular expression: the hover of a go.mod line reads
    the whole go.sum, hundreds of lines)."""
    return [Field(m.group(), m.start(), m.end()) for m in _FIELD.finditer(text)]


def is_h1_hash(h: str) -> bool:
    if not h.startswith("h1:") or len(h) != 47:
        return False
    try:
        return len(base64.b64decode(h[3:], validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


# The last few files parsed: hovers, checks and resolutions read the same go.sum (hundreds of
# lines) again and again while it does not change.
_RECENT: dict[tuple[str, str], SumFile] = {}
_RECENT_SIZE = 8


def parse_sum(text: str, filename: str = "go.sum") -> SumFile:
    key = (filename, text)
    got = _RECENT.get(key)
    if got is None:
        got = _parse_sum(text, filename)
        if len(_RECENT) >= _RECENT_SIZE:
            with contextlib.suppress(RuntimeError, StopIteration):  # (another thread changed it)
                _RECENT.pop(next(iter(_RECENT)), None)
        _RECENT[key] = got
    return got


def _parse_sum(text: str, filename: str) -> SumFile:
    f = SumFile(filename)
    seen: dict[tuple[str, str, str], int] = {}
    h1_by_key: dict[tuple[str, str], SumLine] = {}
    for i, raw in enumerate(text.split("\n")):
        fs = _fields(raw)
        if not fs:
            continue
        if len(fs) != 3:
            f.errors.append(
                ModError(
                    f"malformed go.sum: wrong number of fields {len(fs)}",
                    i,
                    0,
                    (i, fs[0].col, i, fs[-1].end_col),
                    "malformed-go-sum",
                )
            )
            continue
        s = SumLine(i, *fs)
        f.lines.append(s)
        _check_line(f, s, seen, h1_by_key)
    return f


def _check_line(
    f: SumFile, s: SumLine, seen: dict[tuple[str, str, str], int], h1_by_key: dict[tuple[str, str], SumLine]
) -> None:
    def report(message: str, fld: Field, code: str) -> None:
        f.errors.append(ModError(message, s.line, fld.col, (s.line, fld.col, s.line, fld.end_col), code))

    h = s.hash.text
    if canonical_version(s.module_version) != s.module_version:
        report(f"malformed go.sum: invalid version {quote(s.version.text)}", s.version, "invalid-sum-version")
    if h == EMPTY_GO_MOD_HASH:
        report(
            "the go command ignores this hash: it is the hash of an empty go.mod, written by an old go command bug",
            s.hash,
            "ignored-sum-hash",
        )
        return
    if h.startswith("h1:") and not is_h1_hash(h):
        report(
            f"malformed go.sum: bad h1: hash {quote(h)} (expected h1: and 44 base64 characters of a SHA-256)",
            s.hash,
            "bad-sum-hash",
        )
        return
    if not h.startswith("h1:"):
        report(
            f"the go command ignores hash {quote(h)}: only h1: hashes are known", s.hash, "unknown-sum-hash"
        )
        return
    key3 = (s.path.text, s.version.text, h)
    if key3 in seen:
        report(f"duplicate go.sum line (same as line {seen[key3] + 1})", s.path, "duplicate-sum-line")
        return
    seen[key3] = s.line
    other = h1_by_key.get(s.key)
    if other is not None:
        report(
            f"conflicting hashes for {s.path.text} {s.version.text}: line {other.line + 1} has {other.hash.text}",
            s.hash,
            "conflicting-sum-hash",
        )
    else:
        h1_by_key[s.key] = s
