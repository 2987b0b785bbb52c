"""Where the source of each module of a build list is, for following imports through it."""

from __future__ import annotations

import os

from gomodls.resolve.graph import Result
from gomodls.resolve.modcache import ModCache

__all__ = ["module_sources"]


def module_sources(result: Result, cache: ModCache) -> tuple[dict[str, str], dict[str, str | None]]:
    """The main modules' directories by module path, and for every other module of the build
    list its directory replacement or its extracted copy in the module cache (None: not
    there, as after a resolution that only read go.mod files)."""
    mains = {mi.path: mi.dir for mi in result.modules if mi.main and mi.dir}
    modules: dict[str, str | None] = {}
    for mi in result.modules:
        if mi.main:
            continue
        used = mi.replace or mi
        directory = used.dir if used.dir and not used.version else cache.download_dir(used.path, used.version)
        modules[mi.path] = directory if directory and os.path.isdir(directory) else None
    return mains, modules
