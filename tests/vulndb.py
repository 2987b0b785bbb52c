"""A Go vulnerability database in the exact v1 layout (https://go.dev/security/vuln/database):
`index/db.json`, `index/modules.json` and `ID/<ID>.json`, each also as `.json.gz`. Usable as a
file:// GOVULNDB, or served over HTTP on 127.0.0.1 with goproxy.HTTPProxy (which records the
requests and can fail on purpose)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gomodls.module import semver

MODIFIED = "2024-05-06T07:08:09Z"

Ranges = Sequence[Sequence[tuple[str, str]]]  # ranges of ("introduced"|"fixed", version) events


def affected(module: str, ranges: Ranges = (), imports: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """One `affected` element: versions without "v", as the database writes them."""
    out: dict[str, Any] = {"package": {"name": module, "ecosystem": "Go"}}
    if ranges:
        out["ranges"] = [
            {"type": "SEMVER", "events": [{kind: version} for kind, version in events]} for events in ranges
        ]
    if imports:
        out["ecosystem_specific"] = {"imports": list(imports)}
    return out


def entry(
    entry_id: str,
    affects: Sequence[dict[str, Any]],
    *,
    summary: str = "",
    details: str = "Details.",
    aliases: Sequence[str] = (),
    modified: str = MODIFIED,
    published: str = "2024-01-02T03:04:05Z",
    withdrawn: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema_version": "1.3.1",
        "id": entry_id,
        "modified": modified,
        "published": published,
        "aliases": list(aliases),
        "summary": summary or f"Summary of {entry_id}",
        "details": details,
        "affected": list(affects),
        "references": [{"type": "FIX", "url": f"https://example.com/fix/{entry_id}"}],
        "database_specific": {"url": f"https://pkg.go.dev/vuln/{entry_id}"},
    }
    if withdrawn:
        out["withdrawn"] = withdrawn
    return out


def _latest_fixed(a: dict[str, Any]) -> str:
    """The index's "fixed": the highest fixed event, none if introduced again after it."""
    latest = ""
    for r in a.get("ranges", []):
        for e in r["events"]:
            if "fixed" in e and (not latest or semver.compare("v" + latest, "v" + e["fixed"]) < 0):
                latest = e["fixed"]
        for e in r["events"]:
            i = e.get("introduced", "0")
            if i != "0" and latest and semver.compare("v" + latest, "v" + i) < 0:
                return ""
    return latest


class VulnDBDir:
    def __init__(self, root: Path, *, plain: bool = True, gz: bool = True) -> None:
        self.root = root
        self.plain, self.gz = plain, gz
        self.entries: dict[str, dict[str, Any]] = {}
        root.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return self.root.as_uri()

    def _write(self, rel: str, obj: object) -> None:
        data = json.dumps(obj, separators=(",", ":")).encode()
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.plain:
            path.with_name(path.name + ".json").write_bytes(data)
        if self.gz:
            path.with_name(path.name + ".json.gz").write_bytes(gzip.compress(data))

    def write_raw(self, rel: str, data: bytes) -> None:
        """Bytes of our choosing at `rel` (a broken file), plain only."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.with_name(path.name + ".gz").unlink(missing_ok=True)

    def add(self, *entries: dict[str, Any]) -> VulnDBDir:
        for e in entries:
            self.entries[e["id"]] = e
            self._write(f"ID/{e['id']}", e)
        return self

    def publish(self, modified: str | None = None) -> VulnDBDir:
        """Write the index files for the entries added so far."""
        modules: dict[str, list[dict[str, str]]] = {}
        for e in sorted(self.entries.values(), key=lambda e: e["id"]):
            for a in e["affected"]:
                v = {"id": e["id"], "modified": e["modified"]}
                fixed = _latest_fixed(a)
                if fixed:
                    v["fixed"] = fixed
                modules.setdefault(a["package"]["name"], []).append(v)
        self._write("index/modules", [{"path": p, "vulns": vs} for p, vs in sorted(modules.items())])
        latest = modified or max((e["modified"] for e in self.entries.values()), default=MODIFIED)
        self._write("index/db", {"modified": latest})
        return self


def empty_db(root: Path) -> str:
    """The file:// URL of a database with no entries: GOVULNDB for tests that must not reach
    the network (the default database is https://vuln.go.dev)."""
    return VulnDBDir(root, gz=False).publish(modified=MODIFIED).url
