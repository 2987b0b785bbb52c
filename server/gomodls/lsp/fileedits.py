"""Changes to whole files (what the go command wrote in a sandbox) as one WorkspaceEdit of
minimal line edits, applied through the client: each edit is tied to the text it was computed
for (the open document's version, or the file on disk), and refused when that text changed."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from gomodls.base.textedit import line_edits
from gomodls.lsp.edits import FileEdits, text_edits, workspace_edit
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


def change_edits(ls: GomodServer, changes: list[FileChange]) -> list[FileEdits]:
    """The changes as minimal line edits of the texts they were computed for."""
    out = []
    for c in changes:
        if c.before is None:
            start = types.Position(line=0, character=0)
            out.append(
                FileEdits(c.path, [types.TextEdit(types.Range(start, start), c.after)], c.version, True)
            )
        else:
            edits = text_edits(c.before.split("\n"), line_edits(c.before, c.after), ls)
            out.append(FileEdits(c.path, edits, c.version))
    return out


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
        types.ApplyWorkspaceEditParams(edit=workspace_edit(ls, change_edits(ls, changes)), label=label)
    )
    if not result.applied:
        reason = f": {result.failure_reason}" if result.failure_reason else ""
        return f"{label}: the editor did not apply the changes{reason}"
    return None
