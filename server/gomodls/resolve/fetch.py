"""Fetching what module resolution needs — version lists, `.info`, `.mod` and `@latest` — the
way the go command finds them: the local module cache first (read-only), then gomodls's own
cache, then the proxies of GOPROXY (with GONOPROXY/GOPRIVATE privacy) and, for `direct`, version
control through the user's go command (a DirectRoute given by the caller). Everything is async
and cancellable; tests replace the transport or point GOPROXY at a file:// directory or a local
HTTP server."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from gomodls.base.goenv import GoEnv
from gomodls.module.errors import GoError
from gomodls.module.paths import escape_path, escape_version
from gomodls.resolve.cache import ABSENT_TTL, DEFAULT_LIST_TTL, ProxyCache
from gomodls.resolve.modcache import ModCache, Stamp
from gomodls.resolve.proxies import (
    DIRECT,
    NO_GO,
    BadGoProxy,
    DirectRoute,
    FetchError,
    ProxySpec,
    better,
    no_direct_route,
    parse_goproxy,
    route,
)
from gomodls.resolve.transport import Response, Transport, TransportError, redacted
from gomodls.resolve.versionlist import parse_version_list_async


@dataclass(frozen=True, slots=True)
class Info:
    version: str
    time: str  # RFC 3339, as the proxy gave it ("" if unknown)


def parse_info(data: bytes) -> Info:
    try:
        obj = json.loads(data)
    except ValueError:
        raise FetchError("invalid .info file: not JSON") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("Version"), str):
        raise FetchError("invalid .info file: no Version")
    return Info(obj["Version"], obj.get("Time") if isinstance(obj.get("Time"), str) else "")


def _check_plausible(path: str, version: str, ext: str, data: bytes) -> None:
    """Refuse to keep what cannot be a .info or .mod file (a proxy or a network in between sent
    something else): the cache keeps content for good, so garbage would outlive the fault. The
    next need asks again."""
    if ext == ".info":
        parse_info(data)
    elif ext == ".mod":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise FetchError(
                f"{path}@{version}: invalid go.mod file from the proxy: not UTF-8 text"
            ) from None


class Fetcher:
    def __init__(
        self,
        env: GoEnv,
        *,
        cache: ProxyCache | None = None,
        transport: Transport | None = None,
        list_ttl: float = DEFAULT_LIST_TTL,
        direct: DirectRoute | None = None,
        no_direct: str = NO_GO,
    ) -> None:
        """`direct` answers for version control; without it, `no_direct` says why (it ends
        "... through the go command, but <no_direct>: only the module cache is used")."""
        self.env = env
        self.modcache = ModCache(env.get("GOMODCACHE"))
        self.cache = cache
        self.transport = transport or Transport(env.environ, goauth=env.get("GOAUTH"))
        self.list_ttl = list_ttl
        self.goproxy = env.get("GOPROXY")
        self.gonoproxy = env.get("GONOPROXY")
        self.direct = direct
        self.no_direct = no_direct
        self.without_direct: set[str] = set()  # module paths that needed the go command it lacked
        # Version lists taken from the module cache because the route failed: path -> why.
        self.local_lists: dict[str, str] = {}
        # Answers that may change (and absences) depend on the route, and for version control on
        # what allows and routes it (GOVCS, GOINSECURE, GOPRIVATE, ...).
        self._route_key = f"{self.goproxy}|{self.gonoproxy}|{direct.key if direct else ''}"
        try:
            self.specs: list[ProxySpec] | None = parse_goproxy(self.goproxy, self.gonoproxy)
            self.spec_error = ""
        except BadGoProxy as e:
            self.specs, self.spec_error = None, str(e)

    # Immutable content: module cache, then our cache, then the proxies.

    async def mod(self, path: str, version: str) -> bytes:
        return await self._immutable(path, version, ".mod")

    async def info(self, path: str, version: str) -> Info:
        return parse_info(await self._immutable(path, version, ".info"))

    def cached(self, path: str, version: str, ext: str) -> tuple[bytes, Stamp] | None:
        """The `.mod` or `.info` of path@version if the module cache or gomodls's cache has it:
        no request, no waiting. With the module cache file's stamp (None: from gomodls's cache)."""
        local = self.modcache.read_stamped(path, version, ext)
        if local is not None:
            return local
        hit = self.cache.get(f"v1|{ext}|{path}|{version}") if self.cache else None
        return (hit.data, None) if hit is not None and hit.data is not None else None

    async def _immutable(self, path: str, version: str, ext: str) -> bytes:
        local = self.cached(path, version, ext)
        if local is not None:
            return local[0]
        key = f"v1|{ext}|{path}|{version}"
        # The content of a version is the same at every proxy; its absence is not: another
        # GOPROXY may have it (and the message names the proxy).
        absent_key = f"v1|absent|{self._route_key}|{ext}|{path}|{version}"
        if self.cache:
            hit = self.cache.get(absent_key)
            if hit is not None and hit.age() < ABSENT_TTL:
                raise FetchError(hit.message, not_exist=True)
        try:
            suffix = escape_version(version) + ext
        except GoError as e:
            raise FetchError(str(e)) from None
        try:
            data = await self._from_proxies(path, f"@v/{suffix}")
        except FetchError as e:
            if e.not_exist and not e.bare and self.cache:  # (bare ones cost no request)
                self.cache.put(absent_key, None, e.message)
            raise
        _check_plausible(path, version, ext, data)
        if self.cache:
            self.cache.put(key, data)
        return data

    # Changing content: versions and latest, with a TTL and stale answers when offline.

    async def versions(self, path: str) -> list[str]:
        return await parse_version_list_async(path, await self._changing(path, "@v/list"))

    async def latest(self, path: str) -> Info:
        return parse_info(await self._changing(path, "@latest"))

    async def _changing(self, path: str, suffix: str) -> bytes:
        key = f"v1|{self._route_key}|{suffix}|{path}"
        hit = self.cache.get(key) if self.cache else None
        if hit is not None and hit.age() < (self.list_ttl if hit.data is not None else ABSENT_TTL):
            if hit.data is None:
                raise FetchError(hit.message, not_exist=True)
            return hit.data
        try:
            data = await self._from_proxies(path, suffix)
        except FetchError as e:
            if hit is not None and hit.data is not None:
                return hit.data  # stale, but the network failed
            if suffix == "@v/list":
                local = self.modcache.versions(path)
                if local:
                    self.local_lists[path] = e.message
                    return "\n".join(local).encode()
            if e.not_exist and not e.bare and self.cache:
                self.cache.put(key, None, e.message)
            raise
        if self.cache:
            self.cache.put(key, data)
        return data

    async def _from_proxies(self, path: str, suffix: str) -> bytes:
        if self.specs is None:
            raise FetchError(f"GOPROXY={self.goproxy}: {self.spec_error}")
        try:
            escaped = escape_path(path)
        except GoError as e:
            raise FetchError(str(e)) from None
        best: tuple[int, FetchError] | None = None
        for spec in self.specs:
            target = route(spec, path, self.gonoproxy)
            if isinstance(target, FetchError):
                err = target
            elif target == DIRECT:
                if self.direct is None:
                    self.without_direct.add(path)
                    err = no_direct_route(self.no_direct)
                else:
                    try:
                        return await self.direct.get(path, suffix)
                    except FetchError as e:
                        err = e
            else:
                url = proxy_url(target, f"{escaped}/{suffix}")
                try:
                    # A "|" after this proxy: any error moves on to the next one at once.
                    response = await self.transport.get(url, retry=not spec.fall_back_on_error)
                except TransportError as e:
                    err = FetchError(str(e))  # (Go's url.Error: `Get "URL": ...`)
                else:
                    if response.status == 200:
                        return response.body
                    err = http_error(url, response)
            best = better(best, spec, err)
            if not spec.fall_back_on_error and not err.not_exist:
                break
        assert best is not None
        raise best[1]

    async def close(self) -> None:
        await self.transport.close()


def proxy_url(base: str, rel: str) -> str:
    """The URL the go command requests and names in its messages (modfetch.proxyRepo): rel
    appended to the proxy's path, the whole path escaped as Go's url.URL.String() does — so
    case escaping's "!" is "%21", in file:// URLs too."""
    parts = urlsplit(base)
    path = unquote(parts.path).rstrip("/") + "/" + rel
    return urlunsplit((parts.scheme, parts.netloc, quote(path, safe="/$&+,:;=@"), parts.query, ""))


