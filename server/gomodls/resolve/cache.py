"""gomodls's own cache of proxy answers (diskcache, under the user cache directory).

A version's `.mod` and `.info` never change, so they are kept until evicted by size; version
lists and `@latest` answers expire after a TTL but are still served, stale, when the network
fails; "does not exist" answers are remembered for ABSENT_TTL (a minute). A corrupt entry is dropped, never fatal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import platformdirs

from gomodls.resolve.failures import FAILURE_TTL

if TYPE_CHECKING:
    import diskcache

log = logging.getLogger(__name__)

DEFAULT_SIZE_LIMIT = 512 * 1024 * 1024
DEFAULT_LIST_TTL = 3600.0
# "Does not exist" answers: a few resolutions and processes in a row need not ask again, but a
# module published (or a proxy fixed) meanwhile is seen a minute later.
ABSENT_TTL = 2 * FAILURE_TTL


def default_directory() -> str:
    return os.path.join(platformdirs.user_cache_dir("gomodls", appauthor=False), "proxy")


@dataclass(frozen=True, slots=True)
class Entry:
    data: bytes | None  # None: the proxies said it does not exist
    stored: float
    message: str = ""  # for absent entries: the error to repeat

    def age(self) -> float:
        return time.time() - self.stored


class ProxyCache:
    """The disk cache. One that cannot be used (a corrupt database, a path that is a file, a
    directory it cannot write) is moved aside once — `<dir>.broken-<time>` — and made anew, with
    one warning line; if that fails too, gomodls goes on without a cache (one more line)."""

    def __init__(self, directory: str | None = None, size_limit: int = DEFAULT_SIZE_LIMIT) -> None:
        self.directory = directory or default_directory()
        self._cache: diskcache.Cache | None = None
        self._size_limit = size_limit
        self._repaired = False
        self._disabled = False

    @property
    def known_directory(self) -> str:
        """Where gomodls.resolve.known keeps its files (diskcache's own are in hex-named ones)."""
        return os.path.join(self.directory, "known")

    def _create(self) -> diskcache.Cache:
        # (diskcache and sqlite3 imported when the cache is first used, not at the server's
        # start: they are not needed for its first diagnostics)
        import diskcache

        # Evicting by storage time: least-recently-used would make every read a write (its
        # access time), which made a warm resolution of 300 modules spend most of its time in
        # sqlite. The entries are small and the limit large, so the order in which they go
        # rarely matters.
        cache = diskcache.Cache(
            self.directory, size_limit=self._size_limit, eviction_policy="least-recently-stored"
        )
        cache.get("")  # (a corrupt database may open, and fail at the first read)
        return cache

    def _open(self) -> diskcache.Cache | None:
        if self._cache is None and not self._disabled:
            try:
                self._cache = self._create()
            except Exception as e:
                self._unusable(e)
        return self._cache

    def _unusable(self, error: BaseException) -> None:
        """Move the cache aside and start a new one (once a process), else do without."""
        if self._cache is not None:
            with contextlib.suppress(Exception):
                self._cache.close()
            self._cache = None
        if self._repaired:
            self._disabled = True
            log.warning(
                "gomodls cache %s unusable again (%s); continuing without it", self.directory, _why(error)
            )
            return
        self._repaired = True
        aside = f"{self.directory}.broken-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        try:
            os.replace(self.directory, aside)
        except FileNotFoundError:
            aside = ""
        except OSError as e:
            self._disabled = True
            log.warning(
                "gomodls cache %s unusable (%s) and cannot be moved aside (%s); continuing without it",
                self.directory,
                _why(error),
                _why(e),
            )
            return
        try:
            self._cache = self._create()
        except Exception as e:
            self._disabled = True
            log.warning("gomodls cache %s unusable (%s); continuing without it", self.directory, _why(e))
            return
        moved = f"; the old one is in {aside}" if aside else ""
        log.warning(
            "gomodls cache %s was unusable (%s): started a new one%s", self.directory, _why(error), moved
        )

    def get(self, key: str) -> Entry | None:
        cache = self._open()
        if cache is None:
            return None
        import sqlite3  # (imported with diskcache by _open)

        try:
            raw: Any = cache.get(key)
        except sqlite3.DatabaseError as e:
            self._unusable(e)
            return None
        except Exception as e:
            log.warning("dropping unreadable cache entry %s (%s)", key, _why(e))
            self._delete(cache, key)
            return None
        if raw is None:
            return None
        if not (isinstance(raw, tuple) and len(raw) == 3 and isinstance(raw[1], float)) or not (
            raw[0] is None or isinstance(raw[0], bytes)
        ):
            log.warning("dropping malformed cache entry %s", key)
            self._delete(cache, key)
            return None
        return Entry(raw[0], raw[1], str(raw[2]))

    def put(self, key: str, data: bytes | None, message: str = "") -> None:
        cache = self._open()
        if cache is None:
            return
        import sqlite3

        try:
            cache.set(key, (data, time.time(), message))
        except sqlite3.DatabaseError as e:
            self._unusable(e)
        except Exception as e:
            log.warning("cannot write cache entry %s (%s)", key, _why(e))

    def _delete(self, cache: diskcache.Cache, key: str) -> None:
        try:
            cache.delete(key)
        except Exception as e:
            log.warning("cannot delete cache entry %s (%s)", key, _why(e))

    def clear(self) -> None:
        cache = self._open()
        if cache is not None:
            try:
                cache.clear()
            except Exception as e:
                self._unusable(e)
        shutil.rmtree(self.known_directory, ignore_errors=True)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def _why(error: BaseException) -> str:
    return str(error) or type(error).__name__
