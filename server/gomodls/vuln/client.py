"""Reading the Go vulnerability database (GOVULNDB, default https://vuln.go.dev; a file:// URL
for a local copy) in its v1 layout, offline first.

Only three kinds of files are ever requested: `index/db.json`, `index/modules.json` (the whole
index: no module path is ever sent, so nothing about private modules leaks) and `ID/<ID>.json`
for the entries the index names for modules in the build list. Over HTTP the `.json.gz` form is
asked first, from a directory the plain one; either form is accepted.

Everything is kept in gomodls's disk cache: the index is checked again at most once an hour
(`refresh`), and fetched again only when db.json says the database changed; entries are kept
and fetched again only when the index says they were modified. When the database cannot be
reached, what is cached is served with the time it was last confirmed, so callers can say how
old it is; when nothing is cached, callers get no data and the reason, never an exception."""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from gomodls.base.goenv import GoEnv
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.transport import Response, TransportError
from gomodls.vuln.index import Index, parse_db_modified, parse_modules
from gomodls.vuln.match import ModuleVulns, candidate_ids, module_vulns
from gomodls.vuln.osv import Entry, Malformed, parse_entry

__all__ = ["DEFAULT_URL", "BadVulnDB", "Getter", "Snapshot", "VulnDB", "database_url"]

log = logging.getLogger(__name__)

DEFAULT_URL = "https://vuln.go.dev"
REFRESH = 3600.0  # seconds between checks of db.json
RETRY_AFTER = 60.0  # seconds before asking a database that did not answer again
MAX_INFLATED = 256 * 1024 * 1024
PARSE_IN_THREAD = 64 * 1024  # bytes worth parsing off the event loop

T = TypeVar("T")


class Getter(Protocol):
    """What the client needs of a transport (gomodls.resolve.transport.Transport)."""

    async def get(self, url: str) -> Response: ...


class BadVulnDB(ValueError):
    pass