def http_error(url: str, response: Response) -> FetchError:
    """web.HTTPError's message: the URL and status, and for a text/plain body its first lines
    (as the go command shows them: what a proxy says about a module it refuses)."""
    not_exist = response.status in (404, 410)
    url = redacted(url)
    if url.startswith("file://"):
        return FetchError(f"reading {url}: {response.reason}", not_exist=not_exist)
    message = f"reading {url}: {response.status} {response.reason}".rstrip()
    detail = _error_detail(response)
    if detail:
        message += "\n\tserver response:" + ("\n\t" if "\n" in detail else " ") + detail
    return FetchError(message, not_exist=not_exist)


MAX_DETAIL_LINES = 8
MAX_DETAIL_BYTES = MAX_DETAIL_LINES * 81


def _error_detail(response: Response) -> str:
    """web.Response.formatErrorDetail: only text/plain UTF-8 bodies, never control characters
    (a server must not drive the user's terminal), up to the first blank line, truncated."""
    media, _, params = response.content_type.partition(";")
    if media.strip().lower() != "text/plain":
        return ""
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset not in ("", "us-ascii", "utf-8"):
        return ""
    try:
        text = response.body.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if any(not (c.isprintable() or c.isspace() or unicodedata.category(c) == "Zs") for c in text):
        return ""
    out = ""
    for i, line in enumerate(text.split("\n")):
        if not line.strip():
            break
        if i > 0:
            out += "\n\t"
        if i >= MAX_DETAIL_LINES:
            out += "[Truncated: too many lines.]"
            break
        if len(out.encode()) + len(line.encode()) > MAX_DETAIL_BYTES:
            out += "[Truncated: too long.]"
            break
        out += line
    return out
