"""Semantic versions as golang.org/x/mod/semver understands them.

Versions must start with "v". The general form is vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]:
"v1" and "v1.2" are accepted as shorthands for "v1.0.0" and "v1.2.0" (but cannot carry a
prerelease or build suffix), numbers may not have leading zeros, and numeric prerelease
identifiers may not either. Invalid versions compare equal to each other and less than every
valid version. "+incompatible" is ordinary build metadata here; module.canonical_version is the
variant that keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from gomodls.base.gostr import go_string_key

__all__ = [
    "build",
    "canonical",
    "compare",
    "is_valid",
    "major",
    "major_minor",
    "max_version",
    "precedence_key",
    "prerelease",
    "sort",
    "sort_key",
]

# Sizes the parse cache: far more than the versions of any one module graph, small in memory.
_CACHE_SIZE = 1 << 16

_NUM = r"(0|[1-9][0-9]*)"
# A prerelease identifier that is all digits must not have a leading zero.
_PRE_IDENT = r"(?:[0-9]*[A-Za-z-][0-9A-Za-z-]*|0|[1-9][0-9]*)"
_BUILD_IDENT = r"[0-9A-Za-z-]+"
_SEMVER_RE = re.compile(
    rf"v{_NUM}(?:\.{_NUM}(?:\.{_NUM}"
    rf"(-{_PRE_IDENT}(?:\.{_PRE_IDENT})*)?"
    rf"(\+{_BUILD_IDENT}(?:\.{_BUILD_IDENT})*)?)?)?"
)


class _Parsed(NamedTuple):
    major: str
    minor: str
    patch: str
    short: str  # what canonical() appends: ".0.0", ".0" or ""
    prerelease: str  # including the leading "-"
    build: str  # including the leading "+"
    key: tuple[object, ...]  # orders like semver.Compare


def _num_key(n: str) -> tuple[int, str]:
    # Decimal strings without leading zeros order by length, then lexically. Unlike int(), this
    # has no limit on the number of digits.
    return (len(n), n)


def _prerelease_key(pre: str) -> tuple[object, ...]:
    # No prerelease sorts after every prerelease; within one, numeric identifiers sort before
    # alphanumeric ones and compare as numbers; a longer list wins if all else is equal.
    if not pre:
        return (1,)
    idents = pre[1:].split(".")
    return (0, tuple((0, _num_key(i)) if i.isdigit() else (1, i) for i in idents))


@lru_cache(maxsize=_CACHE_SIZE)
def _parse(v: str) -> _Parsed | None:
    m = _SEMVER_RE.fullmatch(v)
    if m is None:
        return None
    major, minor, patch, pre, build_ = m.groups()
    if minor is None:
        minor, patch, short = "0", "0", ".0.0"
    elif patch is None:
        patch, short = "0", ".0"
    else:
        short = ""
    pre = pre or ""
    # Flat, so that sorting compares few nested tuples.
    key = (1, len(major), major, len(minor), minor, len(patch), patch, _prerelease_key(pre))
    return _Parsed(major, minor, patch, short, pre, build_ or "", key)


def is_valid(v: str) -> bool:
    """Report whether v is a valid semantic version string."""
    return _parse(v) is not None


def canonical(v: str) -> str:
    """The canonical form of v: missing .MINOR/.PATCH filled in, build metadata dropped.

    Two versions compare equal exactly when their canonical forms are equal. The canonical form of
    an invalid version is "".
    """
    p = _parse(v)
    if p is None:
        return ""
    if p.build:
        return v[: len(v) - len(p.build)]
    return v + p.short


def major(v: str) -> str:
    """The major version prefix: major("v2.1.0") == "v2"; "" if v is invalid."""
    p = _parse(v)
    return "" if p is None else v[: 1 + len(p.major)]


def major_minor(v: str) -> str:
    """The major.minor prefix: major_minor("v2.1.0") == "v2.1"; "" if v is invalid."""
    p = _parse(v)
    if p is None:
        return ""
    i = 1 + len(p.major)
    if p.short == ".0.0":
        return v[:i] + "." + p.minor
    return v[: i + 1 + len(p.minor)]


def prerelease(v: str) -> str:
    """The prerelease suffix: prerelease("v2.1.0-pre+meta") == "-pre"; "" if v is invalid."""
    p = _parse(v)
    return "" if p is None else p.prerelease


def build(v: str) -> str:
    """The build suffix: build("v2.1.0+meta") == "+meta"; "" if v is invalid."""
    p = _parse(v)
    return "" if p is None else p.build


# Invalid versions are all equal and below every valid one.
_INVALID_KEY: tuple[object, ...] = (0,)


def precedence_key(v: str) -> tuple[object, ...]:
    """A sort key that orders versions like compare (all invalid versions equal, and first)."""
    p = _parse(v)
    return _INVALID_KEY if p is None else p.key


def compare(v: str, w: str) -> int:
    """Compare by semantic version precedence: -1 if v < w, 0 if equal, +1 if v > w."""
    kv, kw = precedence_key(v), precedence_key(w)
    return (kv > kw) - (kv < kw)


def max_version(v: str, w: str) -> str:
    """semver.Max: canonicalise both and return the greater (w if they are equal)."""
    v, w = canonical(v), canonical(w)
    return v if compare(v, w) > 0 else w


def sort_key(v: str) -> tuple[object, ...]:
    """A key that orders like semver.Sort: by precedence, then by the strings' bytes."""
    return (precedence_key(v), go_string_key(v))


def sort(versions: Iterable[str]) -> list[str]:
    """A new list with versions ordered like semver.Sort."""
    return sorted(versions, key=sort_key)
