"""lsp/wire.py's stdin_stream: what arrives on stdin, in whatever chunks, reads back whole."""

from __future__ import annotations

import asyncio
import io
import os
import threading
import time

from gomodls.lsp.wire import CheckedStream, stdin_stream


def message(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def test_messages_in_pieces_from_a_pipe() -> None:
    bodies = [b'{"a":1}', b"x" * 200_000, b'{"b":"\xc3\xa9"}']
    data = b"".join(message(b) for b in bodies)
    r, w = os.pipe()

    def write() -> None:
        for i in range(0, len(data), 7_001):  # pieces that split headers and bodies
            os.write(w, data[i : i + 7_001])
            time.sleep(0.001)
        os.close(w)

    threading.Thread(target=write).start()
    with os.fdopen(r, "rb") as stdin:
        stream = CheckedStream(stdin_stream(stdin))
        got = []
        for _ in bodies:
            header = await stream.readline()
            n = int(header.split(b":")[1])
            assert await stream.readline() == b"\r\n"
            got.append(await stream.readexactly(n))
        assert got == bodies
        assert await asyncio.wait_for(stream.readline(), 5) == b"", "end of input"


async def test_a_stream_without_a_file_descriptor() -> None:
    stream = stdin_stream(io.BytesIO(message(b"{}")))
    assert await stream.readline() == b"Content-Length: 2\r\n"
    assert await stream.readline() == b"\r\n"
    assert await stream.readexactly(2) == b"{}"
    assert await asyncio.wait_for(stream.read(), 5) == b""


async def test_a_malformed_header_ends_the_input() -> None:
    stream = CheckedStream(stdin_stream(io.BytesIO(b"Content-Length: abc\r\n\r\n{}")))
    assert await stream.readline() == b""
    assert "malformed header line" in stream.headers.error
