"""Pseudo-versions (golang.org/x/mod/module/pseudo.go).

A pseudo-version names an untagged commit and orders it among tagged versions. Its forms:

    (1) vX.0.0-yyyymmddhhmmss-abcdef123456
    (2) vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef123456
    (3) vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef123456+incompatible
    (4) vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef123456
    (5) vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef123456+incompatible

Form (1) is used when no earlier tag with major version vX exists; (2) and (3) are prereleases
of the version after the latest tag vX.Y.Z; (4) and (5) come just after a prerelease tag.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from gomodls.base.gostr import quote
from gomodls.module import semver
from gomodls.module.errors import InvalidVersionError

__all__ = [
    "PSEUDO_VERSION_TIMESTAMP_FORMAT",
    "is_pseudo_version",
    "is_zero_pseudo_version",
    "pseudo_version",
    "pseudo_version_base",
    "pseudo_version_rev",
    "pseudo_version_time",
    "pseudo_version_timestamp",
    "zero_pseudo_version",
]

# The Go layout is "20060102150405"; this is the strftime equivalent (always UTC).
PSEUDO_VERSION_TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"

_PSEUDO_VERSION_RE = re.compile(
    r"v[0-9]+\.(0\.0-|[0-9]+\.[0-9]+-([^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+"
    r"(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)

# time.Time{} (what Go's zero pseudo-version uses) is January 1 of year 1, 00:00:00 UTC.
_ZERO_TIMESTAMP = "00010101000000"


def _format_timestamp(t: dt.datetime) -> str:
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    # Not strftime: its %Y does not pad years below 1000 on every platform.
    return f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}"


def pseudo_version(major: str, older: str, t: dt.datetime, rev: str) -> str:
    """module.PseudoVersion: a pseudo-version for a commit.

    major is the major version ("v1"; "" means "v0"), older the latest earlier tag ("" if none,
    else e.g. "v1.2.3" or "v1.2.3-pre", with any build suffix carried over), t the commit time
    (naive datetimes are taken as UTC) and rev the revision (usually a 12-character commit hash
    prefix).
    """
    if major == "":
        major = "v0"
    segment = f"{_format_timestamp(t)}-{rev}"
    build = semver.build(older)
    older = semver.canonical(older)
    if older == "":
        return f"{major}.0.0-{segment}"  # form (1)
    if semver.prerelease(older) != "":
        return f"{older}.0.{segment}{build}"  # forms (4) and (5)
    # Forms (2) and (3): a prerelease of the next patch version.
    base, _, patch = older.rpartition(".")
    return f"{base}.{_inc_decimal(patch)}-0.{segment}{build}"


def zero_pseudo_version(major: str) -> str:
    """module.ZeroPseudoVersion: a placeholder pseudo-version with zero time and revision."""
    return f"{major or 'v0'}.0.0-{_ZERO_TIMESTAMP}-000000000000"


def _inc_decimal(decimal: str) -> str:
    # Decimal strings are arbitrarily long; Python ints would do, but keep Go's digit semantics
    # (no int() digit limit, no normalisation).
    digits = decimal.rstrip("9")
    nines = len(decimal) - len(digits)
    if not digits:
        return "1" + "0" * nines
    return digits[:-1] + chr(ord(digits[-1]) + 1) + "0" * nines


def dec_decimal(decimal: str) -> str:
    """The decimal string minus one, or "" if it is all zeros."""
    digits = decimal.rstrip("0")
    zeros = len(decimal) - len(digits)
    if not digits:
        return ""
    last = chr(ord(digits[-1]) - 1)
    if len(digits) == 1 and last == "0" and len(decimal) > 1:
        return "9" * zeros  # "10" -> "9", "100" -> "99"
    return digits[:-1] + last + "9" * zeros


def is_pseudo_version(v: str) -> bool:
    """module.IsPseudoVersion: whether v is a pseudo-version."""
    return v.count("-") >= 2 and semver.is_valid(v) and _PSEUDO_VERSION_RE.fullmatch(v) is not None


def is_zero_pseudo_version(v: str) -> bool:
    """module.IsZeroPseudoVersion: whether v is zero_pseudo_version(semver.major(v))."""
    return v == zero_pseudo_version(semver.major(v))


class _PseudoParts(NamedTuple):
    base: str
    timestamp: str
    rev: str
    build: str


def _parse_pseudo_version(v: str) -> _PseudoParts:
    if not is_pseudo_version(v):
        raise InvalidVersionError(v, "syntax error", pseudo=True)
    build = semver.build(v)
    rest = v[: len(v) - len(build)]
    rest, _, rev = rest.rpartition("-")
    i = rest.rfind("-")
    j = rest.rfind(".")
    if j > i:
        base, timestamp = rest[:j], rest[j + 1 :]  # base is "vX.Y.Z-pre.0" or "vX.Y.(Z+1)-0"
    else:
        base, timestamp = rest[:i], rest[i + 1 :]  # base is "vX.0.0"
    return _PseudoParts(base, timestamp, rev, build)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _valid_timestamp(ts: str) -> bool:
    # What time.Parse("20060102150405", ts) accepts, for the 14 digits the syntax guarantees.
    year, month, day = int(ts[0:4]), int(ts[4:6]), int(ts[6:8])
    hour, minute, second = int(ts[8:10]), int(ts[10:12]), int(ts[12:14])
    return (
        1 <= month <= 12 and 1 <= day <= _days_in(month, year) and hour < 24 and minute < 60 and second < 60
    )


def pseudo_version_timestamp(v: str) -> str:
    """The 14-digit yyyymmddhhmmss time stamp of pseudo-version v, checked as Go checks it.

    Raises InvalidVersionError exactly when module.PseudoVersionTime returns an error. Unlike
    pseudo_version_time, this also works for the year 0000, which Go accepts.
    """
    ts = _parse_pseudo_version(v).timestamp
    if not _valid_timestamp(ts):
        raise InvalidVersionError(v, f"malformed time {quote(ts)}", pseudo=True)
    return ts


def pseudo_version_time(v: str) -> dt.datetime:
    """module.PseudoVersionTime: the (UTC) time stamp of pseudo-version v.

    Raises InvalidVersionError if v is not a pseudo-version or its time stamp is not a valid
    time, and OverflowError for the year 0000, which Go accepts but datetime cannot represent.
    """
    ts = pseudo_version_timestamp(v)
    if ts.startswith("0000"):
        raise OverflowError(f"pseudo-version {v!r}: year 0 is out of range for datetime")
    fields = (ts[0:4], ts[4:6], ts[6:8], ts[8:10], ts[10:12], ts[12:14])
    return dt.datetime(*map(int, fields), tzinfo=dt.UTC)


def pseudo_version_rev(v: str) -> str:
    """module.PseudoVersionRev: the revision identifier of pseudo-version v."""
    return _parse_pseudo_version(v).rev


def pseudo_version_base(v: str) -> str:
    """module.PseudoVersionBase: the canonical version v is based on, "" for form (1)."""
    base, _, _, build = _parse_pseudo_version(v)
    pre = semver.prerelease(base)
    if pre == "":
        # vX.0.0-yyyymmddhhmmss-abcdef123456 has no base. With "+incompatible" it makes no
        # sense (no parent tag, yet one incompatible with the path), so it is rejected.
        if build:
            raise InvalidVersionError(
                v, f"lacks base version, but has build metadata {quote(build)}", pseudo=True
            )
        return ""
    if pre == "-0":
        # vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef123456[+incompatible] -> vX.Y.Z[+incompatible]
        base = base[: -len(pre)]
        head, _, patch = base.rpartition(".")
        prev = dec_decimal(patch)
        if prev == "":
            # vX.Y.0-0.… has been seen in the wild but is rejected.
            raise InvalidVersionError(
                v, f"version before {base} would have negative patch number", pseudo=True
            )
        return f"{head}.{prev}{build}"
    # vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef123456[+incompatible] -> vX.Y.Z-pre[+incompatible]
    return base.removesuffix(".0") + build
