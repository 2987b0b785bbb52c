"""The GOPROXY list as the go command reads it (modfetch.proxyList, TryProxies, lookup).

`,` after an entry falls through to the next one only when the module or version does not
exist there (404/410); `|` falls through on any error; `off` stops with an error; `direct`
means version control, which the user's go command reaches for gomodls (a `DirectRoute`); where
it cannot run, such modules come only from the module cache. Modules matching GONOPROXY (default
GOPRIVATE) are never sent to a proxy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

from gomodls.module.paths import match_prefix_patterns

OFF, DIRECT, NOPROXY = "off", "direct", "noproxy"


@dataclass(frozen=True, slots=True)
class ProxySpec:
    url: str  # a URL, or OFF / DIRECT / NOPROXY
    fall_back_on_error: bool = False


class FetchError(Exception):
    """A failed lookup with the go command's wording. `not_exist` errors let `,` fall through.
    `bare` errors come from no proxy at all (GOPROXY=off, GONOPROXY routing): the go command
    prints them without the "path@version: " a proxy's answer gets when a version's .info is
    looked up (modfetch's errRepo)."""

    def __init__(self, message: str, *, not_exist: bool = False, bare: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.not_exist = not_exist
        self.bare = bare

    def __str__(self) -> str:
        return self.message


class BadGoProxy(ValueError):
    pass


class DirectRoute(Protocol):
    """The `direct` entry: the proxy protocol's questions (`@v/list`, `@latest`,
    `@v/VERSION.info`, `@v/VERSION.mod`) answered from version control, in a proxy's format
    (gomodls.gocommand.direct asks the go command). Failures raise FetchError."""

    @property
    def key(self) -> str:
        """What the answers depend on (the variables that route and allow version control)."""
        ...

    async def get(self, path: str, suffix: str) -> bytes: ...


NO_GO = "no go command was found on PATH"  # why there may be no DirectRoute


def no_direct_route(reason: str) -> FetchError:
    """The error for a module only version control has, when the go command cannot be asked."""
    return FetchError(
        "gomodls fetches modules from version control (GOPROXY=direct or GOPRIVATE/GONOPROXY) "
        f"through the go command, but {reason}: only the module cache is used",
        bare=True,
    )


def parse_goproxy(goproxy: str, gonoproxy: str = "") -> list[ProxySpec]:
    out: list[ProxySpec] = []
    if gonoproxy and goproxy != DIRECT:
        out.append(ProxySpec(NOPROXY))
    rest = goproxy
    while rest:
        cut = min((i for i in (rest.find(","), rest.find("|")) if i >= 0), default=-1)
        if cut >= 0:
            url, fall_back, rest = rest[:cut], rest[cut] == "|", rest[cut + 1 :]
        else:
            url, fall_back, rest = rest, False, ""
        url = url.strip()
        if not url:
            continue
        if url in (OFF, DIRECT):
            out.append(ProxySpec(url))
            break  # nothing after off or direct is ever consulted
        if (
            any(c in url for c in ".:/")
            and ":/" not in url
            and not os.path.isabs(url)
            and not url.startswith("/")
        ):
            url = "https://" + url
        if not (url.startswith(("https://", "http://", "file://"))):
            raise BadGoProxy(f"invalid proxy URL missing scheme: {url}")
        out.append(ProxySpec(url, fall_back))
    if not out or (len(out) == 1 and out[0].url == NOPROXY):
        raise BadGoProxy("GOPROXY list is not the empty string, but contains no entries")
    return out


def route(spec: ProxySpec, path: str, gonoproxy: str) -> str | FetchError:
    """Where `path` may be fetched through this entry: the proxy URL, DIRECT (version control),
    or the error the go command would get (modfetch.lookup)."""
    private = bool(gonoproxy) and match_prefix_patterns(gonoproxy, path)
    if private and spec.url not in (NOPROXY, DIRECT):
        return FetchError("disabled by GOPRIVATE/GONOPROXY", not_exist=True, bare=True)
    if spec.url == OFF:
        return FetchError("module lookup disabled by GOPROXY=off", not_exist=True, bare=True)
    if spec.url in (DIRECT, NOPROXY) and (private or spec.url == DIRECT):
        return DIRECT
    if spec.url == NOPROXY:
        return FetchError("path does not match GOPRIVATE/GONOPROXY", not_exist=True, bare=True)
    return spec.url


def better(best: tuple[int, FetchError] | None, spec: ProxySpec, err: FetchError) -> tuple[int, FetchError]:
    """TryProxies' choice of the error to report: direct/noproxy, then real proxy errors, then
    not-found."""
    if spec.url == DIRECT or (
        spec.url == NOPROXY and err.message != "path does not match GOPRIVATE/GONOPROXY"
    ):
        rank = 2
    elif not err.not_exist:
        rank = 1
    else:
        rank = 0
    return (rank, err) if best is None or rank >= best[0] else best
