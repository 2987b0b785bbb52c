"""The module graph and the proxies' answers as diagnostics and actions: retracted, deprecated,
upgradable requirements, go.mod and go.sum out of step with the graph; the commands that
upgrade (with what the upgrade needs, computed like the go command) and check for upgrades.
Findings come from what is already known and are republished when more is known; they never
wait for the network."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import weakref
from typing import Any

from lsprotocol import types

from gomodls.analysis.findings import Finding, Severity
from gomodls.analysis.graphchecks import (
    GraphView,
    check_go_mod,
    check_go_sum,
    sum_line_findings,
    unreachable,
)
from gomodls.base.textedit import TextEdit, apply_edits, line_edits
from gomodls.lsp import commands
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.edits import current_edits, workspace_edit
from gomodls.lsp.links import pkg_url
from gomodls.lsp.resolution import RootState, main_key
from gomodls.lsp.server import GomodServer, guarded, log
from gomodls.modfile.model import ModFile, Require
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.module.paths import ModuleVersion
from gomodls.resolve import upgradeplan
from gomodls.resolve.gomodwrite import go_mod_update_edits
from gomodls.resolve.modcache import ModCache
from gomodls.resolve.moduleinfo import ModuleFactsService
from gomodls.resolve.upgrades import upgrades

UPGRADE_ACTIONS = types.CodeActionKind.Source + ".upgrade"
PLAN_TIMEOUT = 20.0  # seconds to fetch what an upgrade needs before giving up
# The findings of a document version, with what else they were computed from (the graph's
# generation, the checksum database's arrivals, the upgrades setting, go.mod's and go.sum's texts).
GRAPH_FINDINGS: MemoKey[tuple[tuple[object, ...], list[Finding]]] = MemoKey("graph-findings")
# A go.sum's per-line findings (hashes contradicted), kept across edits of go.mod (which forget
# the memo): every line of a go.sum of thousands is looked at to compute them, on each keystroke
# in go.mod otherwise; and across the database's arrivals that change none of them.
_SUM_LINE_FINDINGS: weakref.WeakKeyDictionary[Document, tuple[tuple[object, ...], list[Finding]]] = (
    weakref.WeakKeyDictionary()
)


def _gomod_of(ls: GomodServer, doc: Document) -> tuple[str, str | None]:
    if doc.kind is FileKind.MOD:
        return doc.path, doc.text
    path = os.path.join(os.path.dirname(doc.path), "go.mod")
    return path, ls.files.read_text(path)


def _is_current(state: RootState, gomod: str, model: ModFile) -> bool:
    """Whether the finished resolution used these requirements (the document may be newer)."""
    if state.resolution is None or state.inputs is None:
        return False
    main = next((m for m in state.inputs.mains if m.gomod == gomod), None)
    return main is not None and main_key(main.model) == main_key(model)


def graph_view(
    ls: GomodServer, doc: Document, state: RootState, model: ModFile, gomod: str, sum_text: str | None
) -> GraphView:
    """What the checks get to know; `sum_text` is go.sum's text beside `gomod` (None: none)."""
    service = ls.resolution
    facts = service.facts_service()
    current = _is_current(state, gomod, model)
    sum_path = os.path.join(os.path.dirname(gomod), "go.sum")
    view = GraphView(
        result=state.resolution.result if state.resolution is not None else None,
        current=current,
        facts=facts.known,
        newer_major=lambda p: facts.known_major(p)[1],
        upgrade_level=ls.settings.upgrades,
        sums=ls.files.parsed_sum(sum_path) if sum_text is not None else None,
        sum_text=sum_text or "",
        sum_path=sum_path,
        mod_hash=service.mod_hash,
        zip_hash=functools.partial(_zip_hash, ModCache(ls.goenv.get("GOMODCACHE"))),
        sum_verdict=ls.checksums.verdicts(),
        doc_uri=doc.uri,
        doc_version=doc.version,
    )
    if current and state.go_mod_update is not None and doc.kind is FileKind.MOD:
        view.go_mod_update = update = state.go_mod_update
        text = doc.text

        def edits() -> list[TextEdit]:
            try:
                return go_mod_update_edits(text, update)
            except Exception:
                log.exception("go.mod update edits")
                return []

        view.go_mod_edits = edits
    return view


