"""Which newer versions a requirement could move to (pure): the latest patch, minor and
release within its major version, skipping excluded and retracted versions, pre-releases
unless the current version is one, and never "upgrading" a pseudo-version to an older
release. A new major version is a different module path (example.com/m/v2): see
`next_major_paths`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gomodls.module import semver
from gomodls.module.paths import split_path_version


@dataclass(frozen=True, slots=True)
class Upgrades:
    patch: str = ""  # same major.minor
    minor: str = ""  # same major
    latest: str = ""  # the highest the module path allows (same as minor within a major)

    def for_level(self, level: str) -> str:
        return {"patch": self.patch, "minor": self.minor, "latest": self.latest}.get(level, "")


def upgrades(
    current: str,
    versions: Iterable[str],
    *,
    excluded: Callable[[str], bool] = lambda v: False,
    retracted: Callable[[str], bool] = lambda v: False,
) -> Upgrades:
    if not semver.is_valid(current):
        return Upgrades()
    allow_pre = bool(semver.prerelease(current)) and not _is_pseudo(current)
    incompatible = current.endswith("+incompatible")
    cur_major, cur_mm = semver.major(current), semver.major_minor(current)
    patch = minor = ""
    for v in versions:
        if not semver.is_valid(v) or semver.compare(v, current) <= 0:
            continue
        if semver.prerelease(v) and not allow_pre:
            continue
        if v.endswith("+incompatible") != incompatible or excluded(v) or retracted(v):
            continue
        if semver.major(v) != cur_major:
            continue
        if not minor or semver.compare(v, minor) > 0:
            minor = v
        if semver.major_minor(v) == cur_mm and (not patch or semver.compare(v, patch) > 0):
            patch = v
    return Upgrades(patch, minor, minor)


def _is_pseudo(v: str) -> bool:
    from gomodls.module.pseudo import is_pseudo_version

    return is_pseudo_version(v)


def next_major_paths(path: str, count: int = 5) -> list[str]:
    """The module paths of the next major versions: m -> m/v2, m/v2 -> m/v3, gopkg.in/x.v1 ->
    gopkg.in/x.v2 ..."""
    prefix, path_major, ok = split_path_version(path)
    if not ok:
        return []
    if prefix.startswith("gopkg.in/"):
        n = int(path_major.removeprefix(".v").removesuffix("-unstable") or "0")
        return [f"{prefix}.v{n + k}" for k in range(1, count + 1)]
    n = int(path_major.removeprefix("/v")) if path_major else 1
    return [f"{prefix}/v{n + k}" for k in range(1, count + 1)]
