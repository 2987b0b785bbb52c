"""The database's index files (v1 layout): `index/db.json`, when the database last changed, and
`index/modules.json`, each module path with the IDs of the entries that affect it, their
modified times and the latest fixed version. Pure: no I/O. A malformed module record is
skipped with the reason; a file that is not the expected JSON at all raises `Malformed`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from gomodls.vuln.osv import Malformed, go_version, parse_time

__all__ = ["Index", "ModuleVuln", "parse_db_modified", "parse_modules"]


@dataclass(frozen=True, slots=True)
class ModuleVuln:
    id: str
    modified: datetime
    fixed: str = ""  # "v...": the latest fixed version ("" if none, or re-introduced after it)


@dataclass(slots=True)
class Index:
    modified: datetime  # the database's, from db.json
    modules: dict[str, tuple[ModuleVuln, ...]]
    entry_modified: dict[str, datetime] = field(default_factory=dict)  # by entry ID
    skipped: list[str] = field(default_factory=list)  # malformed records, with the reason

    def vulns(self, path: str) -> tuple[ModuleVuln, ...]:
        return self.modules.get(path, ())


def _json(data: bytes, name: str) -> object:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as e:
        raise Malformed(f"{name}: not JSON: {e}") from None


def parse_db_modified(data: bytes) -> datetime:
    """db.json's `modified`."""
    obj = _json(data, "index/db.json")
    if not isinstance(obj, dict):
        raise Malformed("index/db.json: not a JSON object")
    return parse_time(obj.get("modified"), "index/db.json: modified")


def parse_modules(data: bytes, modified: datetime) -> Index:
    obj = _json(data, "index/modules.json")
    if not isinstance(obj, list):
        raise Malformed("index/modules.json: not a JSON list")
    index = Index(modified, {})
    for i, record in enumerate(obj):
        try:
            path, vulns = _module(record, f"index/modules.json[{i}]")
        except Malformed as e:
            index.skipped.append(str(e))
            continue
        index.modules[path] = index.modules.get(path, ()) + vulns
        for v in vulns:
            seen = index.entry_modified.get(v.id)
            index.entry_modified[v.id] = v.modified if seen is None else max(seen, v.modified)
    return index


def _module(record: object, what: str) -> tuple[str, tuple[ModuleVuln, ...]]:
    if not isinstance(record, dict):
        raise Malformed(f"{what}: not an object")
    path = record.get("path")
    if not isinstance(path, str) or not path:
        raise Malformed(f"{what}.path: missing")
    vulns = record.get("vulns")
    if not isinstance(vulns, list):
        raise Malformed(f"{what} ({path}).vulns: not a list")
    out = []
    for j, v in enumerate(vulns):
        where = f"{what} ({path}).vulns[{j}]"
        if not isinstance(v, dict) or not isinstance(v.get("id"), str) or not v["id"]:
            raise Malformed(f"{where}.id: missing")
        fixed = v.get("fixed") or ""
        out.append(
            ModuleVuln(
                v["id"],
                parse_time(v.get("modified"), f"{where}.modified"),
                go_version(fixed, f"{where}.fixed") if fixed else "",
            )
        )
    return path, tuple(out)
