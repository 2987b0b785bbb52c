"""Code actions: the fixes attached to findings (quick fixes), and source actions that apply to
the whole file: format, sort blocks, and those other features register in
`GomodServer.source_actions` (with their kinds in `code_action_kinds`). Every edit is tied to the
document version it was computed for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from gomodls.analysis.findings import Fix
from gomodls.base.textedit import TextEdit
from gomodls.lsp import commands
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.edits import current_edits, workspace_edit
from gomodls.lsp.formatting import (
    FORMAT_EDITS,
    edits_for_version,
    format_edits,
    prepare_format,
    whole_file_edits,
)
from gomodls.lsp.positions import from_range, overlaps, to_range
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.canonical import sort_edits
from gomodls.modfile.parsed import FileKind

SORT_BLOCKS = types.CodeActionKind.Source + ".sortBlocks"
FORMAT_FILE = types.CodeActionKind.Source + ".format"
KINDS = [types.CodeActionKind.QuickFix, SORT_BLOCKS, FORMAT_FILE]
SORT_EDITS: MemoKey[list[TextEdit]] = MemoKey("sort-edits")

# Above this many lines, whether "Format file" or "Sort blocks" changes anything is not worked
# out to answer a code action request (formatting 100,000 requirements takes seconds, sorting
# them one): the action is offered without its edit, which codeAction/resolve computes, or with
# the command that applies it.
DEFERRED_FORMAT_LINES = 5000


def wanted(params: types.CodeActionParams, kind: str) -> bool:
    """Whether the request asks for actions of this kind (`only`, hierarchically)."""
    only = params.context.only
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def _action(ls: GomodServer, fix: Fix, diagnostics: list[types.Diagnostic]) -> types.CodeAction:
    action = types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=diagnostics or None,
        is_preferred=fix.preferred or None,
    )
    if fix.disabled:
        action.disabled = types.CodeActionDisabled(reason=fix.disabled)
        return action
    if fix.edits:
        action.edit = workspace_edit(ls, current_edits(ls, fix.edits))
    if fix.action is not None:
        what, arguments = fix.action
        action.command = types.Command(
            title=fix.title, command=commands.FOR_ACTION[what], arguments=arguments
        )
    return action


def _disabled_support(ls: GomodServer) -> bool:
    caps = ls.client_capabilities.text_document
    code_action = caps.code_action if caps is not None else None
    return bool(code_action is not None and code_action.disabled_support)


def _resolves_edit(ls: GomodServer) -> bool:
    """Whether the client asks codeAction/resolve for an action's missing `edit`."""
    caps = ls.client_capabilities.text_document
    code_action = caps.code_action if caps is not None else None
    support = code_action.resolve_support if code_action is not None else None
    return bool(support is not None and "edit" in support.properties and code_action.data_support)  # type: ignore[union-attr]


def _applies_edits(ls: GomodServer) -> bool:
    ws = ls.client_capabilities.workspace
    return bool(ws and ws.apply_edit)


def _sort_edits(doc: Document) -> list[TextEdit]:
    return whole_file_edits(doc, SORT_EDITS, _prepare_sort)


def _prepare_sort(doc: Document) -> Callable[[], list[TextEdit]]:
    """Sorting the current version's blocks, to do now or in a thread (see prepare_format)."""
    model = doc.parsed.model
    return lambda: sort_edits(model)


@dataclass(frozen=True)
class _WholeFile:
    """A source action over the whole file: its edits, and the command that applies them
    (offered to clients that cannot resolve an action's edit, for a large file)."""

    title: str
    kind: str
    edits: Callable[[Document], list[TextEdit]]
    memo: MemoKey[list[TextEdit]]
    command: str
    prepare: Callable[[Document], Callable[[], list[TextEdit]]]  # (for a thread)

    async def edits_now(self, ls: GomodServer, doc: Document) -> list[TextEdit] | None:
        """The edits of the document's current version, in a thread for a large one; None when
        it changed meanwhile."""
        return await edits_for_version(ls, doc, self.memo, self.edits, self.prepare)


WHOLE_FILE = {
    "sort": _WholeFile(
        "Sort blocks", SORT_BLOCKS, _sort_edits, SORT_EDITS, commands.SORT_BLOCKS, _prepare_sort
    ),
    "format": _WholeFile(
        "Format file", FORMAT_FILE, format_edits, FORMAT_EDITS, commands.FORMAT, prepare_format
    ),
}


