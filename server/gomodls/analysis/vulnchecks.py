"""Known vulnerabilities of the build list, as findings on the go.mod's requirements (pure: the
caller passes the graph, what the database said and what the module imports).

A requirement whose *selected* version (what the build uses, not only what is written) is
affected gets a finding (vulnerable-module); so, with mode "all", do the requirements of the
main module that bring in an affected module only present in the graph, with the chain that
leads there (vulnerable-dependency). A finding is a warning, or information when none of its
entries' affected packages is imported ("not imported by this module": by the packages the
build reaches, when every dependency's source is at hand; else, for the module's own
requirements, by its own .go files), or when an entry the index lists could not be read (then
whether the version is affected is not known). The fix is an upgrade to the smallest version
that fixes every entry that has a fix.

Two steps, so that a keystroke costs little: `assess` does the work that depends only on the
published graph and database answers (once per publication); `check_vulns` places the
result on the requirements of the text as it is now."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from gomodls.analysis.findings import Advisory, Finding, Fix, Severity
from gomodls.analysis.lines import args, line_range
from gomodls.modfile.errors import Range, token_range
from gomodls.modfile.model import ModFile, Require
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.moduleinfo import ModuleFacts
from gomodls.resolve.result import ModuleInfo, Result
from gomodls.vuln.affects import fixing_version
from gomodls.vuln.client import Snapshot
from gomodls.vuln.match import ModuleVulns
from gomodls.vuln.osv import Entry

__all__ = [
    "Assessment",
    "ModuleFinding",
    "any_affected",
    "assess",
    "check_vulns",
    "describe_age",
    "imports_entry",
]

CODES = ("vulnerable-module", "vulnerable-dependency")


@dataclass(slots=True)
class ModuleFinding:
    """An affected module of the build list: what affects it, what fixes it, and the text of
    its findings (the same wherever they are placed)."""

    module: ModuleInfo
    vulns: ModuleVulns
    fixed: str = ""  # the version to upgrade to ("" if none)
    fixes: list[Entry] = field(default_factory=list)  # the entries that version fixes
    advisories: list[Advisory] = field(default_factory=list)
    # By whether the finding is on the module's own requirement: the message after the
    # subject, and the severity.
    text: dict[bool, tuple[str, Severity]] = field(default_factory=dict)


@dataclass(slots=True)
class Assessment:
    """What the published graph and database answers say, ready to be placed on a text."""

    modules: list[ModuleFinding]
    # Main module path -> affected module path -> (its requirement bringing it in, the chain).
    brought_by: dict[str, dict[str, list[tuple[str, list[ModuleVersion]]]]]
    stale: str = ""  # "(vulnerability data from 3 hours ago: why)" when it could not be refreshed

    def module(self, path: str) -> ModuleFinding | None:
        return next((m for m in self.modules if m.module.path == path), None)


def _checked_version(mi: ModuleInfo) -> ModuleVersion:
    """The module version the build uses: the replacement's, when it is a module (a directory
    replacement has no version: nothing can be said about it)."""
    if mi.replace is not None:
        return ModuleVersion(mi.replace.path, mi.replace.version)
    return ModuleVersion(mi.path, mi.version)


def assess(
    result: Result,
    snapshot: Snapshot,
    facts: Callable[[str], ModuleFacts | None] = lambda path: None,
    *,
    excluded: Collection[tuple[str, str]] = frozenset(),
    imports: Collection[str] | None = None,
    reached: Collection[str] | None = None,
    reach_complete: bool = False,
) -> Assessment:
    """`imports`: what the main modules' own .go files import (None: not known); `reached`:
    the packages the build reaches through imports (None: not known), `reach_complete`
    whether that is all of them (every dependency's source was at hand)."""
    found: list[ModuleFinding] = []
    if snapshot.index is None:
        return Assessment([], {})
    for mi in result.modules:
        if mi.main:
            continue
        vulns = snapshot.vulns(_checked_version(mi))
        if vulns is None:
            continue
        mf = ModuleFinding(mi, vulns)
        if vulns.entries and mi.replace is None:
            f = facts(mi.path)
            mf.fixed, mf.fixes = fixing_version(
                vulns.entries,
                mi.path,
                mi.version,
                f.versions if f is not None else (),
                excluded=lambda v, p=mi.path: (p, v) in excluded,
                retracted=(lambda v, f=f: f.retraction(v) is not None)
                if f is not None
                else (lambda v: False),
            )
        mf.advisories = [Advisory(e.id, e.one_line_summary(), e.url, e.aliases) for e in vulns.entries]
        for direct in (True, False):
            notes = {
                e.id: _not_imported(e, vulns.path, direct, imports, reached, reach_complete)
                for e in vulns.entries
            }
            mf.text[direct] = _text(mf, notes)
        found.append(mf)
    stale = ""
    if snapshot.stale:
        stale = f"(vulnerability data from {describe_age(snapshot.age())}: {snapshot.error.splitlines()[0]})"
    brought_by = (
        _brought_by(result, {mf.module.path for mf in found}) if found and result.graph is not None else {}
    )
    return Assessment(found, brought_by, stale)


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


def _not_imported(
    e: Entry,
    path: str,
    direct: bool,
    imports: Collection[str] | None,
    reached: Collection[str] | None,
    reach_complete: bool,
) -> str:
    """Why the module is known not to use the entry's affected packages ("" if it may). A
    module only in the graph is imported through others if at all: only the reached packages
    can tell."""
    if reached is not None:
        if imports_entry(e, path, reached):
            return ""
        if reach_complete:
            return "not imported by this module or the packages it uses"
    if direct and imports is not None and not imports_entry(e, path, imports):
        return "not imported by this module"
    return ""


def _text(mf: ModuleFinding, notes: dict[str, str]) -> tuple[str, Severity]:
    entries, vulns = mf.vulns.entries, mf.vulns
    unfixed = [e.id for e in entries if e not in mf.fixes]
    if mf.fixed:
        fixed = f"fixed in {mf.fixed}" + (f"; {', '.join(unfixed)}: no fixed version" if unfixed else "")
    else:
        fixed = "no fixed version" if mf.module.replace is None else "the replacement is affected"
    lines = []
    if entries:
        n = len(entries)
        lines.append(f" has {n} known vulnerabilit{'y' if n == 1 else 'ies'} ({fixed}):")
        for e in entries:
            names = e.id + (f" ({', '.join(e.aliases)})" if e.aliases else "")
            note = notes[e.id]
            lines.append(f"\t{names}: {e.one_line_summary()}" + (f" ({note})" if note else ""))
    if vulns.unread:
        lines.append(
            ("" if entries else ": ")
            + f"the index lists {', '.join(vulns.unread)} for this module without a fix at or below "
            f"{vulns.version}; {'its entry' if len(vulns.unread) == 1 else 'their entries'} could not be "
            "read, so whether this version is affected is not known"
        )
    quiet = not entries or all(notes.values())
    return "\n".join(lines), Severity.INFORMATION if quiet else Severity.WARNING


def _brought_by(
    result: Result, targets: set[str]
) -> dict[str, dict[str, list[tuple[str, list[ModuleVersion]]]]]:
    """For each main module, for each target module path, the main module's requirements that
    lead to it, each with a shortest chain from the requirement down to the target: to its
    selected version where one does, else to the version it requires (MVS then raises it)."""
    assert result.graph is not None
    g = result.graph.g
    reverse: dict[ModuleVersion, list[ModuleVersion]] = {}

    def visit(m: ModuleVersion) -> None:
        for r in g.required_by(m) or ():
            reverse.setdefault(r, []).append(m)

    g.walk_breadth_first(visit)
    mains = [m for m in g.roots if not m.version]
    directs = {main: list({d.path: d for d in g.required_by(main) or ()}.values()) for main in mains}
    # (what every main module requires itself is never reported through another requirement)
    targets = {p for p in targets if any(all(d.path != p for d in ds) for ds in directs.values())}
    walks = {}
    for path in targets:
        selected = ModuleVersion(path, result.selected(path))
        others = [m for m in reverse if m.path == path and m != selected]
        walks[path] = (_toward([selected], reverse, mains), _toward(others, reverse, mains))
    out: dict[str, dict[str, list[tuple[str, list[ModuleVersion]]]]] = {}
    for main, direct in directs.items():
        per: dict[str, list[tuple[str, list[ModuleVersion]]]] = {}
        for path in targets:
            found = []
            for d in direct:
                if d.path == path:
                    continue
                starts = (ModuleVersion(d.path, result.selected(d.path)), d)
                chain = next((_down(t, s) for t in walks[path] for s in starts if s in t), None)
                if chain is not None:
                    found.append((d.path, chain))
            per[path] = found
        out[main.path] = per
    return out


def _toward(
    seeds: list[ModuleVersion], reverse: dict[ModuleVersion, list[ModuleVersion]], mains: list[ModuleVersion]
) -> dict[ModuleVersion, ModuleVersion | None]:
    """Breadth first up the reverse edges from the seeds: each version's next step down."""
    toward: dict[ModuleVersion, ModuleVersion | None] = dict.fromkeys(seeds)
    queue = deque(seeds)
    while queue:
        m = queue.popleft()
        for parent in reverse.get(m, ()):
            if parent not in toward and parent not in mains:
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


def _version_token(r: Require) -> Range:
    a = args(r.syntax)
    return token_range(a[1]) if len(a) > 1 else line_range(r.syntax)


def check_vulns(
    model: ModFile,
    assessment: Assessment,
    mode: str = "all",
    upgrade_fix: Callable[[str, dict[str, str]], Fix | None] | None = None,
) -> list[Finding]:
    """The findings on the requirements of `model` as it is now. `upgrade_fix` makes the fix
    for an upgrade (a title and {path: version}), None for none."""
    if mode == "off" or not assessment.modules:
        return []
    requires: dict[str, list[Require]] = {}
    for r in model.require:
        requires.setdefault(r.mod.path, []).append(r)
    brought_by = assessment.brought_by.get(model.module_path, {})
    out: list[Finding] = []
    for mf in assessment.modules:
        written = requires.get(mf.module.path)
        if written:
            for r in written:
                out.append(_finding(mf, assessment, _version_token(r), "", upgrade_fix))
        elif mode == "all":
            for req_path, chain in brought_by.get(mf.module.path, ()):
                via = " → ".join(str(mv) for mv in chain)
                for r in requires.get(req_path, ()):
                    out.append(_finding(mf, assessment, line_range(r.syntax), via, upgrade_fix))
    return out


def _finding(
    mf: ModuleFinding,
    assessment: Assessment,
    rng: Range,
    via: str,
    upgrade_fix: Callable[[str, dict[str, str]], Fix | None] | None,
) -> Finding:
    subject = f"{mf.module.path}@{mf.module.version}"
    if mf.module.replace is not None:
        subject += f" (replaced by {mf.vulns.path}@{mf.vulns.version})"
    if via:
        subject += f", required via {via},"
    text, severity = mf.text[not via]
    message = subject + text + (f"\n{assessment.stale}" if assessment.stale else "")
    fixes: list[Fix] = []
    if mf.fixed and upgrade_fix is not None:
        ids = ", ".join(e.id for e in mf.fixes)
        fix = upgrade_fix(f"Upgrade {mf.module.path} to {mf.fixed} (fixes {ids})", {mf.module.path: mf.fixed})
        if fix is not None:
            fixes.append(fix)
    code = "vulnerable-dependency" if via else "vulnerable-module"
    return Finding(rng, severity, code, message, fixes, advisories=list(mf.advisories))


def describe_age(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time ago"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    return f"{hours // 24} days ago"


def any_affected(findings: Iterable[Finding]) -> bool:
    """Whether a vulnerability affects a selected version (`check --vulns`'s exit status)."""
    return any(f.code in CODES and f.advisories for f in findings)
