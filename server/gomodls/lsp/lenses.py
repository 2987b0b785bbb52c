"""Code lenses (gomodls.codeLenses): "Check for upgrades" and "Tidy" on go.mod's module line,
"Sync" on go.work. Each is also a source code action, for clients that show no lenses."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from gomodls.analysis.lines import line_range
from gomodls.lsp import commands
from gomodls.lsp.actions import wanted
from gomodls.lsp.documents import Document
from gomodls.lsp.positions import to_range
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.model import ModFile, WorkFile
from gomodls.modfile.parsed import FileKind

KIND_CHECK_UPGRADES = types.CodeActionKind.Source + ".checkUpgrades"
KIND_TIDY = types.CodeActionKind.Source + ".tidy"
KIND_WORK_SYNC = types.CodeActionKind.Source + ".workSync"
KINDS = [KIND_CHECK_UPGRADES, KIND_TIDY, KIND_WORK_SYNC]


@dataclass(frozen=True, slots=True)
class Lens:
    line: int
    title: str  # on the lens
    action: str  # the code action's title
    kind: str
    command: str
    path: str


def lenses(ls: GomodServer, doc: Document) -> list[Lens]:
    runs_go = ls.settings.go.allow_run
    if doc.kind is FileKind.SUM or not doc.parsed.ok:
        return []  # the go command refuses a file that does not parse
    if doc.kind is FileKind.MOD:
        model = doc.parsed.model
        if not isinstance(model, ModFile) or model.module is None:
            return []
        line = line_range(model.module.syntax)[0]
        out = [
            Lens(
                line,
                "Check for upgrades",
                "Check for module upgrades",
                KIND_CHECK_UPGRADES,
                commands.CHECK_UPGRADES,
                doc.path,
            )
        ]
        if runs_go:
            out.append(Lens(line, "Tidy", "Run go mod tidy", KIND_TIDY, commands.TIDY, doc.path))
        return out
    if doc.kind is FileKind.WORK and runs_go and doc.path.endswith("go.work"):
        model = doc.parsed.model
        first = model.go.syntax if isinstance(model, WorkFile) and model.go is not None else None
        line = line_range(first)[0] if first is not None else 0
        return [Lens(line, "Sync", "Run go work sync", KIND_WORK_SYNC, commands.WORK_SYNC, doc.path)]
    return []


def lens_actions(ls: GomodServer, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    return [
        types.CodeAction(
            title=lens.action,
            kind=lens.kind,
            command=types.Command(title=lens.action, command=lens.command, arguments=[lens.path]),
        )
        for lens in lenses(ls, doc)
        if wanted(params, lens.kind)
    ]


def register(server: GomodServer) -> None:
    server.code_action_kinds.extend(KINDS)
    server.source_actions.append(lens_actions)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    @guarded([])
    def code_lens(ls: GomodServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or not ls.settings.code_lenses:
            return []
        out = []
        for lens in lenses(ls, doc):
            rng = to_range(doc.lines, (lens.line, 0, lens.line, 0), ls.encoding)
            out.append(
                types.CodeLens(
                    range=rng,
                    command=types.Command(title=lens.title, command=lens.command, arguments=[lens.path]),
                )
            )
        return out