def _whole_file_action(ls: GomodServer, doc: Document, name: str) -> types.CodeAction | None:
    """The action, with its edit; or, for a large file whose edits are not known yet, without:
    the edit comes from codeAction/resolve, or the action runs the command that applies it."""
    what = WHOLE_FILE[name]
    if doc.memo.get(what.memo) is None and len(doc.lines) > DEFERRED_FORMAT_LINES:
        if _resolves_edit(ls):
            return types.CodeAction(title=what.title, kind=what.kind, data={name: doc.uri})
        if _applies_edits(ls):
            command = types.Command(title=what.title, command=what.command, arguments=[doc.uri])
            return types.CodeAction(title=what.title, kind=what.kind, command=command)
    edits = what.edits(doc)
    if not edits:
        return None
    return types.CodeAction(
        title=what.title, kind=what.kind, edit=workspace_edit(ls, current_edits(ls, {doc.path: edits}))
    )


def register(server: GomodServer) -> None:
    server.code_action_kinds.extend(KINDS)

    @server.feature(types.CODE_ACTION_RESOLVE)
    @guarded()
    async def resolve(ls: GomodServer, action: types.CodeAction) -> types.CodeAction:
        """The edit of a deferred whole-file action, for the document as it is now (an empty
        edit when there is nothing to change any more). Computed in a thread; when the document
        changes meanwhile, the action comes back without an edit (nothing stale is applied)."""
        data = action.data
        if action.edit is None and isinstance(data, dict):
            for name, what in WHOLE_FILE.items():
                doc = ls.documents.get(data[name]) if isinstance(data.get(name), str) else None
                if doc is not None and (edits := await what.edits_now(ls, doc)) is not None:
                    action.edit = workspace_edit(ls, current_edits(ls, {doc.path: edits}))
        return action

    def apply_whole_file(what: _WholeFile) -> Callable[..., Any]:
        async def run(ls: GomodServer, uri: Any = None) -> None:
            doc = ls.documents.get(uri) if isinstance(uri, str) else None
            if doc is None:
                ls.show(f"{what.command}: expected the URI of an open go.mod or go.work")
                return
            edits = await what.edits_now(ls, doc)
            if edits is None:
                ls.show(
                    f"gomodls: {what.title}: the file changed meanwhile; not applied", types.MessageType.Info
                )
                return
            if not edits:
                ls.show(f"gomodls: {what.title}: nothing to change", types.MessageType.Info)
                return
            result = await ls.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(
                    edit=workspace_edit(ls, current_edits(ls, {doc.path: edits})), label=what.title
                )
            )
            if not result.applied:
                ls.show(
                    f"gomodls: the editor did not apply it ({result.failure_reason or 'no reason given'})"
                )

        return run

    for what in WHOLE_FILE.values():
        server.command(what.command)(guarded()(apply_whole_file(what)))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        # (the list itself: features registered later add their kinds to it)
        types.CodeActionOptions(code_action_kinds=server.code_action_kinds, resolve_provider=True),
    )
    @guarded([])
    def code_action(ls: GomodServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        actions: list[types.CodeAction] = []
        if wanted(params, types.CodeActionKind.QuickFix):
            asked = from_range(doc.lines, params.range, ls.encoding)
            sent = params.context.diagnostics
            for finding in ls.findings(doc):
                if not finding.fixes or not overlaps(finding.range, asked):
                    continue
                # The diagnostic this finding was published as: same code, range and message
                # (several findings may share a code, in the range asked about).
                rng = to_range(doc.lines, finding.range, ls.encoding)
                mine = [d for d in sent if d.code == finding.code and d.range == rng]
                mine = [d for d in mine if d.message == finding.message] or mine
                for fix in finding.fixes:
                    if fix.disabled and not _disabled_support(ls):
                        continue  # (the spec: only to clients that can show why)
                    actions.append(_action(ls, fix, mine[:1]))
        for provide in ls.source_actions:
            actions.extend(provide(ls, doc, params))
        if doc.kind is not FileKind.SUM and doc.parsed.ok:
            for name, what in WHOLE_FILE.items():
                if wanted(params, what.kind) and (action := _whole_file_action(ls, doc, name)) is not None:
                    actions.append(action)
        return actions
