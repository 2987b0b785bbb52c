"""Changes to whole files (what the go command wrote in a sandbox) as one WorkspaceEdit of
minimal line edits, applied through the client: each edit is tied to the text it was computed
for (the open document's version, or the file on disk), and refused when that text changed."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from gomodls.base.textedit import line_edits
from gomodls.lsp.documents import uri_of
from gomodls.lsp.positions import to_range
from gomodls.lsp.server import GomodServer


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    before: str | None  # the text the change was computed against (None: the file did not exist)
    after: str
    version: int | None  # the open document's version of `before` (None: the file on disk)


def current(ls: GomodServer, path: str) -> tuple[str | None, int | None]:
    """A file's text as the editor has it (the open document, else the disk) and its version."""
    doc = ls.documents.by_path(path)
    if doc is not None:
        return doc.text, doc.version
    return ls.files.read_text(path), None


def stale(ls: GomodServer, changes: list[FileChange]) -> list[str]:
    """The files whose text is no longer what their change was computed for."""
    out = []
    for c in changes:
        text, version = current(ls, c.path)
        if version != c.version or text != c.before:
            out.append(c.path)
    return out


def _supports(ls: GomodServer) -> tuple[bool, bool]:
    """Whether the client takes versioned documentChanges, and file creation among them."""
    ws = ls.client_capabilities.workspace
    we = ws.workspace_edit if ws else None
    versioned = bool(we and we.document_changes)
    create = bool(
        versioned
        and we
        and we.resource_operations
        and types.ResourceOperationKind.Create in we.resource_operations
    )
    return versioned, create


def workspace_edit(ls: GomodServer, changes: list[FileChange]) -> types.WorkspaceEdit:
    versioned, create = _supports(ls)
    document_changes: list[types.TextDocumentEdit | types.CreateFile] = []
    by_uri: dict[str, list[types.TextEdit]] = {}
    for c in changes:
        doc = ls.documents.by_path(c.path)
        uri = doc.uri if doc is not None else uri_of(c.path)
        if c.before is None:
            start = types.Position(line=0, character=0)
            edits = [types.TextEdit(types.Range(start, start), c.after)]
            if create:
                document_changes.append(types.CreateFile(uri=uri))
        else:
            lines = c.before.split("\n")
            edits = [
                types.TextEdit(to_range(lines, e.range, ls.encoding), e.new_text)
                for e in line_edits(c.before, c.after)
            ]
        if versioned:
            ident = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=c.version)
            document_changes.append(types.TextDocumentEdit(ident, edits))  # type: ignore[arg-type]
        else:
            by_uri[uri] = edits
    if versioned:
        return types.WorkspaceEdit(document_changes=document_changes)  # type: ignore[arg-type]
    return types.WorkspaceEdit(changes=by_uri)


async def apply(ls: GomodServer, changes: list[FileChange], label: str) -> str | None:
    """Apply the changes through the client; None when applied, else why not (one message)."""
    changed = stale(ls, changes)
    if changed:
        names = ", ".join(sorted(changed))
        return f"{label}: not applied, {names} changed while it ran; run it again"
    ws = ls.client_capabilities.workspace
    if not (ws and ws.apply_edit):
        return f"{label}: the editor cannot apply edits from the server (workspace/applyEdit)"
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=workspace_edit(ls, changes), label=label)
    )
    if not result.applied:
        reason = f": {result.failure_reason}" if result.failure_reason else ""
        return f"{label}: the editor did not apply the changes{reason}"
    return None
