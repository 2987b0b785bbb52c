"""What every feature that runs the user's go command needs: whether it may (the
gomodls.go.allowRun setting, a go command on PATH), its environment, the editor's texts, and
the file a command was asked to run on."""

from __future__ import annotations

import os
from typing import Any

from pygls.uris import to_fs_path

from gomodls.gorun import GoNotFound
from gomodls.lsp.server import GomodServer
from gomodls.toolchain import find_go

NOT_ALLOWED = (
    "gomodls does not run the go command in this workspace (the setting gomodls.go.allowRun is false)"
)


def environ(ls: GomodServer) -> dict[str, str]:
    """The go command's environment: the server's, with the gomodls.env overrides."""
    return dict(os.environ) | ls.settings.env


def refusal(ls: GomodServer) -> str | None:
    """Why the go command cannot run now (one message), or None."""
    if not ls.settings.go.allow_run:
        return NOT_ALLOWED
    if find_go(environ(ls)) is None:
        return str(GoNotFound())
    return None


def editor_texts(ls: GomodServer) -> dict[str, str | None]:
    """The open documents' texts by path: they win over the files on disk."""
    return {doc.path: doc.text for doc in ls.documents}


def path_argument(value: Any, name: str) -> str | None:
    """The file a command names: a path or a file URI (also as {"uri": ...} or {"path": ...}),
    whose base name must be `name`."""
    if isinstance(value, dict):
        value = value.get("path") or value.get("uri")
    if not isinstance(value, str) or not value:
        return None
    path = to_fs_path(value) if value.startswith("file:") else value
    if not path or os.path.basename(path) != name:
        return None
    return os.path.abspath(path)
