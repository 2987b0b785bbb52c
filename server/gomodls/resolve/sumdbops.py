"""The checksum database client's view of the world (modfetch/sumdb.go's dbClient): how to reach
the database, and where its state lives — the same files the go command uses, so gomodls and go
share one trusted tree head and one cache.

* Remote: through the first GOPROXY entry whose ``<proxy>/sumdb/<name>/supported`` answers 200
  (404/410 try the next entry; other failures stop unless the entry is followed by ``|``), else
  directly at ``https://<name>``; a URL given in GOSUMDB is used as is. Decided on the first
  request, once.
* Config: the verifier key comes from GOSUMDB; the latest signed tree head is
  ``$GOPATH/pkg/sumdb/<name>/latest``, read and rewritten under the go command's file lock
  (``flock``, as cmd/go/internal/lockedfile does), compare-and-swap.
* Cache: ``$GOMODCACHE/cache/download/sumdb/<name>/lookup/...`` and ``.../tile/...`` (deleted by
  ``go clean -modcache``), also locked the go command's way; an empty file counts as absent.

File I/O runs in a worker thread: the event loop never waits for a disk (or a lock held by a go
process).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sys
from collections.abc import Callable

from gomodls.module.errors import GoError
from gomodls.resolve.fetch import http_error
from gomodls.resolve.proxies import DIRECT, NOPROXY, OFF, BadGoProxy, parse_goproxy
from gomodls.resolve.transport import Transport, TransportError
from gomodls.sumdb.client import WriteConflict
from gomodls.sumdb.config import Database, SumDBSettings

__all__ = ["RemoteError", "SumDBOps", "database_base"]

log = logging.getLogger(__name__)


class RemoteError(GoError):
    """A failed request to the database (or to find it): str() is the go command's message.
    `not_exist`: the server said 404 or 410."""

    def __init__(self, message: str, *, not_exist: bool = False) -> None:
        super().__init__(message)
        self.not_exist = not_exist


def join(base: str, path: str) -> str:
    """web.Join: path appended to the URL's path with exactly one slash between."""
    return base.rstrip("/") + "/" + path.lstrip("/")


async def _get(transport: Transport, url: str) -> bytes:
    """web.GetBytes: the body of a 200 answer; RemoteError with Go's message otherwise."""
    try:
        response = await transport.get(url)
    except TransportError as e:
        raise RemoteError(f"reading {url}: {e}") from None
    if response.status != 200:
        e = http_error(url, response)
        raise RemoteError(e.message, not_exist=e.not_exist)
    return response.body


async def database_base(db: Database, goproxy: str, transport: Transport) -> str:
    """dbClient.initBase: the URL the database's paths are appended to. RemoteError when a
    proxy fails in a way that forbids falling back (what the go command then reports for every
    lookup)."""
    if db.url is not None:
        return db.url
    try:
        specs = parse_goproxy(goproxy)
    except BadGoProxy as e:
        raise RemoteError(str(e)) from None
    # TryProxies: "direct" and "noproxy" errors rank best, then other proxy errors, then
    # not-found; a `,` entry stops at an error that is not a not-found.
    best: RemoteError | None = None
    best_rank = 0  # 0: not found, 1: a proxy's error, 2: "direct"
    for spec in specs:
        if spec.url == NOPROXY:
            err = RemoteError("path does not match GOPRIVATE/GONOPROXY", not_exist=True)
        elif spec.url in (DIRECT, OFF):
            err = RemoteError("module lookup disabled by GOPROXY=off", not_exist=True)
        else:
            try:
                await _get(transport, join(spec.url, f"sumdb/{db.name}/supported"))
            except RemoteError as e:
                err = e
            else:
                return join(spec.url, f"sumdb/{db.name}")
        if spec.url == DIRECT:
            best, best_rank = err, 2
        elif best_rank <= 1 and not err.not_exist:
            best, best_rank = err, 1
        elif best_rank == 0:
            best = err
        if not spec.fall_back_on_error and not err.not_exist:
            break
    if best is None or best.not_exist:
        return db.direct  # no proxy serves it: ask the database itself
    raise best


