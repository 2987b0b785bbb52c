"""Fetching what module resolution needs — version lists, `.info`, `.mod` and `@latest` — the
way the go command finds them: the local module cache first (read-only), then gomodls's own
cache, then the proxies of GOPROXY (with GONOPROXY/GOPRIVATE privacy). Everything is async and
cancellable; tests replace the transport or point GOPROXY at a file:// directory or a local
HTTP server."""

from __future__ import annotations

import json
from dataclasses import dataclass

from gomodls.goenv import GoEnv
from gomodls.module import semver
from gomodls.module.errors import GoError
from gomodls.module.paths import escape_path, escape_version
from gomodls.resolve.cache import ABSENT_TTL, DEFAULT_LIST_TTL, ProxyCache
from gomodls.resolve.modcache import ModCache
from gomodls.resolve.proxies import BadGoProxy, FetchError, ProxySpec, better, parse_goproxy, route
from gomodls.resolve.transport import Transport, TransportError


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


class Fetcher:
    def __init__(
        self,
        env: GoEnv,
        *,
        cache: ProxyCache | None = None,
        transport: Transport | None = None,
        list_ttl: float = DEFAULT_LIST_TTL,
    ) -> None:
        self.env = env
        self.modcache = ModCache(env.get("GOMODCACHE"))
        self.cache = cache
        self.transport = transport or Transport(env.environ, goauth=env.get("GOAUTH"))
        self.list_ttl = list_ttl
        self.goproxy = env.get("GOPROXY")
        self.gonoproxy = env.get("GONOPROXY")
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

    async def _immutable(self, path: str, version: str, ext: str) -> bytes:
        local = self.modcache.read(path, version, ext)
        if local is not None:
            return local
        key = f"v1|{ext}|{path}|{version}"
        hit = self.cache.get(key) if self.cache else None
        if hit is not None and hit.data is not None:
            return hit.data
        if hit is not None and hit.age() < ABSENT_TTL:
            raise FetchError(hit.message, not_exist=True)
        try:
            suffix = escape_version(version) + ext
        except GoError as e:
            raise FetchError(str(e)) from None
        try:
            data = await self._from_proxies(path, f"@v/{suffix}")
        except FetchError as e:
            if e.not_exist and self.cache:
                self.cache.put(key, None, e.message)
            raise
        if self.cache:
            self.cache.put(key, data)
        return data

    # Changing content: versions and latest, with a TTL and stale answers when offline.

    async def versions(self, path: str) -> list[str]:
        data = await self._changing(path, "@v/list")
        listed = [f.split()[0] for f in data.decode(errors="replace").splitlines() if f.strip()]
        return sorted({v for v in listed if semver.is_valid(v)}, key=semver.sort_key)

    async def latest(self, path: str) -> Info:
        return parse_info(await self._changing(path, "@latest"))

    async def _changing(self, path: str, suffix: str) -> bytes:
        key = f"v1|{self.goproxy}|{self.gonoproxy}|{suffix}|{path}"
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
                    return "\n".join(local).encode()
            if e.not_exist and self.cache:
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
            else:
                url = f"{target.rstrip('/')}/{escaped}/{suffix}"
                try:
                    response = await self.transport.get(url)
                except TransportError as e:
                    err = FetchError(f"reading {url}: {e}")
                else:
                    if response.status == 200:
                        return response.body
                    err = _http_error(url, response.status, response.reason, response.body)
            best = better(best, spec, err)
            if not spec.fall_back_on_error and not err.not_exist:
                break
        assert best is not None
        raise best[1]

    async def close(self) -> None:
        await self.transport.close()


def _http_error(url: str, status: int, reason: str, body: bytes) -> FetchError:
    not_exist = status in (404, 410)
    if url.startswith("file://"):
        return FetchError(f"reading {url}: {reason}", not_exist=not_exist)
    message = f"reading {url}: {status} {reason}".rstrip()
    text = body.decode(errors="replace").strip()
    if text:
        message += f"\n\tserver response: {text[:1000]}"
    return FetchError(message, not_exist=not_exist)
