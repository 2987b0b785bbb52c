"""Facts about a module beyond one version: its versions, its latest version as the go command
picks it, and the retractions and deprecation its latest go.mod declares (modload's
queryLatestVersionIgnoringRetractions, CheckRetractions, CheckDeprecation, ShortMessage)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text
from gomodls.modfile.rules import auto_quote
from gomodls.module import gover
from gomodls.resolve.failures import FAILURE_TTL, is_transient
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.proxies import FetchError
from gomodls.resolve.summary import Retraction
from gomodls.resolve.upgrades import Upgrades, next_major_paths, upgrades

SHORT_MESSAGE_MAX = 500
MAX_PATHS = 10_000  # module paths whose facts one service keeps
PREFETCH_CONCURRENCY = 16  # loads in flight while prefetching (the network's concurrency is the transport's)


@dataclass(slots=True)
class ModuleFacts:
    path: str
    versions: list[str]  # what the proxy lists, in semver order
    latest: str  # the go command's "latest", ignoring retractions ("" when there is none)
    retractions: list[Retraction] = field(default_factory=list)
    deprecated: str = ""
    error: str = ""  # why some facts are missing
    loaded: float = field(default_factory=time.monotonic)  # (facts with an error expire)
    _upgrades: dict[tuple[str, frozenset[str]], Upgrades] = field(
        default_factory=dict, repr=False, compare=False
    )

    def retraction(self, version: str) -> Retraction | None:
        return next((r for r in self.retractions if r.covers(version)), None)

    def upgrades(self, current: str, excluded: frozenset[str] = frozenset()) -> Upgrades:
        """`upgrades` from `current`, skipping the `excluded` versions and the retracted ones. Kept:
        facts do not change once loaded, and every keystroke's checks ask for every requirement."""
        key = (current, excluded)
        up = self._upgrades.get(key)
        if up is None:
            up = self._upgrades[key] = upgrades(
                current,
                self.versions,
                excluded=excluded.__contains__,
                retracted=lambda v: self.retraction(v) is not None,
            )
        return up


def short_message(message: str, empty_default: str) -> str:
    """modload.ShortMessage: the first line, bounded, printable."""
    message = message.split("\n", 1)[0].strip()
    if not message:
        return empty_default
    if len(message.encode()) > SHORT_MESSAGE_MAX:
        return "(message omitted: too long)"
    for ch in message:
        graphic = ch == " " or unicodedata.category(ch)[0] in "LMNPS" or unicodedata.category(ch) == "Zs"
        if not graphic and not ch.isspace():
            return "(message omitted: contains non-printable characters)"
    return message


def retracted_message(r: Retraction) -> str:
    """ModuleRetractedError.Error."""
    msg = "retracted by module author"
    if r.rationale:
        msg += ": " + short_message(r.rationale, "retracted by module author")
    return msg


def legacy_go_mod(path: str) -> bytes:
    """modfetch.LegacyGoMod: what a proxy serves for a version without a go.mod file."""
    return f"module {auto_quote(path)}\n".encode()


async def latest_version(
    fetcher: Fetcher, path: str, versions: list[str], allowed: Callable[[str], bool] | None = None
) -> str:
    """Query(path, "latest") with the given filter: the highest allowed release, else the highest
    pre-release, else the proxy's @latest; +incompatible versions only when the last compatible
    version has no go.mod file of its own."""
    releases: list[str] = []
    prereleases: list[str] = []
    last_compatible = ""
    for v in versions:
        if allowed is not None and not allowed(v):
            continue
        if not v.endswith("+incompatible"):
            last_compatible = v
        elif last_compatible:
            try:
                has_go_mod = await fetcher.mod(path, last_compatible) != legacy_go_mod(path)
            except FetchError:
                has_go_mod = False
            if has_go_mod:
                break
        (prereleases if gover.mod_is_prerelease(path, v) else releases).append(v)
    if releases:
        return releases[-1]
    if prereleases:
        return prereleases[-1]
    try:
        info = await fetcher.latest(path)
    except FetchError:
        return ""
    return info.version if allowed is None or allowed(info.version) else ""


def _usable(task: asyncio.Task[ModuleFacts] | None) -> bool:
    """A finished load, not a failed one older than FAILURE_TTL (it is asked again then)."""
    if task is None or not task.done() or task.cancelled() or task.exception() is not None:
        return False
    facts = task.result()
    return not facts.error or time.monotonic() - facts.loaded < FAILURE_TTL


