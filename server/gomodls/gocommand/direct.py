"""The `direct` entry of GOPROXY, answered by the user's go command: the questions the fetcher
asks a module proxy (`@v/list`, `@latest`, `@v/VERSION.info`, `@v/VERSION.mod`), with the
answers in the proxy's format, so that everything the fetcher does with a proxy's answers
(caching, stale answers when offline, the go command's error wording) is the same for modules
that come from version control."""

from __future__ import annotations

import json

from gomodls.gocommand.modquery import GoQueryError, ListedModule, ModQuery
from gomodls.module.errors import GoError
from gomodls.module.paths import unescape_version
from gomodls.resolve.proxies import FetchError


def _info(listed: ListedModule) -> bytes:
    return json.dumps({"Version": listed.version, "Time": listed.time}).encode()


class GoCommandDirect:
    """resolve.proxies.DirectRoute through ModQuery."""

    def __init__(self, query: ModQuery) -> None:
        self.query = query

    @property
    def key(self) -> str:
        return self.query.key

    async def get(self, path: str, suffix: str) -> bytes:
        try:
            if suffix == "@v/list":
                return "".join(v + "\n" for v in await self.query.versions(path)).encode()
            if suffix == "@latest":
                return _info(await self.query.latest(path))
            name = suffix.removeprefix("@v/")
            escaped, dot, ext = name.rpartition(".")
            if not suffix.startswith("@v/") or not dot or ext not in ("info", "mod"):
                raise FetchError(f"no such proxy request: {suffix}")
            version = unescape_version(escaped)
            if ext == "mod":
                return await self.query.go_mod(path, version)
            try:
                listed = await self.query.info(path, version)
            except GoQueryError as e:
                # modfetch's Stat: a repository's errors are the version's ("invalid version:
                # ..."); those of finding the repository (GOVCS, no secure protocol, ...) are
                # printed bare, as for GOPROXY=off.
                raise FetchError(e.message, bare=not e.message.startswith("invalid version: ")) from None
            if listed.version != version:
                raise FetchError(f"the go command answered version {listed.version}")
            return _info(listed)
        except GoQueryError as e:
            raise FetchError(e.message) from None
        except GoError as e:
            raise FetchError(str(e)) from None
