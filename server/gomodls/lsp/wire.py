"""The JSON-RPC framing of the base protocol, checked before pygls reads it.

pygls's reader loop takes a header block only when it has the exact line `Content-Length: N`;
any other header block (`Content-Length: abc`, a lower-case name, a missing length) is skipped
silently and the body that follows is then read as header lines, so the server waits forever
for a message it already lost. Here every header line is checked as it is read: a malformed
one ends the connection (the client sees it close, never a hang) with one error line in the
log. A length over MAX_MESSAGE ends it too, before anything is allocated for the body."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import re
import threading
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO, Protocol

from pygls.exceptions import JsonRpcException

from gomodls.base import foreground

log = logging.getLogger(__name__)

MAX_MESSAGE = 256 * 1024 * 1024  # bytes in one message body; far above any real go.mod/go.sum
_FIELD = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:[ \t]*[^\r\n]*\r\n")
_LENGTH = re.compile(rb"Content-Length: (\d{1,12})\r\n")


class HeaderCheck:
    """The state of one header block: whether the lines read so far form a valid one."""

    def __init__(self) -> None:
        self.length_seen = False
        self.error = ""

    def check(self, line: bytes) -> bool:
        """Whether pygls may have `line` (a header line, or the blank line ending a block)."""
        if not line:
            return True  # end of input: pygls ends its loop
        if line in (b"\r\n", b"\n"):
            if not self.length_seen:
                return self._fail("a header block without Content-Length")
            self.length_seen = False
            return True
        if not _FIELD.fullmatch(line):
            return self._fail(f"malformed header line {line[:80]!r}")
        if line[:15].lower() == b"content-length:":
            match = _LENGTH.fullmatch(line)
            if match is None:
                return self._fail(f"malformed header line {line[:80]!r}")
            if int(match.group(1)) > MAX_MESSAGE:
                return self._fail(f"message of {int(match.group(1))} bytes (the limit is {MAX_MESSAGE})")
            self.length_seen = True
        return True

    def _fail(self, what: str) -> bool:
        self.error = what
        log.error("closing the connection: %s", what)
        return False


MAX_HEADER_LINE = 64 * 1024


def stdin_stream(inner: BinaryIO) -> asyncio.StreamReader:
    """`inner` (stdin) as a StreamReader, fed by one thread that reads whatever arrives. pygls's
    stdio reader sends each header line and each body to a thread pool and back: three or four
    turns of the event loop per message, each behind every callback that is ready, so a
    keystroke arriving during background work waited that long several times over. Here a
    message is in memory as soon as it arrives and waits for one turn."""
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader(limit=MAX_HEADER_LINE, loop=loop)
    # The file descriptor itself: a daemon thread blocked inside a buffered reader's read holds
    # its lock, and the interpreter aborts when it finds it taken at exit.
    try:
        fd = inner.fileno()
    except (AttributeError, OSError, ValueError):  # (not a file: a test's in-memory stream)
        read = getattr(inner, "read1", inner.read)
    else:
        read = functools.partial(os.read, fd)

    def pump() -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the server has ended
            try:
                while data := read(1 << 16):
                    foreground.arrived()  # (background threads hold back from now on)
                    loop.call_soon_threadsafe(stream.feed_data, data)
            except (OSError, ValueError) as e:  # (a closed or broken stdin ends the input)
                log.info("reading stdin: %s", e)
            loop.call_soon_threadsafe(stream.feed_eof)

    threading.Thread(target=pump, name="stdin", daemon=True).start()
    return stream


class AsyncReader(Protocol):
    def readline(self) -> Awaitable[bytes]: ...

    def readexactly(self, n: int) -> Awaitable[bytes]: ...


class CheckedStream:
    """The same for a socket's asyncio.StreamReader."""

    def __init__(self, inner: AsyncReader) -> None:
        self.inner = inner
        self.headers = HeaderCheck()

    async def readline(self) -> bytes:
        if self.headers.error:
            return b""
        try:
            line = await self.inner.readline()
        except ValueError:  # a line over the stream's limit
            self.headers._fail("a header line over the length limit")
            return b""
        return line if self.headers.check(line) else b""

    async def readexactly(self, n: int) -> bytes:
        return b"" if self.headers.error else await self.inner.readexactly(n)


class MessageProtocol(Protocol):
    def structure_message(self, data: dict[str, Any]) -> Any: ...

    def handle_message(self, message: Any) -> None: ...


