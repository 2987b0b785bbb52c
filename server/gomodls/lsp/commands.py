"""workspace/executeCommand handlers that run the go command."""

from __future__ import annotations

import os
import tempfile

from lsprotocol import types

from gomodls.analysis.vendor import VENDOR_COMMAND
from gomodls.gorun import GoNotFound, run_go
from gomodls.lsp.gocommand import NOT_ALLOWED
from gomodls.lsp.server import GomodServer, guarded, log


async def vendor(ls: GomodServer, gomod: str) -> None:
    """`go mod vendor`, written to a temporary directory first: the module's vendor directory is
    only replaced (by renames) once the new one is complete."""
    module_dir = os.path.dirname(os.path.abspath(gomod))
    token = f"gomodls-vendor-{os.getpid()}-{id(gomod)}"
    await _progress_begin(ls, token, "go mod vendor")
    try:
        with tempfile.TemporaryDirectory(prefix=".gomodls-vendor-", dir=module_dir) as tmp:
            new = os.path.join(tmp, "vendor")
            env = dict(os.environ) | ls.settings.env
            env.setdefault("GOFLAGS", "")
            env["GOFLAGS"] = " ".join(f for f in env["GOFLAGS"].split() if not f.startswith("-mod="))
            result = await run_go(["mod", "vendor", "-o", new], module_dir, env)
            if not result.ok:
                ls.show(result.failure(), types.MessageType.Error)
                return
            current = os.path.join(module_dir, "vendor")
            old = os.path.join(tmp, "vendor.old")
            if os.path.exists(current):
                os.rename(current, old)
            os.rename(new, current)
        ls.show("go mod vendor: vendor directory updated", types.MessageType.Info)
        ls.files.forget(os.path.join(module_dir, "vendor", "modules.txt"))
        ls.refresh()
    except GoNotFound as e:
        ls.show(str(e), types.MessageType.Error)
    except OSError as e:
        log.exception("go mod vendor")
        ls.show(f"go mod vendor: {e}", types.MessageType.Error)
    finally:
        _progress_end(ls, token)


async def _progress_begin(ls: GomodServer, token: str, title: str) -> None:
    window = ls.client_capabilities.window
    if not (window and window.work_done_progress):
        return
    try:
        await ls.work_done_progress.create_async(token)
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=False))
    except Exception:
        log.debug("progress not available", exc_info=True)


def _progress_end(ls: GomodServer, token: str) -> None:
    if token in ls.work_done_progress.tokens:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd())


def register(server: GomodServer) -> None:
    @server.command(VENDOR_COMMAND)
    @guarded()
    async def run_vendor(ls: GomodServer, gomod: str) -> None:
        if not isinstance(gomod, str) or not gomod.endswith("go.mod"):
            ls.show(f"{VENDOR_COMMAND}: expected the path of a go.mod file")
            return
        if not ls.settings.go.allow_run:
            ls.show(NOT_ALLOWED, types.MessageType.Error)
            return
        await vendor(ls, gomod)
