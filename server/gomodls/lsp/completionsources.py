"""What completion draws on besides the document: module paths in the module cache, directories
holding a go.mod, go.sum contents and version publication times. Walking a directory tree can
take longer than a keystroke may, so walks run in a worker thread and their results are kept
(`Snapshots`): a request uses the last result, even a stale one, while a fresh walk runs."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from gomodls.module.errors import GoError
from gomodls.module.paths import escape_path, unescape_path
from gomodls.module.pseudo import is_pseudo_version, pseudo_version_time
from gomodls.resolve.modcache import ModCache

log = logging.getLogger(__name__)

T = TypeVar("T")

# Directories never searched for modules: the go command ignores them for ./... too, and
# node_modules trees are large enough to blow the walk budget on their own.
SKIP_DIRS = frozenset({"vendor", "testdata", "node_modules"})
MAX_DIR_DEPTH = 5
MAX_DIR_SCANS = 2_000  # directories listed
MAX_DIR_ENTRIES = 50_000  # entries seen in them
# A module cache of a busy developer holds a few thousand modules; the bound only matters for
# pathological trees, the walk runs in the background anyway.
MAX_CACHE_DIRS = 200_000
MAX_CACHE_DEPTH = 16

MODULE_LINE = re.compile(r'^[ \t]*module[ \t]+("?)([^\s"]+)\1', re.MULTILINE)


@dataclass(slots=True)
class _Entry(Generic[T]):
    value: T | None = None
    stamp: float = 0.0
    task: asyncio.Future[T] | None = None


class Snapshots(Generic[T]):
    """Results of slow computations by key, recomputed in a thread once older than `ttl`."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[object, _Entry[T]] = {}

    def refresh(self, key: object, compute: Callable[[], T]) -> _Entry[T]:
        """Start recomputing the result for key if it is stale and not already recomputing."""
        entry = self._entries.setdefault(key, _Entry())
        if entry.task is None and time.monotonic() - entry.stamp > self.ttl:
            entry.task = asyncio.ensure_future(asyncio.to_thread(compute))
            entry.task.add_done_callback(lambda t, e=entry: self._store(e, t))  # type: ignore[misc]
        return entry

    async def get(self, key: object, compute: Callable[[], T], wait: float) -> T | None:
        """The last result (starting a recomputation if it is stale); the first time, the new
        result if it arrives within `wait` seconds, else None."""
        entry = self.refresh(key, compute)
        if entry.value is not None or entry.task is None:
            return entry.value
        try:
            return await asyncio.wait_for(asyncio.shield(entry.task), wait)
        except Exception:  # not done in time, or failed (logged when stored): nothing yet
            return None

    @staticmethod
    def _store(entry: _Entry[T], task: asyncio.Future[T]) -> None:
        entry.task = None
        if task.cancelled() or task.exception() is not None:
            if not task.cancelled():
                log.warning("completion source failed", exc_info=task.exception())
            return
        entry.value = task.result()
        entry.stamp = time.monotonic()


def _visible(name: str) -> bool:
    return not name.startswith(".") and name not in SKIP_DIRS


def module_dirs(root: str, *, max_depth: int = MAX_DIR_DEPTH, skip: str = "") -> list[str]:
    """The directories under root (relative, "/"-separated, "" for root itself) that hold a
    go.mod, breadth first so the bound cuts the deepest ones; `skip` is a directory whose
    subtree is left out."""
    found: list[str] = []
    queue: deque[tuple[str, str, int]] = deque([(root, "", 0)])
    scans = seen = 0
    while queue and scans < MAX_DIR_SCANS:
        directory, rel, depth = queue.popleft()
        scans += 1
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            seen += 1
            if seen > MAX_DIR_ENTRIES:
                return found
            if e.name == "go.mod" and _is_file(e):
                found.append(rel)
            elif depth < max_depth and _visible(e.name) and _is_dir(e) and e.path != skip:
                queue.append((e.path, f"{rel}/{e.name}" if rel else e.name, depth + 1))
    return found


def _is_file(e: os.DirEntry[str]) -> bool:
    try:
        return e.is_file()
    except OSError:
        return False


def _is_dir(e: os.DirEntry[str]) -> bool:
    try:
        return e.is_dir(follow_symlinks=False)
    except OSError:
        return False


