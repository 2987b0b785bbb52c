"""Edits as the client applies them. `workspace_edit` is the one place a WorkspaceEdit is made:
with versioned document changes when the client supports them, each edit tied to the document
version it was computed for, so that a stale edit is refused, not misapplied."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lsprotocol import types

from gomodls.base.textedit import TextEdit
from gomodls.lsp.documents import uri_of
from gomodls.lsp.positions import to_range
from gomodls.lsp.server import GomodServer


@dataclass(frozen=True, slots=True)
class FileEdits:
    path: str
    edits: list[types.TextEdit]
    version: int | None  # of the open document the edits were computed for (None: the file on disk)
    create: bool = False  # the file does not exist yet


def text_edits(lines: Sequence[str], edits: Sequence[TextEdit], ls: GomodServer) -> list[types.TextEdit]:
    return [types.TextEdit(to_range(lines, e.range, ls.encoding), e.new_text) for e in edits]


def current_edits(ls: GomodServer, by_path: Mapping[str, list[TextEdit]]) -> list[FileEdits]:
    """Edits computed from the files as the editor has them now (open documents at their
    current version, other files as on disk)."""
    out = []
    for path, edits in by_path.items():
        doc = ls.documents.by_path(path)
        lines = doc.lines if doc is not None else (ls.lines_of(path) or [""])
        out.append(FileEdits(path, text_edits(lines, edits, ls), doc.version if doc else None))
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


def workspace_edit(ls: GomodServer, files: Sequence[FileEdits]) -> types.WorkspaceEdit:
    versioned, can_create = _supports(ls)
    document_changes: list[types.TextDocumentEdit | types.CreateFile] = []
    by_uri: dict[str, list[types.TextEdit]] = {}
    for f in files:
        doc = ls.documents.by_path(f.path)
        uri = doc.uri if doc is not None else uri_of(f.path)
        if f.create and can_create:
            document_changes.append(types.CreateFile(uri=uri))
        if versioned:
            ident = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=f.version)
            document_changes.append(types.TextDocumentEdit(ident, list(f.edits)))
        else:
            by_uri[uri] = f.edits
    if versioned:
        return types.WorkspaceEdit(document_changes=document_changes)
    return types.WorkspaceEdit(changes=by_uri)