def _zip_hash(cache: ModCache, mv: ModuleVersion) -> str | None:
    """The h1: hash the go command wrote beside a zip it downloaded (the .ziphash file)."""
    data = cache.read(mv.path, mv.version, ".ziphash")
    text = data.decode("ascii", "replace").strip() if data else ""
    return text if text.startswith("h1:") and len(text) == 47 else None


def findings(ls: GomodServer, doc: Document) -> list[Finding]:
    if doc.kind is FileKind.WORK or doc.path.endswith("go.work.sum"):
        return []
    state = ls.resolution.state(doc)
    if state is None or (state.resolution is None and state.generation == 0):
        return []
    gomod, text = _gomod_of(ls, doc)
    if text is None:
        return []
    sum_path = os.path.join(os.path.dirname(gomod), "go.sum")
    # Edits to the other file re-check this one.
    ls.dependencies.setdefault(doc.uri, set()).update((gomod, sum_path))
    sum_file = ls.files.read_text(sum_path)
    sum_text = sum_file or ""
    key = (
        doc.version,
        state.generation,
        ls.checksums.generation,
        ls.settings.upgrades,
        hashlib.blake2b((text + "\0" + sum_text).encode(), digest_size=8).digest(),
    )
    cached = doc.memo.get(GRAPH_FINDINGS)
    if cached is not None and cached[0] == key:
        return cached[1]
    parsed = doc.parsed if doc.kind is FileKind.MOD else ls.files.parsed(gomod, FileKind.MOD)
    out: list[Finding] = []
    if parsed is not None and parsed.ok and isinstance(parsed.model, ModFile):
        view = graph_view(ls, doc, state, parsed.model, gomod, sum_file)
        if doc.kind is FileKind.MOD:
            out = check_go_mod(parsed.model, doc.path, view)
            offline = doc.findings or []
            if any(f.severity is Severity.ERROR for f in offline):
                # The go command's load error then repeats what the offline checks say.
                out = [f for f in out if f.code != "module-graph-error"]
        else:
            go = parsed.model.go.version if parsed.model.go else ""
            out = check_go_sum(doc.sum, view, go, _sum_lines(ls, doc, state, view))
    if state.resolution is not None:
        _say_once_if_offline(ls, state.resolution.result.errors)
    doc.memo.put(GRAPH_FINDINGS, (key, out))
    return out


def _sum_lines(ls: GomodServer, doc: Document, state: RootState, view: GraphView) -> list[Finding]:
    checksums = ls.checksums.lines_key()
    key = (doc.version, state.generation, ls.resolution.mod_hash_key(), checksums)
    kept = _SUM_LINE_FINDINGS.get(doc)
    if checksums is not None and kept is not None and kept[0] == key:
        return kept[1]
    found = sum_line_findings(doc.sum, view)
    _SUM_LINE_FINDINGS[doc] = (key, found)
    return found


def _say_once_if_offline(ls: GomodServer, errors: list[str]) -> None:
    """One message for the session when the proxies cannot be reached (no squiggles for it)."""
    if ls.resolution.said_offline:
        return
    if ls.goenv.get("GOPROXY") == "off":
        why = "GOPROXY=off"
    else:
        why = next((e.removeprefix("go: ") for e in errors if unreachable(e)), "")
    if why:
        ls.resolution.said_offline = True
        ls.show(
            f"gomodls: module proxies unavailable ({why.splitlines()[0]}): the module checks "
            "(versions, retractions, deprecations, go.sum) use only what is cached",
            types.MessageType.Info,
        )


# ---------------------------------------------------------------------------- upgrades


async def plan_upgrade(ls: GomodServer, doc: Document, targets: dict[str, str]) -> tuple[list[TextEdit], str]:
    """Edits that set the targets and keep go.mod consistent like `go get path@version`:
    requirements the new versions need are raised too. Returns the edits and a note."""
    new_text, note = await upgradeplan.plan_upgrade(
        doc.text,
        doc.path,
        targets,
        ls.goenv,
        ls.files,
        ls.resolution.resolver(),
        ls.resolution.options("mod"),
        PLAN_TIMEOUT,
    )
    return line_edits(doc.text, new_text), note


