"""Known vulnerabilities in the editor: diagnostics on requirements (gomodls.vulncheck), hover
on require and go.sum lines, the quick fix that upgrades to the fixing version and the source
action that upgrades every vulnerable module — both through the upgrade command, which raises
what the new version needs like `go get`.

Everything runs on published results: when a module graph is resolved, the database is asked
about its build list in the background (offline first), the affected modules' versions and
retractions are looked up, the packages the build reaches are found, and the assessment is
published; a keystroke only places it on the current text. The database being unreachable is
said once, never as a squiggle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from lsprotocol import types

from gomodls.analysis.findings import Action, Finding, Fix
from gomodls.analysis.lines import args
from gomodls.analysis.vulnchecks import Assessment, ModuleFinding, assess, check_vulns, describe_age
from gomodls.lsp import commands
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.hover import HoverContext
from gomodls.lsp.modulechecks import UPGRADE_ACTIONS
from gomodls.lsp.resolution import RootState
from gomodls.lsp.server import GomodServer
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind
from gomodls.vuln.client import BadVulnDB, Snapshot, VulnDB, database_url
from gomodls.vuln.osv import Entry, Range
from gomodls.vuln.scan import scan

log = logging.getLogger(__name__)

VULN_ACTIONS = UPGRADE_ACTIONS + ".vulnerabilities"
FACTS_TIMEOUT = 20.0  # seconds to learn the affected modules' versions before assessing without


@dataclass(slots=True)
class Published:
    resolution: object  # the resolution it is for (identity)
    assessment: Assessment
    snapshot: Snapshot


class VulnService:
    def __init__(self, ls: GomodServer) -> None:
        self.ls = ls
        self._db: tuple[object, VulnDB | None] | None = None
        self.published: dict[str, Published] = {}  # by root key
        self.publications = 0  # assessments published or dropped so far (hovers' arrivals)
        self._tasks: dict[str, tuple[object, asyncio.Task[None]]] = {}  # by root: for which resolution
        self._memo: dict[str, list[str]] = {}  # package imports in the module cache (never change)
        self.said = ""  # the last "database unavailable" message shown

    def db(self) -> VulnDB | None:
        env = self.ls.goenv
        key = (env.get("GOVULNDB"), tuple(sorted(self.ls.settings.env.items())))
        if self._db is None or self._db[0] != key:
            try:
                url = database_url(env)
            except BadVulnDB as e:
                self._say(f"gomodls: {e}; no vulnerability checks")
                self._db = (key, None)
                return None
            # The module proxies' transport (one connection pool) and disk cache.
            fetcher = self.ls.resolution.resolver().fetcher
            if self._db is not None:
                self.published.clear()  # (from another database)
                self.publications += 1
            self._db = (key, VulnDB(url, fetcher.transport, fetcher.cache))
        return self._db[1]

    def _say(self, message: str) -> None:
        if message != self.said:
            self.said = message
            self.ls.show(message, types.MessageType.Info)

    def watch(self, state: RootState) -> None:
        """Assess the state's resolution once (again when a new one is published)."""
        if self._changed not in state.listeners:
            state.listeners.append(self._changed)
        self._changed(state.key)

    def _changed(self, key: str) -> None:
        state = self.ls.resolution.roots.get(key)
        if state is None or state.resolution is None or self.ls.settings.vulncheck == "off":
            return
        done = self.published.get(key)
        if done is not None and done.resolution is state.resolution:
            return
        running = self._tasks.get(key)
        if running is not None and not running[1].done():
            if running[0] is state.resolution:
                return
            running[1].cancel()
        self._tasks[key] = (state.resolution, asyncio.ensure_future(self._assess(state)))

    async def _assess(self, state: RootState) -> None:
        try:
            await self._assess_now(state)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("assessing the vulnerabilities of %s", state.key)

    async def _assess_now(self, state: RootState) -> None:
        db = self.db()
        resolution, inputs = state.resolution, state.inputs
        if db is None or resolution is None or inputs is None:
            return
        result = resolution.result
        facts = self.ls.resolution.facts_service()
        found = await scan(result, db, facts, facts_timeout=FACTS_TIMEOUT, memo=self._memo)
        snapshot = found.snapshot
        if snapshot.index is None:
            self._say(
                f"gomodls: vulnerability database unavailable ({snapshot.error.splitlines()[0]}): "
                "no vulnerability checks for now"
            )
        excluded = {(x.mod.path, x.mod.version) for m in inputs.mains for x in m.model.exclude}
        assessment = await asyncio.to_thread(
            assess,
            result,
            snapshot,
            found.facts.get,
            excluded=excluded,
            imports=found.imports,
            reached=found.reach.packages,
            reach_complete=found.reach.complete,
        )
        self.published[state.key] = Published(resolution, assessment, snapshot)
        self.publications += 1
        log.info(
            "vulnerabilities of %s: %d affected module(s)%s",
            state.key,
            len(assessment.modules),
            f" (stale: {snapshot.error})" if snapshot.stale else "",
        )
        for doc in self.ls.documents:
            if self.ls.resolution.root_key(doc) == state.key:
                self.ls.publish(doc, only_if_changed=True)

    def for_doc(self, doc: Document, watch: bool = True) -> tuple[RootState, Published | None] | None:
        """The document's module graph and its published assessment; `watch`: assessed (again
        when a new graph is published), which starts fetching the vulnerability database."""
        state = self.ls.resolution.state(doc)
        if state is None:
            return None
        if watch and state.resolution is not None:
            self.watch(state)
        return state, self.published.get(state.key)


