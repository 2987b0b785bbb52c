"""`gomodls check --vulns`: the known vulnerabilities of each go.mod's build list.

Each module (or workspace) is resolved once, as `gomodls resolve` does (the go command's
environment, go.work when there is one); its build list goes to the vulnerability database
(GOVULNDB); the modules found affected get their versions and retractions looked up for the
fix; the module's own .go files say which affected packages it imports. What could not be
checked is said (`problems`), never passed over in silence."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from gomodls.analysis.findings import Finding
from gomodls.analysis.vulnchecks import assess, check_vulns, describe_age
from gomodls.base.files import DiskFiles
from gomodls.base.goenv import GoEnv
from gomodls.base.gosource import module_imports, reach
from gomodls.gocommand.toolchain import local_go
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.driver import Resolution, Resolver, SetupError, roots_for
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.modcache import ModCache
from gomodls.resolve.moduleinfo import ModuleFactsService
from gomodls.resolve.transport import Transport
from gomodls.vuln.client import BadVulnDB, VulnDB, database_url
from gomodls.vuln.sources import module_sources

__all__ = ["VulnReport", "check_files"]


@dataclass(slots=True)
class VulnReport:
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by go.mod path as given
    problems: list[str] = field(default_factory=list)  # what could not be checked
    notes: list[str] = field(default_factory=list)  # how far to trust what was checked


def check_files(gomods: Sequence[str], mode: str = "all") -> VulnReport:
    report = VulnReport()
    if gomods:
        asyncio.run(_check(list(gomods), mode, report))
    return report


async def _check(gomods: list[str], mode: str, report: VulnReport) -> None:
    env = GoEnv()
    try:
        url = database_url(env)
    except BadVulnDB as e:
        report.problems.append(f"{e}; vulnerabilities were not checked")
        return
    files = DiskFiles()
    cache = ProxyCache()
    transport = Transport(env.environ, goauth=env.get("GOAUTH"))
    fetcher = Fetcher(env, cache=cache, transport=transport)
    facts = ModuleFactsService(fetcher)
    db = VulnDB(url, transport, cache)
    go = local_go()
    mod = env.goflag("mod")
    try:
        by_root: dict[str, tuple[object, Resolution | str]] = {}
        for gomod in gomods:
            directory = os.path.dirname(os.path.abspath(gomod))
            try:
                roots = roots_for(directory, env, files)
            except SetupError as e:
                report.problems.append(f"{gomod}: vulnerabilities not checked: {str(e).splitlines()[0]}")
                continue
            key = roots.work.path if roots.work is not None else roots.mains[0].dir
            if key not in by_root:
                resolver = Resolver(fetcher, files, cwd=directory)
                # The build list the go command uses: where go.mod needs updates, after them
                # (-mod=mod; a workspace cannot be updated, -mod=readonly there).
                resolution = await resolver.resolve(
                    roots,
                    mod_mode="readonly" if roots.work is not None else "mod",
                    mod_explicit=mod is not None,
                    gotoolchain=env.get("GOTOOLCHAIN"),
                    local_go=go.version if go else None,
                    check_sums=False,
                )
                errors = resolution.result.errors
                by_root[key] = (
                    roots,
                    errors[0].removeprefix("go: ").splitlines()[0] if errors else resolution,
                )
            outcome = by_root[key][1]
            if isinstance(outcome, str):
                report.problems.append(f"{gomod}: vulnerabilities not checked: {outcome}")
                continue
            await _check_one(gomod, directory, outcome, db, facts, mode, report, env)
    finally:
        await transport.close()


async def _check_one(
    gomod: str,
    directory: str,
    resolution: Resolution,
    db: VulnDB,
    facts: ModuleFactsService,
    mode: str,
    report: VulnReport,
    env: GoEnv,
) -> None:
    result = resolution.result
    modules = [(mi.replace or mi).module_version for mi in result.modules if not mi.main]
    snapshot = await db.lookup(modules)
    if snapshot.index is None:
        problem = (
            f"vulnerability database {db.url} unavailable: {snapshot.error}; vulnerabilities were not checked"
        )
        if problem not in report.problems:
            report.problems.append(problem)
        return
    if snapshot.stale:
        note = f"vulnerability data from {describe_age(snapshot.age())} ({snapshot.error.splitlines()[0]})"
        if note not in report.notes:
            report.notes.append(note)
    paths = sorted(
        {
            mi.path
            for mi in result.modules
            if (v := snapshot.vulns((mi.replace or mi).module_version)) and v.entries
        }
    )
    await asyncio.gather(*(facts.facts(p) for p in paths), return_exceptions=True)
    text = DiskFiles().read_text(os.path.abspath(gomod)) or ""
    model = parse_text(text, FileKind.MOD, gomod).model
    if not isinstance(model, ModFile):
        return
    imports = await asyncio.to_thread(module_imports, directory)
    reached = await asyncio.to_thread(reach, *module_sources(result, ModCache(env.get("GOMODCACHE"))))
    assessment = assess(
        result,
        snapshot,
        facts.known,
        excluded={(x.mod.path, x.mod.version) for x in model.exclude},
        imports=imports,
        reached=reached.packages,
        reach_complete=reached.complete,
    )
    report.findings[gomod] = check_vulns(model, assessment, mode)
