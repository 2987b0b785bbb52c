"""The pygls server: state, document synchronisation, diagnostics, settings and file watching.
Feature handlers live in their own modules; each module's `register(server)` (called by
`app.create_server`) adds its handlers and plugs into the extension points of `GomodServer`:
finding sources, document hooks, hover sections, source actions and code action kinds."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidRequest
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCResponseMessage, LanguageServerProtocol, lsp_method
from pygls.workspace import TextDocument

from gomodls import __version__
from gomodls.analysis import CheckContext, Finding, analyze_parsed, analyze_sum
from gomodls.base import foreground, malloc
from gomodls.base.files import FileSource
from gomodls.base.goenv import GoEnv, env_file_path
from gomodls.gocommand.toolchain import LocalGo, local_go
from gomodls.lsp import codecache
from gomodls.lsp.checksums import ChecksumService
from gomodls.lsp.config import Settings, parse_settings
from gomodls.lsp.diagnostics import to_diagnostic
from gomodls.lsp.documents import Document, DocumentStore, path_of, served_kind
from gomodls.lsp.files import RecordingFiles, WorkspaceFiles
from gomodls.lsp.heap import LARGE_OPEN, WARM_LATEST, Heap, warm_imports
from gomodls.lsp.positions import Encoding, encoding_of
from gomodls.lsp.resolution import ResolutionService
from gomodls.lsp.wire import (
    DEFERRED,
    AsyncReader,
    CheckedStream,
    HoverRequest,
    ResponseFrame,
    read_messages,
    stdin_stream,
)
from gomodls.modfile.parsed import FileKind

if TYPE_CHECKING:
    from gomodls.lsp.hover import HoverContext

log = logging.getLogger("gomodls")
_pygls_log = logging.getLogger("pygls.protocol.json_rpc")

# A message handled for this long (seconds) is logged: every other message waited for it.
SLOW_MESSAGE = 0.05
LONG_REQUEST = 0.25  # seconds: a request answered this long after it arrived did large work
WATCHED_GLOBS = ("**/go.mod", "**/go.work", "**/go.sum", "**/go.work.sum", "**/vendor/modules.txt")
F = TypeVar("F", bound=Callable[..., Any])
GOENV_RECHECK = 0.5  # seconds: how stale background work may see the go env file (`go env -w`)


SHUTDOWN_WAIT = 2.0  # seconds the tasks still running at exit get to finish cancelling


def run_until_exit(main: Coroutine[Any, Any, None]) -> None:
    """asyncio.run, except that at the end the tasks still running get SHUTDOWN_WAIT seconds to
    finish cancelling instead of forever: a subprocess whose creation is cancelled (an exit
    that arrives while a go command starts) never lets its task end, as asyncio then waits for
    pipes it never connected, and the server would never exit."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main)
    finally:
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.wait(pending, timeout=SHUTDOWN_WAIT))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


class _Refused:
    """A request pygls could not structure (its params do not fit the method): answered with
    the error instead of dropped, so that the client waiting for it does not hang."""

    jsonrpc = "2.0"

    def __init__(self, msg_id: Any, method: str, error: JsonRpcException, why: str) -> None:
        self.id, self.method, self.error, self.why = msg_id, method, error, why


class _Dropped:
    """A notification pygls could not structure: nothing to answer."""

    jsonrpc = "2.0"


class _ProtocolErrorsInOneLine(logging.Filter):
    """pygls logs every message it cannot structure, and every request it answers with a
    protocol error (an unknown command, missing arguments), with a whole traceback; these are
    the client's mistakes, answered with an error: one line each (GomodProtocol logs the
    messages it cannot structure itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Unable to deserialize message"):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, JsonRpcException):
            record.msg = f"{record.getMessage()}: {error.message}"
            record.args, record.exc_info, record.exc_text, record.levelno = None, None, None, logging.WARNING
            record.levelname = "WARNING"
        return True


logging.getLogger("pygls.protocol.json_rpc").addFilter(_ProtocolErrorsInOneLine())


class _ServedText(TextDocument):
    """pygls's entry for a document gomodls serves: its text is the `Document`'s. pygls kept a
    copy of its own, re-split and re-joined at every change (a third of a keystroke's time on a
    file of 100,000 lines, and one more copy of the file in memory); its lines came from
    str.splitlines, which are not the LSP's with a form feed, NEL or U+2028 in the text."""

    def __init__(self, doc: Document, language_id: str | None) -> None:
        super().__init__(doc.uri, version=doc.version, language_id=language_id)
        self.document = doc

    @property
    def source(self) -> str:
        return self.document.text


