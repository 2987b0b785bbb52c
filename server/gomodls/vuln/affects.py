"""Which versions of a module an entry affects, and the version to upgrade to (pure).

Ranges are read as govulncheck reads them: no range (or no SEMVER range) means every version;
otherwise a version is affected when one SEMVER range contains it, its events taken in version
order ("introduced 0" first), each introduced event opening and each fixed event closing.
Versions compare as semantic versions, so pseudo-versions fall between the releases around
them and "+incompatible" is ignored."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from gomodls.module import semver
from gomodls.module.pseudo import is_pseudo_version
from gomodls.vuln.osv import Entry, Event, Range

__all__ = ["affects", "entry_affects", "fixing_version", "latest_fixed"]


def _event_key(e: Event) -> tuple[int, tuple[object, ...]]:
    if e.zero:
        return (0, ())
    return (1, semver.precedence_key(e.introduced or e.fixed or e.last_affected))


def _contains(r: Range, version: str) -> bool:
    affected = False
    for e in sorted(r.events, key=_event_key):
        if not affected and (e.zero or e.introduced):
            affected = e.zero or semver.compare(version, e.introduced) >= 0
        elif affected and e.fixed:
            affected = semver.compare(version, e.fixed) < 0
        elif affected and e.last_affected:
            affected = semver.compare(version, e.last_affected) <= 0
    return affected


def affects(ranges: Sequence[Range], version: str) -> bool:
    if not ranges:
        return True
    return any(_contains(r, version) for r in ranges)


def entry_affects(entry: Entry, path: str, version: str) -> bool:
    """Whether the entry reports module path at version (a withdrawn entry reports nothing; an
    unknown version, such as a directory replacement's, is not claimed to be affected)."""
    if entry.withdrawn is not None or not semver.is_valid(version):
        return False
    return any(affects(a.ranges, version) for a in entry.affected if a.module == path)


def latest_fixed(ranges: Sequence[Range]) -> str:
    """The highest fixed version, "" when there is none or the vulnerability is introduced
    again after it (what the database's index calls "fixed")."""
    latest = ""
    for r in ranges:
        for e in r.events:
            if e.fixed and (not latest or semver.compare(latest, e.fixed) < 0):
                latest = e.fixed
        if any(e.introduced and latest and semver.compare(latest, e.introduced) < 0 for e in r.events):
            return ""
    return latest


def _fixed_versions(entries: Iterable[Entry], path: str) -> set[str]:
    return {
        e.fixed
        for x in entries
        for a in x.affected_module(path)
        for r in a.ranges
        for e in r.events
        if e.fixed
    }


def fixing_version(
    entries: Sequence[Entry],
    path: str,
    current: str,
    versions: Iterable[str],
    *,
    excluded: Callable[[str], bool] = lambda v: False,
    retracted: Callable[[str], bool] = lambda v: False,
) -> tuple[str, list[Entry]]:
    """The smallest version above `current` that no fixable entry affects, and the entries it
    fixes ("" and [] when there is none). The candidates are the versions the proxy lists and
    the entries' fixed versions (a fix may exist only as a pseudo-version); excluded and
    retracted versions are skipped, and so are pre-releases unless `current` is one, as the
    upgrade hints do (a fix recorded as a pseudo-version is a commit, not a pre-release). An entry without a fix (none recorded, or introduced again after the last
    one) cannot be fixed by upgrading, so it does not hold the others back."""
    fixable = [x for x in entries if any(latest_fixed(a.ranges) for a in x.affected_module(path))]
    if not fixable or not semver.is_valid(current):
        return "", []
    fixes = _fixed_versions(fixable, path)
    allow_pre = bool(semver.prerelease(current)) and not is_pseudo_version(current)
    incompatible = current.endswith("+incompatible")
    best = ""
    for v in set(versions) | fixes:
        if not semver.is_valid(v) or semver.compare(v, current) <= 0:
            continue
        if best and semver.compare(v, best) >= 0:
            continue
        if semver.prerelease(v) and not allow_pre and not (v in fixes and is_pseudo_version(v)):
            continue
        if v.endswith("+incompatible") != incompatible or excluded(v) or retracted(v):
            continue
        if any(entry_affects(x, path, v) for x in fixable):
            continue
        best = v
    if not best:
        return "", []
    return best, [x for x in entries if entry_affects(x, path, current) and not entry_affects(x, path, best)]
