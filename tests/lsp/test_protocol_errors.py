"""JSON-RPC edge cases on `gomodls serve --stdio` as a process, spoken to byte by byte: a
request whose params do not fit its method gets InvalidParams (-32602), a request after
shutdown gets InvalidRequest (-32600) — a client waiting for either never hangs — and a
malformed header ends the connection (the process exits with status 1) instead of wedging it."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import CONFIG

TIMEOUT = 20.0


class Stdio:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.next_id = 0

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)

    def send(self, method: str, params: Any = None, *, request: bool = True) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        msg_id = None
        if request:
            self.next_id += 1
            msg_id = message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return msg_id

    async def receive(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while (line := await self.proc.stdout.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        assert length, "the connection closed"
        return json.loads(await self.proc.stdout.readexactly(length))  # type: ignore[no-any-return]

    async def answer(self, msg_id: int | None) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.receive(), TIMEOUT)
            if message.get("id") == msg_id and "method" not in message:
                return message


async def start(tmp_path: Any) -> Stdio:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gomodls",
        "serve",
        "--stdio",
        env=CONFIG.server_env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    conn = Stdio(proc)
    init = conn.send("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    assert "result" in await conn.answer(init)
    conn.send("initialized", {}, request=False)
    return conn


async def finish(conn: Stdio) -> tuple[int, bytes]:
    try:
        rc = await asyncio.wait_for(conn.proc.wait(), TIMEOUT)
    finally:
        if conn.proc.returncode is None:
            conn.proc.kill()
            await conn.proc.wait()
    assert conn.proc.stderr is not None
    return rc, await conn.proc.stderr.read()


async def test_invalid_params_get_an_error_response(tmp_path: Any) -> None:
    conn = await start(tmp_path)
    bad = conn.send("textDocument/hover", {"textDocument": {"uri": 5}, "position": "here"})
    answer = await conn.answer(bad)
    assert answer["error"]["code"] == -32602, answer
    # The server goes on: a valid request is answered.
    ok = conn.send("textDocument/documentSymbol", {"textDocument": {"uri": (tmp_path / "go.mod").as_uri()}})
    assert "result" in await conn.answer(ok)
    conn.send("shutdown")
    conn.send("exit", request=False)
    rc, _ = await finish(conn)
    assert rc == 0


async def test_requests_after_shutdown_get_invalid_request(tmp_path: Any) -> None:
    conn = await start(tmp_path)
    assert "result" in await conn.answer(conn.send("shutdown"))
    late = conn.send("textDocument/documentSymbol", {"textDocument": {"uri": (tmp_path / "go.mod").as_uri()}})
    answer = await conn.answer(late)
    assert answer["error"]["code"] == -32600, answer
    conn.send("exit", request=False)
    rc, _ = await finish(conn)
    assert rc == 0


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Length: abc\r\n\r\n",
        b"Content-Length: 12abc\r\n\r\n",
        b"content-length 10\r\n\r\n",
        b"\r\n",  # a header block without a length
        b"Content-Length: 99999999999\r\n\r\n",
    ],
)
async def test_a_malformed_header_ends_the_connection(tmp_path: Any, header: bytes) -> None:
    conn = await start(tmp_path)
    conn.write(header + b'{"jsonrpc": "2.0", "id": 99, "method": "shutdown"}')
    rc, stderr = await finish(conn)
    assert rc == 1
    assert b"closing the connection" in stderr and b"Traceback" not in stderr, stderr


async def test_a_malformed_answer_from_the_client_does_not_hang_a_command(tmp_path: Any) -> None:
    # window/showDocument answered with null (a ShowDocumentResult is required): the command
    # that waits for it gets the error and answers, instead of waiting forever.
    conn = await start(tmp_path)
    command = conn.send(
        "workspace/executeCommand", {"command": "gomodls.openModule", "arguments": ["example.com/m"]}
    )
    while True:
        message = await asyncio.wait_for(conn.receive(), TIMEOUT)
        if message.get("method") == "window/showDocument":
            body = json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": None}).encode()
            conn.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        elif message.get("id") == command and "method" not in message:
            break
    conn.send("shutdown")
    conn.send("exit", request=False)
    rc, stderr = await finish(conn)
    assert rc == 0 and b"Traceback" not in stderr, stderr


def _extension_record_pattern() -> re.Pattern[str]:
    """The pattern the VS Code extension sorts the server's stderr by (vscode-client/src/serverLog.ts)."""
    source = (Path(__file__).parents[2] / "vscode-client" / "src" / "serverLog.ts").read_text()
    found = re.search(r"^export const RECORD = /(.*)/;$", source, re.M)
    assert found, "RECORD is gone from serverLog.ts"
    return re.compile(found[1])


async def test_the_log_on_stderr_is_what_the_vs_code_extension_reads(tmp_path: Any) -> None:
    """Every stderr line of a session is a record the extension recognises, so that its output
    channel shows each at its level ([info], [warning]...), not all as [error]."""
    record = _extension_record_pattern()
    conn = await start(tmp_path)
    conn.send("textDocument/didOpen", {"textDocument": "not a document"}, request=False)  # logged: a warning
    assert "result" in await conn.answer(conn.send("shutdown"))
    conn.send("exit", request=False)
    rc, stderr = await finish(conn)
    assert rc == 0
    lines = stderr.decode().splitlines()
    matches = [record.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    levels = [(m[1], m[2]) for m in matches if m]
    assert any(level == "INFO" and text.startswith("gomodls: client ") for level, text in levels), levels
    assert any(level == "WARNING" and "ignoring textDocument/didOpen" in text for level, text in levels), (
        levels
    )