class GomodProtocol(LanguageServerProtocol):
    """pygls's protocol, except that
    - pygls keeps no copy of the text of the documents gomodls serves (see _ServedText), and
      the didChange handler gets the changes as the client sent them (pygls's own application
      clamps the ranges of the changes in place when its lines are not the LSP's);
    - every request gets an answer: pygls drops a request whose params do not fit its method
      (it logs the error, answers nothing) and every request after shutdown; the LSP asks for
      InvalidParams (-32602) and InvalidRequest (-32600);
    - a client answer that does not fit our request fails it (pygls dropped it: the feature
      waiting for it waited forever);
    - the futures of notifications are not kept for the session (see _execute_handler)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as e:
            method = data.get("method")
            msg_id = data.get("id")
            why = f"{e.message}: {e.__cause__}" if e.__cause__ else e.message
            if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) and isinstance(method, str):
                return _Refused(msg_id, method, e, why)
            if method is None and isinstance(msg_id, (int, str)):
                # A response of the client that does not fit our request (a null
                # ShowDocumentResult...): whoever awaits it gets the error, instead of waiting
                # forever.
                future = self._request_futures.pop(msg_id, None)
                if future is not None and not future.done():
                    future.set_exception(e)
            # A notification (or a response) that does not fit: dropped, with one log line
            # (pygls logged a traceback for it).
            log.warning("ignoring %s: %s", method or f"the response to {msg_id}", why)
            return _Dropped()

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any, *rest: Any, **kwargs: Any) -> None:
        """pygls keeps the future of every handler it runs under a made-up id (notifications,
        the steps of its generator handlers such as didChange) in its table of requests, and
        only a request's answer takes its future out: two futures per keystroke stayed for the
        session (~1 KB each). Those are taken out once done."""
        started = time.perf_counter()
        super()._execute_handler(msg_id, handler, callback, *rest, **kwargs)
        answers = isinstance(callback, functools.partial) and callback.func == self._send_handler_result
        future = self._request_futures.get(msg_id)
        if answers:
            if future is not None and not future.done():
                future.add_done_callback(lambda _: self._answered(started))
            return
        if future is not None:
            if future.done():
                self._request_futures.pop(msg_id, None)
            else:
                future.add_done_callback(lambda _: self._request_futures.pop(msg_id, None))

    def _answered(self, started: float) -> None:
        """A request answered asynchronously (in a thread, or after waiting): one that took long
        did large work (formatting or sorting a whole large file: ~15 MB of lists and strings,
        freed at once), whose free pages glibc keeps (base/malloc.py): given back now."""
        if time.perf_counter() - started >= LONG_REQUEST:
            malloc.trim()

    def handle_message(self, message: Any) -> None:
        server = self._server
        server.messages += 1
        method = getattr(message, "method", None)
        if method is not None and method not in READ_ONLY:
            server.changes += 1  # (what a hover shows may have changed: lsp/hover.py's cache)
        if isinstance(message, _Dropped):
            return
        if isinstance(message, _Refused):
            log.warning("request %s %s: %s", message.id, message.method, message.why)
            self._send_response(message.id, None, message.error.to_response_error())
            return
        if (
            self._shutdown
            and getattr(message, "method", types.EXIT) != types.EXIT
            and getattr(message, "id", None) is not None
        ):
            error = JsonRpcInvalidRequest(f"{message.method}: the server is shutting down")
            self._send_response(message.id, None, error.to_response_error())
            return
        with self._handling(getattr(message, "method", "a response")):
            super().handle_message(message)

    @contextlib.contextmanager
    def _handling(self, method: str) -> Iterator[None]:
        """A message handled (by pygls, or a hover by `answer_hover`): the heap and the
        foreground told, and the time logged if the event loop waited long for it."""
        self._server.heap.message()
        started = time.perf_counter()
        seen = foreground.arrived()  # (read by the stdin thread, or here: by a socket)
        try:
            yield
        finally:
            foreground.handled(seen)
        took = time.perf_counter() - started
        if took >= SLOW_MESSAGE:  # (what ran synchronously: the event loop waited for it)
            log.info("%s took %.0f ms", method, took * 1000)

    def answer_hover(self, request: HoverRequest) -> bool | str:
        """A hover request of the plain shape, read by lsp/wire.py's reader loop (no lsprotocol
        classes decoded): answered with the bytes of `GomodServer.hover_answer` (encoded
        beforehand, when the hover was), as handle_message and pygls's dispatch would answer
        it, or False to leave it to them (no answerer, shutting down, no framed writer). What
        the hover defers (the fetches a line's first hover starts) is started by
        loop.call_soon once the answer is written (and DEFERRED returned: the reader loop
        lets it run before the next message). The request is answered here, at once, as
        the synchronous handler answers it: a cancellation that follows finds nothing to
        cancel either way."""
        server = self._server
        answer = server.hover_answer
        frame = self._response_frame()
        if answer is None or frame is None or self._shutdown or not self._include_headers:
            return False
        if not isinstance(self.writer, (StdoutWriter, asyncio.StreamWriter)):
            return False  # (a writer whose write is to be awaited: pygls's _send_data)
        msg_id, uri, line, character = request
        server.messages += 1  # (a hover is READ_ONLY: `changes` stays)
        with self._handling(types.TEXT_DOCUMENT_HOVER):
            try:
                result, deferred = answer(server, uri, line, character)
            except Exception:  # (as `guarded`: logged, and the client gets null)
                log.exception("on_hover failed")
                result, deferred = b"null", []
            self._write(frame.response(msg_id, result))
        log.debug("hover %r answered by the reader loop", msg_id)
        if not deferred:
            return True
        loop = asyncio.get_running_loop()
        for work in deferred:
            loop.call_soon(work)
        return DEFERRED

    def encode_result(self, result: Any) -> bytes:
        """A request's result as pygls writes it within its response (`_send_data`)."""
        return json.dumps(result, default=self._serialize_message).encode()

    _frame: ResponseFrame | None = None
    _framed = False  # (whether _frame was derived)

    def _response_frame(self) -> ResponseFrame | None:
        """The frame of pygls's responses around an id and a result, derived once from a
        response pygls encodes (None, and no fast answers, if it is not of the shape known)."""
        if not self._framed:
            self._framed = True
            probe = json.dumps(
                JsonRPCResponseMessage(id=0, result=None, jsonrpc=self.VERSION),
                default=self._serialize_message,
            )
            header = f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
            self._frame = ResponseFrame.of(probe, header)
            if self._frame is None:
                log.warning("pygls's responses are not of the shape known: hovers take its path")
        return self._frame

    def _write(self, data: bytes) -> None:
        """pygls's _send_data for bytes already encoded."""
        if _pygls_log.isEnabledFor(logging.INFO):
            _pygls_log.info("Sending data: %s", data.partition(b"\r\n\r\n")[2].decode())
        try:
            assert isinstance(self.writer, (StdoutWriter, asyncio.StreamWriter))
            self.writer.write(data)
        except BrokenPipeError:
            _pygls_log.exception("Error sending data. BrokenPipeError", exc_info=True)
            raise
        except Exception as error:
            _pygls_log.exception("Error sending data", exc_info=True)
            self._server._report_server_error(error, JsonRpcInternalError)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        item = params.text_document
        self.workspace.put_text_document(item)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None
        doc = self._server.documents.get(item.uri)
        if doc is not None:
            self.workspace.text_documents[unquote(item.uri)] = _ServedText(doc, item.language_id)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        ident = params.text_document
        mine = self.workspace.text_documents.get(unquote(ident.uri))
        if isinstance(mine, _ServedText):
            mine.version = ident.version
        else:
            for change in copy.deepcopy(params.content_changes):
                self.workspace.update_text_document(ident, change)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Any:
        """pygls ends the process with sys.exit from inside the handler. Over stdio its reader
        loop catches that; over TCP the SystemExit escapes from the connection's task, and
        asyncio logs it as an unhandled exception with its traceback. Over TCP the server is
        stopped instead (start_tcp then returns). Either way `gomodls serve` exits with the
        status the LSP asks for: 0 after a shutdown request, else 1."""
        server = self._server
        server.exit_status = 0 if self._shutdown else 1
        if not isinstance(self.writer, asyncio.StreamWriter):
            yield from super().lsp_exit(*args)
            return
        if (handler := self.fm.features.get(types.EXIT)) is not None:
            yield handler, args, None
        log.info("exit (status %d)", server.exit_status)
        self.writer.close()
        server.shutdown()


# Requests that change nothing a hover shows (what they start in the background, such as a
# module's facts, is followed by the hovers' probes), nor do the client's responses (a
# setting arrives as a new Settings object, which hovers follow): the other messages make
# every cached hover computed again (lsp/hover.py). An editor sends these as the cursor moves
# and the view scrolls.
READ_ONLY = frozenset(
    {
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.TEXT_DOCUMENT_CODE_LENS,
        types.TEXT_DOCUMENT_COMPLETION,
        types.TEXT_DOCUMENT_DEFINITION,
        types.TEXT_DOCUMENT_DOCUMENT_LINK,
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
        types.TEXT_DOCUMENT_FOLDING_RANGE,
        types.TEXT_DOCUMENT_FORMATTING,
        types.TEXT_DOCUMENT_INLAY_HINT,
        types.TEXT_DOCUMENT_RANGE_FORMATTING,
        types.TEXT_DOCUMENT_SELECTION_RANGE,
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE,
        types.CANCEL_REQUEST,
    }
)


class GomodServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("gomodls", __version__, protocol_cls=GomodProtocol)
        self.documents = DocumentStore()
        self.files = WorkspaceFiles(self.documents)
        self.settings = Settings()
        self.local: LocalGo | None = None
        self.dependencies: dict[str, set[str]] = {}  # uri -> paths its analysis read
        self._background: set[asyncio.Task[Any]] = set()
        self.resolution = ResolutionService(self)  # the module graph (resolve/)
        self.checksums = ChecksumService(self)  # the checksum database (sumdb/)
        self.heap = Heap()  # the garbage collector's policy
        # (key, the settings and local go it is of, the environment)
        self._goenv: tuple[object, Settings, LocalGo | None, GoEnv] | None = None
        # (messages, time.monotonic(), path, mtime) of the last look at the go env file
        self._goenv_file: tuple[int, float, str | None, int | None] = (-1, 0.0, None, None)
        # Client messages so far, and those that may change what a hover shows (an edit, a file
        # or setting changed, a command: not READ_ONLY requests, not responses).
        self.messages = 0
        self.changes = 0
        self.exit_status = 0  # of `gomodls serve`, set by the exit notification
        self.go_detections = 0  # local go detections started (the latest one decides)
        # Findings beyond the offline checks (module graph, tidy), by source name: each source
        # computes them from what it knows now, for the document's current text, never waiting.
        self.finding_sources: dict[str, Callable[[GomodServer, Document], list[Finding]]] = {}
        # Called as hook(event, doc) for "open", "save" and "close": features that start work
        # then (go mod tidy on save) or drop what they keep for a document.
        self.document_hooks: list[Callable[[str, Document], None]] = []
        # Each adds its sections to a hover of go.mod or go.work (in this order), or none.
        self.hover_sections: list[Callable[[HoverContext], None]] = []
        # What the sections read beyond the document and the client's messages that is not
        # of one line (each section's own reads are its probes, HoverContext.depends), each as
        # a value that changes when that does (a generation count): hovers are cached until
        # one of these, `changes`, or a probe moves (lsp/hover.py).
        self.hover_stamps: list[Callable[[GomodServer], object]] = []
        # Counters of what arrives in the background (facts, verdicts, assessments), each
        # feature's: while they hold, a cached hover's probes need no second look (lsp/hover.py).
        self.hover_arrivals: list[Callable[[GomodServer], object]] = []
        # Each may add a section (markdown) to a hover of a go.sum line, given its module path
        # and version (vulnerabilities).
        self.sum_hover_sections: list[Callable[[HoverContext, str, str], str | None]] = []
        # Called with each document whose diagnostics were computed for publication (work to
        # do once the client is quiet: lsp/hover.py precomputes the requirements' hovers).
        self.publish_hooks: list[Callable[[Document], None]] = []
        # Code actions beyond the findings' fixes (upgrades, tidy, go work use), and the code
        # action kinds the server announces (read when the client initializes).
        self.source_actions: list[
            Callable[[GomodServer, Document, types.CodeActionParams], list[types.CodeAction]]
        ] = []
        self.code_action_kinds: list[str] = []
        # Answers a hover request read by the reader loop (GomodProtocol.answer_hover), given
        # the document's uri and the position: the result's JSON, and what to start once it is
        # written (lsp/hover.py). None: hovers take pygls's path.
        self.hover_answer: (
            Callable[[GomodServer, str, int, int], tuple[bytes, list[Callable[[], object]]]] | None
        ) = None

    # The connection, with the base protocol's header lines checked (lsp/wire.py): a malformed
    # one ends it, and `gomodls serve` then exits with status 1.

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """pygls's start_io, reading stdin through `stdin_stream` and the header check."""
        log.info("Starting async IO server")
        self._stop_event = stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            await self._serve(stdin_stream(stdin or sys.stdin.buffer), stop_event)

        try:
            run_until_exit(serve())
        except BrokenPipeError:
            log.error("Connection to the client is lost! Shutting down the server.")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    async def _serve(self, reader: AsyncReader, stop_event: threading.Event) -> bool:
        """Handle the messages read from `reader` until it ends; False when it ended on a
        malformed header (`gomodls serve` then exits with status 1)."""
        checked = CheckedStream(reader)
        sys.setswitchinterval(foreground.SWITCH_INTERVAL)
        await read_messages(stop_event, checked, self.protocol, self.report_server_error)
        if checked.headers.error:
            self.exit_status = 1
        return not checked.headers.error

    def start_tcp(self, host: str, port: int) -> None:
        """pygls's start_tcp, reading through the header check."""
        log.info("Starting TCP server on %s:%s", host, port)
        self._stop_event = stop_event = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            if not await self._serve(reader, stop_event):
                writer.close()
            self.shutdown()

        async def serve() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError):  # (shutdown closes the server)
            run_until_exit(serve())

    def resolve_later(self, doc: Document) -> None:
        """Resolve the document's module graph once edits settle; then refresh what shows it."""
        self.resolution.schedule(doc, self._resolved)

    def _resolved(self, root: str) -> None:
        for doc in self.documents:
            if self.resolution.root_key(doc) == root:
                self.publish(doc, only_if_changed=True)
        caps = self.client_capabilities.workspace
        if caps and caps.inlay_hint and caps.inlay_hint.refresh_support:
            self.spawn(self.workspace_inlay_hint_refresh_async(None))

    # Helpers shared by the features.

    @property
    def encoding(self) -> Encoding:
        return encoding_of(self.workspace.position_encoding)

    @property
    def goenv(self) -> GoEnv:
        """The Go environment, read again only when the settings, the local go or the go env
        file (`go env -w`) change. Features ask for it several times a request: the go env
        file is looked at (a stat) once per client message, and at most every GOENV_RECHECK
        seconds in between (for background work)."""
        now = time.monotonic()
        messages, checked, env_file, stamp = self._goenv_file
        fresh = messages == self.messages and now - checked < GOENV_RECHECK
        known = self._goenv
        if fresh and known is not None and known[1] is self.settings and known[2] is self.local:
            return known[3]  # (asked again within a message, same settings and go: ~9 times a hover)
        if not fresh:
            env_file = env_file_path(os.environ)
            try:
                stamp = os.stat(env_file).st_mtime_ns if env_file else None
            except OSError:
                stamp = None
            self._goenv_file = (self.messages, now, env_file, stamp)
        goroot = self.local.goroot if self.local else None
        key = (tuple(sorted(self.settings.env.items())), goroot, env_file, stamp)
        env = known[3] if known is not None and known[0] == key else None
        if env is None:
            env = GoEnv(overrides=self.settings.env, goroot=goroot)
        self._goenv = (key, self.settings, self.local, env)
        return env

    def lines_of(self, path: str) -> Sequence[str] | None:
        text = self.files.read_text(path)
        return None if text is None else text.split("\n")

    def context(self, doc: Document, files: FileSource | None = None) -> CheckContext:
        env = self.goenv
        return CheckContext(
            doc.path,
            files or self.files,
            self.local.version if self.local else None,
            env.get("GOTOOLCHAIN"),
            env.get("GOWORK"),
        )

    def findings(self, doc: Document) -> list[Finding]:
        """The document's findings at its current version (computed once)."""
        cached = doc.findings
        if cached is None:
            files = RecordingFiles(self.files)
            ctx = self.context(doc, files)
            if doc.kind is FileKind.SUM:
                cached = analyze_sum(doc.sum, ctx)
            else:
                cached = analyze_parsed(doc.parsed, ctx)
            doc.findings = cached
            self.dependencies[doc.uri] = files.paths
        extra: list[Finding] = []
        for name, source in self.finding_sources.items():
            try:
                extra.extend(source(self, doc))
            except Exception:
                log.exception("finding source %s failed", name)
        return cached + extra if extra else cached

    def publish(self, doc: Document, only_if_changed: bool = False) -> None:
        """Publish the document's diagnostics; `only_if_changed` skips a publication identical
        to the last one of this version (background results that change nothing)."""
        related = bool(
            (caps := self.client_capabilities.text_document)
            and caps.publish_diagnostics
            and caps.publish_diagnostics.related_information
        )
        diagnostics = [
            d
            for f in self.findings(doc)
            if (d := to_diagnostic(f, doc.lines, self.encoding, self.settings, self.lines_of, related))
            is not None
        ]
        for hook in self.publish_hooks:
            hook(doc)
        if only_if_changed and doc.published == (doc.version, diagnostics):
            return
        doc.published = (doc.version, diagnostics)
        log.debug("%s@%s: %d diagnostics", doc.uri, doc.version, len(diagnostics))
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=diagnostics, version=doc.version)
        )

    def refresh(self, uris: Sequence[str] | None = None) -> None:
        """Re-diagnose open documents (all, or those given), and re-resolve their module graphs
        if what they depend on changed."""
        for doc in self.documents:
            if uris is None or doc.uri in uris:
                doc.forget_results()
                self.publish(doc)
                self.resolve_later(doc)

    def dependents(self, paths: set[str]) -> list[str]:
        return [uri for uri, deps in self.dependencies.items() if deps & paths]

    def run_hooks(self, event: str, doc: Document) -> None:
        for hook in self.document_hooks:
            try:
                hook(event, doc)
            except Exception:
                log.exception("%s hook failed", event)

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def apply_settings(self, raw: Any) -> None:
        settings, problems = parse_settings(raw, Settings())
        allow_changed = settings.go.allow_run != self.settings.go.allow_run
        self.settings = settings
        logging.getLogger("gomodls").setLevel(settings.log_level.upper())
        log.debug("settings: %s", settings)
        if problems:
            self.show("gomodls: " + "; ".join(problems))
        if allow_changed and self.go_detections:
            # Detection runs the go command: only while allowed (a false setting unsets it).
            self.spawn(_detect_go(self))


