"""The module graph behind the editor: one background resolution per module (or workspace)
root, started after edits settle and only when the requirements actually changed, cancelled
when they change again, with work-done progress when it takes longer than half a second.
Features read the latest finished result; they never wait for one."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from gomodls.base.files import FileSource
from gomodls.base.goenv import GoEnv, find_go_work
from gomodls.gocommand.direct import GoCommandDirect
from gomodls.gocommand.modquery import ModQuery
from gomodls.gocommand.toolchain import find_go
from gomodls.lsp.documents import Document
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind
from gomodls.modfile.requireindex import require_key
from gomodls.module.paths import ModuleVersion
from gomodls.resolve.driver import (
    Resolution,
    ResolveLimit,
    ResolveOptions,
    Resolver,
    Roots,
    SetupError,
    roots_for,
)
from gomodls.resolve.failures import FAILURE_TTL, is_transient
from gomodls.resolve.fetch import Fetcher
from gomodls.resolve.moduleinfo import ModuleFactsService
from gomodls.resolve.proxies import NO_GO

if TYPE_CHECKING:
    from gomodls.lsp.config import Settings
    from gomodls.lsp.server import GomodServer
from gomodls.resolve.result import GoModUpdate

log = logging.getLogger(__name__)

DEBOUNCE = 0.15  # seconds of quiet before resolving after an edit
PROGRESS_AFTER = 0.5
RESOLVE_SECONDS = 120.0  # one resolution's time limit (each request has its own, shorter)
# After a resolution hit a transient failure (a 5xx, a timeout, a reset), it runs again by
# itself, so that diagnostics come back to normal once the proxy answers: first after the
# failures expire (resolve/failures.py), then less and less often.
RETRY_AFTER = (FAILURE_TTL + 1, FAILURE_TTL * 2, FAILURE_TTL * 4, max(FAILURE_TTL * 10, 300.0))

# The Go variables that decide where modules come from and what the go command may do to
# fetch them: a change (in gomodls.env, the environment, or the go env file `go env -w` writes)
# means a new fetching stack and new resolutions.
FETCH_VARIABLES = (
    "GOPROXY",
    "GONOPROXY",
    "GOPRIVATE",
    "GONOSUMDB",
    "GOSUMDB",
    "GOVCS",
    "GOINSECURE",
    "GOFLAGS",
    "GOMODCACHE",
    "GOAUTH",
)
NOT_ALLOWED = "the setting gomodls.go.allowRun is false"


@dataclass(slots=True)
class RootState:
    key: str  # the go.work path, or the module's directory
    fingerprint: object = None  # of the inputs the current or running resolution uses
    resolution: Resolution | None = None
    resolved_fingerprint: object = None
    inputs: Roots | None = None  # the main modules of the finished resolution
    # What -mod=mod would write to the main go.mod, when -mod=readonly finds it needs updates.
    go_mod_update: GoModUpdate | None = None
    generation: int = 0  # counts finished resolutions and fact arrivals (cache keys)
    error: str = ""  # why the inputs cannot be resolved (go.mod does not parse, ...)
    task: asyncio.Task[None] | None = None
    timer: asyncio.TimerHandle | None = None
    directory: str = ""  # where the last resolution started (the retry starts there)
    retry: asyncio.TimerHandle | None = None  # while the last one failed transiently
    retries: int = 0  # transient failures in a row
    # A resolution that met errors (a failed fetch among them, maybe) is redone on the next need
    # after this time (time.monotonic()), like the failures it remembers.
    redo_after: float | None = None
    listeners: list[Callable[[str], None]] = field(default_factory=list)  # called with the key

    @property
    def loading(self) -> bool:
        return self.task is not None and not self.task.done()

    @property
    def current(self) -> bool:
        """Whether the finished resolution is of the current inputs."""
        return self.resolution is not None and self.resolved_fingerprint == self.fingerprint


def main_key(f: ModFile) -> tuple[object, ...]:
    """What the build list depends on in a main go.mod (not comments, not layout)."""
    return (
        f.module_path,
        f.go.version if f.go else "",
        f.toolchain.name if f.toolchain else "",
        require_key(f),
        tuple((r.old, r.new) for r in f.replace),
        tuple(x.mod for x in f.exclude),
    )


def fingerprint(roots: Roots, files: FileSource) -> tuple[object, ...]:
    """What the build list depends on: the main go.mod/go.work files (not comments), and the
    go.mod files of directory replacements (read fresh by every resolution). Compared, never
    printed (its repr took 0.1 s on the event loop at 100,000 requirements)."""
    parts: list[object] = [(m.dir, main_key(m.model)) for m in roots.mains]
    replaced_dirs = [(m.dir, r.new.path) for m in roots.mains for r in m.model.replace if not r.new.version]
    if roots.work is not None:
        w = roots.work.model
        parts.append(
            (
                roots.work.path,
                w.go.version if w.go else "",
                tuple(u.path for u in w.use),
                tuple((r.old, r.new) for r in w.replace),
            )
        )
        base = os.path.dirname(roots.work.path)
        replaced_dirs += [(base, r.new.path) for r in w.replace if not r.new.version]
    for base, target in replaced_dirs:
        gomod = os.path.join(base, target, "go.mod")
        parts.append((gomod, files.read_text(gomod)))
    return tuple(parts)


WORK_RECHECK = 0.5  # seconds: how stale a go.work created without a client message may be seen


class ResolutionService:
    def __init__(self, ls: GomodServer) -> None:
        self.ls = ls
        self.roots: dict[str, RootState] = {}
        self._env_key: tuple[object, ...] | None = None
        self._resolver: Resolver | None = None
        self.facts: ModuleFactsService | None = None
        # The "proxies unavailable" message is shown once an outage (until a resolution meets
        # no transient failure).
        self.said_offline = False
        self.said_no_direct = ""  # why version control was unavailable, when last said
        # directory -> (changes, GoEnv, time.monotonic(), its go.work) when last looked up
        self._work_roots: dict[str, tuple[int, GoEnv, float, str | None]] = {}
        self._fetching_key: tuple[GoEnv, Settings, tuple[object, ...]] | None = None

    # The fetching stack follows the Go environment (settings and `go env -w` may change it).

    def fetching_key(self) -> tuple[object, ...]:
        """What the fetching stack depends on: the Go variables that route and allow fetching,
        and whether the go command may fetch from version control."""
        env, settings = self.ls.goenv, self.ls.settings
        memo = self._fetching_key
        if memo is not None and memo[0] is env and memo[1] is settings:
            return memo[2]  # (the same environment and settings objects: every hover asks)
        key = (
            tuple(env.get(k) for k in FETCH_VARIABLES),
            tuple(sorted(settings.env.items())),
            settings.go.allow_run,
        )
        self._fetching_key = (env, settings, key)
        return key

    def _stack(self) -> tuple[Resolver, ModuleFactsService]:
        env = self.ls.goenv
        key = self.fetching_key()
        if self._resolver is None or self.facts is None or key != self._env_key:
            rebuilt = self._resolver is not None
            self._resolver = Resolver.for_env(
                env, self.ls.files, load_in_thread=True, **self._version_control()
            )
            self.facts = ModuleFactsService(self._resolver.fetcher)
            self._env_key = key
            if rebuilt:
                # The graphs and facts shown came from the old environment (a go env file
                # change is seen here, at the next request that needs the stack).
                asyncio.get_running_loop().call_soon(self.ls.refresh)
        return self._resolver, self.facts

    def _version_control(self) -> dict[str, Any]:
        """The go command for modules from version control (direct), or why there is none.
        Only the server's own go (its PATH), never one a workspace's settings point at."""
        if not self.ls.settings.go.allow_run:
            return {"no_direct": NOT_ALLOWED}
        binary = find_go(os.environ)
        if binary is None:
            return {"no_direct": NO_GO}
        return {"direct": GoCommandDirect(ModQuery(binary, self.ls.goenv))}

    def resolver(self) -> Resolver:
        return self._stack()[0]

    def mod_hash(self, mv: ModuleVersion) -> str | None:
        return self._resolver.mod_hash(mv) if self._resolver is not None else None

    def mod_hash_key(self) -> tuple[object, int]:
        """What `mod_hash` knows, as a memo key."""
        return (self._resolver, self._resolver.mod_hashes_known() if self._resolver is not None else 0)

    def facts_service(self) -> ModuleFactsService:
        return self._stack()[1]

    def root_key(self, doc: Document) -> str | None:
        directory = os.path.dirname(doc.path)
        if doc.kind is FileKind.WORK:
            return doc.path
        return self._work_root(directory) or directory

    def _work_root(self, directory: str) -> str | None:
        """find_go_work, looked up again after a client message other than a hover (an edit,
        a watched file, a setting) and at most every WORK_RECHECK seconds in between (a
        go.work created by hand): the walk up the directories is a stat a level, and every
        hover and check asks for it."""
        env = self.ls.goenv
        now = time.monotonic()
        known = self._work_roots.get(directory)
        if (
            known is not None
            and known[0] == self.ls.changes
            and known[1] is env
            and now - known[2] < WORK_RECHECK
        ):
            return known[3]
        work = find_go_work(directory, env)
        if len(self._work_roots) >= 1024:
            self._work_roots.clear()
        self._work_roots[directory] = (self.ls.changes, env, now, work)
        return work

    def state(self, doc: Document) -> RootState | None:
        key = self.root_key(doc)
        return self.roots.get(key) if key else None

    def schedule(self, doc: Document, on_done: Callable[[str], None] | None = None) -> None:
        """Resolve the document's root once edits settle (only if its inputs changed)."""
        key = self.root_key(doc)
        if key is None:
            return
        state = self.roots.setdefault(key, RootState(key))
        if on_done is not None and on_done not in state.listeners:
            state.listeners.append(on_done)
        if state.timer is not None:
            state.timer.cancel()
        loop = asyncio.get_running_loop()
        state.timer = loop.call_later(DEBOUNCE, self._start, state, os.path.dirname(doc.path))

    def _start(self, state: RootState, directory: str, again: bool = False) -> None:
        """Resolve if the inputs changed since the last resolution (or `again`: a retry)."""
        state.timer = None
        state.directory = directory
        try:
            roots = roots_for(directory, self.ls.goenv, self.ls.files)
        except SetupError as e:
            state.error = str(e)
            return
        fp = (self.fetching_key(), fingerprint(roots, self.ls.files))
        redo = again or (state.redo_after is not None and time.monotonic() >= state.redo_after)
        if fp == state.fingerprint and (state.loading or (state.current and not redo)):
            return
        if state.retry is not None:
            state.retry.cancel()
            state.retry = None
        state.error = ""
        state.fingerprint = fp
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = asyncio.ensure_future(self._run(state, roots, fp))

    async def _run(self, state: RootState, roots: Roots, fp: object) -> None:
        resolver, facts = self._stack()
        progress = asyncio.get_running_loop().call_later(
            PROGRESS_AFTER, lambda: self.ls.spawn(self._progress(state))
        )
        started = time.perf_counter()
        try:
            # The graph of the go.mod files as written (readonly, go.sum not consulted): its
            # selections and requirement chains are what hovers and hints explain; go.sum and
            # go.mod consistency are reported as diagnostics of their own.
            resolution = await resolver.resolve(roots, self.options("readonly"))
        except asyncio.CancelledError:
            raise
        except ResolveLimit as e:
            log.warning("resolving %s: %s", state.key, e)
            state.error = str(e)
            self._retry_later(state, transient=e.transient)
            return
        except Exception as e:
            log.exception("resolving %s failed", state.key)
            state.error = f"resolving the module graph failed: {e}"
            return
        finally:
            progress.cancel()
        log.info(
            "resolved %s in %.0f ms (%d rounds)",
            state.key,
            (time.perf_counter() - started) * 1000,
            resolution.rounds,
        )
        update = None
        result = resolution.result
        if roots.work is None and (
            result.go_mod_dirty or any("updates to go.mod needed" in e for e in result.errors)
        ):
            update = await self._go_mod_update(resolver, roots)
        if state.fingerprint != fp:
            return  # outdated meanwhile; the newer run publishes
        self._retry_later(state, transient=any(is_transient(e) for e in resolution.result.errors))
        state.resolution = resolution
        state.resolved_fingerprint = fp
        state.redo_after = time.monotonic() + FAILURE_TTL if resolution.result.errors else None
        state.inputs = roots
        state.go_mod_update = update
        self._changed(state)
        self.ls.heap.settled()
        self.ls.spawn(self._prefetch_facts(state, facts))

    def _retry_later(self, state: RootState, transient: bool) -> None:
        """While the last resolution hit a transient failure, run it again later (the failed
        fetches have expired by then); once one has none, the outage is over."""
        if not transient:
            state.retries = 0
            if not any(r.retries for r in self.roots.values()):
                self.said_offline = False  # the next outage gets its one message
            return
        delay = RETRY_AFTER[min(state.retries, len(RETRY_AFTER) - 1)]
        state.retries += 1
        log.info("%s: a module proxy failed; resolving again in %.0f s", state.key, delay)
        if state.retry is not None:
            state.retry.cancel()
        state.retry = asyncio.get_running_loop().call_later(delay, self._retry, state)

    def _retry(self, state: RootState) -> None:
        state.retry = None
        if any(self.root_key(doc) == state.key for doc in self.ls.documents):
            self._start(state, state.directory, again=True)  # (nobody looks at it any more otherwise)

    def _changed(self, state: RootState) -> None:
        state.generation += 1
        for listener in list(state.listeners):
            listener(state.key)

    async def _go_mod_update(self, resolver: Resolver, roots: Roots) -> GoModUpdate | None:
        """What `go mod tidy`-less loading with -mod=mod writes to go.mod (the fix offered for
        "updates to go.mod needed")."""
        try:
            done = await resolver.resolve(roots, self.options("mod"))
        except Exception:
            log.exception("resolving with -mod=mod failed")
            return None
        return done.result.go_mod_update if done.result.ok else None

    def options(self, mod_mode: str) -> ResolveOptions:
        """The graph of the go.mod files as written (go.sum is checked by diagnostics of its
        own), loaded with -mod=`mod_mode`."""
        local = self.ls.local.version if self.ls.local else None
        options = ResolveOptions.for_env(self.ls.goenv, local, mod_mode=mod_mode, check_sums=False)
        return dataclasses.replace(options, max_seconds=RESOLVE_SECONDS)

    async def _prefetch_facts(self, state: RootState, facts: ModuleFactsService) -> None:
        """Versions, retractions and deprecations of the direct requirements, for hovers,
        hints and upgrade checks; then tell the listeners again."""
        if state.inputs is None:
            return
        paths = {r.mod.path for m in state.inputs.mains for r in m.model.require}
        await facts.prefetch(sorted(paths))
        if self.ls.settings.upgrades == "latest":
            await asyncio.gather(*(facts.newer_major(p) for p in sorted(paths)), return_exceptions=True)
        self._say_if_no_version_control(facts.fetcher)
        self._changed(state)
        self.ls.heap.settled()

    def _say_if_no_version_control(self, fetcher: Fetcher) -> None:
        """One message when modules from version control could only come from the module
        cache (again only if the reason changes)."""
        if not fetcher.without_direct or self.said_no_direct == fetcher.no_direct:
            return
        self.said_no_direct = fetcher.no_direct
        paths = sorted(fetcher.without_direct)
        others = len(paths) - 1
        more = f" and {others} more module{'s' if others > 1 else ''}" if others else ""
        self.ls.show(
            f"gomodls: {paths[0]}{more} {'come' if others else 'comes'} from version control "
            "(GOPROXY=direct or GOPRIVATE/GONOPROXY), "
            f"which gomodls reaches through the go command, but {fetcher.no_direct}: only the module "
            "cache is used for them",
            types.MessageType.Info,
        )

    async def _progress(self, state: RootState) -> None:
        window = self.ls.client_capabilities.window
        if not (window and window.work_done_progress) or not state.loading:
            return
        token = f"gomodls-resolve-{id(state)}-{time.monotonic_ns()}"
        try:
            await self.ls.work_done_progress.create_async(token)
        except Exception:
            return
        self.ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="gomodls: resolving the module graph",
                message=os.path.basename(state.key),
                cancellable=False,
            ),
        )
        task = state.task
        if task is not None:
            await asyncio.wait([task])
        self.ls.work_done_progress.end(token, types.WorkDoneProgressEnd())
