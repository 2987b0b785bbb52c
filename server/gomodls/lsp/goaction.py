"""What every feature that runs the user's go command needs: whether it may (the
gomodls.go.allowRun setting, a go command on PATH), its environment, the editor's texts, and
the file a command was asked to run on."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from gomodls.gocommand.gorun import GoNotFound
from gomodls.gocommand.gowrite import NotRunnable, Outcome
from gomodls.gocommand.sandbox import SandboxError
from gomodls.gocommand.toolchain import find_go
from gomodls.lsp import fileedits
from gomodls.lsp.progress import progress
from gomodls.lsp.server import GomodServer

NOT_ALLOWED = (
    "gomodls does not run the go command in this workspace (the setting gomodls.go.allowRun is false)"
)


def environ(ls: GomodServer) -> dict[str, str]:
    """The go command's environment: the server's, with the gomodls.env overrides (which never
    name a program: lsp/config.py refuses those)."""
    return dict(os.environ) | ls.settings.env


def refusal(ls: GomodServer) -> str | None:
    """Why the go command cannot run now (one message), or None."""
    if not ls.settings.go.allow_run:
        return NOT_ALLOWED
    if find_go(os.environ) is None:
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


async def run_and_apply(
    ls: GomodServer,
    label: str,
    directory: str,
    run: Callable[[dict[str, str | None], dict[str, str]], Awaitable[Outcome]],
    nothing_to_do: str | None,
    before_apply: Callable[[Outcome], None] | None = None,
    unchanged_inputs: bool = False,
) -> Outcome | None:
    """Run a go command in the sandbox (with progress; one message for whatever goes wrong),
    then apply what it changed as one edit tied to the document versions it started from.
    The outcome once its changes are applied (or it changed nothing: `nothing_to_do` is then
    shown, if given); None when it did not run, failed, or its changes were not applied.
    With `unchanged_inputs`, an outcome that changed nothing is also refused when the files it
    started from changed while it ran (the caller writes something made from them)."""
    if (why := refusal(ls)) is not None:
        ls.show(why, types.MessageType.Error)
        return None
    texts = editor_texts(ls)
    versions = {doc.path: doc.version for doc in ls.documents}
    try:
        async with progress(ls, label, directory):
            outcome = await run(texts, environ(ls))
    except asyncio.CancelledError:
        ls.show(f"{label}: cancelled", types.MessageType.Info)
        return None
    except GoNotFound as e:
        ls.show(str(e), types.MessageType.Error)
        return None
    except (NotRunnable, SandboxError) as e:
        ls.show(f"{label}: {e}", types.MessageType.Error)
        return None
    if not outcome.ok:
        ls.show(outcome.result.failure(), types.MessageType.Error)
        return None
    if before_apply is not None:
        before_apply(outcome)
    changes = [
        fileedits.FileChange(p, before, after, versions.get(p))
        for p, (before, after) in outcome.changed().items()
    ]
    if not changes:
        if unchanged_inputs:
            same = [
                fileedits.FileChange(p, before, before or "", versions.get(p))
                for p, before in outcome.before.items()
            ]
            if changed := fileedits.stale(ls, same):
                names = ", ".join(sorted(changed))
                ls.show(
                    f"{label}: not applied, {names} changed while it ran; run it again",
                    types.MessageType.Warning,
                )
                return None
        if nothing_to_do is not None:
            ls.show(nothing_to_do, types.MessageType.Info)
        return outcome
    problem = await fileedits.apply(ls, changes, label)
    if problem is not None:
        ls.show(problem, types.MessageType.Warning)
        return None
    return outcome
