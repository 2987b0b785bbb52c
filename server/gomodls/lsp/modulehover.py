"""What the editor says about a required module: hover (required and selected version and why,
replacement, newer versions, publication time, retraction, deprecation, go.sum, links) and inlay
hints (the selected version where it differs from the written one). Everything comes from what
is already known; missing facts are fetched in the background for next time."""

from __future__ import annotations

import os

from lsprotocol import types

from gomodls.analysis.lines import args
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.hover import HoverContext, checksum_status, go_error, incomplete, read_parsed, read_sum
from gomodls.lsp.links import is_private, pkg_url
from gomodls.lsp.positions import to_position
from gomodls.lsp.resolution import RootState
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.model import ModFile, Require
from gomodls.modfile.parsed import FileKind
from gomodls.module import gover
from gomodls.resolve.moduleinfo import ModuleFacts, ModuleFactsService, retracted_message
from gomodls.resolve.result import ModuleInfo, Result
from gomodls.resolve.upgrades import upgrades

VERBS = ("require", "exclude", "replace", "tool")


def _module_info(state: RootState | None, path: str) -> ModuleInfo | None:
    if state is None or state.resolution is None:
        return None
    return _infos_by_path(state.resolution.result).get(path)


def _infos_by_path(result: Result) -> dict[str, ModuleInfo]:
    """The graph's modules by path, for the last result asked about (a hover looks its module
    up: a scan of 100,000 modules was ~8 ms a hover; a graph's roots come first in the
    go.mod's order, so the list is not sorted). The first module of a path, as a scan finds."""
    global _by_path
    known = _by_path
    if known is not None and known[0] is result and known[1] is result.modules:
        return known[2]
    found: dict[str, ModuleInfo] = {}
    for m in result.modules:
        found.setdefault(m.path, m)
    _by_path = (result, result.modules, found)
    return found


_by_path: tuple[Result, list[ModuleInfo], dict[str, ModuleInfo]] | None = None


def _known_facts(ls: GomodServer, path: str) -> ModuleFacts | None:
    service = ls.resolution.facts_service()
    facts = service.known(path)
    if facts is None:
        service.want(path)  # for the next hover
    return facts


def _chain_text(state: RootState, path: str) -> str:
    assert state.resolution is not None
    chain = state.resolution.result.chain(path)
    via = [str(mv) for mv in chain[1:-1]]
    return " ← ".join(reversed(via))


REQUIRES_BY_PATH: MemoKey[dict[str, list[Require]]] = MemoKey("requires-by-path")


def _required(doc: Document, path: str) -> list[Require]:
    """The document's requirements of `path`: from the requirement index the checks keep up to
    date across edits when no path is required twice (no pass over 100,000 requirements at the
    first hover after an edit), else from _requires_by_path."""
    model = doc.parsed.model
    if isinstance(model, ModFile):
        index = doc.parsed.require_index()
        if index.unique:
            found = index.by_path.get(path)
            return [found] if found is not None else []
    return _requires_by_path(doc).get(path, [])


def _requires_by_path(doc: Document) -> dict[str, list[Require]]:
    """The document's requirements by path, once per version: a hover is then a lookup (a scan
    of 100,000 requirements took 15 ms a hover)."""
    found = doc.memo.get(REQUIRES_BY_PATH)
    if found is None:
        found = {}
        for r in getattr(doc.parsed.model, "require", []):
            found.setdefault(r.mod.path, []).append(r)
        doc.memo.put(REQUIRES_BY_PATH, found)
    return found