def _changes(before: str, after: str) -> list[str]:
    old = {r.mod.path: r.mod.version for r in _requires(before)}
    out = []
    for r in _requires(after):
        was = old.get(r.mod.path)
        if was != r.mod.version:
            out.append(
                f"{r.mod.path} {was} → {r.mod.version}" if was else f"{r.mod.path} {r.mod.version} added"
            )
    return out


def _requires(text: str) -> list[Require]:
    model = parse_text(text, FileKind.MOD, "go.mod").model
    return list(getattr(model, "require", []))


async def upgrade(ls: GomodServer, argument: object) -> None:
    if not isinstance(argument, dict) or not isinstance(argument.get("targets"), dict):
        ls.show(f"{commands.UPGRADE}: expected {{uri, version, targets}}")
        return
    doc = ls.documents.get(str(argument.get("uri")))
    if doc is None or doc.kind is not FileKind.MOD:
        ls.show(f"{commands.UPGRADE}: the go.mod is not open")
        return
    if argument.get("version") is not None and argument["version"] != doc.version:
        ls.show("gomodls: go.mod changed since this action was offered; ask for it again")
        return
    targets = {str(k): str(v) for k, v in argument["targets"].items()}
    version = doc.version
    before = doc.text
    edits, note = await plan_upgrade(ls, doc, targets)
    if doc.version != version:
        ls.show("gomodls: go.mod changed while the upgrade was computed; nothing was changed")
        return
    if not edits:
        ls.show("gomodls: nothing to change", types.MessageType.Info)
        return
    after = apply_edits(before, edits)
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(
            edit=workspace_edit(ls, current_edits(ls, {doc.path: edits})), label="Upgrade requirements"
        )
    )
    if not result.applied:
        ls.show(
            f"gomodls: the editor did not apply the upgrade ({result.failure_reason or 'no reason given'})"
        )
        return
    summary = ", ".join(_changes(before, after)) or "go.mod updated"
    ls.show(f"gomodls: {summary}" + (f" ({note})" if note else ""), types.MessageType.Info)


# Modules whose facts one code action request looks at again, at most (while 100,000 load).
LOOK_BUDGET = 4096
# The facts of the modules to upgrade are asked for WANT_SLICE at a time, every WANT_PAUSE
# seconds: loading those of 100,000 modules as fast as they come (from the module cache, or
# failing fast offline) kept the event loop and the GIL busy enough to make every request of
# the meantime 5-10 times slower; over the network the loads are slower than this anyway.
WANT_SLICE = 64
WANT_PAUSE = 0.1


class _Targets:
    """Upgrade targets as far as the facts known so far tell, and the modules whose facts were
    not known yet: looked at again, and only they, as loads finish, at most LOOK_BUDGET a
    request (taking turns), so that a request stays short while 100,000 load."""

    __slots__ = ("cursor", "excluded", "key", "loads_seen", "targets", "waiting")

    def __init__(
        self, key: tuple[object, ...], waiting: list[tuple[str, str]], excluded: set[tuple[str, str]]
    ) -> None:
        self.key = key
        self.targets: dict[str, str] = {}
        self.waiting = waiting  # (path, current version)
        self.cursor = 0  # where the next look starts in `waiting`
        self.excluded = excluded  # (path, version) of the excludes
        self.loads_seen = -1


UPGRADE_TARGETS: MemoKey[dict[bool, _Targets]] = MemoKey("upgrade-targets")


