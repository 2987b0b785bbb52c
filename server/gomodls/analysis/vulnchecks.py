"""Known vulnerabilities of the build list, as findings on the go.mod's requirements (pure: the
caller passes the graph, what the database said and what the module imports).

A requirement whose *selected* version (what the build uses, not only what is written) is
affected gets a finding; so, with mode "all", do the requirements of the main module that
bring in an affected module only present in the graph, with the chain that leads there.
A finding is a warning, or information when none of its entries' affected packages is
imported ("not imported by this module": by the module's own .go files, for its own
requirements; by any package its build reaches, when that is known), or when an entry the
index lists could not be read (then whether the version is affected is unknown). The fix
is an upgrade to the smallest version that fixes every entry that has a fix."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from gomodls.analysis.findings import Advisory, Finding, Fix, Severity
from gomodls.analysis.lines import args, line_range
from gomodls.modfile.errors import Range, token_range
from gomodls.modfile.model import ModFile, Require
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.graph import ModuleInfo, Result
from gomodls.resolve.moduleinfo import ModuleFacts
from gomodls.vuln.affects import fixing_version
from gomodls.vuln.client import Snapshot
from gomodls.vuln.match import ModuleVulns
from gomodls.vuln.osv import Entry

__all__ = ["ModuleFinding", "VulnView", "affected_modules", "check_vulns", "imports_entry"]

MODES = ("off", "direct", "all")


@dataclass(slots=True)
class VulnView:
    result: Result
    snapshot: Snapshot
    facts: Callable[[str], ModuleFacts | None] = lambda path: None
    # The import paths the module's own .go files import (None: not known).
    imports: Collection[str] | None = None
    # The packages the module's build reaches through imports (None: not known), and whether
    # that is all of them (every dependency's source was at hand).
    reached: Collection[str] | None = None
    reach_complete: bool = False
    mode: str = "all"
    # How an upgrade is offered: title and targets → a fix (None: none offered).
    upgrade_fix: Callable[[str, dict[str, str]], Fix | None] = lambda title, targets: None


@dataclass(slots=True)
class ModuleFinding:
    """An affected module of the build list: what is affected, and what fixes it."""

    module: ModuleInfo
    vulns: ModuleVulns
    fixed: str = ""  # the version to upgrade to ("" if none)
    fixes: list[Entry] = field(default_factory=list)  # the entries that version fixes


def _checked_version(mi: ModuleInfo) -> ModuleVersion:
    """The module version the build uses: the replacement's, when it is a module (a directory
    replacement has no version: nothing can be said about it)."""
    if mi.replace is not None:
        return ModuleVersion(mi.replace.path, mi.replace.version)
    return ModuleVersion(mi.path, mi.version)


def affected_modules(
    result: Result,
    snapshot: Snapshot,
    facts: Callable[[str], ModuleFacts | None],
    excluded: Callable[[str, str], bool] = lambda p, v: False,
) -> list[ModuleFinding]:
    out = []
    for mi in result.modules:
        if mi.main:
            continue
        checked = _checked_version(mi)
        vulns = snapshot.vulns(checked)
        if vulns is None:
            continue
        found = ModuleFinding(mi, vulns)
        if vulns.entries and mi.replace is None:
            f = facts(mi.path)
            found.fixed, found.fixes = fixing_version(
                vulns.entries,
                mi.path,
                mi.version,
                f.versions if f is not None else (),
                excluded=lambda v, p=mi.path: excluded(p, v),
                retracted=(lambda v, f=f: f.retraction(v) is not None)
                if f is not None
                else (lambda v: False),
            )
        out.append(found)
    return out


def imports_entry(entry: Entry, module: str, imports: Collection[str]) -> bool:
    """Whether any of the imports is an affected package of the entry (any package of the
    module when the entry lists none)."""
    for a in entry.affected_module(module):
        if a.packages:
            if any(p.path in imports for p in a.packages):
                return True
        elif any(i == module or i.startswith(module + "/") for i in imports):
            return True
    return False


def _version_token(r: Require) -> Range:
    a = args(r.syntax)
    return token_range(a[1]) if len(a) > 1 else line_range(r.syntax)


def check_vulns(model: ModFile, view: VulnView) -> list[Finding]:
    if view.mode == "off" or view.snapshot.index is None or view.result.graph is None:
        return []
    excluded = {(x.mod.path, x.mod.version) for x in model.exclude}
    found = affected_modules(view.result, view.snapshot, view.facts, lambda p, v: (p, v) in excluded)
    if not found:
        return []
    requires: dict[str, list[Require]] = {}
    for r in model.require:
        requires.setdefault(r.mod.path, []).append(r)
    main = ModuleVersion(model.module_path, "") if model.module_path else None
    out: list[Finding] = []
    transitive: list[ModuleFinding] = []
    for mf in found:
        written = requires.get(mf.module.path)
        if written:
            for r in written:
                out.append(_finding(mf, view, _version_token(r), "vulnerable-module", ""))
        elif view.mode == "all":
            transitive.append(mf)
    if transitive and main is not None:
        bringers = _bringers(view.result, main, {mf.module.path for mf in transitive})
        for mf in transitive:
            for req_path, chain in bringers.get(mf.module.path, []):
                for r in requires.get(req_path, []):
                    via = " → ".join(str(mv) for mv in chain)
                    out.append(_finding(mf, view, line_range(r.syntax), "vulnerable-dependency", via))
    return out


def _bringers(
    result: Result, main: ModuleVersion, targets: set[str]
) -> dict[str, list[tuple[str, list[ModuleVersion]]]]:
    """For each target module path, the main module's requirements that lead to it, each with
    a shortest chain from the requirement down to the target: to its selected version where
    one does, else to the version it requires (which MVS then raises)."""
    assert result.graph is not None
    g = result.graph.g
    reverse: dict[ModuleVersion, list[ModuleVersion]] = {}

    def visit(m: ModuleVersion) -> None:
        for r in g.required_by(m) or ():
            reverse.setdefault(r, []).append(m)

    g.walk_breadth_first(visit)
    direct = list({d.path: d for d in g.required_by(main) or ()}.values())
    out: dict[str, list[tuple[str, list[ModuleVersion]]]] = {}
    for path in targets:
        selected = ModuleVersion(path, result.selected(path))
        others = [m for m in reverse if m.path == path and m != selected]
        walks = (_toward([selected], reverse, main), _toward(others, reverse, main))
        found = []
        for d in direct:
            if d.path == path:
                continue
            starts = (ModuleVersion(d.path, result.selected(d.path)), d)
            chain = next((_down(t, s) for t in walks for s in starts if s in t), None)
            if chain is not None:
                found.append((d.path, chain))
        out[path] = found
    return out


def _toward(
    seeds: list[ModuleVersion], reverse: dict[ModuleVersion, list[ModuleVersion]], main: ModuleVersion
) -> dict[ModuleVersion, ModuleVersion | None]:
    """Breadth first up the reverse edges from the seeds: each version's next step down."""
    toward: dict[ModuleVersion, ModuleVersion | None] = dict.fromkeys(seeds)
    queue = deque(seeds)
    while queue:
        m = queue.popleft()
        for parent in reverse.get(m, ()):
            if parent not in toward and parent != main:
                toward[parent] = m
                queue.append(parent)
    return toward


