"""The Go vulnerability database's entries: the subset of the OSV format it publishes
(https://go.dev/security/vuln/database#schema), parsed and checked defensively. An entry that
does not have the shape the database promises raises `Malformed` with the reason, so the
caller skips it and says why; nothing here ever fails otherwise. Pure: no I/O.

Versions in SEMVER ranges have no leading "v" ("1.2.3", "0.0.0-20200124225646-8b5121be2f68");
they are kept here as the go command writes them ("v1.2.3"), "0" (the beginning of time) as ""."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gomodls.module import semver

__all__ = [
    "Affected",
    "Entry",
    "Event",
    "Malformed",
    "Package",
    "Range",
    "Reference",
    "go_version",
    "parse_entry",
    "parse_time",
]

SEMVER = "SEMVER"
STDLIB = "stdlib"  # the pseudo-module paths of the standard library and the go command
TOOLCHAIN = "toolchain"
VULN_URL = "https://pkg.go.dev/vuln/"


class Malformed(ValueError):
    """Data that does not have the database's shape; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Event:
    """One bound of an affected range: exactly one of the fields is set."""

    introduced: str = ""  # "v..."; "" with `zero` for "0", the beginning of time
    fixed: str = ""
    last_affected: str = ""  # (OSV allows it; the Go database does not use it)
    zero: bool = False  # introduced "0"


@dataclass(frozen=True, slots=True)
class Range:
    type: str
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Package:
    """An affected package of a module (ecosystem_specific.imports)."""

    path: str
    symbols: tuple[str, ...] = ()
    goos: tuple[str, ...] = ()
    goarch: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Affected:
    module: str  # the module path ("stdlib" and "toolchain" for Go itself)
    ranges: tuple[Range, ...] = ()
    packages: tuple[Package, ...] = ()  # none listed: every package of the module


@dataclass(frozen=True, slots=True)
class Reference:
    type: str
    url: str


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    modified: datetime
    published: datetime | None = None
    withdrawn: datetime | None = None
    aliases: tuple[str, ...] = ()  # CVE-..., GHSA-...
    summary: str = ""
    details: str = ""
    affected: tuple[Affected, ...] = ()
    references: tuple[Reference, ...] = ()

    @property
    def url(self) -> str:
        return VULN_URL + self.id

    def affected_module(self, path: str) -> list[Affected]:
        return [a for a in self.affected if a.module == path]

    def one_line_summary(self) -> str:
        """The summary, or the first sentence of the details when there is none."""
        text = self.summary or self.details.split("\n\n", 1)[0]
        return " ".join(text.split())


def parse_time(value: object, what: str) -> datetime:
    """An RFC 3339 time with its zone (Go's time.Time in JSON)."""
    if not isinstance(value, str) or "T" not in value:
        raise Malformed(f"{what}: not an RFC 3339 time: {value!r}")
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise Malformed(f"{what}: not an RFC 3339 time: {value!r}") from None
    if t.tzinfo is None:
        raise Malformed(f"{what}: time without a zone: {value!r}")
    return t


def go_version(osv_version: str, what: str) -> str:
    """The go command's form of an OSV version: 1.2.3 becomes v1.2.3 (a "v" or "go" prefix is
    tolerated, as govulncheck does)."""
    if not isinstance(osv_version, str):
        raise Malformed(f"{what}: not a string: {osv_version!r}")
    bare = osv_version.removeprefix("v").removeprefix("go")
    v = "v" + bare
    if not bare or not semver.is_valid(v):
        raise Malformed(f"{what}: not a semantic version: {osv_version!r}")
    return v