def upgrade_targets(ls: GomodServer, doc: Document, transitive: bool) -> dict[str, str]:
    """Latest minor (or patch, with upgrades=patch) for the direct requirements, or for every
    module of the build list; kept for the document's version until the graph or the settings
    change, or fresh version lists are fetched (check_upgrades). As loads finish, only the
    modules not known before are looked at again (a go.mod of 100,000 requirements took a
    second a request, then 0.1 s while their facts loaded)."""
    facts = ls.resolution.facts_service()
    state = ls.resolution.state(doc) if transitive else None
    key = (id(facts), ls.settings.upgrades, id(state), state and state.generation)
    memo = doc.memo.get(UPGRADE_TARGETS)
    if memo is None:
        memo = doc.memo.put(UPGRADE_TARGETS, {})
    found = memo.get(transitive)
    if found is None or found.key != key:
        model = doc.parsed.model
        excluded = (
            {(x.mod.path, x.mod.version) for x in model.exclude} if isinstance(model, ModFile) else set()
        )
        found = memo[transitive] = _Targets(key, _current(ls, doc, transitive), excluded)
        _look(ls, found)
        if found.waiting:
            _want_for(doc.uri, transitive, facts, found.waiting)
    elif found.loads_seen != facts.loads_done and found.waiting:
        _look(ls, found)
    return found.targets


# The slow asking of _want, one per document and kind: a new version's replaces the last one's.
_WANTING: dict[tuple[str, bool], asyncio.Task[None]] = {}


def _want_for(uri: str, transitive: bool, facts: ModuleFactsService, modules: list[tuple[str, str]]) -> None:
    key = (uri, transitive)
    previous = _WANTING.pop(key, None)
    if previous is not None:
        previous.cancel()
    task = _WANTING[key] = asyncio.ensure_future(_want(facts, modules))
    task.add_done_callback(lambda t: _WANTING.pop(key, None) if _WANTING.get(key) is t else None)


async def _want(facts: ModuleFactsService, modules: list[tuple[str, str]]) -> None:
    """Ask for the facts of many modules (path, version), a slice at a time (see WANT_SLICE)."""
    for i in range(0, len(modules), WANT_SLICE):
        facts.want_all([p for p, _ in modules[i : i + WANT_SLICE]])
        if i + WANT_SLICE < len(modules):
            await asyncio.sleep(WANT_PAUSE)


def _current(ls: GomodServer, doc: Document, transitive: bool) -> list[tuple[str, str]]:
    """The modules to upgrade: path and current version."""
    model = doc.parsed.model
    if not isinstance(model, ModFile):
        return []
    if transitive:
        state = ls.resolution.state(doc)
        if state is None or state.resolution is None:
            return []
        return [(m.path, m.version) for m in state.resolution.result.modules if not m.main and m.version]
    index = doc.parsed.require_index()
    if index.unique:  # (kept per chunk of requirements across edits: no pass over them all)
        return index.direct()
    return list({r.mod.path: r.mod.version for r in model.require if not r.indirect}.items())


def _look(ls: GomodServer, found: _Targets) -> None:
    """Targets for the waiting modules (LOOK_BUDGET of them, from the cursor) known now."""
    facts = ls.resolution.facts_service()
    found.loads_seen = facts.loads_done
    level = "patch" if ls.settings.upgrades == "patch" else "minor"
    waiting, start = found.waiting, found.cursor
    end = min(len(waiting), start + LOOK_BUDGET)
    still: list[tuple[str, str]] = []
    for item in waiting[start:end]:
        path, version = item
        f = facts.known(path)
        if f is None:
            still.append(item)  # (not a new tuple: 3 MB at 100,000 requirements)
            continue
        up = upgrades(
            version,
            f.versions,
            excluded=lambda v, p=path: (p, v) in found.excluded,
            retracted=lambda v, f=f: f.retraction(v) is not None,
        )
        if up.for_level(level):
            found.targets[path] = up.for_level(level)
    if end - start != len(still):
        found.waiting = waiting[:start] + still + waiting[end:]
    found.cursor = start + len(still)
    if found.cursor >= len(found.waiting):
        found.cursor = 0
    elif end < len(waiting):
        found.loads_seen = -1  # (more to look at: the next request goes on, loads or not)


