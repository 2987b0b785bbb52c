"""Pausing Python's cyclic garbage collector around work that allocates many small objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector while building a syntax tree or loading a module graph: they
    make many small objects that point at each other (and that live on), and the collections
    their allocation triggers cost more than the work itself (a third of a 300-module
    resolution). A nested or concurrent pause leaves the collector to whoever paused it first."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
