"""Random LSP traffic (hypothesis) against one `gomodls serve --stdio` process: requests of
every method the server handles with well-formed params holding random values (positions past
the end, negative or huge numbers, unopened and foreign URIs, random command arguments) or
arbitrary JSON, between random didOpen/didChange/didClose/didSave notifications and settings.
Every request is answered within TIMEOUT (nothing hangs) with a result or an InvalidParams
error — never an internal error — the server logs no traceback (no exception escapes a
handler), and it still answers correctly at the end. GOMODLS_FUZZ_REQUESTS (200) examples."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CONFIG

EXAMPLES = int(os.environ.get("GOMODLS_FUZZ_REQUESTS", "200"))
TIMEOUT = 10.0
ROOT = Path(os.environ.get("TMPDIR", "/tmp")) / f"gomodls-fuzz-{os.getpid()}"
URIS = [
    (ROOT / "m" / "go.mod").as_uri(),
    (ROOT / "w" / "go.work").as_uri(),
    (ROOT / "m" / "go.sum").as_uri(),
    "untitled:x",
    "file:///nonexistent/go.mod",
    "",
]
METHODS = [
    "textDocument/hover",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/selectionRange",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/range",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/codeLens",
    "textDocument/formatting",
    "textDocument/rangeFormatting",
    "textDocument/documentLink",
    "textDocument/inlayHint",
    "textDocument/definition",
    "workspace/executeCommand",
]
COMMANDS = [
    "gomodls.checkUpgrades",
    "gomodls.workSync",
    "gomodls.workUse",
    "gomodls.tidy",
    "gomodls.vendor",
    "gomodls.upgrade",
    "gomodls.openModule",
    "nope",
]
TEXT = "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0 // indirect\n)\n\nreplace example.com/a => ../a\n"


class Server:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gomodls", "serve", "--stdio"],
            env={**CONFIG.server_env, "GOMODLS_FAILURE_TTL": "1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.next_id = 0
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.logging = threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True)  # type: ignore[arg-type]
        self.logging.start()

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not length:
                return
            message = json.loads(out.read(length))
            if "method" in message and "id" in message:  # a request from the server
                result: Any = None
                if message["method"] == "workspace/configuration":
                    result = [None for _ in message["params"]["items"]]
                elif message["method"] == "workspace/applyEdit":
                    result = {"applied": False}
                self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif "id" in message and "method" not in message:
                self.answers.setdefault(message["id"], queue.Queue()).put(message)

    def request(self, method: str, params: Any) -> dict[str, Any]:
        self.next_id += 1
        msg_id = self.next_id
        self.answers.setdefault(msg_id, queue.Queue())
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        try:
            return self.answers[msg_id].get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no answer to {method} {params!r} within {TIMEOUT} s") from None

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
NUMBER = st.one_of(st.integers(0, 12), st.integers(-5, 2**31), st.just(2**31 - 1))
POSITION = st.fixed_dictionaries({"line": NUMBER, "character": NUMBER})
RANGE = st.fixed_dictionaries({"start": POSITION, "end": POSITION})
DOC = st.fixed_dictionaries({"uri": st.sampled_from(URIS)})


def params_for(method: str) -> st.SearchStrategy[Any]:
    if method == "workspace/executeCommand":
        args = st.lists(
            st.one_of(st.sampled_from(URIS), JSON, st.just(str(ROOT / "m" / "go.mod"))), max_size=2
        )
        return st.fixed_dictionaries({"command": st.sampled_from(COMMANDS), "arguments": args})
    base: dict[str, Any] = {"textDocument": DOC}
    if method in ("textDocument/hover", "textDocument/completion", "textDocument/definition"):
        base["position"] = POSITION
    if method == "textDocument/selectionRange":
        base["positions"] = st.lists(POSITION, max_size=3)
    if method in (
        "textDocument/semanticTokens/range",
        "textDocument/rangeFormatting",
        "textDocument/inlayHint",
    ):
        base["range"] = RANGE
    if method == "textDocument/codeAction":
        base["range"] = RANGE
        base["context"] = st.fixed_dictionaries(
            {
                "diagnostics": st.just([]),
                "only": st.lists(st.sampled_from(["source", "quickfix", "source.upgrade", ""]), max_size=2),
            }
        )
    if method in ("textDocument/formatting", "textDocument/rangeFormatting"):
        base["options"] = st.fixed_dictionaries({"tabSize": NUMBER, "insertSpaces": st.booleans()})
    return st.fixed_dictionaries(base)


REQUEST = st.sampled_from(METHODS).flatmap(
    lambda m: st.tuples(st.just(m), st.one_of(params_for(m), params_for(m), JSON))
)
EDIT_TEXT = st.one_of(
    st.sampled_from([TEXT, "", "go 1.22\n\nuse ./m\n", "\x00\xff(", "example.com/a v1.0.0 h1:x=\n"]),
    st.text(max_size=200),
)
NOTE = st.one_of(
    st.tuples(st.just("didOpen"), st.sampled_from(URIS), EDIT_TEXT),
    st.tuples(st.just("didChange"), st.sampled_from(URIS), st.tuples(RANGE, EDIT_TEXT)),
    st.tuples(st.just("didClose"), st.sampled_from(URIS), st.none()),
    st.tuples(st.just("didSave"), st.sampled_from(URIS), st.none()),
    st.tuples(st.just("settings"), st.just(""), JSON),
)


def send_note(server: Server, note: tuple[str, str, Any], version: list[int]) -> None:
    kind, uri, value = note
    version[0] += 1
    if kind == "didOpen":
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "go.mod", "version": version[0], "text": value}},
        )
    elif kind == "didChange":
        rng, text = value
        server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version[0]},
                "contentChanges": [{"range": rng, "text": text}],
            },
        )
    elif kind == "didClose":
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    elif kind == "didSave":
        server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    else:
        server.notify("workspace/didChangeConfiguration", {"settings": {"gomodls": value}})


def test_random_traffic_is_always_answered() -> None:
    (ROOT / "m").mkdir(parents=True, exist_ok=True)
    (ROOT / "w").mkdir(parents=True, exist_ok=True)
    (ROOT / "m" / "go.mod").write_text(TEXT)
    server = Server()
    init = server.request("initialize", {"processId": None, "rootUri": ROOT.as_uri(), "capabilities": {}})
    assert "result" in init
    server.notify("initialized", {})
    version = [0]
    answered = [0]
    runs = [0]

    # Each example ends with a request, so every example asks the server something.
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(
            st.one_of(REQUEST.map(lambda r: ("request", r)), NOTE.map(lambda n: ("note", n))),
            max_size=5,
        ),
        REQUEST.map(lambda r: ("request", r)),
    )
    def traffic(steps: list[tuple[str, Any]], last: tuple[str, Any]) -> None:
        runs[0] += 1
        for kind, step in [*steps, last]:
            if kind == "note":
                send_note(server, step, version)
                continue
            method, params = step
            answer = server.request(method, params)
            answered[0] += 1
            if "error" in answer:
                assert answer["error"]["code"] in (-32602, -32601), answer  # never an internal error

    try:
        traffic()
        # Still serving, and right: a fresh document's symbols.
        uri = (ROOT / "final" / "go.mod").as_uri()
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "go.mod", "version": 1, "text": TEXT}},
        )
        symbols = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        names = [s["name"] for s in symbols["result"]]
        assert "example.com/m" in json.dumps(names) or names, symbols
        server.request("shutdown", None)
        server.notify("exit", None)
        assert server.proc.wait(TIMEOUT) == 0
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
    server.logging.join(TIMEOUT)
    log = b"".join(server.stderr).decode(errors="replace")
    at = log.find("Traceback")
    assert at < 0, log[max(0, at - 1500) : at + 3000]
    assert runs[0] > EXAMPLES // 2 and answered[0] >= runs[0], (runs, answered)
    print(f"{answered[0]} requests answered in {runs[0]} examples")
