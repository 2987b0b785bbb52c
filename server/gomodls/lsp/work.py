"""go.work actions: "go work use" for each module directory under the workspace that it does not
use yet (an edit of go.work, computed like the go command without running it), and
"go work sync" (gomodls.workSync: the user's go command in a sandbox made of the workspace, its
changes to the used modules' go.mod and go.sum files and to go.work applied as one edit)."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from lsprotocol import types

from gomodls.gocommand.gowrite import work_sync
from gomodls.gocommand.workuse import WorkUseError, unused_modules, work_use
from gomodls.lsp import commands, fileedits
from gomodls.lsp.actions import wanted
from gomodls.lsp.documents import Document, MemoKey
from gomodls.lsp.edits import workspace_edit
from gomodls.lsp.goaction import path_argument, run_and_apply
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.model import WorkFile
from gomodls.modfile.parsed import FileKind

log = logging.getLogger(__name__)

WORK_USE_KIND = types.CodeActionKind.Source + ".workUse"
SYNC_LABEL = "go work sync"
SCAN_TTL = 5.0  # seconds a directory scan is reused (code actions are asked for on every move)

_scans: dict[str, tuple[float, list[str]]] = {}
# The "go work use" edit of each module directory the workspace does not use.
USE_CHANGES: MemoKey[list[tuple[str, fileedits.FileChange]]] = MemoKey("work-use")


def _unused(doc: Document) -> list[str]:
    model = doc.parsed.model
    assert isinstance(model, WorkFile)
    key = doc.path + "\0" + repr([u.path for u in model.use])
    hit = _scans.get(key)
    now = time.monotonic()
    if hit is None or now - hit[0] > SCAN_TTL:
        hit = (now, unused_modules(doc.path, model))
        _scans.clear()
        _scans[key] = hit
    return hit[1]


def use_change(ls: GomodServer, doc: Document, directory: str) -> fileedits.FileChange | None:
    local = ls.local.version if ls.local else None
    try:
        after = work_use(doc.path, doc.text, directory, ls.files, local)
    except WorkUseError as e:
        log.info("go work use %s: %s", directory, e)
        return None
    if after == doc.text:
        return None
    return fileedits.FileChange(doc.path, doc.text, after, doc.version)


def use_actions(ls: GomodServer, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    """A source action per module directory the workspace does not use."""
    if doc.kind is not FileKind.WORK or not doc.parsed.ok or not wanted(params, WORK_USE_KIND):
        return []
    changes = doc.memo.get(USE_CHANGES)
    if changes is None:  # once per version: each is a parse and a format of go.work
        changes = doc.memo.put(
            USE_CHANGES, [(d, c) for d in _unused(doc) if (c := use_change(ls, doc, d)) is not None]
        )
    return [
        types.CodeAction(
            title=f"Add {directory} to the workspace (go work use)",
            kind=WORK_USE_KIND,
            edit=workspace_edit(ls, fileedits.change_edits(ls, [change])),
        )
        for directory, change in changes
    ]


async def run_use(ls: GomodServer, gowork: str, directory: str) -> None:
    doc = ls.documents.by_path(gowork)
    text, version = fileedits.current(ls, gowork)
    if text is None:
        ls.show(f"go work use: {gowork} does not exist", types.MessageType.Error)
        return
    local = ls.local.version if ls.local else None
    try:
        after = work_use(gowork, text, directory, ls.files, local)
    except WorkUseError as e:
        ls.show(f"go work use: {e}", types.MessageType.Error)
        return
    if after == text:
        ls.show(f"go work use: {directory} is already in the workspace", types.MessageType.Info)
        return
    change = fileedits.FileChange(doc.path if doc else gowork, text, after, version)
    problem = await fileedits.apply(ls, [change], "go work use")
    if problem is not None:
        ls.show(problem, types.MessageType.Warning)


async def run_sync(ls: GomodServer, gowork: str) -> None:
    await run_and_apply(
        ls,
        SYNC_LABEL,
        os.path.dirname(gowork),
        lambda texts, env: work_sync(gowork, texts, env),
        f"{SYNC_LABEL}: the workspace modules are in sync",
    )


def register(server: GomodServer) -> None:
    server.code_action_kinds.append(WORK_USE_KIND)
    server.source_actions.append(use_actions)

    @server.command(commands.WORK_USE)
    @guarded()
    async def use_command(ls: GomodServer, *args: Any) -> None:
        gowork = path_argument(args[0] if args else None, "go.work")
        directory = args[1] if len(args) > 1 else None
        if gowork is None or not isinstance(directory, str) or not directory:
            ls.show(f"{commands.WORK_USE}: expected the path of a go.work file and a module directory")
            return
        await run_use(ls, gowork, directory)

    @server.command(commands.WORK_SYNC)
    @guarded()
    async def sync_command(ls: GomodServer, *args: Any) -> None:
        gowork = path_argument(args[0] if args else None, "go.work")
        if gowork is None:
            ls.show(f"{commands.WORK_SYNC}: expected the path of a go.work file")
            return
        await run_sync(ls, gowork)