def module_section(ctx: HoverContext) -> None:
    t = ctx.target
    if t is None or t.token is None or t.verb not in VERBS or ctx.doc.kind is FileKind.SUM:
        return
    a = args(t.line)
    if not a:
        return
    path = a[0].text.strip('"')
    ls, doc = ctx.ls, ctx.doc
    model = doc.parsed.model
    state = ls.resolution.state(doc)
    ctx.depends(lambda: ls.resolution.root_key(doc))  # (which module graph: a go.work made by hand)
    out = [f"**{path}**"]
    required = _required(doc, path)
    for r in required:
        out.append(f"required: `{r.mod.version}`" + (" (indirect)" if r.indirect else ""))
    excluded = [x.mod.version for x in getattr(model, "exclude", []) if x.mod.path == path]
    if excluded:
        out.append("excluded: " + ", ".join(f"`{v}`" for v in excluded))
    info = _module_info(state, path)
    if state is not None and state.resolution is not None and info is not None:
        selected = info.version
        gap = incomplete(state.resolution.result)
        partial = " _(from an incomplete module graph)_" if gap else ""
        if info.main:
            out.append("a main module of this workspace")
        elif required and all(r.mod.version != selected for r in required):
            why = _chain_text(state, path)
            out.append(f"selected: **{selected}**" + (f", required by {why}" if why else "") + partial)
        elif selected:
            out.append(f"selected: `{selected}`{partial}")
        if info.replace is not None:
            rep = info.replace
            target = f"{rep.path} {rep.version}".strip()
            out.append(
                f"replaced by `{target}`"
                + (f" (module {_dir_module(ctx, rep)})" if rep.dir and not rep.version else "")
            )
        if info.time:
            out.append(f"published {info.time[:10]}")
        if info.go_version:
            out.append(f"needs go {info.go_version}")
        if not state.current:
            out.append(
                "_(from before the last edit; resolving again…)_"
                if state.loading
                else "_(from before the last edit)_"
            )
        if gap:
            out.append("_module graph incomplete:_ " + go_error(gap))
    else:
        for r in getattr(model, "replace", []):
            if r.old.path == path:
                at = f" at {r.old.version}" if r.old.version else ""
                out.append(f"replaced{at} by `{r.new}`")
        if state is not None and state.loading:
            out.append("_resolving the module graph…_")
        elif state is not None and state.error:
            out.append("_module graph unavailable:_ " + go_error(state.error))
    _newer_versions(ctx, path, info, required, out)
    _sums(ctx, path, required, out)
    if not is_private(path, ls.goenv) and "." in path.split("/")[0]:
        version = (
            info.version
            if info is not None and info.version
            else (required[0].mod.version if required else "")
        )
        out.append(f"[pkg.go.dev]({pkg_url(path, version)})")
    ctx.sections.append("  \n".join(out))


def _dir_module(ctx: HoverContext, rep: ModuleInfo) -> str:
    parsed = read_parsed(ctx, os.path.join(rep.dir, "go.mod"), FileKind.MOD, strict=False)
    if parsed is None:
        return "no go.mod"
    return (
        parsed.model.module_path
        if isinstance(parsed.model, ModFile) and parsed.model.module_path
        else "no module line"
    )


def _newer_versions(
    ctx: HoverContext, path: str, info: ModuleInfo | None, required: list[Require], out: list[str]
) -> None:
    service = ctx.ls.resolution.facts_service()
    _facts_lines(ctx, service, path, info, required, out)
    # (after asking for what is missing: the hover is computed again when that arrives)
    ctx.depends(lambda: service.stamp(path))


def _facts_lines(
    ctx: HoverContext,
    service: ModuleFactsService,
    path: str,
    info: ModuleInfo | None,
    required: list[Require],
    out: list[str],
) -> None:
    facts = service.known(path)
    if facts is None:
        ctx.start(lambda: service.want(path))  # for the next hover
        out.append("_checking for newer versions…_")
        return
    if facts.error and not facts.versions:
        out.append("_versions unavailable:_ " + go_error(facts.error))
        return
    if facts.error:
        out.append(f"_versions from the module cache only: {facts.error.splitlines()[0]}_")
    current = (
        info.version if info is not None and info.version else (required[0].mod.version if required else "")
    )
    model = ctx.doc.parsed.model
    excluded = {x.mod.version for x in getattr(model, "exclude", []) if x.mod.path == path}
    if current:
        up = upgrades(
            current,
            facts.versions,
            excluded=excluded.__contains__,
            retracted=lambda v: facts.retraction(v) is not None,
        )
        if up.latest:
            parts = [f"latest **{up.latest}**"]
            if up.patch and up.patch != up.latest:
                parts.append(f"patch {up.patch}")
            out.append(" · ".join(parts))
        elif facts.error:
            out.append("no newer version in the module cache")
        else:
            out.append("up to date within its major version")
        for v in dict.fromkeys([*(r.mod.version for r in required), current]):
            r = facts.retraction(v)
            if r is not None:
                out.append(f"⚠ `{v}` {retracted_message(r)}")
    if facts.deprecated:
        out.append(f"⚠ deprecated: {facts.deprecated}")
    known, major = service.known_major(path)
    if not known:
        ctx.start(lambda: service.want_major(path))
    elif major is not None:
        new_path, version = major
        out.append(f"newer major version: `{new_path}` {version} (a different module path)")