def _strings(value: object, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise Malformed(f"{what}: not a list of strings")
    return tuple(value)


def _list(obj: dict[str, Any], key: str, what: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Malformed(f"{what}: not a list")
    return value


def _text(obj: dict[str, Any], key: str, what: str) -> str:
    value = obj.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{what}.{key}: not a string")
    return value


def _event(obj: object, what: str) -> Event:
    if not isinstance(obj, dict):
        raise Malformed(f"{what}: not an object")
    kinds = [k for k in ("introduced", "fixed", "last_affected", "limit") if k in obj]
    if len(kinds) != 1:
        raise Malformed(f"{what}: needs exactly one of introduced, fixed, last_affected, limit")
    kind = kinds[0]
    value = obj[kind]
    if kind == "introduced" and value == "0":
        return Event(zero=True)
    if kind == "limit":
        raise Malformed(f"{what}: limit events are not part of the Go database's format")
    return Event(**{kind: go_version(value, f"{what}.{kind}")})


def _range(obj: object, what: str) -> Range | None:
    if not isinstance(obj, dict):
        raise Malformed(f"{what}: not an object")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise Malformed(f"{what}.type: missing")
    if kind != SEMVER:
        return None  # (GIT, ECOSYSTEM: govulncheck reads SEMVER ranges only)
    events = obj.get("events")
    if not isinstance(events, list) or not events:
        raise Malformed(f"{what}.events: missing or empty")
    parsed = tuple(_event(e, f"{what}.events[{i}]") for i, e in enumerate(events))
    if not any(e.introduced or e.zero for e in parsed):
        raise Malformed(f"{what}.events: no introduced event")
    return Range(kind, parsed)


def _package(obj: object, what: str) -> Package:
    if not isinstance(obj, dict):
        raise Malformed(f"{what}: not an object")
    path = obj.get("path")
    if not isinstance(path, str) or not path:
        raise Malformed(f"{what}.path: missing")
    return Package(
        path,
        _strings(obj.get("symbols"), f"{what}.symbols"),
        _strings(obj.get("goos"), f"{what}.goos"),
        _strings(obj.get("goarch"), f"{what}.goarch"),
    )


def _affected(obj: object, what: str) -> Affected:
    if not isinstance(obj, dict):
        raise Malformed(f"{what}: not an object")
    pkg = obj.get("package")
    if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str) or not pkg["name"]:
        raise Malformed(f"{what}.package.name: missing")
    if pkg.get("ecosystem", "Go") != "Go":
        raise Malformed(f"{what}.package.ecosystem: {pkg.get('ecosystem')!r}, not Go")
    ranges_obj = _list(obj, "ranges", f"{what}.ranges")
    ranges = tuple(
        r for i, raw in enumerate(ranges_obj) if (r := _range(raw, f"{what}.ranges[{i}]")) is not None
    )
    specific = obj.get("ecosystem_specific")
    if specific is None:
        specific = {}
    if not isinstance(specific, dict):
        raise Malformed(f"{what}.ecosystem_specific: not an object")
    imports = _list(specific, "imports", f"{what}.ecosystem_specific.imports")
    packages = tuple(_package(p, f"{what}.ecosystem_specific.imports[{i}]") for i, p in enumerate(imports))
    return Affected(pkg["name"], ranges, packages)


def entry_from_object(obj: object) -> Entry:
    if not isinstance(obj, dict):
        raise Malformed("not a JSON object")
    entry_id = obj.get("id")
    if not isinstance(entry_id, str) or not entry_id or "/" in entry_id or entry_id.startswith("."):
        raise Malformed(f"id: missing or invalid: {entry_id!r}")
    what = entry_id
    affected_obj = _list(obj, "affected", f"{what}: affected")
    refs_obj = _list(obj, "references", f"{what}: references")
    refs = []
    for i, r in enumerate(refs_obj):
        if not isinstance(r, dict) or not isinstance(r.get("url"), str):
            raise Malformed(f"{what}: references[{i}]: no url")
        refs.append(Reference(_text(r, "type", f"{what}: references[{i}]"), r["url"]))
    published = obj.get("published")
    withdrawn = obj.get("withdrawn")
    return Entry(
        id=entry_id,
        modified=parse_time(obj.get("modified"), f"{what}: modified"),
        published=parse_time(published, f"{what}: published") if published is not None else None,
        withdrawn=parse_time(withdrawn, f"{what}: withdrawn") if withdrawn is not None else None,
        aliases=_strings(obj.get("aliases"), f"{what}: aliases"),
        summary=_text(obj, "summary", what),
        details=_text(obj, "details", what),
        affected=tuple(_affected(a, f"{what}: affected[{i}]") for i, a in enumerate(affected_obj)),
        references=tuple(refs),
    )


def parse_entry(data: bytes) -> Entry:
    """An entry from the bytes of ID/<ID>.json."""
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError) as e:
        raise Malformed(f"not JSON: {e}") from None
    return entry_from_object(obj)