def _down(toward: dict[ModuleVersion, ModuleVersion | None], start: ModuleVersion) -> list[ModuleVersion]:
    chain = [start]
    nxt = toward[start]
    while nxt is not None:
        chain.append(nxt)
        nxt = toward[nxt]
    return chain


def _entry_line(e: Entry, note: str) -> str:
    names = e.id + (f" ({', '.join(e.aliases)})" if e.aliases else "")
    return f"{names}: {e.one_line_summary()}" + (f" ({note})" if note else "")


def _not_imported(e: Entry, path: str, view: VulnView, direct: bool) -> str:
    """Why the module is known not to use the entry's affected packages ("" if it may): the
    packages its build reaches, when their sources are all at hand, else (for its own
    requirements) its own files' imports. A module only in the graph is imported through
    others if at all, which only the reached packages tell."""
    if view.reached is not None:
        if imports_entry(e, path, view.reached):
            return ""
        if view.reach_complete:
            return "not imported by this module or the packages it uses"
    if direct and view.imports is not None and not imports_entry(e, path, view.imports):
        return "not imported by this module"
    return ""


def _finding(mf: ModuleFinding, view: VulnView, rng: Range, code: str, via: str) -> Finding:
    path, version = mf.vulns.path, mf.vulns.version
    entries = mf.vulns.entries
    direct = code == "vulnerable-module"
    notes = {e.id: _not_imported(e, path, view, direct) for e in entries}
    not_imported = {i for i, note in notes.items() if note}
    subject = f"{mf.module.path}@{mf.module.version}"
    if mf.module.replace is not None:
        subject += f" (replaced by {path}@{version})"
    if via:
        subject += f", required via {via},"
    unfixed = [e.id for e in entries if e not in mf.fixes]
    if mf.fixed:
        fixed = f"fixed in {mf.fixed}" + (f"; {', '.join(unfixed)}: no fixed version" if unfixed else "")
    else:
        fixed = "no fixed version" if mf.module.replace is None else "the replacement is affected"
    lines = []
    if entries:
        n = len(entries)
        lines.append(f"{subject} has {n} known vulnerabilit{'y' if n == 1 else 'ies'} ({fixed}):")
        lines += ["\t" + _entry_line(e, notes[e.id]) for e in entries]
    if mf.vulns.unread:
        lines.append(
            ("" if entries else f"{subject}: ")
            + f"the index lists {', '.join(mf.vulns.unread)} for this module without a fix at or below "
            f"{version}; {'its entry' if len(mf.vulns.unread) == 1 else 'their entries'} could not be read, "
            "so whether this version is affected is not known"
        )
    fixes: list[Fix] = []
    if mf.fixed:
        ids = ", ".join(e.id for e in mf.fixes)
        fix = view.upgrade_fix(
            f"Upgrade {mf.module.path} to {mf.fixed} (fixes {ids})", {mf.module.path: mf.fixed}
        )
        if fix is not None:
            fixes.append(fix)
    if view.snapshot.stale:
        lines.append(
            f"(vulnerability data from {_age(view.snapshot)}: {view.snapshot.error.splitlines()[0]})"
        )
    severity = Severity.WARNING
    if not entries or len(not_imported) == len(entries):
        severity = Severity.INFORMATION
    advisories = [Advisory(e.id, e.one_line_summary(), e.url, e.aliases) for e in entries]
    return Finding(rng, severity, code, "\n".join(lines), fixes, advisories=advisories)


def _age(snapshot: Snapshot) -> str:
    return describe_age(snapshot.age())


def describe_age(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time ago"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = hours // 24
    return f"{days} days ago"


def any_affected(findings: Iterable[Finding]) -> bool:
    """Whether a vulnerability affects a selected version (`check --vulns`'s exit status)."""
    return any(f.code in ("vulnerable-module", "vulnerable-dependency") and f.advisories for f in findings)
