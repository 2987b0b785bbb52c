"""lsp/wire.py's stdin_stream: what arrives on stdin, in whatever chunks, reads back whole; its
read_messages: each message handled, and not kept once it is."""

from __future__ import annotations

import asyncio
import gc
import io
import json
import os
import threading
import time
import weakref

import pytest

from gomodls.lsp.wire import (
    DEFERRED,
    MAX_HOVER_BODY,
    CheckedStream,
    hover_request,
    read_messages,
    stdin_stream,
)


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


HOVER = {
    "jsonrpc": "2.0",
    "id": 3,
    "method": "textDocument/hover",
    "params": {"textDocument": {"uri": "file:///m/go.mod"}, "position": {"line": 5, "character": 2}},
}


def test_a_hover_request_of_the_plain_shape() -> None:
    assert hover_request(json.dumps(HOVER).encode()) == (3, "file:///m/go.mod", 5, 2)
    # any key order, any whitespace, a string id, the largest uinteger
    reordered = (
        b'{ "params" : {"position":{"character":2147483647,"line":0},"textDocument":{"uri":"u"}},'
        b'"method":"textDocument/hover","id":"7","jsonrpc":"2.0"}'
    )
    assert hover_request(reordered) == ("7", "u", 0, 2**31 - 1)
    assert hover_request(json.dumps({**HOVER, "id": "é"}).encode()) == ("é", "file:///m/go.mod", 5, 2)
    # the last of duplicate keys, as json (and so pygls) reads them
    assert hover_request(json.dumps(HOVER).encode()[:-1] + b', "id": 9}') == (9, "file:///m/go.mod", 5, 2)


def _with(path: tuple[str, ...], value: object) -> bytes:
    """HOVER with the value at path replaced (a value of ... deletes the key)."""
    data = json.loads(json.dumps(HOVER))
    at = data
    for key in path[:-1]:
        at = at[key]
    if value is ...:
        del at[path[-1]]
    else:
        at[path[-1]] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "body",
    [
        _with(("id",), True),  # a bool is no id
        _with(("id",), 3.0),
        _with(("id",), None),
        _with(("id",), ...),  # a notification
        _with(("jsonrpc",), "1.0"),
        _with(("method",), "textDocument/hovers"),
        _with(("extra",), 1),
        _with(("params", "workDoneToken"), "t"),
        _with(("params", "position", "line"), -1),
        _with(("params", "position", "line"), 2**31),
        _with(("params", "position", "character"), 1.5),
        _with(("params", "position", "character"), True),
        _with(("params", "position", "character"), ...),
        _with(("params", "position", "x"), 0),
        _with(("params", "textDocument", "uri"), 5),
        _with(("params", "textDocument", "version"), 5),
        _with(("params",), [1]),
        b'{"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": ',  # cut short
        b'["textDocument/hover"]',
        # the method's name elsewhere: a didChange whose text holds it
        json.dumps(
            {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"text": '"textDocument/hover"'}}
        ).encode(),
    ],
)
def test_anything_else_is_left_to_pygls(body: bytes) -> None:
    assert hover_request(body) is None


class _Answering(_Protocol):
    """A protocol with answer_hover, answering as told (and deferring work if DEFERRED)."""

    def __init__(self, answer: bool | str) -> None:
        super().__init__()
        self.answer = answer
        self.events: list[str] = []

    def answer_hover(self, request: tuple[object, str, int, int]) -> bool | str:
        self.events.append(f"hover {request[0]}")
        if self.answer == DEFERRED:
            asyncio.get_running_loop().call_soon(lambda: self.events.append(f"deferred {request[0]}"))
        return self.answer

    def handle_message(self, message: _Message) -> None:
        super().handle_message(message)
        self.events.append(f"message {message.data.get('id', message.data.get('method'))}")


@pytest.mark.parametrize("answer", [False, True, DEFERRED])
async def test_read_messages_hands_hovers_to_answer_hover(answer: bool | str) -> None:
    """A hover request goes to answer_hover, and to handle_message only if declined; what it
    deferred runs before the next message is handled; the messages keep their order."""
    stream = asyncio.StreamReader()
    protocol = _Answering(answer)
    change = {"jsonrpc": "2.0", "method": "didChange"}
    for data in (change, {**HOVER, "id": 1}, {**HOVER, "id": "2"}, change):
        stream.feed_data(message(json.dumps(data).encode()))  # (all there before reading)
    stream.feed_eof()
    await asyncio.wait_for(read_messages(threading.Event(), stream, protocol), 5)
    if answer is False:
        want = ["message didChange", "hover 1", "message 1", "hover 2", "message 2", "message didChange"]
    elif answer is True:
        want = ["message didChange", "hover 1", "hover 2", "message didChange"]
    else:
        want = ["message didChange", "hover 1", "deferred 1", "hover 2", "deferred 2", "message didChange"]
    assert protocol.events == want


def test_a_body_over_the_limit_is_left_to_pygls() -> None:
    """A hover whose uri makes its body longer than MAX_HOVER_BODY (and the text of a large
    didOpen, not scanned)."""
    uri = "file:///" + "d" * MAX_HOVER_BODY
    body = json.dumps({**HOVER, "params": {**HOVER["params"], "textDocument": {"uri": uri}}}).encode()
    assert hover_request(body) is None
    short = "file:///" + "d" * (MAX_HOVER_BODY - 200)
    body = json.dumps({**HOVER, "params": {**HOVER["params"], "textDocument": {"uri": short}}}).encode()
    assert hover_request(body) == (3, short, 5, 2)


def test_a_body_not_in_plain_utf8_is_left_to_pygls() -> None:
    body = json.dumps(HOVER).encode()
    assert hover_request(b"\xef\xbb\xbf" + body) is None  # (a BOM: pygls's json.loads decides)
    assert hover_request(json.dumps(HOVER).encode("utf-16")) is None
    assert hover_request(body.replace(b"file:///m", b"file:///\xff")) is None
