"""The "Run go mod vendor" command (gomodls.vendor), through the same safe path as go mod tidy
(goaction.run_and_apply: the gomodls.go.allowRun setting, GOTOOLCHAIN=local, progress that
the user may cancel, the editor's unsaved go.mod and go.sum, the module's .go files through
-overlay, never running on the user's files).

Design: the go command runs in a sandbox and writes the new vendor directory into a staging
directory next to the real one (a hidden `.gomodls-vendor-*` directory, which the go command
ignores, on the same file system). What it changes in go.mod and go.sum is applied as one
versioned WorkspaceEdit, like tidy's; once the editor has applied it (or there is nothing to
apply), the vendor directory is swapped in by renames. The vendor tree itself does not go
through a WorkspaceEdit: it is a generated tree of possibly thousands of files (sources,
assembly, embedded files, licences) that nobody edits, which editors would open as buffers and
put in their undo history; the go command writes it straight to disk too. If the edit is
refused (go.mod or go.sum changed while the command ran, or the editor said no), the vendor
directory is left as it was, so that it never disagrees with the go.mod it was made from.

Inside a go.work workspace that uses the module, the go command refuses `go mod vendor` and
reads the workspace's vendor directory (next to go.work), not the module's: the command then
runs `go work vendor` for the workspace."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from typing import Any

from lsprotocol import types

from gomodls.analysis.vendor import workspace_using
from gomodls.gocommand.gowrite import Outcome, mod_vendor, work_vendor
from gomodls.lsp import commands
from gomodls.lsp.goaction import path_argument, run_and_apply
from gomodls.lsp.server import GomodServer, guarded, log

STAGING_PREFIX = ".gomodls-vendor-"


async def vendor(ls: GomodServer, gomod: str) -> None:
    gomod = os.path.abspath(gomod)
    gowork = workspace_using(os.path.dirname(gomod), ls.goenv.get("GOWORK"), ls.files)
    if gowork is not None:
        label, target_dir = "go work vendor", os.path.dirname(gowork)
    else:
        label, target_dir = "go mod vendor", os.path.dirname(gomod)
    try:
        staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target_dir)
    except OSError as e:
        ls.show(f"{label}: {e}", types.MessageType.Error)
        return
    output = os.path.join(staging, "vendor")
    try:

        def run(texts: dict[str, str | None], env: dict[str, str]) -> Any:
            if gowork is not None:
                return work_vendor(gowork, texts, env, output)
            return mod_vendor(gomod, texts, env, output)

        outcome: Outcome | None = await run_and_apply(ls, label, target_dir, run, None, unchanged_inputs=True)
        if outcome is None:
            return  # refused, failed, cancelled or not applied: said already
        current = os.path.join(target_dir, "vendor")
        vendored, existed = os.path.isdir(output), os.path.lexists(current)
        try:
            _swap(output, current, os.path.join(staging, "vendor.old"))
        except OSError as e:
            log.exception("%s: replacing %s", label, current)
            ls.show(f"{label}: could not replace {current}: {e}", types.MessageType.Error)
            return
        if vendored:
            ls.show(f"{label}: vendor directory updated", types.MessageType.Info)
        else:
            removed = "; vendor directory removed" if existed else ""
            ls.show(f"{label}: no dependencies to vendor{removed}", types.MessageType.Info)
        ls.files.forget(os.path.join(current, "modules.txt"))
        ls.refresh()
    finally:
        # The old vendor tree may be big: removed off the event loop.
        await asyncio.get_running_loop().run_in_executor(None, shutil.rmtree, staging, True)


def _swap(new: str, current: str, old: str) -> None:
    """Put the vendor directory `new` in place of `current` by renames (the old one is moved to
    `old`, removed with the staging directory). Without `new` the vendor directory goes: the
    go command removes it, then writes none when there is nothing to vendor."""
    had = os.path.lexists(current)
    if had:
        os.rename(current, old)
    if not os.path.isdir(new):
        return
    try:
        os.rename(new, current)
    except OSError:
        if had:
            os.rename(old, current)
        raise


def register(server: GomodServer) -> None:
    @server.command(commands.VENDOR)
    @guarded()
    async def run_vendor(ls: GomodServer, *args: Any) -> None:
        gomod = path_argument(args[0] if args else None, "go.mod")
        if gomod is None:
            ls.show(f"{commands.VENDOR}: expected the path of a go.mod file")
            return
        await vendor(ls, gomod)