def source_actions(ls: GomodServer, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    only = params.context.only
    if doc.kind is not FileKind.MOD or not doc.parsed.ok:
        return []
    if only and not any(UPGRADE_ACTIONS.startswith(k) for k in only):
        return []
    out = []
    for transitive, what in ((False, "direct dependencies"), (True, "transitive dependencies")):
        targets = upgrade_targets(ls, doc, transitive)
        if not targets:
            continue
        names = ", ".join(f"{p} {v}" for p, v in list(targets.items())[:3])
        more = f" and {len(targets) - 3} more" if len(targets) > 3 else ""
        title = f"Upgrade {what}: {names}{more}"
        argument = {"uri": doc.uri, "version": doc.version, "targets": targets}
        out.append(
            types.CodeAction(
                title=title,
                kind=UPGRADE_ACTIONS,
                command=types.Command(title=title, command=commands.UPGRADE, arguments=[argument]),
            )
        )
    return out


async def check_upgrades(ls: GomodServer, gomod: object) -> list[str]:
    """Fetch fresh version lists for the requirements of a go.mod and report the upgrades."""
    if not isinstance(gomod, str) or not gomod.endswith("go.mod"):
        ls.show(f"{commands.CHECK_UPGRADES}: expected the path of a go.mod file")
        return []
    parsed = ls.files.parsed(gomod, FileKind.MOD)
    model = parsed.model if parsed is not None else None
    if not isinstance(model, ModFile):
        ls.show(f"{commands.CHECK_UPGRADES}: cannot read {gomod}")
        return []
    facts = ls.resolution.facts_service()
    facts.forget()
    for doc in ls.documents:
        doc.memo.pop(UPGRADE_TARGETS)  # (what is known again is fresh)
    paths = sorted({r.mod.path for r in model.require})
    got = await asyncio.gather(*(facts.facts(p) for p in paths), return_exceptions=True)
    lines = []
    unchecked: dict[str, list[str]] = {}  # why -> module paths
    for r in model.require:
        f = got[paths.index(r.mod.path)]
        if isinstance(f, BaseException) or (f.error and not f.versions):
            why = str(f) if isinstance(f, BaseException) else f.error
            unchecked.setdefault(why.splitlines()[0] if why else type(f).__name__, []).append(r.mod.path)
            continue
        up = upgrades(r.mod.version, f.versions, retracted=lambda v, f=f: f.retraction(v) is not None)
        if up.minor:
            lines.append(f"{r.mod.path} {r.mod.version} → {up.minor}")
    ls.show(_upgrade_report(lines, unchecked, len(model.require)), types.MessageType.Info)
    for doc in ls.documents:
        doc.memo.pop(GRAPH_FINDINGS)
        doc.memo.pop(UPGRADE_TARGETS)
        ls.publish(doc)
    return lines


def _upgrade_report(lines: list[str], unchecked: dict[str, list[str]], required: int) -> str:
    """ "Check for upgrades" in one message: what is available, and what could not be checked
    and why — never "up to date" for a requirement nobody could check."""
    parts = [f"{len(lines)} upgrade(s) available: " + ", ".join(lines)] if lines else []
    failed = sum(len(p) for p in unchecked.values())
    for why, paths in unchecked.items():
        shown = ", ".join(sorted(set(paths))[:5]) + (
            f" and {len(set(paths)) - 5} more" if len(set(paths)) > 5 else ""
        )
        parts.append(f"could not check {shown} ({why})")
    if not unchecked:
        parts.append("all requirements are up to date" if not lines else "")
    elif failed < required and not lines:
        parts.append("the other requirements are up to date")
    return "gomodls: " + "; ".join(p for p in parts if p)


def register(server: GomodServer) -> None:
    server.finding_sources["module-graph"] = findings
    server.source_actions.append(source_actions)

    def closed(event: str, doc: Document) -> None:
        if event == "close":
            for transitive in (False, True):
                task = _WANTING.pop((doc.uri, transitive), None)
                if task is not None:
                    task.cancel()

    server.document_hooks.append(closed)

    @server.command(commands.UPGRADE)
    @guarded()
    async def run_upgrade(ls: GomodServer, argument: Any = None) -> None:
        await upgrade(ls, argument)

    @server.command(commands.CHECK_UPGRADES)
    @guarded([])
    async def run_check_upgrades(ls: GomodServer, gomod: Any = None) -> list[str]:
        return await check_upgrades(ls, gomod)

    @server.command(commands.OPEN_MODULE)
    @guarded()
    async def open_module(ls: GomodServer, path: Any = None) -> None:
        if isinstance(path, str) and path:
            await ls.window_show_document_async(types.ShowDocumentParams(uri=pkg_url(path), external=True))