def guarded(empty: Any = None) -> Callable[[F], F]:
    """A failing handler logs the error and answers `empty`: bad input never stops the server."""

    def wrap(fn: F) -> F:
        if asyncio.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await fn(*args, **kwargs)
                except JsonRpcException as e:  # the client refused or garbled a request of ours
                    log.warning("%s failed: the client answered %s", fn.__name__, e.message)
                    return empty
                except Exception:
                    log.exception("%s failed", fn.__name__)
                    return empty

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception:
                log.exception("%s failed", fn.__name__)
                return empty

        return run  # type: ignore[return-value]

    return wrap


def register_core(server: GomodServer) -> None:
    @server.feature(types.INITIALIZE)
    @guarded()
    def initialize(ls: GomodServer, params: types.InitializeParams) -> None:
        info = params.client_info
        log.info("client %s %s", info.name if info else "?", info.version if info else "")
        ls.apply_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    @guarded()
    def initialized(ls: GomodServer, params: types.InitializedParams) -> None:
        ls.spawn(asyncio.to_thread(codecache.started))  # (saved only if the start compiled anything)
        ls.heap.settled()
        ls.heap.when_quiet(lambda: ls.spawn(asyncio.to_thread(warm_imports, ls.heap)), latest=WARM_LATEST)
        ls.spawn(_configure_then_detect_go(ls))
        ls.spawn(_watch_files(ls))

    @server.feature(types.SHUTDOWN)
    @guarded()
    def shutdown(ls: GomodServer, params: Any) -> None:
        codecache.save()  # keeps what later messages generated for the next start

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(ls: GomodServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if served_kind(path_of(item.uri)) is None:
            return
        if len(item.text) >= LARGE_OPEN:  # (its tree takes the place of start-up's garbage)
            ls.heap.collect_start_up()
        doc = ls.documents.open(item.uri, item.version, item.text)
        ls.publish(doc)
        ls.heap.settled()
        ls.refresh(ls.dependents({doc.path}))
        ls.resolve_later(doc)
        ls.run_hooks("open", doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(ls: GomodServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        doc.apply_changes(params.text_document.version, params.content_changes, ls.encoding)
        ls.publish(doc)
        ls.refresh([u for u in ls.dependents({doc.path}) if u != doc.uri])
        ls.resolve_later(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded()
    def did_save(ls: GomodServer, params: types.DidSaveTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is not None:
            ls.files.forget(doc.path)
            ls.refresh(ls.dependents({doc.path}))
            ls.run_hooks("save", doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(ls: GomodServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        ls.documents.close(uri)
        ls.dependencies.pop(uri, None)
        if doc is not None:
            ls.run_hooks("close", doc)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            ls.refresh(ls.dependents({doc.path}))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def did_change_watched_files(ls: GomodServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = set()
        for change in params.changes:
            path = path_of(change.uri)
            ls.files.forget(path)
            paths.add(os.path.normpath(path))
            paths.add(os.path.normpath(os.path.dirname(path)))
        ls.refresh(ls.dependents(paths))
        for doc in ls.documents:
            ls.resolve_later(doc)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded()
    def did_change_configuration(ls: GomodServer, params: types.DidChangeConfigurationParams) -> None:
        if _supports_configuration(ls):
            ls.spawn(_pull_configuration(ls))
        else:
            ls.apply_settings(params.settings)
            ls.refresh()


def _supports_configuration(ls: GomodServer) -> bool:
    ws = ls.client_capabilities.workspace
    return bool(ws and ws.configuration)


async def _configure_then_detect_go(ls: GomodServer) -> None:
    # The settings the client holds first: they may forbid running go (gomodls.go.allowRun).
    await _pull_configuration(ls)
    await _detect_go(ls)


async def _detect_go(ls: GomodServer) -> None:
    """The user's go command and its version (`go env`), found on the server's own PATH or
    GOROOT, never through settings; nothing runs while gomodls.go.allowRun is false."""
    # In a thread, not as an asyncio subprocess: an exit notification that arrives while
    # asyncio is still creating the subprocess left the event loop's shutdown waiting forever
    # (its pipe connection never completes once cancelled); a thread is simply waited for.
    ls.go_detections += 1
    mine = ls.go_detections
    found = await asyncio.to_thread(local_go, os.environ) if ls.settings.go.allow_run else None
    if mine != ls.go_detections:
        return  # the settings changed meanwhile: a newer detection decides
    changed, ls.local = found != ls.local, found
    if not ls.settings.go.allow_run:
        log.info("go command: not run (gomodls.go.allowRun is false)")
    else:
        log.info("go command: %s", f"go {found.version} at {found.binary}" if found else "not found")
    if changed:
        ls.refresh()


async def _pull_configuration(ls: GomodServer) -> None:
    if not _supports_configuration(ls):
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="gomodls")])
        )
    except Exception:
        log.exception("workspace/configuration failed")
        return
    if result and result[0] is not None:
        ls.apply_settings(result[0])
    ls.refresh()


async def _watch_files(ls: GomodServer) -> None:
    ws = ls.client_capabilities.workspace
    if not (ws and ws.did_change_watched_files and ws.did_change_watched_files.dynamic_registration):
        return
    watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCHED_GLOBS]
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="gomodls-watched-files",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                    )
                ]
            )
        )
    except Exception:
        log.exception("registering file watchers failed")
