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

from gomodls.analysis.findings import Finding, Fix
from gomodls.analysis.vulnchecks import assess, check_vulns, describe_age
from gomodls.base.files import DiskFiles
from gomodls.base.goenv import GoEnv
from gomodls.base.gosource import module_imports, reach
from gomodls.base.textedit import TextEdit, line_edits
from gomodls.gocommand.toolchain import local_go
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.resolve.cache import ProxyCache
from gomodls.resolve.driver import Resolution, Resolver, SetupError, roots_for
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.modcache import ModCache
from gomodls.resolve.moduleinfo import ModuleFactsService
from gomodls.resolve.transport import Transport
from gomodls.resolve.upgradeplan import plan_upgrade
from gomodls.vuln.client import BadVulnDB, VulnDB, database_url
from gomodls.vuln.sources import module_sources

__all__ = ["VulnReport", "check_files"]


@dataclass(slots=True)
class VulnReport:
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by go.mod path as given
    problems: list[str] = field(default_factory=list)  # what could not be checked
    notes: list[str] = field(default_factory=list)  # how far to trust what was checked


PLAN_TIMEOUT = 60.0  # seconds for the module graph of one upgrade


def check_files(gomods: Sequence[str], mode: str = "all", fixes: bool = False) -> VulnReport:
    """The findings of each go.mod; with `fixes`, each carries the edit of its upgrade (a
    resolution per affected module: only what SARIF output shows)."""
    report = VulnReport()
    if gomods:
        asyncio.run(_check(list(gomods), mode, fixes, report))
    return report


@dataclass(slots=True)
class _Run:
    env: GoEnv
    files: DiskFiles
    fetcher: Fetcher
    facts: ModuleFactsService
    db: VulnDB
    options: dict[str, object]
    mode: str
    fixes: bool
    report: VulnReport


async def _check(gomods: list[str], mode: str, fixes: bool, report: VulnReport) -> None:
    env = GoEnv()
    try:
        url = database_url(env)
    except BadVulnDB as e:
        report.problems.append(f"{e}; vulnerabilities were not checked")
        return
    cache = ProxyCache()
    transport = Transport(env.environ, goauth=env.get("GOAUTH"))
    fetcher = Fetcher(env, cache=cache, transport=transport)
    go = local_go()
    options: dict[str, object] = {
        "mod_explicit": env.goflag("mod") is not None,
        "gotoolchain": env.get("GOTOOLCHAIN"),
        "local_go": go.version if go else None,
        "check_sums": False,
    }
    run = _Run(
        env,
        DiskFiles(),
        fetcher,
        ModuleFactsService(fetcher),
        VulnDB(url, transport, cache),
        options,
        mode,
        fixes,
        report,
    )
    try:
        by_root: dict[str, Resolution | str] = {}
        for gomod in gomods:
            directory = os.path.dirname(os.path.abspath(gomod))
            try:
                roots = roots_for(directory, env, run.files)
            except SetupError as e:
                report.problems.append(f"{gomod}: vulnerabilities not checked: {str(e).splitlines()[0]}")
                continue
            key = roots.work.path if roots.work is not None else roots.mains[0].dir
            if key not in by_root:
                # The build list the go command uses: where go.mod needs updates, after them
                # (-mod=mod; a workspace cannot be updated, -mod=readonly there).
                mode_flag = "readonly" if roots.work is not None else "mod"
                resolution = await Resolver(fetcher, run.files, cwd=directory).resolve(
                    roots,
                    mod_mode=mode_flag,
                    **options,  # type: ignore[arg-type]
                )
                errors = resolution.result.errors
                by_root[key] = errors[0].removeprefix("go: ").splitlines()[0] if errors else resolution
            outcome = by_root[key]
            if isinstance(outcome, str):
                report.problems.append(f"{gomod}: vulnerabilities not checked: {outcome}")
                continue
            await _check_one(run, gomod, directory, outcome)
    finally:
        await transport.close()


async def _check_one(run: _Run, gomod: str, directory: str, resolution: Resolution) -> None:
    result, report = resolution.result, run.report
    modules = [(mi.replace or mi).module_version for mi in result.modules if not mi.main]
    snapshot = await run.db.lookup(modules)
    if snapshot.index is None:
        problem = f"vulnerability database {run.db.url} unavailable: {snapshot.error}; vulnerabilities were not checked"
        if problem not in report.problems:
            report.problems.append(problem)
        return
    if snapshot.stale:
        note = f"vulnerability data from {describe_age(snapshot.age())} ({snapshot.error.splitlines()[0]})"
        if note not in report.notes:
            report.notes.append(note)
    affected = sorted(
        {
            mi.path
            for mi in result.modules
            if (v := snapshot.vulns((mi.replace or mi).module_version)) and v.entries
        }
    )
    await asyncio.gather(*(run.facts.facts(p) for p in affected), return_exceptions=True)
    path = os.path.abspath(gomod)
    text = run.files.read_text(path) or ""
    model = parse_text(text, FileKind.MOD, gomod).model
    if not isinstance(model, ModFile):
        return
    imports = await asyncio.to_thread(module_imports, directory)
    reached = await asyncio.to_thread(reach, *module_sources(result, ModCache(run.env.get("GOMODCACHE"))))
    assessment = assess(
        result,
        snapshot,
        run.facts.known,
        excluded={(x.mod.path, x.mod.version) for x in model.exclude},
        imports=imports,
        reached=reached.packages,
        reach_complete=reached.complete,
    )
    edits: dict[str, list[TextEdit]] = {}
    if run.fixes:
        resolver = Resolver(run.fetcher, run.files, cwd=directory)
        for mf in assessment.modules:
            if mf.fixed:
                new_text, note = await plan_upgrade(
                    text,
                    path,
                    {mf.module.path: mf.fixed},
                    run.env,
                    run.files,
                    resolver,
                    {**run.options, "mod_mode": "mod"},
                    PLAN_TIMEOUT,
                )
                if not note and new_text != text:
                    edits[mf.module.path] = line_edits(text, new_text)

    def upgrade_fix(title: str, targets: dict[str, str]) -> Fix | None:
        found = edits.get(next(iter(targets)))
        return Fix(title, {path: found}, True) if found else None

    report.findings[gomod] = check_vulns(model, assessment, run.mode, upgrade_fix)
