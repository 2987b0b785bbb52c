"""A proxy's `@v/list` answer as the go command reads it (modfetch.proxyRepo.Versions): one
version per line, its first field; only valid semantic versions, deduplicated, in semver order.

Bounded: a list of more than MAX_VERSIONS lines is refused with one clear error (real modules list
at most a few thousand versions; a hostile or broken proxy could send millions), and a long list
is parsed and sorted in a worker thread so the event loop keeps answering."""

from __future__ import annotations

import asyncio

from gomodls.module import semver
from gomodls.resolve.proxies import FetchError

MAX_VERSIONS = 100_000
OFF_LOOP_BYTES = 64 * 1024  # a list longer than this is parsed and sorted in a worker thread


def parse_version_list(path: str, data: bytes) -> list[str]:
    lines = data.decode(errors="replace").splitlines()
    if len(lines) > MAX_VERSIONS:
        raise FetchError(
            f"{path}: version list too long ({len(lines)} lines; gomodls reads at most {MAX_VERSIONS})"
        )
    listed = [f.split()[0] for f in lines if f.strip()]
    return sorted({v for v in listed if semver.is_valid(v)}, key=semver.sort_key)


async def parse_version_list_async(path: str, data: bytes) -> list[str]:
    if len(data) > OFF_LOOP_BYTES:
        return await asyncio.to_thread(parse_version_list, path, data)
    return parse_version_list(path, data)
