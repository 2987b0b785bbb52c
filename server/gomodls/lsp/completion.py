"""Completion in go.mod and go.work: directive keywords, module paths, versions, `use`
directories and local replacement directories.

Every answer comes from memory or from a quick look at the disk: module paths from the module
cache, go.sum, the workspace, the resolved build list and the file itself; versions from the
module facts service. What is not known yet is fetched in the background and the list is
marked incomplete, so the client asks again and gets the rest on a later keystroke."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lsprotocol import types

from gomodls.base.goenv import find_go_work
from gomodls.base.textedit import Range
from gomodls.lsp.completionsources import (
    CachedVersions,
    Snapshots,
    SumIndex,
    VersionTimes,
    cached_module_paths,
    module_dirs,
    module_path_of,
)
from gomodls.lsp.documents import Document
from gomodls.lsp.hover import DIRECTIVES
from gomodls.lsp.positions import from_position, to_range
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind
from gomodls.modfile.rules import MOD_VERBS, WORK_VERBS, is_directory_path
from gomodls.module import semver
from gomodls.module.paths import canonical_version
from gomodls.module.pseudo import is_pseudo_version
from gomodls.resolve.driver import Resolution
from gomodls.resolve.moduleinfo import ModuleFacts, ModuleFactsService, short_message
from gomodls.syntax.cursor import cursor_at
from gomodls.syntax.tree import TokenKind

SNIPPETS = {  # in the order keywords are offered
    "module": "module ${1:example.com/m}",
    "go": "go ${1:1.23.0}",
    "toolchain": "toolchain ${1:go1.23.0}",
    "godebug": "godebug ${1:key}=${2:value}",
    "require": "require ${1:module/path} ${2:version}",
    "exclude": "exclude ${1:module/path} ${2:version}",
    "use": "use ${1:./dir}",
    "replace": "replace ${1:module/path} => ${2:../dir}",
    "retract": "retract ${1:version}",
    "tool": "tool ${1:package/path}",
    "ignore": "ignore ${1:./dir}",
}
MOD_KEYWORDS = tuple(k for k in SNIPPETS if k in MOD_VERBS)
WORK_KEYWORDS = tuple(k for k in SNIPPETS if k in WORK_VERBS)
log = logging.getLogger(__name__)

PATH_VERBS = ("require", "exclude", "replace", "tool")
MAX_PATHS = 100  # a longer list is cut and marked incomplete: the client asks again as the user types
TIME_FETCH = 30  # newest versions whose publication time is fetched in the background
FIRST_WALK_WAIT = 0.03  # how long the first request waits for a directory walk


@dataclass(slots=True)
class Site:
    """Where the cursor is, syntactically."""

    verb: str  # the directive ("" when the cursor is on the first word of a top-level line)
    args: list[str]  # the arguments before the cursor's token (no punctuation, unquoted)
    partial: str  # the cursor's token up to the cursor, unquoted
    edit: Range  # the whole token under the cursor (empty, at the cursor, if none)
    line: int
    bracket: bool = False  # after a `[` (a retract interval)
    rest: bool = False  # more tokens follow the cursor's token on the line


class VersionRow(NamedTuple):
    version: str
    detail: str | None
    marked: bool  # retracted or excluded: shown as deprecated


@dataclass(slots=True)
class Answer:
    items: list[types.CompletionItem] = field(default_factory=list)
    incomplete: bool = False


# Where the cursor is.


def find_site(doc: Document, line: int, col: int) -> Site | None:
    """What the cursor is on, from the lexer's tokens of its line; None where nothing completes
    (a comment, a block's parenthesis, after a retract interval, inside a multi-line string)."""
    if doc.syntax is None:
        return None
    at = cursor_at(doc.syntax, line, col)
    src = at.source
    if src is None or src.line != line or src.nlines > 1:
        return None  # inside a string continued over lines
    if src.comment is not None and src.comment.col < col:
        return None
    words = [t for t in src.tokens if t.kind is not TokenKind.PUNCT]
    cursor = next((t for t in words if t.col <= col <= t.end_col), None)
    before = [t for t in src.tokens if t.end_col <= (cursor.col if cursor else col) and t is not cursor]
    edit = (line, cursor.col, line, cursor.end_col) if cursor else (line, col, line, col)
    partial = _unquote(cursor.text[: col - cursor.col]) if cursor else ""
    texts = [_unquote(t.text) for t in before if t.kind is not TokenKind.PUNCT]
    punct = {t.text for t in before if t.kind is TokenKind.PUNCT}
    if "(" in punct or ")" in punct or "]" in punct:
        return None
    block = at.go_block_verb()
    if block is not None:
        return Site(block, texts, partial, edit, line, "[" in punct)
    if not texts:
        return Site("", [], partial, edit, line, rest=any(t.col >= edit[3] for t in src.tokens))
    return Site(texts[0], texts[1:], partial, edit, line, "[" in punct)


def _unquote(text: str) -> str:
    return text.strip('"`')


# Matching what the user typed, as loosely as clients do.


def matcher(partial: str) -> Callable[[str], bool]:
    """Whether the typed characters appear in order in a candidate, ignoring case. Each step
    skips possessively to the next typed character: linear, never backtracking."""
    if not partial:
        return lambda candidate: True
    rx = re.compile("".join(f"[^{re.escape(c)}]*+{re.escape(c)}" for c in partial), re.IGNORECASE)
    return lambda candidate: rx.match(candidate) is not None


def _dir_matcher(partial: str) -> Callable[[str], bool]:
    """Like `matcher`, but "./" and "../" select the directories below and beside."""
    fuzzy = matcher(partial)
    if partial.startswith(".."):
        return lambda rel: rel.startswith("..") and fuzzy(rel)
    if partial.startswith("./"):
        return lambda rel: rel.startswith("./") and fuzzy(rel)
    return fuzzy


def _closeness(partial: str, candidate: str) -> int:
    if candidate.startswith(partial) or candidate.rsplit("/", 1)[-1].startswith(partial):
        return 0
    return 1 if partial.lower() in candidate.lower() else 2


class Completer:
    """Completion state kept across requests: directory walks, go.sum contents, times."""

    def __init__(self, ls: GomodServer) -> None:
        self.ls = ls
        self.modcache: Snapshots[list[str]] = Snapshots(ttl=30.0)
        self.dirs: Snapshots[list[str]] = Snapshots(ttl=5.0)
        self.sums = SumIndex()
        self.cached_versions = CachedVersions()
        self.times = VersionTimes()
        self._known: dict[str, tuple[tuple[Any, ...], dict[str, tuple[int, str]]]] = {}
        self._rows: dict[str, tuple[object, tuple[VersionRow, ...]]] = {}
        self._items: dict[str, tuple[tuple[VersionRow, ...], types.Range, list[types.CompletionItem]]] = {}

    def warm(self, event: str, doc: Document) -> None:
        """On open, start the walks the first completion would otherwise wait for."""
        if event != "open" or doc.kind is FileKind.SUM:
            return
        gomodcache = self.ls.goenv.get("GOMODCACHE")
        self.modcache.refresh(gomodcache, lambda: cached_module_paths(gomodcache))
        if doc.kind is FileKind.WORK:
            base = os.path.dirname(doc.path)
            self.dirs.refresh(("use", base), lambda: module_dirs(base))

    async def complete(self, doc: Document, pos: types.Position) -> types.CompletionList | None:
        if doc.kind is FileKind.SUM:
            return None
        line, col = from_position(doc.lines, pos, self.ls.encoding)
        site = find_site(doc, line, col)
        if site is None:
            return None
        answer = await self._answer(doc, site)
        if answer is None:
            return None
        return types.CompletionList(is_incomplete=answer.incomplete, items=answer.items)

    async def _answer(self, doc: Document, site: Site) -> Answer | None:
        work = doc.kind is FileKind.WORK
        verb, n = site.verb, len(site.args)
        if verb == "":
            return self._keywords(doc, site)
        if verb == "retract" and not work:
            return self._retract(doc, site)
        if verb == "use" and work and n == 0:
            return await self._use_dirs(doc, site)
        if verb == "replace":
            return await self._replace(doc, site)
        if verb in PATH_VERBS and not work:
            if n == 0:
                return await self._paths(doc, site)
            if n == 1 and verb != "tool":
                return self._versions(doc, site, site.args[0])
        return None

    # Directive keywords.

    def _keywords(self, doc: Document, site: Site) -> Answer:
        model = doc.parsed.model
        work = isinstance(model, WorkFile)
        taken = {
            name
            for name, node in (
                ("module", None if work else model.module),  # type: ignore[union-attr]
                ("go", model.go),
                ("toolchain", model.toolchain),
            )
            if node is not None and node.syntax.line != site.line
        }
        names = [k for k in (WORK_KEYWORDS if work else MOD_KEYWORDS) if k not in taken]
        # With arguments already on the line, only the keyword is replaced.
        snippets = self._snippets() and not site.rest
        rng = self._range(doc, site.edit)
        items = []
        for i, name in enumerate(names):
            items.append(
                types.CompletionItem(
                    label=name,
                    kind=types.CompletionItemKind.Keyword,
                    detail="directive",
                    documentation=self._doc(DIRECTIVES.get(name, "")),
                    sort_text=f"{i:04d}",
                    filter_text=name,
                    insert_text_format=types.InsertTextFormat.Snippet
                    if snippets
                    else types.InsertTextFormat.PlainText,
                    text_edit=types.TextEdit(rng, name if site.rest else self._keyword_text(name, snippets)),
                )
            )
        return Answer(items)

    def _keyword_text(self, name: str, snippets: bool) -> str:
        if not snippets:
            return name + " "
        if name == "go" and self.ls.local is not None:
            return f"go ${{1:{self.ls.local.version}}}"
        return SNIPPETS[name]

    # Module paths.

    async def _paths(self, doc: Document, site: Site, rank_offset: int = 0) -> Answer:
        candidates, incomplete = await self._path_candidates(doc, site)
        partial = site.partial
        match = matcher(partial)
        chosen = [p for p in candidates if match(p)]
        chosen.sort(key=lambda p: (_closeness(partial, p), candidates[p][0], p))
        if len(chosen) > MAX_PATHS:
            chosen, incomplete = chosen[:MAX_PATHS], True
        rng = self._range(doc, site.edit)
        items = [
            types.CompletionItem(
                label=p,
                kind=types.CompletionItemKind.Module,
                detail=candidates[p][1],
                sort_text=f"{rank_offset + i:04d}",
                filter_text=p,
                text_edit=types.TextEdit(rng, p),
            )
            for i, p in enumerate(chosen)
        ]
        return Answer(items, incomplete)

    async def _path_candidates(self, doc: Document, site: Site) -> tuple[dict[str, tuple[int, str]], bool]:
        """Module paths with (rank, where they come from): the lower rank wins."""
        gomodcache = self.ls.goenv.get("GOMODCACHE")
        cached = await self.modcache.get(gomodcache, lambda: cached_module_paths(gomodcache), FIRST_WALK_WAIT)
        found = dict(self._known_paths(doc, cached or []))
        model = doc.parsed.model
        # Already written: what replace and exclude usually name, and no news for require.
        rank = 0 if site.verb in ("replace", "exclude") else 5
        for p in self._written_paths(model, site.line):
            if p not in found or found[p][0] > rank:
                found[p] = (rank, "in this file")
        found.pop(model.module_path if isinstance(model, ModFile) else "", None)
        found.pop("", None)
        return found, cached is None

    def _known_paths(self, doc: Document, cached: list[str]) -> dict[str, tuple[int, str]]:
        """The paths from outside the file, rebuilt only when one of their sources changed
        (each source hands out the same object while it is unchanged)."""
        sums = self._sum_versions(doc)
        state = self.ls.resolution.state(doc)
        resolution = state.resolution if state is not None else None
        workspace = self._workspace_modules(doc)
        hit = self._known.get(doc.uri)
        if (
            hit is not None
            and hit[0][0] is cached
            and hit[0][1] is sums
            and hit[0][2] is resolution
            and hit[0][3] == workspace
        ):
            return hit[1]
        found: dict[str, tuple[int, str]] = {}
        sources = (
            (workspace, "workspace module"),
            (_build_list(resolution), "build list"),
            (sums.keys(), "go.sum"),
            (cached, "module cache"),
        )
        for rank, (paths, where) in enumerate(sources, start=1):
            for p in paths:
                found.setdefault(p, (rank, where))  # sources in rank order: the first wins
        self._known[doc.uri] = ((cached, sums, resolution, workspace), found)
        return found

    def _written_paths(self, model: ModFile | WorkFile, line: int) -> list[str]:
        """The module paths the file names, except on the line being typed."""
        named: list[Any] = [(r.old.path, r.syntax) for r in model.replace]
        if isinstance(model, ModFile):
            named += [(r.mod.path, r.syntax) for r in model.require]
            named += [(x.mod.path, x.syntax) for x in model.exclude]
        return [path for path, syntax in named if syntax.line != line]

    def _sum_file(self, doc: Document) -> str:
        name = "go.work.sum" if doc.kind is FileKind.WORK else "go.sum"
        return os.path.join(os.path.dirname(doc.path), name)

    def _sum_versions(self, doc: Document) -> dict[str, set[str]]:
        path = self._sum_file(doc)
        return self.sums.versions(path, self.ls.files.read_text(path))

    def _workspace_modules(self, doc: Document) -> list[str]:
        work_path = (
            doc.path if doc.kind is FileKind.WORK else find_go_work(os.path.dirname(doc.path), self.ls.goenv)
        )
        if work_path is None:
            return []
        work = self.ls.files.parsed(work_path, FileKind.WORK)
        if work is None or not isinstance(work.model, WorkFile):
            return []
        base = os.path.dirname(work_path)
        out = []
        for use in work.model.use:
            d = use.path if os.path.isabs(use.path) else os.path.join(base, use.path)
            out.append(module_path_of(self.ls.files.read_text(os.path.join(d, "go.mod"))))
        return out

    # Versions.

    def _retract(self, doc: Document, site: Site) -> Answer | None:
        model = doc.parsed.model
        if not isinstance(model, ModFile) or not model.module_path:
            return None
        if len(site.args) > (1 if site.bracket else 0):
            return None
        return self._versions(doc, site, model.module_path)

    def _versions(self, doc: Document, site: Site, path: str) -> Answer:
        service = self.ls.resolution.facts_service()
        self.times.reset_for(service)
        facts = service.known(path)
        versions = self._local_versions(doc, service, path, site.line) | set(facts.versions if facts else ())
        rows = self._version_rows(path, frozenset(versions), facts, frozenset(self._excluded(doc, path)))
        task = self.times.tasks.get(path)
        if task is None or (task.done() and facts is None):  # never asked, or the fetch failed
            self._learn(service, path, [r.version for r in rows])
        items = self._version_items(path, rows, self._range(doc, site.edit))
        return Answer(items, facts is None or self.times.loading(path))

    def _version_rows(
        self, path: str, versions: frozenset[str], facts: ModuleFacts | None, excluded: frozenset[str]
    ) -> tuple[VersionRow, ...]:
        """The versions in order with their notes, remembered until what they show changes
        (a client asks again at every keystroke while the list is incomplete)."""
        key = (
            versions,
            facts,
            excluded,
            self.times.owner,
            self.times.tasks.get(path),
            self.times.loading(path),
        )
        hit = self._rows.get(path)
        if hit is not None and hit[0] == key:
            return hit[1]
        ordered = order_versions(versions, facts, excluded)
        latest = facts.latest if facts else ""
        rows = tuple(self._version_row(path, v, facts, v in excluded, latest) for v in ordered)
        self._rows[path] = (key, rows)
        return rows

    def _version_row(
        self, path: str, version: str, facts: ModuleFacts | None, excluded: bool, latest: str
    ) -> VersionRow:
        notes = []
        retraction = facts.retraction(version) if facts else None
        if retraction is not None:
            rationale = short_message(retraction.rationale, "")
            notes.append(f"retracted: {rationale}" if rationale else "retracted")
        if excluded:
            notes.append("excluded by this go.mod")
        if version == latest and not notes:
            notes.append("latest")
        when = self.times.get(path, version)
        if when:
            notes.append(f"published {when[:10]}")
        return VersionRow(version, " · ".join(notes) or None, retraction is not None or excluded)

    def _version_items(
        self, path: str, rows: tuple[VersionRow, ...], rng: types.Range
    ) -> list[types.CompletionItem]:
        hit = self._items.get(path)
        if hit is not None and hit[0] is rows and hit[1] == rng:
            return hit[2]
        items = []
        for i, row in enumerate(rows):
            item = types.CompletionItem(
                label=row.version,
                kind=types.CompletionItemKind.Value,
                detail=row.detail,
                sort_text=f"{i:04d}",
                filter_text=row.version,
                text_edit=types.TextEdit(rng, row.version),
                preselect=True if i == 0 else None,
            )
            if row.marked:
                self._mark_deprecated(item)
            items.append(item)
        self._items[path] = (rows, rng, items)
        return items

    def _local_versions(self, doc: Document, service: ModuleFactsService, path: str, line: int) -> set[str]:
        """Versions known without asking a proxy: the module cache, go.sum, this file (not the
        line being typed: "v1.2" there is a shorthand on its way to a version)."""
        out = set(self.cached_versions.versions(service.fetcher.modcache, path))
        out |= self._sum_versions(doc).get(path, set())
        model = doc.parsed.model
        if isinstance(model, ModFile):
            out |= {r.mod.version for r in model.require if r.mod.path == path and r.syntax.line != line}
        return {v for v in out if canonical_version(v) == v}

    def _excluded(self, doc: Document, path: str) -> set[str]:
        model = doc.parsed.model
        if not isinstance(model, ModFile):
            return set()
        return {x.mod.version for x in model.exclude if x.mod.path == path}

    def _learn(self, service: ModuleFactsService, path: str, local: list[str]) -> None:
        """Fetch the module's facts, then the times of its newest versions, in the background."""

        async def learn() -> None:
            try:
                facts = await service.facts(path)
                newest = order_versions(set(local) | set(facts.versions), facts)
                await self.times.load(path, newest[:TIME_FETCH], service.fetcher.info)
            except Exception:  # the next request tries again (the facts stay unknown)
                log.exception("learning the versions of %s failed", path)

        task = asyncio.ensure_future(learn())
        self.times.tasks[path] = task
        self.ls.spawn(task)

    # Directories.

    async def _use_dirs(self, doc: Document, site: Site) -> Answer:
        model = doc.parsed.model
        base = os.path.dirname(doc.path)
        used = {os.path.normpath(os.path.join(base, u.path)) for u in model.use}  # type: ignore[union-attr]
        found = await self.dirs.get(("use", base), lambda: module_dirs(base), FIRST_WALK_WAIT)
        rels = [r for r in found or [] if os.path.normpath(os.path.join(base, r)) not in used]
        return self._dir_items(doc, site, base, ["./" + r if r else "." for r in rels], found is None)

    async def _replace(self, doc: Document, site: Site) -> Answer | None:
        a = site.args
        if "=>" not in a:
            if not a:
                return await self._paths(doc, site)
            return self._versions(doc, site, a[0]) if len(a) == 1 else None
        after = a[a.index("=>") + 1 :]
        if len(after) == 1 and not is_directory_path(after[0]):
            return self._versions(doc, site, after[0])
        if after:
            return None
        dirs = await self._local_dirs(doc, site)
        if site.partial.startswith((".", "/")):
            return dirs
        paths = await self._paths(doc, site, rank_offset=len(dirs.items))
        return Answer(dirs.items + paths.items, dirs.incomplete or paths.incomplete)

    async def _local_dirs(self, doc: Document, site: Site) -> Answer:
        """Directories with a go.mod below the module's (./x) and beside it (../x)."""
        base = os.path.dirname(doc.path)
        parent = os.path.dirname(base)
        below = await self.dirs.get(("below", base), lambda: module_dirs(base), FIRST_WALK_WAIT)
        beside = await self.dirs.get(
            ("beside", base), lambda: module_dirs(parent, max_depth=2, skip=base), FIRST_WALK_WAIT
        )
        rels = ["./" + r for r in below or [] if r] + ["../" + r for r in beside or [] if r]
        return self._dir_items(doc, site, base, rels, below is None or beside is None)

    def _dir_items(self, doc: Document, site: Site, base: str, rels: list[str], incomplete: bool) -> Answer:
        match = _dir_matcher(site.partial)
        chosen = [r for r in rels if match(r)]
        chosen.sort(key=lambda r: _closeness(site.partial, r))  # stable: shallow ones first otherwise
        if len(chosen) > MAX_PATHS:
            chosen, incomplete = chosen[:MAX_PATHS], True
        rng = self._range(doc, site.edit)
        items = []
        for i, rel in enumerate(chosen):
            module = module_path_of(self.ls.files.read_text(os.path.join(base, rel, "go.mod")))
            items.append(
                types.CompletionItem(
                    label=rel,
                    kind=types.CompletionItemKind.Folder,
                    detail=f"module {module}" if module else "go.mod without a module line",
                    sort_text=f"{i:04d}",
                    filter_text=rel,
                    text_edit=types.TextEdit(rng, rel),
                )
            )
        return Answer(items, incomplete)

    # What the client supports.

    def _item_caps(self) -> Any:
        td = self.ls.client_capabilities.text_document
        return td.completion.completion_item if td and td.completion else None

    def _snippets(self) -> bool:
        caps = self._item_caps()
        return bool(caps and caps.snippet_support)

    def _doc(self, text: str) -> str | types.MarkupContent | None:
        if not text:
            return None
        caps = self._item_caps()
        if caps and types.MarkupKind.Markdown in (caps.documentation_format or ()):
            return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return text

    def _mark_deprecated(self, item: types.CompletionItem) -> None:
        caps = self._item_caps()
        if caps and caps.tag_support and types.CompletionItemTag.Deprecated in caps.tag_support.value_set:
            item.tags = [types.CompletionItemTag.Deprecated]
        elif caps and caps.deprecated_support:
            item.deprecated = True

    def _range(self, doc: Document, rng: Range) -> types.Range:
        return to_range(doc.lines, rng, self.ls.encoding)


def _build_list(resolution: Resolution | None) -> list[str]:
    """The module paths of a resolved build list, with those of versioned replacements."""
    if resolution is None:
        return []
    out = []
    for mi in resolution.result.modules:
        out.append(mi.path)
        if mi.replace is not None and mi.replace.version:
            out.append(mi.replace.path)
    return out


def order_versions(
    versions: Iterable[str], facts: ModuleFacts | None, excluded: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """Newest first: releases, then pre-releases, then pseudo-versions, then the excluded and
    last the retracted ones."""
    newest_first = sorted(versions, key=semver.sort_key, reverse=True)
    return sorted(newest_first, key=lambda v: _group(v, facts, excluded))


def _group(version: str, facts: ModuleFacts | None, excluded: set[str] | frozenset[str]) -> int:
    if facts is not None and facts.retraction(version) is not None:
        return 5
    if version in excluded:
        return 4
    if is_pseudo_version(version):
        return 3
    return 2 if semver.prerelease(version) else 1


def register(server: GomodServer) -> None:
    completer = Completer(server)
    server.document_hooks.append(completer.warm)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "/"]))
    @guarded(None)
    async def on_completion(ls: GomodServer, params: types.CompletionParams) -> types.CompletionList | None:
        doc = ls.documents.get(params.text_document.uri)
        return await completer.complete(doc, params.position) if doc is not None else None
