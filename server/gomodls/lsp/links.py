"""Document links (module paths -> pkg.go.dev, local paths -> their go.mod, URLs in comments)
and go-to-definition (local replacement and `use` directories, workspace modules -> go.mod)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lsprotocol import types

from gomodls.analysis.lines import args
from gomodls.base.goenv import GoEnv, find_go_work
from gomodls.base.textedit import Range
from gomodls.lsp.documents import Document, uri_of
from gomodls.lsp.positions import contains, from_position, to_range
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.errors import token_range
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind
from gomodls.modfile.rules import is_directory_path
from gomodls.module.paths import match_prefix_patterns
from gomodls.syntax.cursor import cursor_at
from gomodls.syntax.tree import Token

URL = re.compile(r"https?://[^\s<>\"'`)\]]+")


@dataclass(frozen=True, slots=True)
class Target:
    range: Range
    kind: str  # "module" or "dir"
    path: str
    version: str = ""
    token: Token | None = None  # in go.mod and go.work


def is_private(path: str, env: GoEnv) -> bool:
    patterns = ",".join(p for p in (env.get("GOPRIVATE"), env.get("GONOPROXY")) if p)
    return bool(patterns) and match_prefix_patterns(patterns, path)


def pkg_url(path: str, version: str = "") -> str:
    return f"https://pkg.go.dev/{path}@{version}" if version else f"https://pkg.go.dev/{path}"


def _target(tok: Token, kind: str, path: str, version: str = "") -> Target:
    return Target(token_range(tok), kind, path, version, tok)


def targets(doc: Document) -> Iterator[Target]:
    """Every module path and local directory the document names, with its range."""
    if doc.kind is FileKind.SUM:
        for s in doc.sum.lines:
            yield Target(
                (s.line, s.path.col, s.line, s.path.end_col), "module", s.path.text, s.module_version
            )
        return
    model = doc.parsed.model
    if isinstance(model, ModFile):
        if model.module is not None and args(model.module.syntax):
            yield _target(args(model.module.syntax)[0], "module", model.module.mod.path)
        for r in model.require:
            yield _target(args(r.syntax)[0], "module", r.mod.path, r.mod.version)
        for x in model.exclude:
            yield _target(args(x.syntax)[0], "module", x.mod.path, x.mod.version)
        for t in model.tool:
            yield _target(args(t.syntax)[0], "module", t.path)
        for i in model.ignore:
            if is_directory_path(i.path):
                yield _target(args(i.syntax)[0], "dir", i.path)
    if isinstance(model, WorkFile):
        for u in model.use:
            yield _target(args(u.syntax)[0], "dir", u.path)
    for r in model.replace:
        a = args(r.syntax)
        arrow = next(i for i, t in enumerate(a) if t.text == "=>")
        yield _target(a[0], "module", r.old.path, r.old.version)
        if r.new.version:
            yield _target(a[arrow + 1], "module", r.new.path, r.new.version)
        else:
            yield _target(a[arrow + 1], "dir", r.new.path)


def _dir(doc: Document, path: str) -> str:
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(os.path.dirname(doc.path), path))


def _dir_link(doc: Document, path: str) -> str | None:
    d = _dir(doc, path)
    gomod = os.path.join(d, "go.mod")
    if os.path.isfile(gomod):
        return uri_of(gomod)
    return uri_of(d) if os.path.isdir(d) else None


def document_links(ls: GomodServer, doc: Document) -> list[types.DocumentLink]:
    env = ls.goenv
    out: list[types.DocumentLink] = []
    for t in targets(doc):
        if t.kind == "dir":
            target = _dir_link(doc, t.path)
        elif is_private(t.path, env) or "." not in t.path.split("/")[0]:
            target = None
        else:
            target = pkg_url(t.path, t.version)
        if target:
            out.append(types.DocumentLink(range=to_range(doc.lines, t.range, ls.encoding), target=target))
    for n, line in enumerate(doc.lines):
        if "//" not in line:
            continue
        for m in URL.finditer(line, line.index("//")):
            url = m.group().rstrip(".,;:")
            out.append(
                types.DocumentLink(
                    range=to_range(doc.lines, (n, m.start(), n, m.start() + len(url)), ls.encoding),
                    target=url,
                )
            )
    return out


def workspace_modules(ls: GomodServer, doc: Document) -> dict[str, str]:
    """Module path -> go.mod path of the modules in the workspace this document belongs to."""
    if doc.kind is FileKind.WORK:
        work = doc.path
    else:
        work = find_go_work(os.path.dirname(doc.path), ls.goenv)
    if work is None:
        return {}
    parsed = ls.files.parsed(work, FileKind.WORK)
    if parsed is None or not isinstance(parsed.model, WorkFile):
        return {}
    out: dict[str, str] = {}
    for u in parsed.model.use:
        d = os.path.normpath(u.path if os.path.isabs(u.path) else os.path.join(os.path.dirname(work), u.path))
        gomod = os.path.join(d, "go.mod")
        mod = ls.files.parsed(gomod, FileKind.MOD)
        if mod is not None and isinstance(mod.model, ModFile) and mod.model.module_path:
            out[mod.model.module_path] = gomod
    return out


def definition(ls: GomodServer, doc: Document, pos: types.Position) -> list[types.Location]:
    line, col = from_position(doc.lines, pos, ls.encoding)
    if doc.syntax is None:  # go.sum
        hit = next((t for t in targets(doc) if contains(t.range, line, col)), None)
    else:
        under = cursor_at(doc.syntax, line, col).tokens
        hit = next((t for t in targets(doc) if t.token is not None and t.token in under), None)
    if hit is None:
        return []
    gomod: str | None = None
    if hit.kind == "dir":
        candidate = os.path.join(_dir(doc, hit.path), "go.mod")
        gomod = candidate if os.path.isfile(candidate) else None
    elif doc.kind is not FileKind.SUM:
        model = doc.parsed.model
        local = [
            r
            for r in model.replace
            if r.old.path == hit.path and not r.new.version and is_directory_path(r.new.path)
        ]
        if local:
            candidate = os.path.join(_dir(doc, local[-1].new.path), "go.mod")
            gomod = candidate if os.path.isfile(candidate) else None
        if gomod is None:
            gomod = workspace_modules(ls, doc).get(hit.path)
    if gomod is None or os.path.normpath(gomod) == os.path.normpath(doc.path):
        return []
    start = types.Position(line=0, character=0)
    return [types.Location(uri=uri_of(gomod), range=types.Range(start, start))]


def register(server: GomodServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    @guarded([])
    def links(ls: GomodServer, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
        doc = ls.documents.get(params.text_document.uri)
        return document_links(ls, doc) if doc is not None else []

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded([])
    def goto_definition(ls: GomodServer, params: types.DefinitionParams) -> list[types.Location]:
        doc = ls.documents.get(params.text_document.uri)
        return definition(ls, doc, params.position) if doc is not None else []
