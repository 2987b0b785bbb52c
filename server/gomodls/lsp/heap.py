"""The cyclic garbage collector in a long-lived server, and modules imported on first use.

A full (generation 2) collection walks every object the server keeps: lsprotocol's classes,
parsed files, module graphs, caches. That is 30–160 ms on a busy 2-core machine, and one that
lands while a keystroke is handled is that keystroke's latency. What exists once start-up is
done, and what a finished resolution leaves, lives on: it is frozen (`gc.freeze`), so later
collections walk only what is newer. Cyclic garbage among frozen objects (a closed document, a
replaced graph) is still reclaimed: once the server has been idle for IDLE seconds and enough
was frozen since, everything is unfrozen, collected and frozen again.

Modules the server imports on first use (httpx for the first download, urllib for a file://
proxy, the checksum database's cryptography) would cost their import time (~0.1 s) inside
whatever first needs them, on the event loop: they are imported in a thread instead, once the
client has been quiet for a moment after start-up, or WARM_LATEST seconds after it at the
latest (a user typing from the start met them on the loop: 40–70 ms keystrokes when the first
resolution's checks and the vulnerability lookup imported them). The loop keeps running, but
the two threads share the interpreter: the thread waits between modules while a message is
being handled (base/foreground.py)."""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import threading
import time
from collections.abc import Callable

from gomodls.base import foreground, malloc

log = logging.getLogger(__name__)

IDLE = 5.0  # seconds without a message before a full collection
# Start-up's garbage is collected early while what is frozen is start-up's alone (~120,000
# objects, ~40 ms to walk) and little is new; past these, the idle collection reclaims it.
START_UP_OBJECTS = 300_000
START_UP_YOUNG = 50_000
LARGE_OPEN = 1 << 20  # characters: a document this large is opened after that collection
GROWTH = 0.25  # ... and only if the frozen objects grew by this fraction since the last one
QUIET = 0.5  # seconds without a message before warming imports (not while the user types)
WARM_LATEST = 0.5  # ... or this long after start-up, messages or not
WARM_IMPORTS = (
    "httpx",
    "httpcore",  # (httpx imports it when the first transport is made)
    "httpcore._async.connection_pool",
    "httpcore._async.http11",  # (h11: at the first connection)
    "httpcore._backends.anyio",
    "anyio._backends._asyncio",
    "urllib.request",
    "diskcache",  # (gomodls.resolve.cache: when the first fetch opens the cache)
    "gomodls.resolve.sumdbcheck",
    "gomodls.sumdb.config",
)


class Heap:
    def __init__(self, idle: float = IDLE) -> None:
        self.idle = idle
        self.last_message = time.monotonic()
        self._collected_at = 0  # gc.get_freeze_count() after the last full collection
        self._timer: asyncio.TimerHandle | None = None
        self._start_up = threading.Lock()  # held once start-up's garbage was collected (or not to be)

    def message(self) -> None:
        """A message arrived: the server is not idle."""
        self.last_message = time.monotonic()

    def settled(self) -> None:
        """What exists now lives on (start-up done, a resolution finished): freeze it."""
        gc.freeze()
        if self._timer is None and gc.get_freeze_count() > self._collected_at * (1 + GROWTH):
            self._timer = asyncio.get_running_loop().call_later(self.idle, self._collect_when_idle)

    def collect_start_up(self) -> bool:
        """Collect start-up's garbage, once, if the server holds little else yet: the classes attrs
        rebuilt with slots and the dicts their building left (~10 MB, ~17,000 objects) were
        frozen with everything start-up made, and would wait for the first idle collection,
        after the first large document was built beside them instead of in their place. Run
        where ~40 ms cannot delay the first diagnostics of a small document: the thread that
        warms imports, or the open of a large document (before it is built). Whether it ran."""
        if not self._start_up.acquire(blocking=False):
            return False  # (done, or being done)
        if gc.get_freeze_count() > START_UP_OBJECTS:
            return False  # (too late: a collection would walk all of it; the idle one will)
        if gc.get_count()[0] > START_UP_YOUNG:
            self._start_up.release()  # (something large is being built: later, maybe)
            return False
        started = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self._collected_at = gc.get_freeze_count()
        malloc.trim()
        log.debug("start-up's garbage: %d objects, %.0f ms", found, (time.perf_counter() - started) * 1000)
        return True

    def when_quiet(self, fn: Callable[[], object], quiet: float = QUIET, latest: float | None = None) -> None:
        """Call fn once no message has arrived for `quiet` seconds, or `latest` seconds from now
        at the latest."""
        loop = asyncio.get_running_loop()
        deadline = None if latest is None else time.monotonic() + latest

        def check() -> None:
            now = time.monotonic()
            waited = now - self.last_message
            if waited >= quiet or (deadline is not None and now >= deadline):
                fn()
                return
            wait = quiet - waited if deadline is None else min(quiet - waited, deadline - now)
            loop.call_later(wait, check)

        loop.call_later(quiet if latest is None else min(quiet, latest), check)

    def _collect_when_idle(self) -> None:
        self._timer = None
        quiet = time.monotonic() - self.last_message
        if quiet < self.idle:
            self._timer = asyncio.get_running_loop().call_later(self.idle - quiet, self._collect_when_idle)
            return
        started = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self._collected_at = gc.get_freeze_count()
        trimmed = malloc.trim()  # (what the collection and the work before it freed, to the system)
        log.debug(
            "idle collection: %d unreachable, %d kept, trimmed %s, %.0f ms",
            found,
            self._collected_at,
            trimmed,
            (time.perf_counter() - started) * 1000,
        )


def warm_imports(heap: Heap | None = None) -> None:
    """Import what the server would import on first use (run in a thread), after collecting
    start-up's garbage (`heap`)."""
    if heap is not None:
        foreground.pause()
        heap.collect_start_up()
    for name in WARM_IMPORTS:
        foreground.pause()  # (between modules: a message being handled goes first)
        try:
            importlib.import_module(name)
        except Exception as e:  # (a missing optional module is the first use's problem to report)
            log.debug("warming %s: %s", name, e)
