"""base/foreground.py: background threads hold back while a client message is being handled,
for a bounded time, and never on the event loop's own thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from gomodls.base import foreground


@pytest.fixture(autouse=True)
def idle(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(foreground, "_run_until", 0.0)
    foreground.handled(foreground.arrived())
    yield
    foreground.handled(foreground.arrived())


def in_thread(fn: object) -> float:
    """Seconds `fn` took, run in another thread."""
    took: list[float] = []

    def run() -> None:
        started = time.monotonic()
        fn()  # type: ignore[operator]
        took.append(time.monotonic() - started)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(5)
    return took[0]


def test_no_pause_when_idle() -> None:
    before = foreground.pauses
    assert in_thread(foreground.pause) < 0.05
    assert foreground.pauses == before


def test_a_thread_waits_until_the_message_is_handled() -> None:
    seen = foreground.arrived()
    threading.Timer(0.1, foreground.handled, (seen,)).start()
    took = in_thread(foreground.pause)
    assert 0.08 <= took < foreground.MAX_PAUSE, "held back until the message was handled, not longer"
    assert not foreground.busy()


def test_what_arrived_meanwhile_keeps_it_busy() -> None:
    seen = foreground.arrived()
    foreground.arrived()  # (the next message, read while the first was handled)
    foreground.handled(seen)
    assert foreground.busy()


def test_the_main_thread_never_waits() -> None:
    foreground.arrived()
    started = time.monotonic()
    foreground.pause()
    assert time.monotonic() - started < 0.05


def test_a_pause_is_bounded_and_the_background_then_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(foreground, "MAX_PAUSE", 0.1)
    monkeypatch.setattr(foreground, "RUN", 0.5)
    foreground.arrived()  # (never handled)

    def twice() -> None:
        foreground.pause()
        foreground.pause()

    took = in_thread(twice)
    assert 0.09 <= took < 0.4, "one pause of MAX_PAUSE, then RUN without one"


def test_a_busy_mark_nobody_clears_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(foreground, "HOLD", 0.05)
    foreground.arrived()
    assert foreground.busy()
    time.sleep(0.08)
    assert not foreground.busy()


def test_paced_pauses_every_pace_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(foreground, "MAX_PAUSE", 0.01)
    monkeypatch.setattr(foreground, "RUN", 0.0)
    items = list(range(3 * foreground.PACE + 1))
    got: list[int] = []
    before = foreground.pauses
    foreground.arrived()
    in_thread(lambda: got.extend(foreground.paced(items)))
    assert got == items
    assert foreground.pauses - before == 4
