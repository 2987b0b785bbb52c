"""Getting bytes from a proxy URL: https:// and http:// through one shared httpx client
(connection reuse), file:// from disk. A concurrency limit, timeouts, retries with exponential
backoff and jitter on 5xx answers and network errors, one request per URL at a time
(single-flight), and basic auth from .netrc for private proxies (GOAUTH=netrc, the default)."""

from __future__ import annotations

import asyncio
import logging
import netrc
import os
import random
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx  # imported on first use: the server starts faster without it

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    reason: str = ""
    content_type: str = ""  # the Content-Type header (the go command shows text/plain error bodies)


class TransportError(Exception):
    """The request did not produce an answer (network error, timeout)."""


class Transport:
    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        concurrency: int = 16,
        timeout: float = 15.0,
        retries: int = 3,
        backoff: float = 0.25,
        goauth: str = "netrc",
    ) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self._limit = asyncio.Semaphore(concurrency)
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._inflight: dict[str, asyncio.Future[Response]] = {}
        self._client: httpx.AsyncClient | None = None
        self._netrc = self._load_netrc() if goauth.split()[:1] in (["netrc"], []) else None
        self.requests = 0  # requests that reached the network or disk (for tests and stats)

    def _load_netrc(self) -> netrc.netrc | None:
        path = self.environ.get("NETRC") or os.path.join(self.environ.get("HOME", ""), ".netrc")
        try:
            return netrc.netrc(path) if os.path.isfile(path) else None
        except (netrc.NetrcParseError, OSError) as e:
            log.warning("ignoring %s: %s", path, e)
            return None

    def _auth(self, url: str) -> tuple[str, str] | None:
        if self._netrc is None:
            return None
        host = urllib.parse.urlsplit(url).hostname or ""
        found = self._netrc.authenticators(host)
        if not found:
            return None
        login, _, password = found
        return login or "", password or ""

    async def get(self, url: str) -> Response:
        """GET `url`; concurrent callers for the same URL share one request."""
        pending = self._inflight.get(url)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._inflight[url] = future
        try:
            result = await self._get(url)
        except BaseException as e:
            if not future.done():
                future.set_exception(e if isinstance(e, Exception) else TransportError(str(e)))
                future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        else:
            future.set_result(result)
            return result
        finally:
            self._inflight.pop(url, None)

    async def _get(self, url: str) -> Response:
        if url.startswith("file://"):
            return await asyncio.to_thread(_read_file, url)
        import httpx

        attempt = 0
        while True:
            try:
                async with self._limit:
                    self.requests += 1
                    response = await self._http(url)
                if response.status < 500 or attempt >= self._retries:
                    return response
            except (httpx.TimeoutException, httpx.TransportError) as e:
                if attempt >= self._retries:
                    raise TransportError(f"{type(e).__name__}: {e}" if str(e) else type(e).__name__) from e
            attempt += 1
            delay = self._backoff * (2 ** (attempt - 1))
            await asyncio.sleep(delay + random.uniform(0, delay))

    async def _http(self, url: str) -> Response:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 5.0)),
                follow_redirects=True,
                trust_env=False,
                headers={"User-Agent": "gomodls"},
            )
        auth = self._auth(url)
        r = await self._client.get(url, auth=auth)
        return Response(
            r.status_code, r.content[:MAX_BODY], r.reason_phrase, r.headers.get("content-type", "")
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _read_file(url: str) -> Response:
    import urllib.request  # (with its http and email modules: only file:// proxies need it)

    path = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
    try:
        with open(path, "rb") as fh:
            return Response(200, fh.read(MAX_BODY), "OK")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return Response(404, b"", "no such file or directory")
    except OSError as e:
        return Response(500, b"", e.strerror or str(e))
