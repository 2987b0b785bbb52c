"""The checksum database behind the editor (GOSUMDB, `go help module-auth`): every go.sum line
gomodls offers to write, and every line of a go.sum open in the editor, is checked in the
background; the checks read the verdicts known now and are republished when more arrive. A
line the database has not verified is never written (the fix waits and says so); a line that
disagrees with it is the go command's SECURITY ERROR. Paths the database must not see
(GONOSUMDB, GOPRIVATE, GOSUMDB=off) are never looked up."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types

from gomodls.analysis.graphchecks import SumState, SumVerdict
from gomodls.resolve.failures import FAILURE_TTL

if TYPE_CHECKING:
    from gomodls.lsp.server import GomodServer
    from gomodls.resolve.sumdbcheck import SumDBChecker
    from gomodls.sumdb.config import SumDBSettings

log = logging.getLogger(__name__)

CONCURRENCY = 4  # checks in flight (a go.sum open in the editor may have thousands of lines)
PENDING = SumVerdict(SumState.PENDING)

Line = tuple[str, str, str]  # path, version as go.sum writes it ("/go.mod" for a go.mod), hash


class ChecksumService:
    def __init__(self, ls: GomodServer) -> None:
        self.ls = ls
        self._settings: SumDBSettings | None = None
        self._checker: SumDBChecker | None = None
        self._verdicts: dict[Line, SumVerdict] = {}
        self._expires: dict[Line, float] = {}  # failures, retried on the next need after this
        self._limit = asyncio.Semaphore(CONCURRENCY)
        self._fresh_client_after: float | None = None  # when the database was unreachable
        self._republish_soon = False
        self._said_misbehavior = False
        self.generation = 0  # counts arrivals (the checks' memo keys)
        self._settings_env: object = None  # the GoEnv _env_settings are of
        self._env_settings: SumDBSettings | None = None
        self.mismatches = 0  # counts changes to the MISMATCH verdicts (go.sum lines' memo key)
        # The database's name for the settings it is of (parsing the key is ~0.1 ms: hovers
        # show the name on every go.sum line).
        self._name: tuple[SumDBSettings | None, str] = (None, "")

    def _setup(self) -> tuple[SumDBSettings, SumDBChecker]:
        # (imported on first use: the Ed25519 code is not needed to start the server)
        from gomodls.resolve.sumdbcheck import SumDBChecker
        from gomodls.sumdb.config import settings_from_env

        env = self.ls.goenv
        settings = self._env_settings
        if env is not self._settings_env or settings is None:  # (a GoEnv is a snapshot)
            settings = self._env_settings = settings_from_env(env)
            self._settings_env = env
        if settings != self._settings:
            self._said_misbehavior = False
            self.mismatches += 1
            self._verdicts.clear()
            self._expires.clear()
            self._settings = settings
            self._new_checker(None)
        elif self._fresh_client_after is not None and self._fresh_client_after <= time.monotonic():
            # The client remembers how it reached the database (which proxy, or directly):
            # after an outage, a new one asks afresh, as a new go command would.
            self._new_checker(None)
        if self._checker is None:
            transport = self.ls.resolution.resolver().fetcher.transport
            self._checker = SumDBChecker(settings, transport)
        return settings, self._checker

    def _new_checker(self, fresh_after: float | None) -> None:
        if self._checker is not None:
            self.ls.spawn(self._checker.aclose())
        self._checker = None
        self._fresh_client_after = fresh_after

    def verdict(self, path: str, version: str, h: str) -> SumVerdict:
        """The database's word on the go.sum line `path version h`, checking it in the
        background when nothing is known yet."""
        settings, checker = self._setup()
        return self._verdict(settings, checker, path, version, h)

    def verdicts(self) -> Callable[[str, str, str], SumVerdict]:
        """`verdict` for the lines of one computation (a go.sum's every line, on each
        republish): the Go environment is read once, not once a line (a stat of the go env
        file and the settings compared, ~80 µs: a quarter of a second for 3,000 lines), and
        only when a line is asked about (the database client is set up on first use)."""
        setup: tuple[SumDBSettings, SumDBChecker] | None = None

        def verdict(path: str, version: str, h: str) -> SumVerdict:
            nonlocal setup
            if setup is None:
                setup = self._setup()
            return self._verdict(*setup, path, version, h)

        return verdict

    def _verdict(
        self, settings: SumDBSettings, checker: SumDBChecker, path: str, version: str, h: str
    ) -> SumVerdict:
        line = (path, version, h)
        known = self._known(line)
        if known is not None:
            return known
        if not settings.use(path):
            return SumVerdict(SumState.EXEMPT, self._exemption(settings))
        self._verdicts[line] = PENDING
        self._expires.pop(line, None)
        self.ls.spawn(self._check(checker, line))
        return PENDING

    def _known(self, line: Line) -> SumVerdict | None:
        """The line's verdict, unless none is known or a failure has expired (asked again).
        (A line known is one the current settings send: a change of settings forgets them all.)"""
        known = self._verdicts.get(line)
        if known is not None and not (line in self._expires and self._expires[line] <= time.monotonic()):
            return known
        return None

    def would_check(self, path: str, version: str, h: str) -> bool:
        """Whether `verdict` of the line would start a check now (a precomputed hover starts
        none: lsp/hover.py)."""
        settings, _ = self._setup()
        return self._known((path, version, h)) is None and settings.use(path)

    def lines_key(self) -> tuple[object, ...] | None:
        """What go.sum lines' findings take from here (the settings, the MISMATCH verdicts):
        while it is the same, they are (verified lines, or failures, change nothing in them).
        None while a failure has expired: the next computation asks for that line again."""
        from gomodls.sumdb.config import settings_from_env

        now = time.monotonic()
        if any(t <= now for t in self._expires.values()):
            return None
        return (settings_from_env(self.ls.goenv), self.mismatches)

    def _exemption(self, settings: SumDBSettings) -> str:
        """What exempts a path useSumDB refuses: GOSUMDB=off, or its GONOSUMDB pattern (by
        default GOPRIVATE's)."""
        if settings.gosumdb == "off":
            return "GOSUMDB=off"
        return "the path matches " + (
            "GOPRIVATE" if settings.gonosumdb == self.ls.goenv.get("GOPRIVATE") else "GONOSUMDB"
        )

    def status(self, path: str, version: str, h: str) -> str:
        """The hover line: whether the hash was verified, is exempt, or is unverified and why."""
        return self.status_text(self.verdict(path, version, h))

    def status_text(self, v: SumVerdict) -> str:
        name = self._database_name()
        if v.state is SumState.VERIFIED:
            return f"checksum database: verified by {name}"
        if v.state is SumState.EXEMPT:
            return f"checksum database: not consulted ({v.message}): go.sum's hashes are not verified"
        if v.state is SumState.PENDING:
            return f"checksum database: being verified by {name}"
        if v.state is SumState.MISMATCH:
            return f"checksum database: **does not match** the record of {name} (go's SECURITY ERROR)"
        return f"checksum database: **unverified**: {v.message.splitlines()[0]}"

    def status_key(self, path: str, version: str, h: str) -> tuple[object, ...]:
        """What `status` of the line depends on, as a cheap value (a hover's probe): the
        settings, the line's verdict, whether that has expired."""
        line = (path, version, h)
        expires = self._expires.get(line)
        return (
            self._settings,
            self._verdicts.get(line),
            expires is not None and expires <= time.monotonic(),
        )

    def _database_name(self) -> str:
        from gomodls.sumdb.config import BadGOSUMDB

        settings = self._settings
        if settings is None:
            return ""
        if self._name[0] is settings:
            return self._name[1]
        try:
            name = settings.dial().name
        except BadGOSUMDB:
            name = "GOSUMDB"
        self._name = (settings, name)
        return name

    async def _check(self, checker: SumDBChecker, line: Line) -> None:
        async with self._limit:
            verdict = await self._ask(checker, line) if checker is self._checker else None
        if verdict is None or checker is not self._checker:
            # (a new client since: the next need asks it)
            if self._verdicts.get(line) is PENDING:
                del self._verdicts[line]
            return
        old = self._verdicts.get(line)
        self._verdicts[line] = verdict
        self.generation += 1
        if verdict.state is SumState.MISMATCH or (old is not None and old.state is SumState.MISMATCH):
            self.mismatches += 1
        self._republish()

    async def _ask(self, checker: SumDBChecker, line: Line) -> SumVerdict:
        from gomodls.resolve.sumdbcheck import DatabaseMisbehavior, DatabaseUnavailable, VerifyError

        try:
            await checker.check_sum(*line)
            return SumVerdict(SumState.VERIFIED)
        except DatabaseMisbehavior as e:
            # A fork or an unproven answer: nothing the database says counts (the go command
            # stops there); said once, not on every line.
            if not self._said_misbehavior:
                self._said_misbehavior = True
                self.ls.show(
                    f"gomodls: checksum database {self._database_name()}: {e}", types.MessageType.Error
                )
            return SumVerdict(SumState.FAILED, str(e))
        except VerifyError as e:
            log.info("%s", e)
            # A mismatch, or a record without the line: refused for good, as go refuses; an
            # unreachable or misconfigured database: unverified until the failure expires.
            if e.security:
                return SumVerdict(SumState.MISMATCH, str(e))
            if isinstance(e, DatabaseUnavailable):
                self._fresh_client_after = time.monotonic() + FAILURE_TTL
            message = str(e)
        except Exception as e:
            log.exception("checking %s %s", line[0], line[1])
            message = f"{line[0]}@{line[1]}: verifying: {e}"
        self._expires[line] = time.monotonic() + FAILURE_TTL
        return SumVerdict(SumState.FAILED, message)

    def _republish(self) -> None:
        # Coalesced: a go.sum of 3,000 lines must not republish 3,000 times in a row.
        if self._republish_soon:
            return
        self._republish_soon = True

        def publish() -> None:
            self._republish_soon = False
            for doc in self.ls.documents:
                self.ls.publish(doc, only_if_changed=True)

        asyncio.get_running_loop().call_later(0.05, publish)
