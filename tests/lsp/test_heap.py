"""lsp/heap.py: what the server keeps is frozen out of the collector's walks, and cyclic garbage
among it is still reclaimed once the server is idle."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from gomodls.lsp.heap import Heap, warm_imports


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # (the rest of the test session collects as usual)


async def test_frozen_cycles_are_reclaimed_when_idle() -> None:
    heap = Heap(idle=0.05)
    node = Node()
    ref = weakref.ref(node)
    heap.settled()
    del node
    gc.collect()
    assert ref() is not None, "a frozen object is not walked by collections"
    await asyncio.sleep(0.3)
    assert ref() is None, "the idle collection reclaims it"
    assert gc.get_freeze_count() > 0, "what lives on is frozen again"


async def test_no_collection_while_messages_arrive() -> None:
    heap = Heap(idle=0.15)
    node = Node()
    ref = weakref.ref(node)
    heap.settled()
    del node
    for _ in range(10):
        heap.message()
        await asyncio.sleep(0.04)
        assert ref() is not None, "not idle: no full collection"
    await asyncio.sleep(0.4)
    assert ref() is None


async def test_no_collection_without_growth() -> None:
    heap = Heap(idle=0.02)
    heap.settled()
    await asyncio.sleep(0.15)
    node = Node()
    ref = weakref.ref(node)
    gc.freeze()  # (frozen without growing the count past the threshold: one object)
    del node
    heap.settled()
    await asyncio.sleep(0.15)
    assert ref() is not None, "a handful of new frozen objects does not cost a full collection"


def test_warm_imports_imports_what_first_use_needs() -> None:
    import sys

    warm_imports()
    assert "httpx" in sys.modules and "gomodls.resolve.sumdbcheck" in sys.modules


async def test_when_quiet_waits_for_quiet() -> None:
    heap = Heap()
    called: list[float] = []
    heap.when_quiet(lambda: called.append(0), quiet=0.1)
    for _ in range(5):
        heap.message()
        await asyncio.sleep(0.04)
    assert not called, "messages keep arriving"
    await asyncio.sleep(0.2)
    assert called == [0]


async def test_when_quiet_at_the_latest() -> None:
    """A client that never stops sending (a user typing from the start) still gets it done."""
    heap = Heap()
    called: list[int] = []
    heap.when_quiet(lambda: called.append(0), quiet=0.1, latest=0.25)
    for _ in range(12):
        heap.message()
        await asyncio.sleep(0.04)
    assert called == [0]


def test_warm_imports_include_the_first_connection() -> None:
    import sys

    warm_imports()
    assert "httpcore._async.http11" in sys.modules and "h11" in sys.modules


def test_start_up_garbage_is_collected_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from gomodls.lsp import heap as heap_module

    monkeypatch.setattr(heap_module, "START_UP_OBJECTS", 10**9)  # (the test session is no server)
    heap = Heap()
    node = Node()
    ref = weakref.ref(node)
    gc.freeze()  # (as serve does once start-up is done)
    del node
    assert heap.collect_start_up(), "little is frozen: collected"
    assert ref() is None
    assert gc.get_freeze_count() > 0, "what lives on is frozen again"
    again = Node()
    ref = weakref.ref(again)
    gc.freeze()
    del again
    assert not heap.collect_start_up(), "once"
    assert ref() is not None


def test_start_up_garbage_waits_for_the_idle_collection_once_much_is_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gomodls.lsp import heap as heap_module

    heap = Heap()
    node = Node()
    ref = weakref.ref(node)
    gc.freeze()
    del node
    monkeypatch.setattr(heap_module, "START_UP_OBJECTS", gc.get_freeze_count() - 1)
    assert not heap.collect_start_up(), "a large document frozen beside it: walking it all would take seconds"
    monkeypatch.setattr(heap_module, "START_UP_OBJECTS", 10**9)
    assert not heap.collect_start_up(), "nor later"
    assert ref() is not None


def test_start_up_garbage_not_while_something_large_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    from gomodls.lsp import heap as heap_module

    monkeypatch.setattr(heap_module, "START_UP_OBJECTS", 10**9)
    heap = Heap()
    gc.collect()
    gc.disable()  # (as paused_gc does while a tree is built)
    try:
        building = [Node() for _ in range(heap_module.START_UP_YOUNG + 1)]
        assert not heap.collect_start_up()
    finally:
        gc.enable()
    del building
    assert heap.collect_start_up(), "later, once it is done"
