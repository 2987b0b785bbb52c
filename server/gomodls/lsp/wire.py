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
import logging
import os
import re
import threading
from collections.abc import Awaitable
from typing import BinaryIO, Protocol

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
