"""The editor's messages before background work in threads.

A server's background work (loading a module graph of 100,000 modules) runs in a thread while
the event loop answers the editor. The two share one interpreter lock: a thread that wants it
waits for the holder to let go, which CPython forces only after the switch interval (5 ms by
default), and a request changes hands several times (the stdin thread that reads it, the event
loop that answers). With the loading thread busy, a code action of 4 ms of work took 10–25 ms,
and longer when the machine was loaded.

Here the thread that reads the client marks the foreground busy as soon as a message arrives,
and the event loop marks it idle once that message has been handled (and no other one arrived
meanwhile). Background work in threads calls `pause()` between small steps: while the
foreground is busy it sleeps (letting go of the lock at once), for at most MAX_PAUSE, and then
runs at least RUN before it pauses again, so that a client that sends without end (or a
message that takes long to handle) slows the background down but never stops it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

MAX_PAUSE = 0.2  # seconds one pause may last at most (the foreground never starves the background)
RUN = 0.05  # seconds of background work after a pause that reached MAX_PAUSE
HOLD = 1.0  # seconds after which a busy mark nobody cleared counts as idle (a message cut short)
# The switch interval while a server runs (seconds): how long a thread that wants the lock waits
# before the holder is made to let go. Background threads that are not at a pause point (a sort,
# a parse) give the event loop the lock this much sooner; it costs them little.
SWITCH_INTERVAL = 0.001

_main = threading.main_thread()
_busy_since = 0.0  # time.monotonic() when the foreground became busy, 0.0 when idle
_arrivals = 0  # messages (or parts of messages) read so far
_run_until = 0.0  # time.monotonic() until which pause() does not wait (after a MAX_PAUSE)
# Set while idle: a paused thread sleeps on it (one wake-up when the message is handled, where
# polling woke every thread every millisecond, each wake-up taking the lock from the loop).
_idle = threading.Event()
_idle.set()
pauses = 0  # pauses taken (tests and logs)


def arrived() -> int:
    """A message (or part of one) arrived from the client: the foreground is busy. Returns the
    arrival count, for `handled`."""
    global _busy_since, _arrivals
    _arrivals += 1
    if not _busy_since:
        _idle.clear()
        _busy_since = time.monotonic()
    return _arrivals


def handled(seen: int) -> None:
    """What had arrived when the count was `seen` has been handled: idle, unless more arrived."""
    global _busy_since
    if _arrivals == seen:
        _busy_since = 0.0
        _idle.set()


def busy() -> bool:
    since = _busy_since
    return bool(since) and time.monotonic() - since < HOLD


def pause() -> None:
    """Called by background work in a thread between steps: wait while the foreground is busy
    (at most MAX_PAUSE). Costs one global read when it is not; does nothing on the main thread."""
    global pauses, _run_until
    if not _busy_since or threading.current_thread() is _main:
        return
    now = time.monotonic()
    if now < _run_until:
        return
    since = _busy_since
    if not since:
        return
    pauses += 1
    until = min(now + MAX_PAUSE, since + HOLD)
    if not _idle.wait(max(0.0, until - now)) and now + MAX_PAUSE <= since + HOLD:
        _run_until = time.monotonic() + RUN  # (waited MAX_PAUSE: now the background's turn)


PACE = 512  # items between two pauses of `paced`


def paced(items: Iterable[T]) -> Iterator[T]:
    """The items, with a `pause()` every PACE of them: for loops over 100,000 requirements in
    background threads (each a stretch of 20–100 ms otherwise)."""
    for i, item in enumerate(items):
        if not i % PACE and _busy_since:
            pause()
        yield item