def cached_module_paths(gomodcache: str) -> list[str]:
    """Every module path with a directory in $GOMODCACHE/cache/download (where `@v` holds the
    downloaded versions), unescaped (`!a` is `A`)."""
    root = os.path.join(gomodcache, "cache", "download")
    out: list[str] = []
    stack: list[tuple[str, str, int]] = [(root, "", 0)]
    seen = 0
    while stack and seen < MAX_CACHE_DIRS:
        directory, rel, depth = stack.pop()
        try:
            with os.scandir(directory) as it:
                subdirs = [e for e in it if _is_dir(e)]
        except OSError:
            continue
        seen += len(subdirs)
        for e in subdirs:
            if e.name == "@v":
                if rel:
                    out.extend(_unescaped(rel))
            elif depth < MAX_CACHE_DEPTH and not (depth == 0 and e.name == "sumdb"):
                stack.append((e.path, f"{rel}/{e.name}" if rel else e.name, depth + 1))
    return sorted(out)


def _unescaped(escaped: str) -> list[str]:
    try:
        return [unescape_path(escaped)]
    except GoError:
        return []  # not something the go command wrote


def module_path_of(text: str | None) -> str:
    """The path on a go.mod's module line, found without parsing the file."""
    m = MODULE_LINE.search(text or "")
    return m.group(2) if m else ""


class SumIndex:
    """go.sum contents by (file, text): paths and the versions of each path."""

    def __init__(self) -> None:
        self._memo: dict[str, tuple[str, dict[str, set[str]]]] = {}

    def versions(self, path: str, text: str | None) -> dict[str, set[str]]:
        """The same dict while the text is the same (callers key their own caches on it)."""
        text = text or ""
        hit = self._memo.get(path)
        if hit is not None and hit[0] == text:
            return hit[1]
        out: dict[str, set[str]] = {}
        for line in text.split("\n"):
            f = line.split()
            if len(f) >= 2:
                out.setdefault(f[0], set()).add(f[1].removesuffix("/go.mod"))
        self._memo[path] = (text, out)
        return out


class CachedVersions:
    """The versions of a module in the module cache, read again only when its `@v` directory
    or list changes (the go command adds files by renaming them into place)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], tuple[tuple[int, int], list[str]]] = {}

    def versions(self, modcache: ModCache, path: str) -> list[str]:
        try:
            d = os.path.join(modcache.root, "cache", "download", escape_path(path), "@v")
        except GoError:
            return []
        stamp = (_mtime(d), _mtime(os.path.join(d, "list")))
        hit = self._memo.get((modcache.root, path))
        if hit is not None and hit[0] == stamp:
            return hit[1]
        found = modcache.versions(path) if modcache.root and stamp[0] else []
        self._memo[(modcache.root, path)] = (stamp, found)
        return found


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def pseudo_time(version: str) -> str:
    """The commit time a pseudo-version carries (RFC 3339), "" for other versions."""
    if not is_pseudo_version(version):
        return ""
    try:
        return pseudo_version_time(version).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (GoError, ValueError):
        return ""


@dataclass(slots=True)
class VersionTimes:
    """Publication times of versions (the proxy's or module cache's `.info`), held in memory so a
    completion request never reads files or the network for them."""

    owner: object = None  # the facts service the times were fetched through
    times: dict[tuple[str, str], str] = field(default_factory=dict)
    tasks: dict[str, asyncio.Future[Any]] = field(default_factory=dict)

    def reset_for(self, owner: object) -> None:
        if owner is not self.owner:
            self.owner = owner
            self.times.clear()
            self.tasks.clear()

    def get(self, path: str, version: str) -> str | None:
        """The time ("" when unknown for good), or None when not fetched."""
        known = self.times.get((path, version))
        return known or pseudo_time(version) or known

    def loading(self, path: str) -> bool:
        task = self.tasks.get(path)
        return task is not None and not task.done()

    async def load(self, path: str, versions: Iterable[str], info: Callable[[str, str], Any]) -> None:
        """Fetch the `.info` of each version not known yet, a few at a time."""
        gate = asyncio.Semaphore(8)

        async def one(version: str) -> None:
            async with gate:
                try:
                    self.times[(path, version)] = (await info(path, version)).time
                except Exception as e:  # a failed fetch only means no time to show
                    log.debug("no .info for %s@%s: %s", path, version, e)
                    self.times[(path, version)] = ""

        wanted = [v for v in versions if (path, v) not in self.times and not pseudo_time(v)]
        await asyncio.gather(*(one(v) for v in wanted))