def _sums(ctx: HoverContext, path: str, required: list[Require], out: list[str]) -> None:
    if not required:
        return
    sums = read_sum(ctx, os.path.join(os.path.dirname(ctx.doc.path), "go.sum"))
    if sums is None:
        out.append("go.sum: none")
        return
    have = sums.hashes()
    for r in required:
        zip_ok = (path, r.mod.version) in have
        mod_ok = (path, r.mod.version + "/go.mod") in have
        state = "both hashes" if zip_ok and mod_ok else "the go.mod hash only" if mod_ok else "no hash"
        out.append(f"go.sum: {state} for {r.mod.version}")
        # (the go.mod hash: the one the go command checks for every module in the graph)
        if mod_ok:
            key = r.mod.version + "/go.mod"
            out.append(checksum_status(ctx, path, key, have[(path, key)][0]))


def go_line(ctx: HoverContext) -> None:
    """On go and toolchain: the highest go version a dependency in the build list needs."""
    t = ctx.target
    if t is None or t.verb not in ("go", "toolchain") or t.token is None:
        return
    ls, doc = ctx.ls, ctx.doc
    state = ls.resolution.state(doc)
    ctx.depends(lambda: ls.resolution.root_key(doc))
    if state is None or state.resolution is None:
        return
    best: ModuleInfo | None = None
    for mi in state.resolution.result.modules:
        if mi.main or not mi.go_version:
            continue
        if best is None or gover.compare(mi.go_version, best.go_version) > 0:
            best = mi
    if best is not None:
        ctx.sections.append(
            f"The dependencies need at most go **{best.go_version}** ({best.path} {best.version})."
        )


def inlay_hints(ls: GomodServer, doc: Document, first: int, last: int) -> list[types.InlayHint]:
    if doc.kind is not FileKind.MOD:
        return []
    model = doc.parsed.model
    if not isinstance(model, ModFile):
        return []
    wanted = ls.settings.inlay_hints
    state = ls.resolution.state(doc)
    resolved = state is not None and state.resolution is not None and "selected" in wanted
    facts = ls.resolution.facts_service() if "latest" in wanted else None
    out: list[types.InlayHint] = []
    for r in model.require:
        a = args(r.syntax)
        if not first <= r.syntax.line <= last or len(a) < 2:
            continue
        position = to_position(doc.lines, a[1].line, a[1].end_col, ls.encoding)
        if resolved:
            assert state is not None and state.resolution is not None
            selected = state.resolution.result.selected(r.mod.path)
            if selected not in ("", "none", r.mod.version):
                why = _chain_text(state, r.mod.path)
                tooltip = f"The build selects version {selected} rather than go.mod's version {r.mod.version}"
                out.append(
                    types.InlayHint(
                        position=position,
                        label=f"→ {selected}",
                        kind=types.InlayHintKind.Type,
                        padding_left=True,
                        tooltip=tooltip + (f" (required by {why})." if why else "."),
                    )
                )
        if facts is not None:
            f = _known_facts(ls, r.mod.path)
            latest = _latest(r.mod.version, f) if f is not None else ""
            if latest:
                out.append(
                    types.InlayHint(
                        position=position,
                        label=f"latest {latest}",
                        kind=types.InlayHintKind.Type,
                        padding_left=True,
                        tooltip=f"The latest version of {r.mod.path} within its major version.",
                    )
                )
    return out


def _latest(version: str, facts: ModuleFacts) -> str:
    return upgrades(version, facts.versions, retracted=lambda v: facts.retraction(v) is not None).latest


def _graph_stamp(ls: GomodServer) -> object:
    """What the module sections read from the resolution service: the roots' resolutions (a
    generation counts finished ones) and which facts service (a new Go environment makes a new
    one). Each module's own facts are a probe of its hover (module_section)."""
    return (
        tuple((s.key, s.generation, s.loading, s.current, s.error) for s in ls.resolution.roots.values()),
        ls.resolution.facts,
    )


def register(server: GomodServer) -> None:
    server.hover_sections.extend([module_section, go_line])
    server.hover_stamps.append(_graph_stamp)
    server.hover_arrivals.append(lambda ls: ls.resolution.facts.arrivals if ls.resolution.facts else 0)

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @guarded([])
    def hints(ls: GomodServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        return inlay_hints(ls, doc, params.range.start.line, params.range.end.line)