class Unavailable(Exception):
    """The database did not answer (network, status), or has no such file (`not_found`)."""

    def __init__(self, message: str, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


def database_url(env: GoEnv) -> str:
    """GOVULNDB from the environment, the go env file or the editor's gomodls.env."""
    url = env.get("GOVULNDB").strip() or DEFAULT_URL
    scheme = urlsplit(url).scheme
    if scheme not in ("https", "http", "file"):
        raise BadVulnDB(f"GOVULNDB={url}: source has unsupported scheme (use https://, http:// or file://)")
    return url.rstrip("/")


@dataclass(slots=True)
class Snapshot:
    """What the database says about some modules, and how far to trust it."""

    url: str
    index: Index | None  # None: no data at all (never reached, nothing cached)
    entries: dict[str, Entry] = field(default_factory=dict)
    checked: float | None = None  # when the database last confirmed the index (epoch seconds)
    error: str = ""  # why the last refresh failed ("" if it did not)
    missing: dict[str, str] = field(default_factory=dict)  # entry ID -> why it could not be read

    def age(self, now: float | None = None) -> float | None:
        if self.checked is None:
            return None
        return max(0.0, (time.time() if now is None else now) - self.checked)

    def vulns(self, module: ModuleVersion) -> ModuleVulns | None:
        return module_vulns(self.index, self.entries, module)

    @property
    def stale(self) -> bool:
        """The data could not be brought up to date when it was due."""
        return bool(self.error) and self.index is not None


def inflate(data: bytes) -> bytes:
    """The content of a .json.gz answer (or of a plain one)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    d = zlib.decompressobj(wbits=31)
    try:
        out = d.decompress(data, MAX_INFLATED)
    except zlib.error as e:
        raise Malformed(f"bad gzip data: {e}") from None
    if d.unconsumed_tail:
        raise Malformed("gzip data inflates past the size limit")
    return out


class VulnDB:
    def __init__(
        self,
        url: str,
        transport: Getter,
        cache: ProxyCache | None = None,
        *,
        refresh: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.transport = transport
        self.cache = cache
        self.local = self.url.startswith("file:")
        # A local copy costs nothing to look at: it is checked every time.
        self.refresh = (0.0 if self.local else REFRESH) if refresh is None else refresh
        self.clock = clock or time.time
        self._index: Index | None = None
        self._checked: float | None = None
        self._failed: float | None = None  # when the last refresh failed
        self._tried_disk = False
        self.error = ""
        self._entries: dict[str, Entry] = {}
        self._lock: asyncio.Lock | None = None
        self.requests = 0  # requests made (for tests)

    async def lookup(self, modules: Iterable[ModuleVersion]) -> Snapshot:
        """The index (refreshed as due) and the entries that may affect these module versions."""
        index = await self.index()
        snap = Snapshot(self.url, index, checked=self._checked, error=self.error)
        if index is None:
            return snap
        ids = sorted(candidate_ids(index, modules))
        snap.entries, snap.missing = await self.entries(ids, index)
        return snap

    async def index(self) -> Index | None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            return await self._refresh_index()

    def _key(self, what: str) -> str:
        return f"vulndb|{self.url}|{what}"

    async def _refresh_index(self) -> Index | None:
        now = self.clock()
        if self._index is None and not self._tried_disk and self.cache is not None:
            self._tried_disk = True
            await asyncio.to_thread(self._load_cached_index)
        retry = 0.0 if self.local else RETRY_AFTER
        if self._fresh(now) or (self._failed is not None and 0 <= now - self._failed < retry):
            return self._index
        try:
            try:
                db = await self._get("index/db")
            except Unavailable as e:
                if e.not_found:
                    raise Unavailable(f"{e}: not a vulnerability database in the v1 layout") from None
                raise
            modified = parse_db_modified(inflate(db))
            if self._index is None or self._index.modified != modified:
                data = await self._get("index/modules")
                index = await self._decode(data, lambda d: parse_modules(d, modified))
                for reason in index.skipped:
                    log.warning("vulnerability database %s: skipping %s", self.url, reason)
                self._index = index
                if self.cache is not None:
                    await asyncio.to_thread(self.cache.put, self._key("modules"), data, modified.isoformat())
            self._checked = now
            self._failed = None
            self.error = ""
            if self.cache is not None:
                self.cache.put(self._key("db"), db, repr(now))
        except (Unavailable, Malformed) as e:
            self.error = str(e)
            self._failed = now
            log.info("vulnerability database %s: %s", self.url, e)
        return self._index

    def _fresh(self, now: float) -> bool:
        return (
            self._index is not None and self._checked is not None and 0 <= now - self._checked < self.refresh
        )

    def _load_cached_index(self) -> None:
        """The index as last fetched, with the time the database last confirmed it."""
        assert self.cache is not None
        db = self.cache.get(self._key("db"))
        modules = self.cache.get(self._key("modules"))
        if db is None or db.data is None or modules is None or modules.data is None:
            return
        try:
            modified = parse_db_modified(inflate(db.data))
            checked = float(db.message)
            if modules.message != modified.isoformat():
                return  # (an index from before the last db.json: fetch it again)
            self._index = parse_modules(inflate(modules.data), modified)
            self._checked = checked
        except (Malformed, ValueError) as e:
            log.warning("vulnerability database cache: dropping an unreadable index: %s", e)

    async def entries(self, ids: Iterable[str], index: Index) -> tuple[dict[str, Entry], dict[str, str]]:
        """The entries of `ids` as up to date as the index says they are, and why the others
        could not be read."""
        ids = list(dict.fromkeys(ids))
        wanted = [i for i in ids if not self._current(self._entries.get(i), index)]
        if wanted and self.cache is not None:
            await asyncio.to_thread(self._load_cached_entries, wanted)
        missing: dict[str, str] = {}
        due = [i for i in ids if not self._current(self._entries.get(i), index)]
        fetched: dict[str, bytes] = {}
        got = await asyncio.gather(*(self._fetch_entry(i, fetched) for i in due))
        for entry_id, problem in zip(due, got, strict=True):
            if problem and entry_id not in self._entries:
                missing[entry_id] = problem
        if fetched and self.cache is not None:
            await asyncio.to_thread(self._store_entries, fetched)
        return {i: self._entries[i] for i in ids if i in self._entries}, missing

    def _store_entries(self, fetched: dict[str, bytes]) -> None:
        assert self.cache is not None
        for entry_id, data in fetched.items():
            self.cache.put(self._key("ID/" + entry_id), data)

    @staticmethod
    def _current(entry: Entry | None, index: Index) -> bool:
        if entry is None:
            return False
        modified = index.entry_modified.get(entry.id)
        return modified is None or entry.modified >= modified

    def _load_cached_entries(self, ids: list[str]) -> None:
        assert self.cache is not None
        for entry_id in ids:
            hit = self.cache.get(self._key("ID/" + entry_id))
            if hit is None or hit.data is None:
                continue
            try:
                entry = parse_entry(inflate(hit.data))
            except Malformed:
                continue
            if entry.id == entry_id:
                self._entries[entry_id] = entry

    async def _fetch_entry(self, entry_id: str, fetched: dict[str, bytes]) -> str:
        """Fetch and keep one entry (its bytes go to `fetched`, for the disk cache); "" or why
        it could not be had (a stale copy stays)."""
        try:
            data = await self._get("ID/" + entry_id)
            entry = await self._decode(data, parse_entry)
        except (Unavailable, Malformed) as e:
            if isinstance(e, Malformed):
                log.warning("vulnerability database %s: skipping %s: %s", self.url, entry_id, e)
            return str(e)
        if entry.id != entry_id:
            reason = f"ID/{entry_id}.json holds entry {entry.id}"
            log.warning("vulnerability database %s: skipping %s", self.url, reason)
            return reason
        self._entries[entry_id] = entry
        fetched[entry_id] = data
        return ""

    async def _decode(self, body: bytes, parse: Callable[[bytes], T]) -> T:
        """parse(inflate(body)), off the event loop when there is much of it."""
        if len(body) > PARSE_IN_THREAD:
            return await asyncio.to_thread(lambda: parse(inflate(body)))
        return parse(inflate(body))

    async def _get(self, endpoint: str) -> bytes:
        """The answer for an endpoint ("index/db", "ID/GO-2022-0229"), gzipped or not."""
        suffixes = (".json", ".json.gz") if self.local else (".json.gz", ".json")
        for suffix in suffixes:
            url = f"{self.url}/{endpoint}{suffix}"
            self.requests += 1
            try:
                response = await self.transport.get(url)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # (whatever the transport raises: the database is down)
                if isinstance(e, TransportError):  # (worded like Go's: `Get "URL": ...`)
                    raise Unavailable(str(e)) from None
                raise Unavailable(f"reading {url}: {e or type(e).__name__}") from None
            if response.status == 200:
                return response.body
            if response.status not in (404, 410):
                raise Unavailable(f"reading {url}: {response.status} {response.reason}".rstrip())
        raise Unavailable(f"{self.url}/{endpoint}.json: not found", not_found=True)
