"""`gomodls serve --tcp HOST:PORT --log-file FILE` as a process, driven by a small JSON-RPC
client over the socket: initialize, a go.mod with an error gets its diagnostics, shutdown and
exit end the process with status 0 (1 without a shutdown request, as the LSP asks), and the log
file holds the session and no traceback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from gomodls.lsp.server import SHUTDOWN_WAIT, run_until_exit

from .conftest import CONFIG

TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.next_id = 0

    async def send(self, method: str, params: Any = None, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        msg_id = None
        if request:
            self.next_id += 1
            msg_id = message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.writer.drain()
        return msg_id

    async def receive(self) -> dict[str, Any]:
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        assert length, "the connection closed"
        return json.loads(await self.reader.readexactly(length))  # type: ignore[no-any-return]

    async def until(self, predicate: Any) -> dict[str, Any]:
        """Read messages until one satisfies `predicate` (answering the server's requests)."""
        while True:
            message = await asyncio.wait_for(self.receive(), TIMEOUT)
            if "method" in message and "id" in message:  # a request from the server
                reply = {"jsonrpc": "2.0", "id": message["id"], "result": None}
                body = json.dumps(reply).encode()
                self.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            if predicate(message):
                return message

    async def request(self, method: str, params: Any = None) -> Any:
        msg_id = await self.send(method, params, request=True)
        answer = await self.until(lambda m: m.get("id") == msg_id and "method" not in m)
        assert "error" not in answer, answer
        return answer.get("result")


async def start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Connection, Path]:
    log = tmp_path / "server.log"
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gomodls", "serve", "--tcp", f"127.0.0.1:{port}", "--log-file", str(log)],
        env=CONFIG.server_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except OSError:
            assert proc.poll() is None, proc.communicate()
            assert loop.time() < deadline, "the server did not listen"
            await asyncio.sleep(0.05)
    return proc, Connection(reader, writer), log


async def initialize(conn: Connection, root: Path) -> dict[str, Any]:
    result = await conn.request(
        "initialize",
        {"processId": None, "rootUri": root.as_uri(), "capabilities": {}, "clientInfo": {"name": "tcp-test"}},
    )
    await conn.send("initialized", {})
    return result  # type: ignore[no-any-return]


def ended(proc: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, out.decode(), err.decode()


async def test_serve_over_tcp_with_a_log_file(tmp_path: Path) -> None:
    proc, conn, log = await start(tmp_path)
    try:
        result = await initialize(conn, tmp_path)
        assert result["serverInfo"]["name"] == "gomodls"
        gomod = tmp_path / "go.mod"
        text = "module example.com/m\n\ngo 1.21\n\nrequire example.com/a v2.0.0\n"
        gomod.write_text(text)
        uri = gomod.as_uri()
        await conn.send(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "go.mod", "version": 1, "text": text}},
        )
        published = await conn.until(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        )
        [diag] = published["params"]["diagnostics"]
        assert (diag["code"], diag["range"]["start"]) == (
            "version-major-mismatch",
            {"line": 4, "character": 22},
        )
        assert published["params"]["version"] == 1
        assert await conn.request("shutdown") is None
        await conn.send("exit")
        status, out, err = ended(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (status, out, err) == (0, "", "")  # everything went to the log file
    logged = log.read_text()
    assert "INFO gomodls: client tcp-test" in logged and "exit (status 0)" in logged, logged
    assert "Traceback" not in logged and "ERROR" not in logged, logged


async def test_exit_without_shutdown_ends_with_status_1(tmp_path: Path) -> None:
    proc, conn, log = await start(tmp_path)
    try:
        await initialize(conn, tmp_path)
        await conn.send("exit")
        status, _, err = ended(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (status, err) == (1, "")
    assert "Traceback" not in log.read_text()


def test_the_end_does_not_wait_forever_for_a_task_that_will_not_end() -> None:
    """A task that does not end once cancelled (as asyncio's subprocess creation, cancelled
    by an exit, waits for pipes it never connected) delays the end by SHUTDOWN_WAIT at most."""
    ended = []

    async def stubborn() -> None:
        while True:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(3600)

    async def main() -> None:
        left = asyncio.ensure_future(stubborn())
        await asyncio.sleep(0.05)
        ended.append(not left.done())

    # (in a thread: with asyncio.run's end this would wait forever, and the test with it)
    runner = threading.Thread(target=run_until_exit, args=(main(),), daemon=True)
    runner.start()
    runner.join(SHUTDOWN_WAIT + 30)
    assert not runner.is_alive(), "the end waited for the task"
    assert ended == [True]
