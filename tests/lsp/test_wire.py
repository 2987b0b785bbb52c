"""lsp/wire.py's stdin_stream: what arrives on stdin, in whatever chunks, reads back whole; its
read_messages: each message handled, and not kept once it is."""

from __future__ import annotations

import asyncio
import gc
import io
import os
import threading
import time
import weakref

from gomodls.lsp.wire import CheckedStream, read_messages, stdin_stream


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


class _Message:
    """A decoded message (weakly referable, unlike the dict and str json gives)."""

    def __init__(self, data: dict[str, object]) -> None:
        self.data = data


class _Protocol:
    def __init__(self) -> None:
        self.handled: list[weakref.ref[_Message]] = []

    def structure_message(self, data: dict[str, object]) -> object:
        return _Message(data)

    def handle_message(self, message: _Message) -> None:
        self.handled.append(weakref.ref(message))


async def test_read_messages_lets_a_handled_message_go() -> None:
    """Once handled, a message (a didOpen's text) is not kept until the next one arrives."""
    stream = asyncio.StreamReader()
    protocol = _Protocol()
    stop = threading.Event()
    reading = asyncio.ensure_future(read_messages(stop, stream, protocol))
    stream.feed_data(message(b'{"method": "didOpen", "text": "%s"}' % (b"x" * 100_000)))
    for _ in range(100):
        await asyncio.sleep(0.01)
        if protocol.handled:
            break
    gc.collect()
    assert len(protocol.handled) == 1 and protocol.handled[0]() is None, "nothing holds the handled message"
    assert not reading.done(), "waiting for the next message"
    stream.feed_data(message(b'{"method": "didChange"}'))
    stream.feed_eof()
    await asyncio.wait_for(reading, 5)
    assert len(protocol.handled) == 2


async def test_read_messages_goes_on_after_a_failing_handler() -> None:
    stream = asyncio.StreamReader()
    errors: list[Exception] = []

    class Failing(_Protocol):
        def handle_message(self, message: _Message) -> None:
            super().handle_message(message)
            raise ValueError("boom")

    protocol = Failing()
    stream.feed_data(message(b'{"a": 1}') + message(b'{"b": 2}'))
    stream.feed_eof()
    await asyncio.wait_for(
        read_messages(threading.Event(), stream, protocol, lambda e, _kind: errors.append(e)), 5
    )
    assert len(protocol.handled) == 2 and [str(e) for e in errors] == ["boom", "boom"]
