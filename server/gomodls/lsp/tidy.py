"""go mod tidy in the editor: the gomodls.tidy command, which applies what the user's go
command writes (run in a sandbox) as one edit of go.mod and go.sum; and the tidy
diagnostics, from a run when a go.mod is opened or saved (debounced, a newer run cancels an
older one, never holding up the offline diagnostics), kept in step with the edits that follow
(analysis/tidy.py)."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from gomodls.analysis.findings import Finding
from gomodls.analysis.tidy import tidy_findings
from gomodls.gocommand.gorun import GoNotFound
from gomodls.gocommand.gowrite import NotRunnable, Outcome, tidy
from gomodls.gocommand.sandbox import SandboxError
from gomodls.lsp import commands
from gomodls.lsp.documents import Document
from gomodls.lsp.goaction import editor_texts, environ, path_argument, refusal, run_and_apply
from gomodls.lsp.server import GomodServer, guarded
from gomodls.modfile.model import ModFile
from gomodls.modfile.parsed import FileKind, parse_text

log = logging.getLogger(__name__)

DEBOUNCE = 0.3  # seconds: a save right after an open runs tidy once
PARALLEL = 2  # go mod tidy runs for diagnostics at a time (opening many go.mod files at once)
LABEL = "go mod tidy"


@dataclass(slots=True)
class TidyResult:
    base: ModFile  # the go.mod tidy started from
    tidied: ModFile  # the go.mod it wrote
    by_version: dict[int, list[Finding]] = field(default_factory=dict)  # findings per document version


class TidyService:
    def __init__(self, ls: GomodServer) -> None:
        self.ls = ls
        self.results: dict[str, TidyResult] = {}  # go.mod path -> the latest successful run
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self._slots: asyncio.Semaphore | None = None

    # Diagnostics.

    def enabled(self) -> bool:
        s = self.ls.settings
        return s.tidy.diagnostics != "off" and s.go.allow_run

    def on_document(self, event: str, doc: Document) -> None:
        if doc.kind is not FileKind.MOD or os.path.basename(doc.path) != "go.mod":
            return
        if event == "close":
            self._stop(doc.path)
            self.results.pop(doc.path, None)
        elif self.enabled():
            self._schedule(doc.path)

    def findings(self, ls: GomodServer, doc: Document) -> list[Finding]:
        """The finding source: tidy's last result, placed on the document's current text."""
        result = self.results.get(doc.path)
        if result is None or doc.kind is not FileKind.MOD or not self.enabled():
            return []
        found = result.by_version.get(doc.version)
        if found is None:
            found = tidy_findings(doc.path, doc.parsed, result.base, result.tidied) or []
            result.by_version = {doc.version: found}
        return found

    def _schedule(self, path: str) -> None:
        if (timer := self.timers.pop(path, None)) is not None:
            timer.cancel()
        self.timers[path] = asyncio.get_running_loop().call_later(DEBOUNCE, self._start, path)

    def _stop(self, path: str) -> None:
        if (timer := self.timers.pop(path, None)) is not None:
            timer.cancel()
        if (task := self.tasks.pop(path, None)) is not None:
            task.cancel()

    def _start(self, path: str) -> None:
        self.timers.pop(path, None)
        if (task := self.tasks.get(path)) is not None:
            task.cancel()
        self.tasks[path] = asyncio.ensure_future(self._diagnose(path))

    async def _diagnose(self, path: str) -> None:
        doc = self.ls.documents.by_path(path)
        if doc is None or not doc.parsed.ok or refusal(self.ls):
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(PARALLEL)
        try:
            async with self._slots:
                outcome = await tidy(path, editor_texts(self.ls), environ(self.ls), need_go_files=True)
        except (GoNotFound, NotRunnable, SandboxError, OSError) as e:
            log.info("tidy diagnostics for %s: %s", path, e)
            self._forget(path)
            return
        if not outcome.after:
            self._forget(path)  # no Go files: nothing tells what is used
        elif not outcome.ok:
            log.info("tidy diagnostics for %s: %s", path, outcome.result.failure())
            self._forget(path)
        else:
            log.info("go mod tidy for diagnostics of %s: %.0f ms", path, outcome.seconds * 1000)
            self.store(path, outcome)

    def store(self, path: str, outcome: Outcome) -> None:
        """Keep a successful run's result for the diagnostics, and publish them."""
        before, after = outcome.before.get(path), outcome.after.get(path)
        if before is None or after is None:
            return
        base, tidied = parse_text(before, FileKind.MOD, path), parse_text(after, FileKind.MOD, path)
        if not (base.ok and tidied.ok):
            return
        assert isinstance(base.model, ModFile) and isinstance(tidied.model, ModFile)
        self.results[path] = TidyResult(base.model, tidied.model)
        self._republish(path)

    def _forget(self, path: str) -> None:
        if self.results.pop(path, None) is not None:
            self._republish(path)

    def _republish(self, path: str) -> None:
        doc = self.ls.documents.by_path(path)
        if doc is not None:
            self.ls.publish(doc)

    # The command.

    async def run_command(self, gomod: str) -> None:
        def store(outcome: Outcome) -> None:
            log.info("go mod tidy for %s: %.0f ms", gomod, outcome.seconds * 1000)
            self.store(gomod, outcome)

        await run_and_apply(
            self.ls,
            LABEL,
            os.path.dirname(gomod),
            lambda texts, env: tidy(gomod, texts, env),
            f"{LABEL}: go.mod and go.sum are already tidy",
            store,
        )


def register(server: GomodServer) -> None:
    service = TidyService(server)
    server.finding_sources["tidy"] = service.findings
    server.document_hooks.append(service.on_document)

    @server.command(commands.TIDY)
    @guarded()
    async def run_tidy(ls: GomodServer, *args: Any) -> None:
        gomod = path_argument(args[0] if args else None, "go.mod")
        if gomod is None:
            ls.show(f"{commands.TIDY}: expected the path of a go.mod file")
            return
        await service.run_command(gomod)