def service(ls: GomodServer) -> VulnService:
    found = getattr(ls, "vulns", None)
    if found is None:
        found = ls.vulns = VulnService(ls)  # type: ignore[attr-defined]
    return found  # type: ignore[no-any-return]


def _upgrade_fix(doc: Document) -> Callable[[str, dict[str, str]], Fix]:
    def make(title: str, targets: dict[str, str]) -> Fix:
        argument = {"uri": doc.uri, "version": doc.version, "targets": targets}
        return Fix(title, {}, True, action=(Action.UPGRADE, [argument]))

    return make


# The findings of a document version: for which setting and which published assessment.
VULN_FINDINGS: MemoKey[tuple[str, Published, list[Finding]]] = MemoKey("vuln-findings")


def findings(ls: GomodServer, doc: Document) -> list[Finding]:
    mode = ls.settings.vulncheck
    if doc.kind is not FileKind.MOD or mode == "off":
        return []
    found = service(ls).for_doc(doc)
    if found is None or found[1] is None:
        return []
    published = found[1]
    cached = doc.memo.get(VULN_FINDINGS)
    if cached is not None and cached[0] == mode and cached[1] is published:
        return cached[2]
    model = doc.parsed.model
    out = (
        check_vulns(model, published.assessment, mode, _upgrade_fix(doc))
        if isinstance(model, ModFile)
        else []
    )
    doc.memo.put(VULN_FINDINGS, (mode, published, out))
    return out


# ---------------------------------------------------------------------------- hover


def _versions(ranges: tuple[Range, ...]) -> str:
    """The affected versions in words: "before v1.2.0; from v1.4.0 before v1.4.3", or "every
    version" when there is no range."""
    parts = []
    for r in ranges:
        start = ""
        for e in r.events:
            if e.zero or e.introduced:
                start = "" if e.zero else e.introduced
            elif e.fixed or e.last_affected:
                end = f"before {e.fixed}" if e.fixed else f"up to {e.last_affected}"
                parts.append(f"from {start} {end}" if start else end)
                start = "-"
        if start and start != "-":
            parts.append(f"from {start} on")
        elif start == "" and not any(e.fixed or e.last_affected for e in r.events):
            parts.append("every version")
    return "; ".join(parts) or "every version"


def _entry_markdown(e: Entry, module: str) -> str:
    head = f"**[{e.id}]({e.url})**" + (f" ({', '.join(e.aliases)})" if e.aliases else "")
    out = [head, e.one_line_summary()]
    for a in e.affected_module(module):
        if a.packages:
            pkgs = ", ".join(
                f"`{p.path}`" + (f" ({', '.join(p.symbols)})" if p.symbols else "") for p in a.packages
            )
            out.append(f"affected packages: {pkgs}")
        else:
            out.append("affected packages: all of the module")
        out.append(f"affected versions: {_versions(a.ranges)}")
    dates = []
    if e.published is not None:
        dates.append(f"published {e.published.date().isoformat()}")
    dates.append(f"modified {e.modified.date().isoformat()}")
    out.append(", ".join(dates))
    return "  \n".join(out)