class SumDBOps:
    """ClientOps (gomodls.sumdb.client) for the database `db` under `settings`."""

    def __init__(
        self,
        db: Database,
        settings: SumDBSettings,
        transport: Transport,
        *,
        on_security_error: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.transport = transport
        self._base: str | None = None
        self._base_error: RemoteError | None = None
        self._base_lock = asyncio.Lock()
        self._on_security_error = on_security_error
        self.security_errors: list[str] = []  # what the client reported (it raises them too)

    async def base(self) -> str:
        async with self._base_lock:
            if self._base is None and self._base_error is None:
                try:
                    self._base = await database_base(self.db, self.settings.goproxy, self.transport)
                except RemoteError as e:
                    self._base_error = e
        if self._base_error is not None:
            raise self._base_error
        assert self._base is not None
        return self._base

    async def read_remote(self, path: str) -> bytes:
        return await _get(self.transport, join(await self.base(), path))

    async def read_config(self, file: str) -> bytes:
        if file == "key":
            return self.db.key.encode()
        target = self._config_path(file)
        return await asyncio.to_thread(_read_config, target)

    async def write_config(self, file: str, old: bytes, new: bytes) -> None:
        if file == "key":
            raise GoError("cannot write key")  # (should not happen)
        target = self._config_path(file)
        if not await asyncio.to_thread(_compare_and_swap, target, old, new):
            raise WriteConflict()

    def _config_path(self, file: str) -> str:
        if not self.settings.sumdb_dir:
            raise GoError("could not locate sumdb file: missing $GOPATH")
        return os.path.join(self.settings.sumdb_dir, *file.split("/"))

    async def read_cache(self, file: str) -> bytes:
        if not self.settings.cache_dir:
            raise FileNotFoundError(errno.ENOENT, "no GOMODCACHE", file)
        target = os.path.join(self.settings.cache_dir, *file.split("/"))
        return await asyncio.to_thread(_read_cache, target)

    async def write_cache(self, file: str, data: bytes) -> None:
        if not self.settings.cache_dir:
            return
        target = os.path.join(self.settings.cache_dir, *file.split("/"))
        try:
            await asyncio.to_thread(_write_locked, target, data)
        except OSError as e:  # the go command ignores a cache it cannot write, too
            log.debug("sumdb cache %s not written: %s", target, e)

    def log(self, msg: str) -> None:
        log.debug("sumdb %s: %s", self.db.name, msg)

    def security_error(self, msg: str) -> None:
        self.security_errors.append(msg)
        # (Only at debug level: the report reaches the caller as the lookup's error, and the
        # caller shows it; logging.lastResort would print it a second time in the CLI.)
        log.debug("%s", msg)
        if self._on_security_error is not None:
            self._on_security_error(msg)


# The go command's file locks (cmd/go/internal/lockedfile): flock on the file itself, shared to
# read, exclusive to write. Where flock does not exist, the files are used without locks.
if sys.platform != "win32":
    import fcntl

    def _lock(fd: int, exclusive: bool) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
else:  # pragma: no cover

    def _lock(fd: int, exclusive: bool) -> None:
        pass


def _read_locked(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        _lock(fd, False)
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)  # (closing releases the lock)


def _read_config(path: str) -> bytes:
    """lockedfile.Read; a missing file is an empty one (the first contact with a database)."""
    try:
        return _read_locked(path)
    except FileNotFoundError:
        return b""


def _compare_and_swap(path: str, old: bytes, new: bytes) -> bool:
    """dbClient.WriteConfig: under the exclusive lock, replace the content with `new` if it is
    `old` (or empty); False when someone else (a go command) wrote something else meanwhile."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        _lock(fd, True)
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        data = b"".join(chunks)
        if data and data != old:
            return False
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        _write_all(fd, new)
        return True
    finally:
        os.close(fd)


def _read_cache(path: str) -> bytes:
    """dbClient.ReadCache: an empty file is one being written (lockedfile.Write creates it
    before it takes the lock), so it counts as absent."""
    data = _read_locked(path)
    if not data:
        raise FileNotFoundError(errno.ENOENT, "empty sumdb cache file", path)
    return data


def _write_locked(path: str, data: bytes) -> None:
    """lockedfile.Write: create, lock exclusively, truncate, write."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        _lock(fd, True)
        os.ftruncate(fd, 0)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
