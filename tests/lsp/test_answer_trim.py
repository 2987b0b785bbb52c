"""lsp/server.py: a request answered long after it arrived (large work, e.g. formatting a whole
large file in a thread) gives malloc's free pages back once answered; others do not."""

from __future__ import annotations

import asyncio
import functools

import pytest

from gomodls.base import malloc
from gomodls.lsp import server as server_module
from gomodls.lsp.app import create_server


@pytest.mark.parametrize(("long_request", "trims"), [(0.0, 1), (1e9, 0)])
async def test_a_long_request_trims_once_answered(
    monkeypatch: pytest.MonkeyPatch, long_request: float, trims: int
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(server_module, "LONG_REQUEST", long_request)
    proto = create_server().protocol
    sent: list[object] = []
    monkeypatch.setattr(malloc, "trim", lambda: calls.append("trim" if sent else "before the answer") or True)
    monkeypatch.setattr(proto, "_send_response", lambda msg_id, result=None, error=None: sent.append(result))

    async def handler() -> int:
        await asyncio.sleep(0)
        return 42

    proto._execute_handler(1, handler, functools.partial(proto._send_handler_result, msg_id=1))
    await asyncio.sleep(0.05)
    assert sent == [42]
    assert calls == ["trim"] * trims