def section(published: Published, mf: ModuleFinding) -> str:
    version = f"{mf.module.path}@{mf.module.version}"
    n = len(mf.vulns.entries)
    title = (
        f"**{n} known vulnerabilit{'y' if n == 1 else 'ies'}** in `{version}`"
        if n
        else f"**Vulnerabilities** of `{version}`"
    )
    if mf.fixed:
        title += f" — fixed in **{mf.fixed}**"
    parts = [title]
    parts += [_entry_markdown(e, mf.vulns.path) for e in mf.vulns.entries]
    if mf.vulns.unread:
        parts.append(
            f"_could not read {', '.join(mf.vulns.unread)} (listed for this module without a fix at or below {mf.vulns.version})_"
        )
    snapshot = published.snapshot
    if snapshot.stale:
        parts.append(
            f"_vulnerability data from {describe_age(snapshot.age())}: {snapshot.error.splitlines()[0]}_"
        )
    return "\n\n".join(parts)


def _module_finding(
    ls: GomodServer, doc: Document, path: str, ctx: HoverContext | None = None
) -> tuple[Published, ModuleFinding] | None:
    if ls.settings.vulncheck == "off":
        return None
    vulns = service(ls)
    if ctx is not None and ctx.quiet:  # (a precomputed hover: the assessment started when hovered)
        found = vulns.for_doc(doc, watch=False)
        ctx.start(lambda: vulns.for_doc(doc))
    else:
        found = vulns.for_doc(doc)
    if found is None or found[1] is None:
        return None
    mf = found[1].assessment.module(path)
    return (found[1], mf) if mf is not None else None


def hover_section(ctx: HoverContext) -> None:
    t = ctx.target
    if t is None or t.token is None or t.verb not in ("require", "replace", "exclude"):
        return
    a = args(t.line)
    if not a:
        return
    found = _hover_finding(ctx, a[0].text.strip('"'))
    if found is not None:
        ctx.sections.append(section(*found))


def _hover_finding(ctx: HoverContext, path: str) -> tuple[Published, ModuleFinding] | None:
    """_module_finding, for a hover that is then computed again only when this module's finding
    changes (not at every assessment published)."""
    ls, doc = ctx.ls, ctx.doc
    found = _module_finding(ls, doc, path, ctx)
    state = ls.resolution.state(doc)
    if state is not None:
        published, key = service(ls).published, state.key
        ctx.depends(lambda: _published_finding(published.get(key), path))
    return found


def _published_finding(published: Published | None, path: str) -> tuple[object, ...] | None:
    """A published assessment and its finding for path, if it has one (a hover's probe: what
    the module's hover shows from here)."""
    mf = published.assessment.module(path) if published is not None else None
    if mf is None:
        return None
    assert published is not None
    snapshot = published.snapshot
    # (stale data says how old it is: the hover follows the words, which change with the clock)
    return (published, mf, describe_age(snapshot.age()) if snapshot.stale else None)


def sum_section(ctx: HoverContext, path: str, version: str) -> str | None:
    found = _hover_finding(ctx, path)
    if found is None:
        return None
    published, mf = found
    text = section(published, mf)
    if (mf.module.replace or mf.module).version != version:
        text = f"_the build list selects `{mf.module.version}`:_\n\n" + text
    return text


# ---------------------------------------------------------------------------- source action


def source_actions(ls: GomodServer, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    only = params.context.only
    if doc.kind is not FileKind.MOD or not doc.parsed.ok or ls.settings.vulncheck == "off":
        return []
    if only and not any(k == VULN_ACTIONS or VULN_ACTIONS.startswith(k + ".") for k in only):
        return []
    found = service(ls).for_doc(doc)
    model = doc.parsed.model
    if found is None or found[1] is None or not isinstance(model, ModFile):
        return []
    required = {r.mod.path for r in model.require}
    targets = {
        mf.module.path: mf.fixed
        for mf in found[1].assessment.modules
        if mf.fixed and (ls.settings.vulncheck == "all" or mf.module.path in required)
    }
    if not targets:
        return []
    names = ", ".join(f"{p} {v}" for p, v in list(targets.items())[:3])
    more = f" and {len(targets) - 3} more" if len(targets) > 3 else ""
    title = f"Upgrade all vulnerable modules: {names}{more}"
    argument = {"uri": doc.uri, "version": doc.version, "targets": targets}
    return [
        types.CodeAction(
            title=title,
            kind=VULN_ACTIONS,
            command=types.Command(title=title, command=commands.UPGRADE, arguments=[argument]),
        )
    ]


def register(server: GomodServer) -> None:
    service(server)
    server.finding_sources["vulnerabilities"] = findings
    server.hover_sections.append(hover_section)
    server.hover_arrivals.append(lambda ls: service(ls).publications)
    server.sum_hover_sections.append(sum_section)
    server.source_actions.append(source_actions)
    server.code_action_kinds.append(VULN_ACTIONS)
