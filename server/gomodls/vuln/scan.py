"""What the vulnerability checks need to know about a resolved build list, gathered in one
pass for the command line and the editor alike: the database's answer (offline first), the
affected modules' versions and retractions (for the version that fixes them), what the main
modules' own .go files import, and the packages the build reaches through the dependencies'
sources (the module cache, directory replacements)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass

from gomodls.base.gosource import Reach, module_imports, reach
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.modcache import ModCache
from gomodls.resolve.moduleinfo import ModuleFacts, ModuleFactsService
from gomodls.resolve.result import Result
from gomodls.vuln.client import Snapshot, VulnDB

__all__ = ["Scan", "module_sources", "scan"]


@dataclass(slots=True)
class Scan:
    snapshot: Snapshot
    facts: dict[str, ModuleFacts | None]  # of the affected modules
    imports: set[str]  # by the main modules' own files
    reach: Reach


def build_list(result: Result) -> list[ModuleVersion]:
    """The module versions the build uses (a replacement's, when replaced)."""
    return [(mi.replace or mi).module_version for mi in result.modules if not mi.main]


async def scan(
    result: Result,
    db: VulnDB,
    facts: ModuleFactsService,
    *,
    facts_timeout: float | None = None,
    memo: dict[str, list[str]] | None = None,
) -> Scan:
    snapshot = await db.lookup(build_list(result))
    affected = sorted(
        {
            mi.path
            for mi in result.modules
            if (v := snapshot.vulns((mi.replace or mi).module_version)) and v.entries
        }
    )
    if affected:
        # (past the timeout, the fix is computed from the entries' fixed versions alone)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(facts.facts(p) for p in affected), return_exceptions=True), facts_timeout
            )
    known = {p: facts.known(p) for p in affected}
    cache = ModCache(facts.fetcher.env.get("GOMODCACHE"))

    def read() -> tuple[set[str], Reach]:
        mains, modules = module_sources(result, cache)
        imports: set[str] = set()
        for directory in mains.values():
            imports |= module_imports(directory)
        return imports, reach(mains, modules, memo=memo, memo_root=cache.root)

    imports, reached = await asyncio.to_thread(read)
    return Scan(snapshot, known, imports, reached)


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
