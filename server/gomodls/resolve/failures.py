"""Failed fetches: which failures are transient, and how long any failure is remembered.

A proxy that answers 503 for twenty seconds, times out or resets connections says nothing about
the module: such a failure must not become a lasting error. Every failed fetch is remembered
for FAILURE_TTL seconds (so that one resolution, and the editor's next few, do not hammer a
failing proxy), then the next need asks again. "Does not exist" answers are kept twice as long
by the fetcher's own cache, across processes (resolve/cache.py ABSENT_TTL)."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from typing import Generic, TypeVar

# Seconds a failed fetch is remembered before the next need retries it (GOMODLS_FAILURE_TTL:
# another time, e.g. for the fault-injection tests).
FAILURE_TTL = float(os.environ.get("GOMODLS_FAILURE_TTL", "") or 30.0)

# The go command's words (and the transport's, which uses them) for failures of the network or
# of the proxy rather than answers about the module: 5xx and 429 statuses, connections that
# could not be made ("dial tcp ...": refused, unreachable, no DNS answer), reset, timed out or
# cut short. Not: certificates, refused redirects, bodies over the limit or not gzip.
_TRANSIENT = re.compile(
    r"reading \S+: (?:5\d\d\b|429\b|[A-Z]\w*(?:Error|Timeout)\b)"
    r"|dial tcp|connection refused|connection reset|i/o timeout|timed out|timeout awaiting"
    r"|unexpected EOF|\": EOF\b|TLS handshake timeout|server misbehaving|network is unreachable"
)


def is_transient(message: str) -> bool:
    """Whether an error message reports a failure that may go away by itself."""
    return _TRANSIENT.search(message) is not None


E = TypeVar("E")
SWEEP_AT = 1024  # entries before expired ones are dropped


@dataclass(slots=True)
class Failures(Generic[E]):
    """Failures by key, each forgotten FAILURE_TTL seconds after it was recorded."""

    ttl: float = FAILURE_TTL
    _by_key: dict[object, tuple[E, float]] = field(default_factory=dict)
    _sweep_at: int = SWEEP_AT

    def add(self, key: object, error: E) -> None:
        now = time.monotonic()
        if len(self._by_key) >= self._sweep_at:  # (an editing session makes up new keys all the time)
            self._by_key = {k: v for k, v in self._by_key.items() if v[1] > now}
            # The next sweep after as many new keys again: a resolution of a graph with more
            # failed fetches than SWEEP_AT, all fresh, swept at every add (quadratic).
            self._sweep_at = max(SWEEP_AT, 2 * len(self._by_key))
        self._by_key[key] = (error, now + self.ttl)

    def get(self, key: object) -> E | None:
        """The failure recorded for key, while it is fresh."""
        got = self._by_key.get(key)
        if got is None:
            return None
        if time.monotonic() >= got[1]:
            del self._by_key[key]
            return None
        return got[0]

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def clear(self) -> None:
        self._by_key.clear()
