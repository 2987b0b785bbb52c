"""gomodls's own cache of proxy answers (diskcache, under the user cache directory).

A version's `.mod` and `.info` never change, so they are kept until evicted by size; version
lists and `@latest` answers expire after a TTL but are still served, stale, when the network
fails; "does not exist" answers are remembered for ABSENT_TTL (a minute). A corrupt entry is dropped, never fatal.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from typing import Any

import diskcache
import platformdirs

from gomodls.resolve.failures import FAILURE_TTL

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
    def __init__(self, directory: str | None = None, size_limit: int = DEFAULT_SIZE_LIMIT) -> None:
        self.directory = directory or default_directory()
        self._cache: diskcache.Cache | None = None
        self._size_limit = size_limit

    @property
    def known_directory(self) -> str:
        """Where gomodls.resolve.known keeps its files (diskcache's own are in hex-named ones)."""
        return os.path.join(self.directory, "known")

    def _open(self) -> diskcache.Cache | None:
        if self._cache is None:
            try:
                # Evicting by storage time: least-recently-used would make every read a write (its
                # access time), which made a warm resolution of 300 modules spend most of its
                # time in sqlite. The entries are small and the limit large, so the order in
                # which they go rarely matters.
                self._cache = diskcache.Cache(
                    self.directory, size_limit=self._size_limit, eviction_policy="least-recently-stored"
                )
            except Exception:
                log.exception("cannot open the cache in %s; continuing without it", self.directory)
                return None
        return self._cache

    def get(self, key: str) -> Entry | None:
        cache = self._open()
        if cache is None:
            return None
        try:
            raw: Any = cache.get(key)
        except Exception:
            log.warning("dropping unreadable cache entry %s", key, exc_info=True)
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
        try:
            cache.set(key, (data, time.time(), message))
        except Exception:
            log.warning("cannot write cache entry %s", key, exc_info=True)

    def _delete(self, cache: diskcache.Cache, key: str) -> None:
        try:
            cache.delete(key)
        except Exception:
            log.warning("cannot delete cache entry %s", key, exc_info=True)

    def clear(self) -> None:
        cache = self._open()
        if cache is not None:
            cache.clear()
        shutil.rmtree(self.known_directory, ignore_errors=True)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
