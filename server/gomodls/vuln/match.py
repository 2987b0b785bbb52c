"""Which database entries affect the modules of a build list (pure): first from the index alone
(an entry whose latest fix is at or below the version cannot affect it, so it is never
fetched), then from the entries' ranges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gomodls.module import semver
from gomodls.module.paths import ModuleVersion
from gomodls.vuln.affects import entry_affects
from gomodls.vuln.index import Index
from gomodls.vuln.osv import Entry

__all__ = ["ModuleVulns", "candidate_ids", "module_vulns"]


@dataclass(frozen=True, slots=True)
class ModuleVulns:
    """The entries that affect one module version of the build list."""

    path: str
    version: str
    entries: tuple[Entry, ...]  # by ID
    unread: tuple[str, ...] = ()  # IDs that may affect it but could not be read

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]


def _may_affect(fixed: str, version: str) -> bool:
    return not fixed or semver.compare(version, fixed) < 0


def candidate_ids(index: Index, modules: Iterable[ModuleVersion]) -> set[str]:
    out: set[str] = set()
    for m in modules:
        if not semver.is_valid(m.version):
            continue
        out.update(v.id for v in index.vulns(m.path) if _may_affect(v.fixed, m.version))
    return out


def module_vulns(
    index: Index | None, entries: Mapping[str, Entry], module: ModuleVersion
) -> ModuleVulns | None:
    """The entries that affect module (None: none, or no data). `entries` are those read."""
    if index is None or not semver.is_valid(module.version):
        return None
    affecting: list[Entry] = []
    unread: list[str] = []
    for v in index.vulns(module.path):
        if not _may_affect(v.fixed, module.version):
            continue
        entry = entries.get(v.id)
        if entry is None:
            unread.append(v.id)
        elif entry_affects(entry, module.path, module.version):
            affecting.append(entry)
    if not affecting and not unread:
        return None
    affecting.sort(key=lambda e: e.id)
    return ModuleVulns(module.path, module.version, tuple(affecting), tuple(sorted(unread)))