class ModuleFactsService:
    """Module facts, one fetch per module path at a time, remembered for the session (those
    missing something because a fetch failed, for FAILURE_TTL seconds)."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._facts: dict[str, asyncio.Task[ModuleFacts]] = {}
        self._majors: dict[str, asyncio.Task[tuple[str, str] | None]] = {}
        self._majors_failed: dict[str, float] = {}  # probes cut short by a failed fetch, when
        self._limit = MAX_PATHS  # when to forget: above MAX_PATHS while many loads are pending
        self.loads_done = 0  # loads finished so far: what is known changes when this does
        self.arrivals = 0  # loads and newer-major probes finished so far
        self._wanted: list[str] = []  # paths want_all asked for, not yet handed to _drain
        self._draining: asyncio.Task[None] | None = None

    def stamp(self, path: str) -> tuple[object, ...]:
        """What a hover shows of path from here, as a cheap value that changes when that does:
        the facts known (the same object until a new load replaces it or a failure expires)
        and the newer major version, once its probe has found one. (A probe that finished
        finding none changes nothing shown: no recomputation.)"""
        known, major = self.known_major(path)
        return (self.known(path), major if known else None)

    def known(self, path: str) -> ModuleFacts | None:
        task = self._facts.get(path)
        return task.result() if task is not None and _usable(task) else None

    async def facts(self, path: str) -> ModuleFacts:
        return await asyncio.shield(self.want(path))

    def want(self, path: str) -> asyncio.Task[ModuleFacts]:
        """The load of path's facts, started if needed: the way to ask for them without waiting
        (no task of the caller's per path: a request over a file of 100,000 requirements asks
        for every one)."""
        task = self._facts.get(path)
        if task is None or (task.done() and not _usable(task)):
            if len(self._facts) >= self._limit:
                self._forget_oldest()
            task = asyncio.ensure_future(self._load(path))
            task.add_done_callback(self._finished)
            self._facts[path] = task
        return task

    def want_all(self, paths: list[str]) -> None:
        """want() for many paths, loaded in the background a few at a time (a task per path
        at once, for a go.mod of 100,000 requirements, held every client message behind them)."""
        fresh = [p for p in paths if not self._pending_or_known(p)]
        if not fresh:
            return
        self._wanted.extend(fresh)
        if self._draining is None or self._draining.done():
            self._draining = asyncio.ensure_future(self._drain())

    def _pending_or_known(self, path: str) -> bool:
        task = self._facts.get(path)
        return task is not None and (not task.done() or _usable(task))

    async def _drain(self) -> None:
        while self._wanted:
            batch, self._wanted = self._wanted, []
            await self.prefetch(batch)

    def _finished(self, _: object) -> None:
        self.loads_done += 1
        self.arrivals += 1

    def _major_finished(self, _: object) -> None:
        self.arrivals += 1

    async def prefetch(self, paths: list[str], concurrency: int = PREFETCH_CONCURRENCY) -> None:
        """Load the facts of many paths, a few at a time: a gather of a task per path put
        100,000 tasks in the event loop's ready queue at once, and every message from the
        client waited behind a whole round of them."""
        queue = iter(paths)

        async def worker() -> None:
            for path in queue:
                with contextlib.suppress(Exception):  # (a load's error is in its facts)
                    await self.facts(path)

        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(paths)))))

    def _forget_oldest(self) -> None:
        """Bounded memory over a long session (each module path typed, even half-typed, is
        looked up): the finished half that was asked for first goes."""
        done = [p for p, t in self._facts.items() if t.done()]
        for p in done[: max(1, len(done) // 2)]:
            del self._facts[p]
            self._majors.pop(p, None)
            self._majors_failed.pop(p, None)
        # The next scan after as many new paths again: a file requiring more modules than
        # MAX_PATHS asks for all of them at once (all pending), and a scan per path, freeing
        # one, was quadratic.
        self._limit = max(MAX_PATHS, 2 * len(self._facts))

    def forget(self) -> None:
        self._limit = MAX_PATHS
        self._facts.clear()
        self._majors.clear()
        self._majors_failed.clear()

    def known_major(self, path: str) -> tuple[bool, tuple[str, str] | None]:
        """(whether the newer-major probe of path has finished, its answer)."""
        task = self._majors.get(path)
        if task is None or not task.done() or task.cancelled() or task.exception() is not None:
            return False, None
        failed = self._majors_failed.get(path)
        if failed is not None and time.monotonic() - failed >= FAILURE_TTL:
            del self._majors[path], self._majors_failed[path]  # probed again on the next need
            return False, None
        return True, task.result()

    async def newer_major(self, path: str) -> tuple[str, str] | None:
        """The highest newer major version's module path and its latest release, if any
        (probing m/v2, m/v3, ... like Renovate; stops at the first that does not exist)."""
        return await asyncio.shield(self.want_major(path))

    def want_major(self, path: str) -> asyncio.Task[tuple[str, str] | None]:
        """The newer-major probe of path, started if needed (without waiting: a hover asks)."""
        self.known_major(path)  # (drops an expired probe)
        task = self._majors.get(path)
        if task is None:
            task = self._majors[path] = asyncio.ensure_future(self._probe_majors(path))
            task.add_done_callback(self._major_finished)
        return task

    async def _probe_majors(self, path: str) -> tuple[str, str] | None:
        found: tuple[str, str] | None = None
        for candidate in next_major_paths(path):
            facts = await self.facts(candidate)
            if not facts.latest and facts.error and is_transient(facts.error):
                self._majors_failed[path] = time.monotonic()
            if not facts.latest:
                break
            found = (candidate, facts.latest)
        return found

    async def _load(self, path: str) -> ModuleFacts:
        try:
            versions = await self.fetcher.versions(path)
        except FetchError as e:
            return ModuleFacts(path, [], "", error=str(e))
        latest = await latest_version(self.fetcher, path, versions)
        # (a list from the module cache alone: say why the rest is unknown)
        facts = ModuleFacts(path, versions, latest, error=self.fetcher.local_lists.get(path, ""))
        if not latest:
            return facts
        try:
            data = await self.fetcher.mod(path, latest)
        except FetchError as e:
            facts.error = str(e)
            return facts
        model = parse_text(
            data.decode("utf-8", "surrogateescape"), FileKind.MOD, "go.mod", strict=False
        ).model
        if isinstance(model, ModFile):
            facts.retractions = [Retraction(r.low, r.high, r.rationale) for r in model.retract]
            facts.deprecated = model.module.deprecated if model.module else ""
        return facts
