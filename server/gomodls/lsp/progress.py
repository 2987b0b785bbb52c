"""Work-done progress for long commands, which the user may cancel from the editor
(window/workDoneProgress/cancel): the running task is then cancelled, which kills the go
process it waits for."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from lsprotocol import types

from gomodls.lsp.server import GomodServer

log = logging.getLogger(__name__)
_tokens = itertools.count(1)


@asynccontextmanager
async def progress(ls: GomodServer, title: str, message: str = "") -> AsyncIterator[None]:
    """Show progress while the block runs (when the client supports it); cancelling the
    progress cancels the task running the block."""
    window = ls.client_capabilities.window
    token: str | None = None
    if window and window.work_done_progress:
        token = f"gomodls-{title.replace(' ', '-')}-{next(_tokens)}"
        try:
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title=title, message=message or None, cancellable=True)
            )
        except Exception:
            log.debug("progress not available", exc_info=True)
            token = None
    task = asyncio.current_task()
    cancelled = ls.work_done_progress.tokens.get(token) if token else None
    if cancelled is not None and task is not None:
        cancelled.add_done_callback(lambda f: f.cancelled() and task.cancel())
    try:
        yield
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd())
            ls.work_done_progress.tokens.pop(token, None)