class ResponseFrame:
    """What pygls writes around a response's id and result: the header block (its length
    counted as pygls counts it: the body is ASCII, json's default escapes everything else)
    and the JSON object's other keys, taken from a response pygls encoded."""

    def __init__(self, head: bytes, middle: bytes, tail: bytes, header: bytes) -> None:
        self.head, self.middle, self.tail, self.header = head, middle, tail, header

    @classmethod
    def of(cls, probe: str, header: str) -> ResponseFrame | None:
        """From pygls's encoding of the response (id 0, result null) and the header lines
        after Content-Length; None if it is not `{"id": 0…"result": null}`."""
        head, tail = '{"id": 0', "null}"
        if not (probe.startswith(head) and probe.endswith(tail) and probe.isascii()):
            return None
        middle = probe[len(head) : -len(tail)]
        if not middle.endswith('"result": ') or "null" in middle:
            return None
        return cls(head[:-1].encode(), middle.encode(), tail[4:].encode(), header.encode())

    def response(self, msg_id: int | str, result: bytes) -> bytes:
        """The whole message answering msg_id with the result's JSON (ASCII)."""
        body = b"".join((self.head, json.dumps(msg_id).encode(), self.middle, result, self.tail))
        return b"Content-Length: %d\r\n%s%s" % (len(body), self.header, body)


DEFERRED = "deferred"  # answer_hover's answer when it scheduled work for after its answer

# A hover request as `hover_request` reads it: (id, uri, line, character).
HoverRequest = tuple[int | str, str, int, int]
HOVER_METHOD = b'"textDocument/hover"'
_UINTEGER_MAX = 2**31 - 1  # (the LSP's uinteger: lsprotocol refuses a position beyond it)
# Bytes of a body looked at for a hover request at most: a plain one is its uri and ~120
# bytes. (A larger one goes to pygls; the text of a didOpen or didChange is not scanned: 10 MB
# took 6.6 ms.)
MAX_HOVER_BODY = 16 * 1024


def hover_request(body: bytes) -> HoverRequest | None:
    """The body as a hover request, if it is exactly one of the plain shape an editor sends:
    `jsonrpc` "2.0", an int or string id, params of a text document's uri and a position of
    two uintegers, nothing else (no work-done token, no other key). None for anything else,
    which then takes pygls's path: its decoding decides what it is, and refuses what does not
    fit. The body is parsed with the json module (as pygls parses it: the last of duplicate
    keys wins, the same numbers and strings), not scanned."""
    if len(body) > MAX_HOVER_BODY or HOVER_METHOD not in body:
        return None
    try:
        # (decoded first: json.loads of bytes guesses their encoding in Python code; a body
        # that is not UTF-8, or has a BOM, fails here and goes to pygls as it is)
        data = json.loads(body.decode())
    except ValueError:
        return None
    if type(data) is not dict or len(data) != 4 or data.get("method") != "textDocument/hover":
        return None
    msg_id, params = data.get("id"), data.get("params")
    if data.get("jsonrpc") != "2.0" or type(msg_id) not in (int, str) or type(params) is not dict:
        return None  # (type(): a bool is no id, a float id is left to pygls)
    if len(params) != 2:
        return None
    doc, pos = params.get("textDocument"), params.get("position")
    if type(doc) is not dict or len(doc) != 1 or type(pos) is not dict or len(pos) != 2:
        return None
    uri, line, character = doc.get("uri"), pos.get("line"), pos.get("character")
    if type(uri) is not str or type(line) is not int or type(character) is not int:
        return None
    if not (0 <= line <= _UINTEGER_MAX and 0 <= character <= _UINTEGER_MAX):
        return None
    return msg_id, uri, line, character


async def read_messages(
    stop_event: threading.Event,
    reader: AsyncReader,
    protocol: MessageProtocol,
    error_handler: Callable[[Exception, type[Exception]], object] | None = None,
) -> None:
    """pygls's run_async (its reader loop), except that a message's body and its decoded form
    are let go once it is handled. pygls's loop keeps both in its locals until the next message
    arrives: after a didOpen of a large file, two more copies of its text (the body's bytes and
    the decoded string, 9.6 MB at 100,000 requirements) for as long as the client is quiet.

    A hover request of the plain shape (`hover_request`) goes to the protocol's
    `answer_hover`, if it has one, without pygls's decoding into lsprotocol classes and its
    dispatch: the hover is a lookup, its answer encoded beforehand (lsp/hover.py). If that
    declines (False), the request takes pygls's path. If the hover deferred work (scheduled
    by loop.call_soon: `answer_hover` returns "deferred"), it runs before the next message is
    handled, as it would have within the handler: one turn of the loop."""
    content_length = 0
    answer_hover: Callable[[HoverRequest], bool | str] | None = getattr(protocol, "answer_hover", None)
    while not stop_event.is_set():
        header = await reader.readline()
        if not header:
            break
        if not content_length:
            match = _CONTENT_LENGTH.fullmatch(header)
            if match:
                content_length = int(match.group(1))
        if content_length and not header.strip():
            body = await reader.readexactly(content_length)
            if not body:
                break
            try:
                request = hover_request(body) if answer_hover is not None else None
                if request is not None and answer_hover is not None:
                    answered = answer_hover(request)
                    if answered:
                        if answered == DEFERRED:
                            await asyncio.sleep(0)  # (what the hover deferred runs now)
                        continue
                message = json.loads(body, object_hook=protocol.structure_message)
                del body
                protocol.handle_message(message)
            except Exception as exc:
                log.exception("Unable to handle message")
                if error_handler:
                    error_handler(exc, JsonRpcException)
            finally:
                content_length = 0
                body = message = None  # (also when the handler raised)


_CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")
