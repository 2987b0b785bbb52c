"""gomodls text edits -> LSP edits. Edits to an open document are tied to its version when
the client supports versioned document changes, so a stale edit is refused, not misapplied."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from gomodls.analysis.findings import TextEdit
from gomodls.lsp.documents import uri_of
from gomodls.lsp.positions import to_range
from gomodls.lsp.server import GomodServer


def text_edits(lines: Sequence[str], edits: Sequence[TextEdit], ls: GomodServer) -> list[types.TextEdit]:
    return [types.TextEdit(to_range(lines, e.range, ls.encoding), e.new_text) for e in edits]


def workspace_edit(ls: GomodServer, by_path: dict[str, list[TextEdit]]) -> types.WorkspaceEdit:
    caps = ls.client_capabilities.workspace
    versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
    changes: dict[str, list[types.TextEdit]] = {}
    document_changes: list[types.TextDocumentEdit] = []
    for path, edits in by_path.items():
        doc = ls.documents.by_path(path)
        lines = doc.lines if doc is not None else (ls.lines_of(path) or [""])
        converted = text_edits(lines, edits, ls)
        uri = doc.uri if doc is not None else uri_of(path)
        if versioned:
            document_changes.append(
                types.TextDocumentEdit(
                    types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=doc.version if doc else None
                    ),
                    converted,  # type: ignore[arg-type]
                )
            )
        else:
            changes[uri] = converted
    if versioned:
        return types.WorkspaceEdit(document_changes=document_changes)  # type: ignore[arg-type]
    return types.WorkspaceEdit(changes=changes)
